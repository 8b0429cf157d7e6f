using System.Diagnostics;
using Edge.Provisioning.Files;

namespace Edge.Provisioning.IntegrationTests;

/// <summary>
/// The real Mosquitto started with a configuration file written by the CLI (<c>mosquitto -c FILE</c>),
/// as an ordinary child process, never the system service. Its log goes to stderr (the generated
/// config says so) and is captured. Edge.TestKit's MosquittoBroker writes its own config, which is
/// exactly what these tests must not do.
/// </summary>
internal sealed class SiteBroker : IDisposable
{
    private const string BrokerPath = "/usr/sbin/mosquitto";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly Process _process;
    private readonly Lock _lock = new();
    private readonly List<string> _log = [];
    private readonly List<(string Fragment, int After, TaskCompletionSource Signal)> _waiters = [];

    private SiteBroker(Process process) => _process = process;

    public int Pid => _process.Id;

    public IReadOnlyList<string> Log
    {
        get
        {
            lock (_lock)
            {
                return [.. _log];
            }
        }
    }

    public static async Task<SiteBroker> StartAsync(string configPath)
    {
        if (!File.Exists(BrokerPath))
        {
            throw new InvalidOperationException($"{BrokerPath} is missing: run ./edge setup (Debian package mosquitto).");
        }

        var psi = new ProcessStartInfo(BrokerPath) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(configPath);
        var broker = new SiteBroker(new Process { StartInfo = psi });
        broker._process.ErrorDataReceived += (_, e) => broker.OnLine(e.Data);
        broker._process.OutputDataReceived += (_, e) => broker.OnLine(e.Data);
        broker._process.Start();
        broker._process.BeginErrorReadLine();
        broker._process.BeginOutputReadLine();
        Task running = broker.WaitForLogAsync("mosquitto version", " running", 0);
        Task exited = broker._process.WaitForExitAsync();
        Task first = await Task.WhenAny(running, exited, Task.Delay(Timeout));
        if (first != running)
        {
            broker.Dispose();
            throw new InvalidOperationException($"mosquitto did not start from {configPath}. Log:{Environment.NewLine}{string.Join(Environment.NewLine, broker.Log)}");
        }

        return broker;
    }

    /// <summary>Number of log lines so far (to wait for lines logged after this point).</summary>
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

    /// <summary>Waits for the broker to log that it reloaded, after log line <paramref name="after"/>.</summary>
    public Task WaitForReloadAsync(int after) => WaitForLogAsync("Reloading config.", "", after).WaitAsync(Timeout);

    /// <summary>Sends SIGHUP itself (what systemctl reload mosquitto does) and waits until the broker reloaded.</summary>
    public Task ReloadAsync()
    {
        int after = LogCount;
        UnixFiles.SendHangup(Pid);
        return WaitForReloadAsync(after);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private Task WaitForLogAsync(string fragment, string alsoContains, int after)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string key = fragment + "\u0000" + alsoContains;
        lock (_lock)
        {
            for (int i = after; i < _log.Count; i++)
            {
                if (Matches(_log[i], key))
                {
                    return Task.CompletedTask;
                }
            }

            _waiters.Add((key, after, signal));
        }

        return signal.Task;
    }

    private static bool Matches(string line, string key)
    {
        string[] parts = key.Split('\u0000');
        return line.Contains(parts[0], StringComparison.Ordinal) && line.Contains(parts[1], StringComparison.Ordinal);
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        var hits = new List<TaskCompletionSource>();
        lock (_lock)
        {
            _log.Add(line);
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (Matches(line, _waiters[i].Fragment))
                {
                    hits.Add(_waiters[i].Signal);
                    _waiters.RemoveAt(i);
                }
            }
        }

        hits.ForEach(h => h.TrySetResult());
    }
}
