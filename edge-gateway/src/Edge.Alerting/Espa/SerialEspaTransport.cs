using System.Runtime.InteropServices;
using System.Threading.Channels;
using static Edge.Alerting.Espa.Termios;

namespace Edge.Alerting.Espa;

/// <summary>
/// ESPA over a serial device, configured with termios: raw mode, baud, 7 or 8 data bits, parity none/even/odd,
/// 1 or 2 stop bits, no flow control, modem lines ignored (CLOCAL). A reader thread waits in poll() and hands
/// bytes to <see cref="ReadAsync"/>, so reads can be cancelled and the device closed promptly.
/// </summary>
public sealed class SerialEspaTransport : IEspaTransport
{
    private readonly SerialLineSettings _settings;
    private readonly object _gate = new();
    private int _fd = -1;
    private Thread? _reader;
    private volatile bool _stopping;
    private Channel<byte[]> _received = Channel.CreateUnbounded<byte[]>();
    private ReadOnlyMemory<byte> _pending;

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
        CloseDevice();
        if (!BaudCodes.TryGetValue(_settings.BaudRate, out var baud))
        {
            throw new ArgumentException($"baud rate {_settings.BaudRate} is not supported");
        }

        var fd = Open(_settings.DevicePath, ORdWr | ONoCtty | ONonBlock);
        if (fd < 0)
        {
            throw new IOException($"cannot open {_settings.DevicePath}: {ErrorText(Marshal.GetLastPInvokeError())}");
        }

        try
        {
            Configure(fd, baud);
        }
        catch
        {
            _ = Close(fd);
            throw;
        }

        lock (_gate)
        {
            _fd = fd;
            _stopping = false;
            _received = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
            _pending = ReadOnlyMemory<byte>.Empty;
            _reader = new Thread(ReaderLoop) { IsBackground = true, Name = $"espa-serial {_settings.DevicePath}" };
            _reader.Start((fd, _received.Writer));
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Reads the line settings back from the device with tcgetattr, to show what the driver applied.</summary>
    public unsafe SerialLineSettings ReadAppliedSettings()
    {
        var fd = _fd;
        if (fd < 0)
        {
            throw new InvalidOperationException("the device is not open");
        }

        TermiosStruct t;
        if (TcGetAttr(fd, &t) != 0)
        {
            throw new IOException($"tcgetattr on {_settings.DevicePath}: {ErrorText(Marshal.GetLastPInvokeError())}");
        }

        var code = CfGetOSpeed(&t);
        var baud = BaudCodes.FirstOrDefault(kv => kv.Value == code).Key;
        return new SerialLineSettings
        {
            DevicePath = _settings.DevicePath,
            BaudRate = baud,
            DataBits = (t.CCflag & CSize) == Cs8 ? 8 : (t.CCflag & CSize) == Cs7 ? 7 : 0,
            Parity = (t.CCflag & ParEnb) == 0 ? SerialParity.None : (t.CCflag & ParOdd) != 0 ? SerialParity.Odd : SerialParity.Even,
            StopBits = (t.CCflag & CStopB) != 0 ? 2 : 1,
        };
    }

    /// <inheritdoc />
    public unsafe ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var fd = _fd;
        if (fd < 0)
        {
            throw new IOException($"{_settings.DevicePath} is not open");
        }

        fixed (byte* start = data.Span)
        {
            var offset = 0;
            while (offset < data.Length)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var n = Write(fd, start + offset, data.Length - offset);
                if (n >= 0)
                {
                    offset += (int)n;
                    continue;
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno == EIntr)
                {
                    continue;
                }

                if (errno != EAgain)
                {
                    throw new IOException($"write to {_settings.DevicePath}: {ErrorText(errno)}");
                }

                // Output buffer full (slow baud rate): wait until the driver drains it.
                var pfd = new PollFd { Fd = fd, Events = PollOut };
                if (Poll(&pfd, 1, 5000) == 0)
                {
                    throw new IOException($"write to {_settings.DevicePath} stalled for 5 s");
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_pending.IsEmpty)
        {
            try
            {
                _pending = await _received.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException e) when (e.InnerException is null)
            {
                return 0;
            }
        }

        var n = Math.Min(buffer.Length, _pending.Length);
        _pending[..n].CopyTo(buffer);
        _pending = _pending[n..];
        return n;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        CloseDevice();
        return ValueTask.CompletedTask;
    }

    private unsafe void Configure(int fd, uint baud)
    {
        TermiosStruct t;
        if (TcGetAttr(fd, &t) != 0)
        {
            throw new IOException($"{_settings.DevicePath} is not a terminal device: {ErrorText(Marshal.GetLastPInvokeError())}");
        }

        ApplyFraming(ref t, _settings);
        t.CCc[VMin] = 0;
        t.CCc[VTime] = 0;
        if (CfSetISpeed(&t, baud) != 0 || CfSetOSpeed(&t, baud) != 0)
        {
            throw new IOException($"cannot set {_settings.BaudRate} baud on {_settings.DevicePath}: {ErrorText(Marshal.GetLastPInvokeError())}");
        }

        if (TcSetAttr(fd, TcsaNow, &t) != 0)
        {
            throw new IOException($"tcsetattr on {_settings.DevicePath}: {ErrorText(Marshal.GetLastPInvokeError())}");
        }

        // tcsetattr succeeds if any one change was applied; check that all of them were.
        TermiosStruct back;
        if (TcGetAttr(fd, &back) != 0)
        {
            throw new IOException($"tcgetattr on {_settings.DevicePath}: {ErrorText(Marshal.GetLastPInvokeError())}");
        }

        const uint Framing = CSize | ParEnb | ParOdd | CStopB;
        if (_settings.VerifyFraming && ((back.CCflag & Framing) != (t.CCflag & Framing) || CfGetOSpeed(&back) != baud))
        {
            throw new IOException($"{_settings.DevicePath} did not accept {_settings}: the driver applied cflag 0x{back.CCflag:X} (wanted 0x{t.CCflag:X}); check the adapter supports this framing");
        }

        _ = TcFlush(fd, TciOFlush);
    }

    /// <summary>Raw mode (as cfmakeraw) plus the framing bits; kept separate so the bit pattern can be unit-tested.</summary>
    internal static void ApplyFraming(ref TermiosStruct t, SerialLineSettings settings)
    {
        t.CIflag &= ~(IgnBrk | BrkInt | ParMrk | IStrip | InlCr | IgnCr | ICrNl | IXon | IXoff | IXany | InPck | IgnPar);
        t.COflag &= ~OPost;
        t.CLflag &= ~(Echo | EchoNl | EchoE | EchoK | ICanon | ISig | IExten);
        t.CCflag &= ~(CSize | ParEnb | ParOdd | CStopB | CRtsCts | HupCl);
        t.CCflag |= CRead | CLocal;
        t.CCflag |= settings.DataBits == 7 ? Cs7 : Cs8;
        if (settings.Parity != SerialParity.None)
        {
            t.CCflag |= ParEnb;
            t.CIflag |= InPck | IgnPar; // drop characters with a parity error; the BCC then catches the block
            if (settings.Parity == SerialParity.Odd)
            {
                t.CCflag |= ParOdd;
            }
        }

        if (settings.StopBits == 2)
        {
            t.CCflag |= CStopB;
        }
    }

    private unsafe void ReaderLoop(object? state)
    {
        var (fd, writer) = ((int, ChannelWriter<byte[]>))state!;
        var buffer = new byte[512];
        Exception? failure = null;
        try
        {
            while (!_stopping)
            {
                var pfd = new PollFd { Fd = fd, Events = PollIn };
                var r = Poll(&pfd, 1, 100);
                if (r < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == EIntr)
                    {
                        continue;
                    }

                    failure = new IOException($"poll on {_settings.DevicePath}: {ErrorText(errno)}");
                    return;
                }

                if (r == 0)
                {
                    continue;
                }

                if ((pfd.Revents & PollIn) != 0)
                {
                    nint n;
                    fixed (byte* p = buffer)
                    {
                        n = Read(fd, p, buffer.Length);
                    }

                    if (n > 0)
                    {
                        writer.TryWrite(buffer.AsSpan(0, (int)n).ToArray());
                        continue;
                    }

                    if (n < 0)
                    {
                        var errno = Marshal.GetLastPInvokeError();
                        if (errno is EAgain or EIntr)
                        {
                            continue;
                        }

                        failure = new IOException($"read from {_settings.DevicePath}: {ErrorText(errno)}");
                        return;
                    }
                }

                if ((pfd.Revents & (PollHup | PollErr | PollNval)) != 0)
                {
                    failure = new IOException($"{_settings.DevicePath} hung up");
                    return;
                }
            }
        }
        finally
        {
            writer.TryComplete(_stopping ? null : failure ?? new IOException($"{_settings.DevicePath} closed"));
        }
    }

    private void CloseDevice()
    {
        int fd;
        Thread? reader;
        lock (_gate)
        {
            fd = _fd;
            reader = _reader;
            _fd = -1;
            _reader = null;
            _stopping = true;
        }

        reader?.Join(TimeSpan.FromSeconds(1));
        if (fd >= 0)
        {
            _ = Close(fd);
        }
    }
}
