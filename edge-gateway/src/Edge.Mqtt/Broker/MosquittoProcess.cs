using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Edge.Mqtt.Broker;

/// <summary>
/// A private Mosquitto broker run as an ordinary child process (<c>mosquitto -c FILE</c>), never the
/// system service: the demo and the tests start one on loopback with their own config. Its log is
/// captured (the config must send it to stderr/stdout, e.g. <c>log_dest stderr</c>) so callers can wait
/// for lines and surface "Outgoing messages are being dropped".
/// </summary>
public sealed class MosquittoProcess : IAsyncDisposable, IDisposable
{
    /// <summary>Where Debian installs the broker.</summary>
    public const string BrokerPath = "/usr/sbin/mosquitto";

    private const string SigHup = "HUP";
    private const string SigTerm = "TERM";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private readonly List<string> _log = [];
    private readonly List<(string Fragment, TaskCompletionSource<string> Signal)> _waiters = [];
    private Process? _process;

    /// <summary>Prepares a broker for <paramref name="configPath"/>; <see cref="StartAsync()"/> starts it.</summary>
    /// <param name="configPath">The mosquitto.conf to run.</param>
    /// <param name="host">Address the config listens on, used to check readiness.</param>
    /// <param name="port">Port the config listens on, used to check readiness; 0 to rely on the log alone.</param>
    public MosquittoProcess(string configPath, string host = "127.0.0.1", int port = 0)
    {
        if (!File.Exists(BrokerPath))
        {
            throw new InvalidOperationException(
                $"{BrokerPath} is not installed. Run ./edge setup (it installs the Debian packages mosquitto, mosquitto-clients and libmosquitto1).");
        }

        if (!File.Exists(configPath))
        {
            throw new FileNotFoundException($"The broker config {configPath} does not exist.", configPath);
        }

        ConfigPath = configPath;
        Host = host;
        Port = port;
    }

    /// <summary>The config file the broker runs.</summary>
    public string ConfigPath { get; }

    /// <summary>The address clients use.</summary>
    public string Host { get; }

    /// <summary>The port clients use; the same across restarts.</summary>
    public int Port { get; }

    /// <summary>True while the broker process runs.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The broker's process id, or 0 when it is not running.</summary>
    public int ProcessId => _process is { HasExited: false } p ? p.Id : 0;

    /// <summary>A snapshot of every log line so far (all runs).</summary>
    public IReadOnlyList<string> LogLines
    {
        get
        {
            lock (_lock)
            {
                return [.. _log];
            }
        }
    }

    /// <summary>Number of log lines so far, to wait for lines logged after this point.</summary>
    public int LogCount
    {
        get
        {
            lock (_lock)
            {
                return _log.Count;
            }
        }
    }

    /// <summary>A free TCP port on 127.0.0.1 (a race with other processes is possible but rare).</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Starts a broker for <paramref name="configPath"/> and waits until it accepts connections.</summary>
    public static async Task<MosquittoProcess> StartAsync(string configPath, string host = "127.0.0.1", int port = 0)
    {
        var broker = new MosquittoProcess(configPath, host, port);
        try
        {
            await broker.StartAsync().ConfigureAwait(false);
            return broker;
        }
        catch
        {
            broker.Dispose();
            throw;
        }
    }

    /// <summary>Starts (or starts again) the broker process and waits until it accepts TCP connections.</summary>
    public async Task StartAsync()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("The broker is already running.");
        }

        var psi = new ProcessStartInfo(BrokerPath)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(ConfigPath);
        // Lines of earlier runs do not count; the position is taken before the process can log.
        var logBefore = LogCount;
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.Exited += (_, _) => exited.TrySetResult();
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _process = process;

        // Ready means mosquitto logged "mosquitto version X running" (its listeners are open) and, when
        // the port is known, accepts a TCP connection. The log line comes first so a port another
        // process took meanwhile is not mistaken for ours: mosquitto then logs "Address already in use"
        // and exits, and that log is in the exception.
        using var cts = new CancellationTokenSource(StartTimeout);
        var running = WaitForLogAsync(" running", StartTimeout, logBefore);
        _ = running.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        var first = await Task.WhenAny(running, exited.Task).ConfigureAwait(false);
        var ready = first == running && running.IsCompletedSuccessfully
            && (Port == 0 || await WaitUntilAcceptingAsync(cts.Token).ConfigureAwait(false));
        if (!ready)
        {
            await cts.CancelAsync().ConfigureAwait(false);
            var code = process.HasExited ? process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none (still running)";
            Kill();
            throw new InvalidOperationException(
                $"mosquitto did not start from {ConfigPath} (exit code {code}). Log:{Environment.NewLine}{string.Join(Environment.NewLine, LogLines)}");
        }
    }

    /// <summary>Waits for a log line containing <paramref name="fragment"/> logged after line <paramref name="after"/>.</summary>
    public Task<string> WaitForLogAsync(string fragment, TimeSpan timeout, int after = 0)
    {
        var signal = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            for (var i = after; i < _log.Count; i++)
            {
                if (_log[i].Contains(fragment, StringComparison.Ordinal))
                {
                    return Task.FromResult(_log[i]);
                }
            }

            _waiters.Add((fragment, signal));
        }

        return WaitOrExplainAsync(signal.Task, timeout, $"a broker log line containing \"{fragment}\"");
    }

    /// <summary>Sends SIGHUP (what <c>systemctl reload mosquitto</c> does) and waits until the broker reloaded.</summary>
    public Task ReloadAsync()
    {
        var after = LogCount;
        Signal(SigHup);
        return WaitForLogAsync("Reloading config", StartTimeout, after);
    }

    /// <summary>Stops the broker with SIGTERM (it saves its persistence file) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        var process = _process;
        if (process is null || process.HasExited)
        {
            return;
        }

        Signal(SigTerm);
        using var cts = new CancellationTokenSource(StopTimeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill();
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

    /// <summary>Kills the broker (SIGKILL: no persistence save) and waits for it to exit.</summary>
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
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<bool> WaitUntilAcceptingAsync(CancellationToken ct)
    {
        // Poll the listener: mosquitto opens it shortly after start; there is no readiness signal
        // that works for every log_dest. A refused connect is retried with a short, growing pause.
        var pause = TimeSpan.FromMilliseconds(10);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(Host, Port, ct).ConfigureAwait(false);
                return true;
            }
            catch (SocketException)
            {
                try
                {
                    await Task.Delay(pause, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return false;
                }

                pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 200));
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        return false;
    }

    // .NET can send SIGKILL (Process.Kill) but no other signal, so SIGTERM and SIGHUP go through kill(1).
    private void Signal(string signal)
    {
        if (_process is not { HasExited: false } p)
        {
            return;
        }

        var psi = new ProcessStartInfo("kill") { UseShellExecute = false, RedirectStandardError = true };
        psi.ArgumentList.Add("-s");
        psi.ArgumentList.Add(signal);
        psi.ArgumentList.Add(p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var kill = Process.Start(psi) ?? throw new InvalidOperationException("Could not run kill(1).");
        var error = kill.StandardError.ReadToEnd();
        kill.WaitForExit();
        if (kill.ExitCode != 0 && !p.HasExited)
        {
            throw new InvalidOperationException($"Could not send SIG{signal} to mosquitto (pid {p.Id}): {error.Trim()}");
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        List<TaskCompletionSource<string>>? hits = null;
        lock (_lock)
        {
            _log.Add(line);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (line.Contains(_waiters[i].Fragment, StringComparison.Ordinal))
                {
                    (hits ??= []).Add(_waiters[i].Signal);
                    _waiters.RemoveAt(i);
                }
            }
        }

        hits?.ForEach(h => h.TrySetResult(line));
    }

    private static async Task<T> WaitOrExplainAsync<T>(Task<T> task, TimeSpan timeout, string what)
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
}
