using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Edge.TestKit;

/// <summary>
/// A real child process (<c>dotnet X.dll ...</c> or any program) whose stdout and stderr are captured line by line,
/// so a test can wait on lines, freeze it (SIGSTOP), thaw it (SIGCONT) or kill it with SIGKILL.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly Lock _lock = new();
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Signal)> _waiters = [];
    private readonly List<bool> _fromStandardError = [];
    private readonly List<Action<string, bool>> _observers = [];

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

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

    /// <summary>Starts <c>dotnet <paramref name="dll"/> args</c>.</summary>
    public static ChildProcess StartDotnet(string dll, IEnumerable<string> args, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null) =>
        Start("dotnet", [dll, .. args], workingDirectory, environment, Path.GetFileNameWithoutExtension(dll));

    /// <summary>Starts a program with its output captured.</summary>
    public static ChildProcess Start(string program, IEnumerable<string> args, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null, string? name = null)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {program}");
        var child = new ChildProcess(process, name ?? program);
        process.OutputDataReceived += (_, e) => child.Add(e.Data, fromStandardError: false);
        process.ErrorDataReceived += (_, e) => child.Add(e.Data, fromStandardError: true);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for a line containing <paramref name="fragment"/> (seen before or after the call).</summary>
    public Task<string> WaitForLineAsync(string fragment, TimeSpan timeout) =>
        WaitForLineAsync(l => l.Contains(fragment, StringComparison.Ordinal), $"'{fragment}'", timeout);

    /// <summary>Waits for a line matching <paramref name="match"/> (seen before or after the call).</summary>
    public Task<string> WaitForLineAsync(Func<string, bool> match, string what, TimeSpan timeout)
    {
        var signal = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            var seen = _lines.FirstOrDefault(match);
            if (seen is not null)
            {
                return Task.FromResult(seen);
            }

            _waiters.Add((match, signal));
        }

        return signal.Task.WaitAsync(timeout).ContinueWith(
            t => t.IsCompletedSuccessfully ? t.Result : throw new TimeoutException($"{Name}: no line with {what} within {timeout}. Output:\n{string.Join("\n", Lines)}"),
            TaskScheduler.Default);
    }

    /// <summary>Output lines so far that contain <paramref name="fragment"/>.</summary>
    public int CountLines(string fragment) => Lines.Count(l => l.Contains(fragment, StringComparison.Ordinal));

    /// <summary>Waits until <paramref name="count"/> output lines contain <paramref name="fragment"/>, counting those already seen.</summary>
    public Task<string> WaitForLineCountAsync(string fragment, int count, TimeSpan timeout)
    {
        // Each line is tested once, in order (past lines first), so a counting predicate counts each once.
        var seen = 0;
        return WaitForLineAsync(l => l.Contains(fragment, StringComparison.Ordinal) && ++seen >= count, $"{count} x '{fragment}'", timeout);
    }

    /// <summary>
    /// Calls <paramref name="observer"/> with every output line and whether it came from standard error: the lines
    /// seen so far at once, then each new one as it arrives (under the capture's lock, so it must be quick and must not
    /// call back into this object). Each stream's lines come in their order; the two streams are read independently.
    /// </summary>
    public void Observe(Action<string, bool> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        lock (_lock)
        {
            for (var i = 0; i < _lines.Count; i++)
            {
                observer(_lines[i], _fromStandardError[i]);
            }

            _observers.Add(observer);
        }
    }

    /// <summary>Writes a line to the process's standard input.</summary>
    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>SIGSTOP: the process is frozen (a hung peer); its sockets stay open.</summary>
    public Task FreezeAsync() => SignalAsync("STOP");

    /// <summary>SIGCONT.</summary>
    public Task ThawAsync() => SignalAsync("CONT");

    /// <summary>Sends a signal with kill(1).</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {Id} failed with {kill.ExitCode}");
        }
    }

    /// <summary>SIGKILL: no shutdown, no flush, no goodbye.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    /// <summary>Waits for the process to end by itself.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        _process.WaitForExit(); // drains the output readers
        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _ = SignalAsync("CONT").Wait(TimeSpan.FromSeconds(5)); // a frozen process cannot die of SIGKILL's cleanup otherwise
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    /// <summary>A free TCP port on loopback.</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private void Add(string? line, bool fromStandardError)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            _lines.Add(line);
            _fromStandardError.Add(fromStandardError);
            foreach (var observer in _observers)
            {
                observer(line, fromStandardError);
            }

            foreach (var w in _waiters.Where(w => w.Match(line)).ToList())
            {
                w.Signal.TrySetResult(line);
                _waiters.Remove(w);
            }
        }
    }
}
