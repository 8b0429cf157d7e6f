namespace Edge.Cloud.Contracts;

/// <summary>
/// One event sent from a site gateway to the cloud. The envelope is the same for every event type;
/// exactly one payload property is set, the one that belongs to <see cref="Type"/>.
/// </summary>
/// <remarks>
/// The contract carries alerts and health only. It has no field that can hold accelerometer samples or
/// any other raw sensor data, and the cloud refuses JSON members that are not part of it.
/// </remarks>
public sealed record UplinkEvent
{
    /// <summary>
    /// Unique per gateway and stable across retries: the cloud stores an event once per
    /// (<see cref="GatewayId"/>, key) and answers "duplicate" for every later copy. At most
    /// <see cref="ContractLimits.MaxIdempotencyKeyLength"/> printable ASCII characters.
    /// </summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>The gateway that recorded the event (must match the gateway that sends it).</summary>
    public required string GatewayId { get; init; }

    /// <summary>The site (care home) the gateway belongs to.</summary>
    public required string SiteId { get; init; }

    /// <summary>One of <see cref="UplinkEventTypes"/>.</summary>
    public required string Type { get; init; }

    /// <summary>When the event happened on site (gateway clock, UTC offset included).</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>The incident this event belongs to; required for incident.* and notification.attempt.</summary>
    public string? IncidentId { get; init; }

    /// <summary>
    /// Position of this event within its incident (1, 2, 3 ...), assigned by the gateway; required for
    /// incident.* events. Lets the cloud and tests check order per incident.
    /// </summary>
    public long? Sequence { get; init; }

    /// <summary>Payload of incident.raised / accepted / resolved / updated.</summary>
    public IncidentPayload? Incident { get; init; }

    /// <summary>Payload of notification.attempt.</summary>
    public NotificationAttemptPayload? Notification { get; init; }

    /// <summary>Payload of health.summary.</summary>
    public HealthSummaryPayload? Health { get; init; }

    /// <summary>Payload of device.health.</summary>
    public DeviceHealthPayload? Device { get; init; }

    /// <summary>Payload of mobility.daily (only from sites that opted in to sharing mobility trends).</summary>
    public MobilityDailyPayload? Mobility { get; init; }
}

/// <summary>The event types the cloud understands.</summary>
public static class UplinkEventTypes
{
    /// <summary>A fall or call was detected and an incident opened.</summary>
    public const string IncidentRaised = "incident.raised";

    /// <summary>A carer accepted the incident (is on the way).</summary>
    public const string IncidentAccepted = "incident.accepted";

    /// <summary>The incident was closed, with an outcome.</summary>
    public const string IncidentResolved = "incident.resolved";

    /// <summary>The incident changed otherwise (escalation, re-trigger).</summary>
    public const string IncidentUpdated = "incident.updated";

    /// <summary>An attempt to notify staff (pager, handset, webhook) and its result.</summary>
    public const string NotificationAttempt = "notification.attempt";

    /// <summary>Periodic site health: devices protected and unprotected over a period.</summary>
    public const string HealthSummary = "health.summary";

    /// <summary>A device changed state (offline, docked, battery low ...).</summary>
    public const string DeviceHealth = "device.health";

    /// <summary>
    /// One resident's mobility over one completed day (minutes walking, steps, sit-to-stands ...): daily aggregates
    /// only, sent only by sites that opted in. Never anything finer than a day.
    /// </summary>
    public const string MobilityDaily = "mobility.daily";

    /// <summary>Every known type.</summary>
    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        IncidentRaised, IncidentAccepted, IncidentResolved, IncidentUpdated, NotificationAttempt, HealthSummary, DeviceHealth, MobilityDaily,
    };

    /// <summary>True for incident.raised / accepted / resolved / updated.</summary>
    public static bool IsIncident(string type) =>
        type is IncidentRaised or IncidentAccepted or IncidentResolved or IncidentUpdated;

    /// <summary>Incident transitions and notification attempts: never expire, sent before health.</summary>
    public static bool IsAlertPath(string type) => IsIncident(type) || type == NotificationAttempt;
}

/// <summary>Incident outcomes recorded when an incident is resolved.</summary>
public static class IncidentOutcomes
{
    /// <summary>The resident had fallen.</summary>
    public const string Fall = "fall";

    /// <summary>No fall: a false alarm. The dashboard reports the share of these.</summary>
    public const string NoFall = "no_fall";

    /// <summary>The resident needed help, but had not fallen.</summary>
    public const string AssistanceGiven = "assistance_given";

    /// <summary>Anything else.</summary>
    public const string Other = "other";
}

/// <summary>Device states reported in health events.</summary>
public static class DeviceStates
{
    /// <summary>Worn and streaming: the resident is protected.</summary>
    public const string Protected = "protected";

    /// <summary>No data from the device.</summary>
    public const string Offline = "offline";

    /// <summary>On its charger.</summary>
    public const string Docked = "docked";

    /// <summary>Online but not on a person.</summary>
    public const string NotWorn = "not_worn";

    /// <summary>Battery below the warning level (still protected).</summary>
    public const string BatteryLow = "battery_low";
}
