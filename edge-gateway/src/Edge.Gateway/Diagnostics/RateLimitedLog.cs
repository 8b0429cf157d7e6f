using System.Collections.Concurrent;

namespace Edge.Gateway.Diagnostics;

/// <summary>
/// Decides whether a repeated log line (same key, e.g. device + reason) may be written now, at most
/// once per interval, and how many were suppressed since the last one. Bounded: when more than
/// <see cref="MaxKeys"/> keys are tracked, the table is cleared (a flood of distinct keys then logs
/// a little more, never grows memory).
/// </summary>
internal sealed class RateLimitedLog(TimeProvider time, TimeSpan interval)
{
    public const int MaxKeys = 4096;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>True when the caller should log now; <paramref name="suppressed"/> is how many were skipped since.</summary>
    public bool ShouldLog(string key, out long suppressed)
    {
        var now = time.GetUtcNow();
        if (_entries.Count > MaxKeys)
        {
            _entries.Clear();
        }

        var entry = _entries.GetOrAdd(key, static _ => new Entry());
        lock (entry)
        {
            if (entry.LastLogged is { } last && now - last < interval)
            {
                entry.Suppressed++;
                suppressed = 0;
                return false;
            }

            suppressed = entry.Suppressed;
            entry.Suppressed = 0;
            entry.LastLogged = now;
            return true;
        }
    }

    private sealed class Entry
    {
        public DateTimeOffset? LastLogged { get; set; }

        public long Suppressed { get; set; }
    }
}
