using Edge.Gateway.Alerting;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Prevention;

/// <summary>The site's local time for get-up hours, night-time and mobility days: <see cref="PreventionOptions.TimeZone"/>, else the escalation policy's.</summary>
public sealed class SiteClock
{
    private readonly Lazy<TimeZoneInfo> _zone;

    public SiteClock(IOptions<PreventionOptions> options, EscalationPolicySource policy)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(policy);
        var id = options.Value.TimeZone;
        _zone = new Lazy<TimeZoneInfo>(() => id.Length > 0 && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var z) ? z : policy.TimeZone);
    }

    /// <summary>The zone in use.</summary>
    public TimeZoneInfo Zone => _zone.Value;

    /// <summary>Local wall-clock time at <paramref name="at"/>.</summary>
    public DateTime ToLocal(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone).DateTime;

    /// <summary>The local calendar day of <paramref name="at"/>.</summary>
    public DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(ToLocal(at));

    /// <summary>When local day <paramref name="day"/> begins (UTC offset of that moment).</summary>
    public DateTimeOffset StartOf(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        // A midnight that does not exist (a DST jump at 00:00) starts the day an hour later.
        while (Zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }

        return new DateTimeOffset(local, Zone.GetUtcOffset(local));
    }
}
