using Edge.Gateway.Incidents;

namespace Edge.Gateway.Alerting;

/// <summary>
/// Holds back non-urgent alerts (battery low, not worn): they wait for the end of quiet hours
/// (<see cref="EscalationOptions.QuietHoursFrom"/>, in the policy's time zone) and for a free place in the site-wide
/// rolling-hour budget (<see cref="EscalationOptions.NonUrgentMaxPerHour"/>). Falls, manual calls, faults and
/// offline sensors never wait and are never counted. The time is passed in; thread-safe.
/// </summary>
internal sealed class NonUrgentGate
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);

    private readonly QuietHours? _quiet;
    private readonly int _maxPerHour;
    private readonly Func<DateTimeOffset, DateTime> _toLocal;
    private readonly Lock _lock = new();
    private readonly Queue<DateTimeOffset> _sent = new();

    /// <param name="options">Quiet hours and the hourly budget (validated at start-up).</param>
    /// <param name="toLocal">Local wall-clock time of an instant in the policy's time zone.</param>
    public NonUrgentGate(EscalationOptions options, Func<DateTimeOffset, DateTime> toLocal)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(toLocal);
        _quiet = QuietHours.TryParse(options.QuietHoursFrom, options.QuietHoursTo, out var q) ? q : null;
        _maxPerHour = options.NonUrgentMaxPerHour;
        _toLocal = toLocal;
    }

    /// <summary>Whether alerts of <paramref name="type"/> pass through this gate at all.</summary>
    public static bool Applies(IncidentType type) => AlertText.IsHoldable(type);

    /// <summary>When a non-urgent alert may go out, or null for now: quiet hours end, or the rolling hour frees a place.</summary>
    public DateTimeOffset? HoldUntil(DateTimeOffset now)
    {
        if (_quiet is { } quiet)
        {
            var remaining = quiet.RemainingAt(TimeOnly.FromDateTime(_toLocal(now)));
            if (remaining > TimeSpan.Zero)
            {
                return now + remaining;
            }
        }

        lock (_lock)
        {
            while (_sent.Count > 0 && _sent.Peek() <= now - Window)
            {
                _sent.Dequeue();
            }

            return _sent.Count >= _maxPerHour ? _sent.Peek() + Window : null;
        }
    }

    /// <summary>A non-urgent alert went out at <paramref name="at"/>: it takes a place in the hour's budget.</summary>
    public void Sent(DateTimeOffset at)
    {
        lock (_lock)
        {
            _sent.Enqueue(at);
        }
    }
}
