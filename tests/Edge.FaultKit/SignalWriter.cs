using System.Diagnostics;

namespace Edge.FaultKit;

/// <summary>A log writer (e.g. the simulator's) that signals when a line containing a fragment is written, with the time it was.</summary>
public sealed class SignalWriter : StringWriter
{
    private readonly Lock _lock = new();
    private readonly List<(string Fragment, TaskCompletionSource<long> Signal)> _waits = [];
    private readonly List<(string Line, long At)> _lines = [];

    /// <summary>Completes with the <see cref="Stopwatch.GetTimestamp"/> of the first line containing <paramref name="fragment"/> (before or after the call).</summary>
    public Task<long> WhenLogged(string fragment)
    {
        lock (_lock)
        {
            foreach (var (line, at) in _lines)
            {
                if (line.Contains(fragment, StringComparison.Ordinal))
                {
                    return Task.FromResult(at);
                }
            }

            var tcs = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waits.Add((fragment, tcs));
            return tcs.Task;
        }
    }

    public override void WriteLine(string? value)
    {
        var at = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            base.WriteLine(value);
            _lines.Add((value ?? "", at));
            foreach (var w in _waits.Where(w => value?.Contains(w.Fragment, StringComparison.Ordinal) == true).ToList())
            {
                w.Signal.TrySetResult(at);
                _waits.Remove(w);
            }
        }
    }
}
