namespace Edge.Cloud.Contracts;

/// <summary>What an incident event says about the incident. Every field is a label or a time, never sensor data.</summary>
public sealed record IncidentPayload
{
    /// <summary>"fall", "manual_call" ...</summary>
    public string? Kind { get; init; }

    /// <summary>The wearable that raised it.</summary>
    public string? DeviceId { get; init; }

    /// <summary>Pseudonymous resident reference from the site registry (never a name).</summary>
    public string? ResidentRef { get; init; }

    /// <summary>Care unit / wing, used for the per-unit report.</summary>
    public string? Unit { get; init; }

    /// <summary>Room label.</summary>
    public string? Room { get; init; }

    /// <summary>Detector confidence in [0, 1] for falls (a single derived number).</summary>
    public double? Score { get; init; }

    /// <summary>Staff reference of the carer who accepted (incident.accepted).</summary>
    public string? AcceptedBy { get; init; }

    /// <summary>Escalation level after an incident.updated.</summary>
    public int? EscalationLevel { get; init; }

    /// <summary>One of <see cref="IncidentOutcomes"/> (incident.resolved).</summary>
    public string? Outcome { get; init; }
}

/// <summary>One attempt to notify staff about an incident.</summary>
public sealed record NotificationAttemptPayload
{
    /// <summary>"pager", "sip", "webhook", "staff_page" ...</summary>
    public required string Channel { get; init; }

    /// <summary>Pager number, extension or endpoint name.</summary>
    public string? Target { get; init; }

    /// <summary>1 for the first attempt on this channel, then 2, 3 ...</summary>
    public int Attempt { get; init; }

    /// <summary>"delivered", "failed", "timeout", "acknowledged".</summary>
    public required string Result { get; init; }

    /// <summary>Short reason on failure.</summary>
    public string? Detail { get; init; }
}

/// <summary>Site health over a period: which devices protected their resident and for how long they did not.</summary>
public sealed record HealthSummaryPayload
{
    /// <summary>Start of the period (inclusive).</summary>
    public required DateTimeOffset PeriodStart { get; init; }

    /// <summary>End of the period (exclusive).</summary>
    public required DateTimeOffset PeriodEnd { get; init; }

    /// <summary>Devices in the registry.</summary>
    public int DevicesTotal { get; init; }

    /// <summary>Devices protecting their resident at the end of the period.</summary>
    public int DevicesProtected { get; init; }

    /// <summary>Events waiting in the gateway's outbox when the summary was written.</summary>
    public long? UplinkBacklog { get; init; }

    /// <summary>One entry per device.</summary>
    public IReadOnlyList<DeviceHealthEntry> Devices { get; init; } = [];
}

/// <summary>A device's state over a health-summary period.</summary>
public sealed record DeviceHealthEntry
{
    /// <summary>The wearable.</summary>
    public required string DeviceId { get; init; }

    /// <summary>Pseudonymous resident reference.</summary>
    public string? ResidentRef { get; init; }

    /// <summary>Care unit / wing.</summary>
    public string? Unit { get; init; }

    /// <summary>One of <see cref="DeviceStates"/> at the end of the period.</summary>
    public required string State { get; init; }

    /// <summary>Battery charge in percent.</summary>
    public int? BatteryPercent { get; init; }

    /// <summary>Seconds of the period in which the resident was not protected (offline, docked, not worn).</summary>
    public long UnprotectedSeconds { get; init; }
}

/// <summary>A device changed state.</summary>
public sealed record DeviceHealthPayload
{
    /// <summary>The wearable.</summary>
    public required string DeviceId { get; init; }

    /// <summary>Pseudonymous resident reference.</summary>
    public string? ResidentRef { get; init; }

    /// <summary>Care unit / wing.</summary>
    public string? Unit { get; init; }

    /// <summary>One of <see cref="DeviceStates"/>.</summary>
    public required string State { get; init; }

    /// <summary>Battery charge in percent.</summary>
    public int? BatteryPercent { get; init; }
}

/// <summary>
/// One resident's mobility over one completed day, as the site's posture tracker counted it. Aggregates of a whole
/// day only: the contract has no field for anything finer (no times of day, no postures, no samples).
/// </summary>
public sealed record MobilityDailyPayload
{
    /// <summary>The site-local calendar day, "yyyy-MM-dd". It must be over when the event is sent.</summary>
    public required string Day { get; init; }

    /// <summary>Pseudonymous resident reference (never a name).</summary>
    public string? ResidentRef { get; init; }

    /// <summary>Care unit / wing.</summary>
    public string? Unit { get; init; }

    /// <summary>Minutes of the day with sensor data while worn (how much of the day the figures cover), 0-1500.</summary>
    public double WornMinutes { get; init; }

    /// <summary>Minutes walking.</summary>
    public double WalkingMinutes { get; init; }

    /// <summary>Steps while walking.</summary>
    public long Steps { get; init; }

    /// <summary>Steps per minute of walking, when there was enough walking to say.</summary>
    public double? Cadence { get; init; }

    /// <summary>Stand-ups from sitting.</summary>
    public int SitToStands { get; init; }

    /// <summary>Minutes lying.</summary>
    public double LyingMinutes { get; init; }

    /// <summary>Posture transitions at night (restlessness).</summary>
    public int NightTransitions { get; init; }
}
