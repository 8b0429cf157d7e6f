namespace Edge.TestKit;

/// <summary>Task exceptions nobody observed, reported by the runtime when the task is finalized.</summary>
internal static class UnobservedTaskExceptions
{
    private static readonly Lock Gate = new();
    private static readonly List<(long Sequence, Exception Exception)> Seen = [];
    private static long _sequence;
    private static bool _subscribed;

    /// <summary>Where the exceptions of a new environment start (subscribing once per process, with the first).</summary>
    public static long Mark()
    {
        lock (Gate)
        {
            if (!_subscribed)
            {
                TaskScheduler.UnobservedTaskException += OnUnobserved;
                _subscribed = true;
            }

            return _sequence;
        }
    }

    /// <summary>Finalizes what is garbage now, so a lost faulted task reports itself before the test ends.</summary>
    public static void Flush()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    private static void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e)
    {
        lock (Gate)
        {
            Seen.Add((++_sequence, e.Exception));
        }

        e.SetObserved();
    }

    /// <summary>The exceptions reported since <paramref name="mark"/> that no other environment has reported yet.</summary>
    public static IReadOnlyList<Exception> Claim(long mark)
    {
        lock (Gate)
        {
            var mine = Seen.Where(s => s.Sequence > mark).ToList();
            Seen.RemoveAll(s => s.Sequence > mark);
            return [.. mine.Select(s => s.Exception)];
        }
    }
}
