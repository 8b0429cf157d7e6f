using Edge.Cloud.Contracts;

namespace Edge.Cloud.IntegrationTests;

/// <summary>Builds contract events the way a gateway would.</summary>
internal static class Events
{
    public static readonly DateTimeOffset Base = DateTimeOffset.UtcNow.AddHours(-6);

    public static UplinkEvent Raised(string gw, string site, string incident, DateTimeOffset at, string? key = null, string unit = "East", string kind = "fall") => new()
    {
        IdempotencyKey = key ?? $"{gw}:{incident}:1",
        GatewayId = gw,
        SiteId = site,
        Type = UplinkEventTypes.IncidentRaised,
        OccurredAt = at,
        IncidentId = incident,
        Sequence = 1,
        Incident = new IncidentPayload { Kind = kind, Unit = unit, Room = "12", DeviceId = "dev-1", ResidentRef = "r-17", Score = 0.91 },
    };

    public static UplinkEvent Accepted(string gw, string site, string incident, DateTimeOffset at) => new()
    {
        IdempotencyKey = $"{gw}:{incident}:2",
        GatewayId = gw,
        SiteId = site,
        Type = UplinkEventTypes.IncidentAccepted,
        OccurredAt = at,
        IncidentId = incident,
        Sequence = 2,
        Incident = new IncidentPayload { AcceptedBy = "staff-3" },
    };

    public static UplinkEvent Resolved(string gw, string site, string incident, DateTimeOffset at, string outcome = IncidentOutcomes.Fall) => new()
    {
        IdempotencyKey = $"{gw}:{incident}:3",
        GatewayId = gw,
        SiteId = site,
        Type = UplinkEventTypes.IncidentResolved,
        OccurredAt = at,
        IncidentId = incident,
        Sequence = 3,
        Incident = new IncidentPayload { Outcome = outcome },
    };

    public static UplinkEvent Health(string gw, string site, DateTimeOffset start, TimeSpan length, string key, params (string Device, string State, long Unprotected)[] devices) => new()
    {
        IdempotencyKey = key,
        GatewayId = gw,
        SiteId = site,
        Type = UplinkEventTypes.HealthSummary,
        OccurredAt = start + length,
        Health = new HealthSummaryPayload
        {
            PeriodStart = start,
            PeriodEnd = start + length,
            DevicesTotal = devices.Length,
            DevicesProtected = devices.Count(d => d.State == DeviceStates.Protected),
            Devices = [.. devices.Select(d => new DeviceHealthEntry { DeviceId = d.Device, State = d.State, Unit = "East", UnprotectedSeconds = d.Unprotected })],
        },
    };
}
