using System.Diagnostics;
using System.Globalization;
using System.IO.Ports;

namespace Edge.Alerting.Espa;

/// <summary>
/// ESPA over a serial device through <see cref="SerialPort"/> (System.IO.Ports): raw mode, baud, 7 or 8 data bits,
/// parity none/even/odd, 1 or 2 stop bits, no flow control, modem lines ignored. Reads and writes go through the
/// port's stream, which honours cancellation. With <see cref="SerialLineSettings.VerifyFraming"/> the settings the
/// driver really applied are read back with <c>stty -F</c> (System.IO.Ports cannot read them back, and some
/// USB adapters silently refuse 7 data bits) and the open fails if they differ.
/// </summary>
public sealed class SerialEspaTransport : IEspaTransport
{
    private static readonly TimeSpan WriteStall = TimeSpan.FromSeconds(5);

    private readonly SerialLineSettings _settings;
    private SerialPort? _port;
    private Stream? _stream;

    /// <summary>A transport for the device and line settings given (not yet opened).</summary>
    public SerialEspaTransport(SerialLineSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        Description = $"{settings.DevicePath} {settings}";
    }

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public ValueTask OpenAsync(CancellationToken cancellationToken)
    {
        Close();
        if (!SerialLineSettings.SupportedBaudRates.Contains(_settings.BaudRate))
        {
            throw new ArgumentException($"baud rate {_settings.BaudRate} is not supported");
        }

        if (!File.Exists(_settings.DevicePath))
        {
            throw new IOException($"cannot open {_settings.DevicePath}: No such file or directory");
        }

        var port = new SerialPort(_settings.DevicePath, _settings.BaudRate, ToParity(_settings.Parity), _settings.DataBits, _settings.StopBits == 2 ? StopBits.Two : StopBits.One)
        {
            Handshake = Handshake.None,
            DtrEnable = false,
            RtsEnable = false,
        };
        try
        {
            port.Open();
            if (_settings.VerifyFraming)
            {
                var applied = ReadApplied(_settings.DevicePath);
                if (applied.BaudRate != _settings.BaudRate || applied.DataBits != _settings.DataBits || applied.Parity != _settings.Parity || applied.StopBits != _settings.StopBits)
                {
                    throw new IOException($"{_settings.DevicePath} did not accept {_settings}: the driver applied {applied}; check the adapter supports this framing");
                }
            }
        }
        catch (Exception e) when (e is UnauthorizedAccessException or ArgumentException or InvalidOperationException or IOException)
        {
            port.Dispose();
            throw e is IOException io && io.Message.StartsWith(_settings.DevicePath, StringComparison.Ordinal) ? io : new IOException($"cannot open {_settings.DevicePath}: {e.Message}", e);
        }

        _port = port;
        _stream = port.BaseStream;
        return ValueTask.CompletedTask;
    }

    /// <summary>Reads the line settings back from the device (with <c>stty -F</c>), to show what the driver applied.</summary>
    public SerialLineSettings ReadAppliedSettings() =>
        _port is { IsOpen: true } ? ReadApplied(_settings.DevicePath) : throw new InvalidOperationException("the device is not open");

    /// <inheritdoc />
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var stream = _stream ?? throw new IOException($"{_settings.DevicePath} is not open");

        // A slow baud rate drains the output slowly; a line that takes nothing for seconds is broken.
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stall.CancelAfter(WriteStall);
        try
        {
            await stream.WriteAsync(data, stall.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"write to {_settings.DevicePath} stalled for {WriteStall.TotalSeconds:F0} s");
        }
    }

    /// <inheritdoc />
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var stream = _stream ?? throw new IOException($"{_settings.DevicePath} is not open");
        return await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }

    /// <summary>Parses <c>stty -a</c> output ("speed 9600 baud; ... cs7 ... parenb -parodd ... cstopb").</summary>
    internal static SerialLineSettings ParseStty(string devicePath, string stty)
    {
        var words = stty.Split([' ', ';', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries);
        var speed = Array.IndexOf(words, "speed");
        var baud = speed >= 0 && speed + 1 < words.Length && int.TryParse(words[speed + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var b) ? b : 0;
        bool Has(string flag) => words.Contains(flag);
        return new SerialLineSettings
        {
            DevicePath = devicePath,
            BaudRate = baud,
            DataBits = Has("cs8") ? 8 : Has("cs7") ? 7 : Has("cs6") ? 6 : Has("cs5") ? 5 : 0,
            Parity = !Has("parenb") ? SerialParity.None : Has("parodd") ? SerialParity.Odd : SerialParity.Even,
            StopBits = Has("cstopb") ? 2 : 1,
        };
    }

    private static SerialLineSettings ReadApplied(string devicePath) => ParseStty(devicePath, Stty(devicePath));

    private static string Stty(string devicePath)
    {
        var psi = new ProcessStartInfo("stty", ["-F", devicePath, "-a"]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(psi) ?? throw new IOException("cannot run stty to read the serial settings back");
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0 ? output : throw new IOException($"stty -F {devicePath}: {error.Trim()}");
    }

    private static Parity ToParity(SerialParity parity) => parity switch
    {
        SerialParity.Even => Parity.Even,
        SerialParity.Odd => Parity.Odd,
        _ => Parity.None,
    };

    private void Close()
    {
        var port = _port;
        _port = null;
        _stream = null;
        port?.Dispose();
    }
}
