using System.Globalization;
using Edge.Alerting;
using Edge.Gateway.Incidents;

namespace Edge.Gateway.Alerting;

/// <summary>
/// What a pager or handset shows. The most important words come first, because DECT handsets often show only
/// 48 characters: type, room, resident, then the incident number staff quote when they accept.
/// </summary>
internal static class AlertText
{
    public static string TypeLabel(IncidentType type) => type switch
    {
        IncidentType.Fall => "FALL",
        IncidentType.ManualCall => "CALL",
        IncidentType.DeviceOffline => "SENSOR OFFLINE",
        IncidentType.BatteryLow => "BATTERY LOW",
        IncidentType.NotWorn => "SENSOR NOT WORN",
        IncidentType.GatewayFault => "GATEWAY FAULT",
        IncidentType.GettingUp => "GETTING UP",
        _ => type.ToString().ToUpperInvariant(),
    };

    /// <summary>Urgency order for lists: falls and calls first, then residents getting up, faults, offline, then the rest.</summary>
    public static int UrgencyRank(IncidentType type) => type switch
    {
        IncidentType.Fall or IncidentType.ManualCall => 0,
        IncidentType.GettingUp => 1,
        IncidentType.GatewayFault => 2,
        IncidentType.DeviceOffline => 3,
        _ => 4,
    };

    /// <summary>
    /// Falls, manual calls and gateway faults are urgent. A sensor offline is also never held (see
    /// edge-gateway/README.md): the gateway cannot tell whether the resident is protected, and a dead sensor at
    /// night hides exactly the falls nobody witnesses. Battery low and not worn wait for quiet hours and rate limits.
    /// </summary>
    public static bool IsHoldable(IncidentType type) => type is IncidentType.BatteryLow or IncidentType.NotWorn;

    public static AlertKind Kind(IncidentType type) => type switch
    {
        IncidentType.Fall => AlertKind.Fall,
        IncidentType.ManualCall => AlertKind.ManualCall,
        IncidentType.GatewayFault => AlertKind.GatewayFault,
        IncidentType.GettingUp => AlertKind.GettingUp,
        _ => AlertKind.NonUrgent,
    };

    public static AlertPriority Priority(IncidentType type) => type switch
    {
        IncidentType.Fall or IncidentType.ManualCall or IncidentType.GatewayFault => AlertPriority.Alarm,
        IncidentType.DeviceOffline or IncidentType.GettingUp => AlertPriority.High, // a get-up: its own kind, below a fall
        _ => AlertPriority.Normal,
    };

    public static string Alert(Incident i) => $"{TypeLabel(i.Type)} {Where(i)} #{i.Id.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>An alarm paged from memory because the database could not store it (no incident number yet).</summary>
    public static string Unstored(Incident i) => $"{TypeLabel(i.Type)} {Where(i)} (not stored: accept on the staff page once it shows)";

    public static string Reminder(Incident i, TimeSpan sinceAccepted) =>
        $"REMINDER {TypeLabel(i.Type)} {Where(i)} #{i.Id.ToString(CultureInfo.InvariantCulture)}: accepted by {i.AcceptedBy} {Minutes(sinceAccepted)} ago, not resolved";

    public static string Resumed(Incident i, TimeSpan sinceAccepted) =>
        $"UNRESOLVED {TypeLabel(i.Type)} {Where(i)} #{i.Id.ToString(CultureInfo.InvariantCulture)}: accepted by {i.AcceptedBy} {Minutes(sinceAccepted)} ago";

    private static string Where(Incident i)
    {
        if (i.Type == IncidentType.GatewayFault)
        {
            return i.Detail ?? i.Subject;
        }

        var room = i.RoomName ?? i.RoomId;
        var who = i.ResidentName ?? i.Subject;
        return room is null ? who : $"{room} {who}";
    }

    private static string Minutes(TimeSpan t) => t.TotalMinutes >= 1 ? $"{t.TotalMinutes:F0} min" : $"{t.TotalSeconds:F0} s";
}
