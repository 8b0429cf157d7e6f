using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Supervision;

/// <summary>Device and gateway supervision settings.</summary>
public sealed class SupervisionOptions
{
    public const string SectionName = "Supervision";

    /// <summary>How often device and gateway state is evaluated.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A streaming device silent this long (no batch, no status) is offline.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan StreamingOfflineAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A triggered device sends only heartbeats (status) while nothing happens; it is offline after this
    /// long without any message. Set it above two heartbeat intervals.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:05", "06:00:00")]
    public TimeSpan TriggeredOfflineAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Battery low is raised below this state of charge (percent)...</summary>
    [Range(1, 99)]
    public int BatteryLowPercent { get; set; } = 15;

    /// <summary>...and the episode ends (incident cleared) only above this one. One incident per episode.</summary>
    [Range(2, 100)]
    public int BatteryClearPercent { get; set; } = 30;

    /// <summary>Not worn (device flag or a motionless stream) must last this long before an incident is raised.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "12:00:00")]
    public TimeSpan NotWornAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A streaming device whose magnitude has not moved more than <see cref="StillnessThresholdG"/> within
    /// a batch for this long is treated as not worn, whatever its flag says. Long by default, because
    /// sleeping residents lie still too (breathing still moves a worn sensor by more than the threshold).
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "24:00:00")]
    public TimeSpan StillNotWornAfter { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Within-batch magnitude range, in g, that counts as movement.</summary>
    [Range(0.001, 1.0)]
    public double StillnessThresholdG { get; set; } = 0.02;

    /// <summary>
    /// After the gateway's own connection to the broker comes back (a broker restart), how long sensors have to
    /// reconnect before a last will or silence counts as offline. Covers the sensors' reconnect backoff.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ReconnectGrace { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The broker connection may be down this long before a gateway fault is raised.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan BrokerDownFaultAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How often the gateway sends a probe round through its own broker session (see
    /// <see cref="Ingest.BrokerHealth"/>) to measure how far behind its sensors it is.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Sensor messages may reach the gateway this late (its session's backlog at the broker) before a gateway fault
    /// is raised. The broker drops what passes its max_queued_messages (sized for 60 s of the site), so this warns
    /// well before that.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan IngestLagFaultAfter { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Free space on the database's disk below which a gateway fault is raised, MiB.</summary>
    [Range(1, 1_000_000)]
    public long MinFreeDiskMiB { get; set; } = 200;

    /// <summary>Wall-clock jumps (against the monotonic clock) larger than this raise a gateway fault.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ClockJumpTolerance { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A wall clock earlier than this is not set (a Pi without RTC before NTP sync).</summary>
    public DateTimeOffset EarliestPlausibleTime { get; set; } = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
}

internal sealed class SupervisionOptionsValidator : IValidateOptions<SupervisionOptions>
{
    public ValidateOptionsResult Validate(string? name, SupervisionOptions options)
    {
        var errors = new List<string>();
        if (options.BatteryClearPercent <= options.BatteryLowPercent)
        {
            errors.Add($"Supervision:BatteryClearPercent ({options.BatteryClearPercent}) must be above Supervision:BatteryLowPercent ({options.BatteryLowPercent}) for hysteresis.");
        }

        if (options.CheckInterval >= options.StreamingOfflineAfter)
        {
            errors.Add($"Supervision:CheckInterval ({options.CheckInterval}) must be shorter than Supervision:StreamingOfflineAfter ({options.StreamingOfflineAfter}).");
        }

        if (options.TriggeredOfflineAfter < options.StreamingOfflineAfter)
        {
            errors.Add($"Supervision:TriggeredOfflineAfter ({options.TriggeredOfflineAfter}) must not be shorter than Supervision:StreamingOfflineAfter ({options.StreamingOfflineAfter}): triggered devices are quiet by design.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
