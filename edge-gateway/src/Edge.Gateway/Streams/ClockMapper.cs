namespace Edge.Gateway.Streams;

/// <summary>
/// Maps a device's clock (µs since boot) to the gateway's clock. Each batch gives one observation
/// <c>offset = arrival − device time of its last sample</c>. Network and broker delay only ever make
/// a batch later, never earlier, so the smallest offset over a recent window is the best estimate
/// (robust to jitter and to batches held up in queues); the window keeps it tracking clock drift.
/// Memory is one fixed ring per device.
/// </summary>
internal sealed class ClockMapper(int window)
{
    private readonly long[] _offsets = new long[Math.Max(1, window)];
    private int _count;
    private int _next;
    private long _estimate;

    /// <summary>True once at least one observation was made since the last reset.</summary>
    public bool HasEstimate => _count > 0;

    /// <summary>Current offset estimate in µs (gateway Unix µs − device µs).</summary>
    public long OffsetUs => _estimate;

    /// <summary>Adds an observation: a device timestamp and the gateway time the message carrying it arrived.</summary>
    public void Observe(long deviceUs, DateTimeOffset arrival)
    {
        var offset = ToUnixUs(arrival) - deviceUs;
        var evicted = _count == _offsets.Length ? _offsets[_next] : long.MaxValue;
        _offsets[_next] = offset;
        _next = (_next + 1) % _offsets.Length;
        if (_count < _offsets.Length)
        {
            _count++;
        }

        if (_count == 1 || offset <= _estimate)
        {
            _estimate = offset;
        }
        else if (evicted == _estimate)
        {
            // The minimum left the window: rescan (window is small and this is rare).
            var min = long.MaxValue;
            for (var i = 0; i < _count; i++)
            {
                min = Math.Min(min, _offsets[i]);
            }

            _estimate = min;
        }
    }

    /// <summary>Gateway time of a device timestamp; <paramref name="fallback"/> when there is no estimate yet.</summary>
    public DateTimeOffset ToGatewayTime(long deviceUs, DateTimeOffset fallback) =>
        HasEstimate ? FromUnixUs(deviceUs + _estimate) : fallback;

    /// <summary>Forgets everything (device rebooted: its clock restarted).</summary>
    public void Reset()
    {
        _count = 0;
        _next = 0;
        _estimate = 0;
    }

    internal static long ToUnixUs(DateTimeOffset t) => (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    internal static DateTimeOffset FromUnixUs(long us) => new(DateTimeOffset.UnixEpoch.UtcTicks + (us * 10), TimeSpan.Zero);
}
