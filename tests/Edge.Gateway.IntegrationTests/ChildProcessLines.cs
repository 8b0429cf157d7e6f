using Edge.TestKit;

namespace Edge.Gateway.IntegrationTests;

/// <summary>Counting repeated log lines of a child process (the second connect, the third failed attempt).</summary>
internal static class ChildProcessLines
{
    /// <summary>Output lines so far that contain <paramref name="fragment"/>.</summary>
    public static int CountLines(this ChildProcess process, string fragment) =>
        process.Lines.Count(l => l.Contains(fragment, StringComparison.Ordinal));

    /// <summary>Waits until <paramref name="count"/> output lines contain <paramref name="fragment"/>, counting those already seen.</summary>
    public static Task WaitForLineCountAsync(this ChildProcess process, string fragment, int count, TimeSpan timeout)
    {
        // ChildProcess tests each line once, in order (past lines first), so a counting predicate counts each once.
        var seen = 0;
        return process.WaitForLineAsync(l => l.Contains(fragment, StringComparison.Ordinal) && ++seen >= count, $"{count} x '{fragment}'", timeout);
    }
}
