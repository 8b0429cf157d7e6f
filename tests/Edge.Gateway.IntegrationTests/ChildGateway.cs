using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Edge.Gateway.IntegrationTests;

/// <summary>
/// The gateway as a real child process (<c>dotnet Edge.Gateway.dll --config FILE</c>), so a test can
/// kill it with SIGKILL. Its console log is captured line by line; tests wait on lines.
/// </summary>
internal sealed class ChildGateway : IDisposable
{
    private readonly Process _process;
    private readonly Lock _lock = new();
    private readonly List<string> _lines = [];
    private readonly List<(string Fragment, TaskCompletionSource<string> Signal)> _waiters = [];

    private ChildGateway(Process process)
    {
        _process = process;
    }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lock)
            {
                return [.. _lines];
            }
        }
    }

    public static ChildGateway Start(string configFile)
    {
        var dll = typeof(GatewayHost).Assembly.Location;
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(configFile)!,
        };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add("--config");
        psi.ArgumentList.Add(configFile);
        psi.Environment["DOTNET_ENVIRONMENT"] = "Production";
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the gateway");
        var child = new ChildGateway(process);
        process.OutputDataReceived += (_, e) => child.Add(e.Data);
        process.ErrorDataReceived += (_, e) => child.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for a log line containing <paramref name="fragment"/> (seen before or after the call).</summary>
    public Task<string> WaitForLineAsync(string fragment, TimeSpan timeout, int skip = 0)
    {
        var signal = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            var seen = _lines.Where(l => l.Contains(fragment, StringComparison.Ordinal)).Skip(skip).FirstOrDefault();
            if (seen is not null)
            {
                return Task.FromResult(seen);
            }

            if (skip == 0)
            {
                _waiters.Add((fragment, signal));
            }
            else
            {
                throw new NotSupportedException("skip > 0 only for lines already seen");
            }
        }

        return signal.Task.WaitAsync(timeout).ContinueWith(
            t => t.IsCompletedSuccessfully ? t.Result : throw new TimeoutException($"No log line with '{fragment}' within {timeout}. Log:\n{string.Join("\n", Lines)}"),
            TaskScheduler.Default);
    }

    /// <summary>SIGKILL: no shutdown, no flush, no goodbye.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            _lines.Add(line);
            foreach (var w in _waiters.Where(w => line.Contains(w.Fragment, StringComparison.Ordinal)).ToList())
            {
                w.Signal.TrySetResult(line);
                _waiters.Remove(w);
            }
        }
    }
}
