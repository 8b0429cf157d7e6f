using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Edge.TestKit;

/// <summary>Settings for a private test broker.</summary>
public sealed class MosquittoBrokerOptions
{
    /// <summary>
    /// Config lines written after the <c>listener</c> line, e.g. TLS (<c>cafile</c>, <c>certfile</c>,
    /// <c>keyfile</c>, <c>require_certificate</c>), <c>password_file</c>, <c>acl_file</c>,
    /// <c>max_queued_messages</c>, <c>max_inflight_messages</c>.
    /// </summary>
    public IList<string> ExtraConfig { get; } = [];

    /// <summary>Allow clients without credentials (false when a password file is used).</summary>
    public bool AllowAnonymous { get; set; } = true;

    /// <summary>
    /// Also log per-message debug lines. Off by default: a burst test would write a line per packet.
    /// </summary>
    public bool DebugLog { get; set; }
}

/// <summary>
/// A private Mosquitto broker for tests: <c>/usr/sbin/mosquitto -c &lt;generated conf&gt;</c> on 127.0.0.1 with
/// a free port, its own persistence folder, and its log captured so tests can assert on lines such as
/// "Outgoing messages are being dropped". Never the system service. The process is killed on dispose.
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable, IDisposable
{
    /// <summary>Where Debian installs the broker.</summary>
    public const string BrokerPath = "/usr/sbin/mosquitto";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly Lock _logLock = new();
    private readonly List<string> _log = [];
    private readonly List<(string Fragment, TaskCompletionSource<string> Signal)> _waiters = [];
    private readonly TempDirectory _dir;
    private readonly MosquittoBrokerOptions _options;
    private Process? _process;
    private TaskCompletionSource<bool>? _running;

    private MosquittoBroker(MosquittoBrokerOptions options)
    {
        if (!File.Exists(BrokerPath))
        {
            throw new InvalidOperationException(
                $"{BrokerPath} is not installed. Run ./edge setup (it installs the Debian packages mosquitto, mosquitto-clients and libmosquitto1).");
        }

        _options = options;
        _dir = new TempDirectory("edge-mosquitto");
        Port = FreePort();
        ConfigPath = _dir.File("mosquitto.conf");
        DataDirectory = Directory.CreateDirectory(_dir.File("data")).FullName;
        File.WriteAllText(ConfigPath, BuildConfig());
    }

    /// <summary>Always 127.0.0.1.</summary>
    public string Host => "127.0.0.1";

    /// <summary>The port; the same across restarts.</summary>
    public int Port { get; }

    /// <summary>The generated config file.</summary>
    public string ConfigPath { get; }

    /// <summary>The persistence folder (kept across restarts).</summary>
    public string DataDirectory { get; }

    /// <summary>A temp folder owned by this broker, deleted on dispose (for password files, certificates ...).</summary>
    public string WorkDirectory => _dir.Path;

    /// <summary>True while the broker process runs.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>A snapshot of every log line so far (all runs).</summary>
    public IReadOnlyList<string> LogLines
    {
        get
        {
            lock (_logLock)
            {
                return [.. _log];
            }
        }
    }

    /// <summary>Starts a broker and waits until it accepts TCP connections.</summary>
    public static async Task<MosquittoBroker> StartAsync(MosquittoBrokerOptions? options = null)
    {
        var broker = Create(options);
        try
        {
            await broker.StartAsync().ConfigureAwait(false);
            return broker;
        }
        catch
        {
            await broker.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Reserves a port and writes the config without starting the broker, e.g. to test a client that
    /// starts connecting while the broker is down. Call <see cref="StartAsync()"/> later.
    /// </summary>
    public static MosquittoBroker Create(MosquittoBrokerOptions? options = null) => new(options ?? new MosquittoBrokerOptions());

    /// <summary>True when any log line contains <paramref name="fragment"/>.</summary>
    public bool LogContains(string fragment) => LogLines.Any(l => l.Contains(fragment, StringComparison.Ordinal));

    /// <summary>Waits for a log line containing <paramref name="fragment"/> (already logged lines count).</summary>
    public Task<string> WaitForLogAsync(string fragment, TimeSpan timeout)
    {
        var signal = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_logLock)
        {
            var existing = _log.FirstOrDefault(l => l.Contains(fragment, StringComparison.Ordinal));
            if (existing is not null)
            {
                return Task.FromResult(existing);
            }

            _waiters.Add((fragment, signal));
        }

        return WaitOrExplain(signal.Task, timeout, $"log line containing \"{fragment}\"");
    }

    /// <summary>Starts the broker process (again) on the same port and waits until it accepts connections.</summary>
    public async Task StartAsync()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("The broker is already running.");
        }

        var running = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        _running = running;
        var psi = new ProcessStartInfo(BrokerPath)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(ConfigPath);
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.Exited += (_, _) => running.TrySetResult(false);
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _process = process;

        // "running" is logged after the listeners are open; an early exit fails at once with the log.
        var ok = await WaitOrExplain(running.Task, StartTimeout, "the broker to report \"running\"").ConfigureAwait(false);
        if (!ok)
        {
            await process.WaitForExitAsync().ConfigureAwait(false);
            throw new InvalidOperationException(
                $"mosquitto exited with code {process.ExitCode} during start-up. Log:{Environment.NewLine}{string.Join(Environment.NewLine, LogLines)}");
        }

        using var client = new TcpClient();
        using var cts = new CancellationTokenSource(StartTimeout);
        await client.ConnectAsync(IPAddress.Loopback, Port, cts.Token).ConfigureAwait(false);
    }

    /// <summary>Stops the broker with SIGTERM (it saves its persistence file) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        var process = _process;
        if (process is null || process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync().ConfigureAwait(false);
        }

        using var cts = new CancellationTokenSource(StopTimeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new InvalidOperationException($"mosquitto did not stop within {StopTimeout} after SIGTERM; killed it.");
        }

        process.Dispose();
        _process = null;
    }

    /// <summary>Stops and starts the broker on the same port, keeping its persistence.</summary>
    public async Task RestartAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await StartAsync().ConfigureAwait(false);
    }

    /// <summary>Kills the broker (SIGKILL: no persistence save), without waiting for a clean stop.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill();
            p.WaitForExit();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Kill();
        _process?.Dispose();
        _process = null;
        _dir.Dispose();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static async Task<T> WaitOrExplain<T>(Task<T> task, TimeSpan timeout, string what)
    {
        try
        {
            return await task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out after {timeout} waiting for {what}.");
        }
    }

    private string BuildConfig()
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Generated by Edge.TestKit.MosquittoBroker: a private test broker, never the system service.");
        sb.AppendLine(CultureInfo.InvariantCulture, $"listener {Port} 127.0.0.1");
        sb.AppendLine(CultureInfo.InvariantCulture, $"allow_anonymous {(_options.AllowAnonymous ? "true" : "false")}");
        sb.AppendLine("persistence true");
        sb.AppendLine(CultureInfo.InvariantCulture, $"persistence_location {DataDirectory}/");
        // Started as root, mosquitto 2.0 switches to the user "mosquitto", which cannot read our temp files.
        sb.AppendLine(CultureInfo.InvariantCulture, $"user {Environment.UserName}");
        sb.AppendLine("log_dest stderr");
        foreach (var type in _options.DebugLog ? ["all"] : new[] { "error", "warning", "notice", "information" })
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"log_type {type}");
        }

        sb.AppendLine("connection_messages true");
        foreach (var line in _options.ExtraConfig)
        {
            sb.AppendLine(line);
        }

        return sb.ToString();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        List<TaskCompletionSource<string>>? hit = null;
        lock (_logLock)
        {
            _log.Add(line);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (line.Contains(_waiters[i].Fragment, StringComparison.Ordinal))
                {
                    (hit ??= []).Add(_waiters[i].Signal);
                    _waiters.RemoveAt(i);
                }
            }
        }

        if (line.Contains(" running", StringComparison.Ordinal) && line.Contains("mosquitto version", StringComparison.Ordinal))
        {
            _running?.TrySetResult(true);
        }

        hit?.ForEach(s => s.TrySetResult(line));
    }
}
