using Edge.Cloud.Contracts;
using Microsoft.Data.Sqlite;

namespace Edge.Uplink.Outbox;

/// <summary>Builds contract events stamped with this gateway, a fresh idempotency key and (for incidents) the next sequence.</summary>
public static class OutboxWriterEvents
{
    /// <summary>An incident transition (incident.raised / accepted / resolved / updated), sequenced within the transaction.</summary>
    public static UplinkEvent Incident(this OutboxWriter writer, SqliteTransaction transaction, string type, string incidentId, DateTimeOffset occurredAt, IncidentPayload payload) => new()
    {
        IdempotencyKey = writer.NewIdempotencyKey(),
        GatewayId = writer.GatewayId,
        SiteId = writer.SiteId,
        Type = type,
        OccurredAt = occurredAt,
        IncidentId = incidentId,
        Sequence = writer.NextSequence(transaction, incidentId),
        Incident = payload,
    };

    /// <summary>A notification attempt for an incident.</summary>
    public static UplinkEvent Notification(this OutboxWriter writer, string incidentId, DateTimeOffset occurredAt, NotificationAttemptPayload payload) => new()
    {
        IdempotencyKey = writer.NewIdempotencyKey(),
        GatewayId = writer.GatewayId,
        SiteId = writer.SiteId,
        Type = UplinkEventTypes.NotificationAttempt,
        OccurredAt = occurredAt,
        IncidentId = incidentId,
        Notification = payload,
    };

    /// <summary>A health summary for a period.</summary>
    public static UplinkEvent Health(this OutboxWriter writer, HealthSummaryPayload payload) => new()
    {
        IdempotencyKey = writer.NewIdempotencyKey(),
        GatewayId = writer.GatewayId,
        SiteId = writer.SiteId,
        Type = UplinkEventTypes.HealthSummary,
        OccurredAt = payload.PeriodEnd,
        Health = payload,
    };

    /// <summary>One resident's mobility over one completed day (refused by <see cref="OutboxWriter.Enqueue"/> unless the site opted in).</summary>
    public static UplinkEvent Mobility(this OutboxWriter writer, DateTimeOffset occurredAt, MobilityDailyPayload payload) => new()
    {
        IdempotencyKey = writer.NewIdempotencyKey(),
        GatewayId = writer.GatewayId,
        SiteId = writer.SiteId,
        Type = UplinkEventTypes.MobilityDaily,
        OccurredAt = occurredAt,
        Mobility = payload,
    };

    /// <summary>A device state change.</summary>
    public static UplinkEvent Device(this OutboxWriter writer, DateTimeOffset occurredAt, DeviceHealthPayload payload) => new()
    {
        IdempotencyKey = writer.NewIdempotencyKey(),
        GatewayId = writer.GatewayId,
        SiteId = writer.SiteId,
        Type = UplinkEventTypes.DeviceHealth,
        OccurredAt = occurredAt,
        Device = payload,
    };
}
