namespace Edge.Gateway.Incidents;

/// <summary>What an incident is about. The stored names (<see cref="IncidentNames"/>) never change.</summary>
public enum IncidentType
{
    Fall,
    ManualCall,
    DeviceOffline,
    BatteryLow,
    NotWorn,
    GatewayFault,

    /// <summary>A resident at high risk of falling got up within their get-up hours (prevention; issue 17).</summary>
    GettingUp,
}

/// <summary>raised → accepted (a named carer is on the way) → resolved (with an outcome).</summary>
public enum IncidentState
{
    Raised,
    Accepted,
    Resolved,
}

/// <summary>How an incident ended.</summary>
public enum IncidentOutcome
{
    FallConfirmed,
    NoFall,
    Test,
    Other,

    /// <summary>Resolved by the gateway because the condition went away (device back online, battery recharged, worn again).</summary>
    Cleared,
}

/// <summary>Kind of a stored transition (the audit trail).</summary>
public enum TransitionKind
{
    Raised,
    Retriggered,
    Accepted,
    Resolved,
}

/// <summary>An incident as stored.</summary>
public sealed record Incident(
    long Id,
    IncidentType Type,
    string Subject,
    string? ResidentId,
    string? ResidentName,
    string? DeviceId,
    string? RoomId,
    string? RoomName,
    IncidentState State,
    DateTimeOffset RaisedAt,
    DateTimeOffset EventAt,
    DateTimeOffset LastTriggeredAt,
    int TriggerCount,
    DateTimeOffset? AcceptedAt,
    string? AcceptedBy,
    DateTimeOffset? ResolvedAt,
    string? ResolvedBy,
    IncidentOutcome? Outcome,
    string? Note,
    string? Detail)
{
    public bool IsOpen => State != IncidentState.Resolved;
}

/// <summary>One row of the audit trail: who did what, when, through which channel.</summary>
public sealed record IncidentTransition(
    long Id,
    long IncidentId,
    TransitionKind Kind,
    DateTimeOffset At,
    string Actor,
    string Channel,
    IncidentOutcome? Outcome,
    string? Note,
    string? Detail);

/// <summary>A request to raise (or re-trigger) an incident.</summary>
/// <param name="Type">Incident type.</param>
/// <param name="Subject">What it is about: the resident id, or <see cref="IncidentService.GatewaySubject"/>. One open incident per subject and type.</param>
/// <param name="EventAt">When the triggering event happened (gateway clock).</param>
/// <param name="Detail">Human-readable detail (score, battery level, fault text).</param>
/// <param name="Channel">Where it came from: detection, button, supervision, self-check ...</param>
public sealed record RaiseRequest(
    IncidentType Type,
    string Subject,
    DateTimeOffset EventAt,
    string Detail,
    string Channel,
    string? ResidentId = null,
    string? ResidentName = null,
    string? DeviceId = null,
    string? RoomId = null,
    string? RoomName = null);

/// <summary>The outcome of a raise: the incident, and whether it was new or a re-trigger of an open one.</summary>
public sealed record RaiseResult(Incident Incident, IncidentTransition Transition, bool Created);

/// <summary>A committed change, published on the in-process stream.</summary>
public sealed record IncidentChange(Incident Incident, IncidentTransition Transition);

/// <summary>Stable text names used in the database, logs, metrics and JSON.</summary>
public static class IncidentNames
{
    public static string Name(IncidentType t) => t switch
    {
        IncidentType.Fall => "fall",
        IncidentType.ManualCall => "manual_call",
        IncidentType.DeviceOffline => "device_offline",
        IncidentType.BatteryLow => "battery_low",
        IncidentType.NotWorn => "not_worn",
        IncidentType.GatewayFault => "gateway_fault",
        IncidentType.GettingUp => "getting_up",
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    public static string Name(IncidentState s) => s switch
    {
        IncidentState.Raised => "raised",
        IncidentState.Accepted => "accepted",
        IncidentState.Resolved => "resolved",
        _ => throw new ArgumentOutOfRangeException(nameof(s)),
    };

    public static string Name(IncidentOutcome o) => o switch
    {
        IncidentOutcome.FallConfirmed => "fall_confirmed",
        IncidentOutcome.NoFall => "no_fall",
        IncidentOutcome.Test => "test",
        IncidentOutcome.Other => "other",
        IncidentOutcome.Cleared => "cleared",
        _ => throw new ArgumentOutOfRangeException(nameof(o)),
    };

    public static string Name(TransitionKind k) => k switch
    {
        TransitionKind.Raised => "raised",
        TransitionKind.Retriggered => "retriggered",
        TransitionKind.Accepted => "accepted",
        TransitionKind.Resolved => "resolved",
        _ => throw new ArgumentOutOfRangeException(nameof(k)),
    };

    public static IncidentType ParseType(string s) => Enum.GetValues<IncidentType>().First(t => Name(t) == s);

    public static IncidentState ParseState(string s) => Enum.GetValues<IncidentState>().First(t => Name(t) == s);

    public static IncidentOutcome ParseOutcome(string s) => Enum.GetValues<IncidentOutcome>().First(t => Name(t) == s);

    public static TransitionKind ParseKind(string s) => Enum.GetValues<TransitionKind>().First(t => Name(t) == s);

    public static bool TryParseOutcome(string s, out IncidentOutcome outcome)
    {
        foreach (var o in Enum.GetValues<IncidentOutcome>())
        {
            if (Name(o) == s)
            {
                outcome = o;
                return true;
            }
        }

        outcome = default;
        return false;
    }
}
