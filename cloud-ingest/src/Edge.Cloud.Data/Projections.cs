using System.Text.Json;
using Edge.Cloud.Contracts;

namespace Edge.Cloud.Data;

/// <summary>
/// The SQL for one event: the idempotent insert, and (run only when the insert stored a row) the
/// projection updates. Projections are order-independent: an accepted event that arrives before its
/// raised event still ends in the same row, so retries and reordering after an outage are harmless.
/// </summary>
internal static class Projections
{
    public const string InsertEventSql = """
        INSERT INTO events (gateway_id, idempotency_key, site_id, type, occurred_at, received_at, incident_id, sequence, payload)
        VALUES (@gateway, @key, @site, @type, @occurred, @received, @incident, @sequence, @payload)
        ON CONFLICT (gateway_id, idempotency_key) DO NOTHING
        """;

    private const string UpsertIncidentSql = """
        INSERT INTO incidents (site_id, incident_id, gateway_id, kind, device_id, resident_ref, unit, room, score,
                               raised_at, accepted_at, resolved_at, outcome, accepted_by, escalation_level, last_sequence)
        VALUES (@site, @incident, @gateway, @kind, @device, @resident, @unit, @room, @score,
                @raised, @accepted, @resolved, @outcome, @acceptedBy, @escalation, @sequence)
        """ + "\n" + IncidentConflictClause;

    public const string IncidentConflictClause = """
        ON CONFLICT (site_id, incident_id) DO UPDATE SET
            kind = COALESCE(incidents.kind, excluded.kind),
            device_id = COALESCE(incidents.device_id, excluded.device_id),
            resident_ref = COALESCE(incidents.resident_ref, excluded.resident_ref),
            unit = COALESCE(incidents.unit, excluded.unit),
            room = COALESCE(incidents.room, excluded.room),
            score = COALESCE(incidents.score, excluded.score),
            raised_at = CASE WHEN excluded.raised_at IS NOT NULL AND (incidents.raised_at IS NULL OR excluded.raised_at < incidents.raised_at)
                             THEN excluded.raised_at ELSE incidents.raised_at END,
            accepted_at = CASE WHEN excluded.accepted_at IS NOT NULL AND (incidents.accepted_at IS NULL OR excluded.accepted_at < incidents.accepted_at)
                               THEN excluded.accepted_at ELSE incidents.accepted_at END,
            resolved_at = CASE WHEN excluded.resolved_at IS NOT NULL AND (incidents.resolved_at IS NULL OR excluded.resolved_at < incidents.resolved_at)
                               THEN excluded.resolved_at ELSE incidents.resolved_at END,
            outcome = CASE WHEN excluded.outcome IS NOT NULL AND (incidents.outcome IS NULL OR excluded.last_sequence > incidents.last_sequence)
                           THEN excluded.outcome ELSE incidents.outcome END,
            accepted_by = COALESCE(incidents.accepted_by, excluded.accepted_by),
            escalation_level = CASE WHEN excluded.escalation_level IS NOT NULL AND (incidents.escalation_level IS NULL OR excluded.escalation_level > incidents.escalation_level)
                                    THEN excluded.escalation_level ELSE incidents.escalation_level END,
            last_sequence = CASE WHEN excluded.last_sequence > incidents.last_sequence THEN excluded.last_sequence ELSE incidents.last_sequence END
        """;

    private const string UpsertDeviceSql = """
        INSERT INTO devices (site_id, device_id, resident_ref, unit, state, battery_percent, state_at)
        VALUES (@site, @device, @resident, @unit, @state, @battery, @at)
        """ + "\n" + DeviceConflictClause;

    public const string DeviceConflictClause = """
        ON CONFLICT (site_id, device_id) DO UPDATE SET
            resident_ref = COALESCE(excluded.resident_ref, devices.resident_ref),
            unit = COALESCE(excluded.unit, devices.unit),
            state = excluded.state,
            battery_percent = COALESCE(excluded.battery_percent, devices.battery_percent),
            state_at = excluded.state_at
        WHERE excluded.state_at >= devices.state_at
        """;

    private const string InsertHealthSql = """
        INSERT INTO health_summaries (gateway_id, period_start, site_id, period_end, devices_total, devices_protected)
        VALUES (@gateway, @start, @site, @end, @total, @protected)
        ON CONFLICT (gateway_id, period_start) DO NOTHING
        """;

    private const string InsertUnprotectedSql = """
        INSERT INTO device_unprotected (site_id, device_id, period_start, period_end, unprotected_seconds)
        VALUES (@site, @device, @start, @end, @seconds)
        ON CONFLICT (site_id, device_id, period_start) DO NOTHING
        """;

    public static Statement InsertEvent(UplinkEvent e, DateTimeOffset receivedAt) =>
        new Statement(InsertEventSql)
            .Text("@gateway", e.GatewayId)
            .Text("@key", e.IdempotencyKey)
            .Text("@site", e.SiteId)
            .Text("@type", e.Type)
            .Time("@occurred", e.OccurredAt)
            .Time("@received", receivedAt)
            .Text("@incident", e.IncidentId)
            .Int("@sequence", e.Sequence)
            .Text("@payload", SerializePayload(e));

    /// <summary>The projection statements for an event that was stored now.</summary>
    public static IEnumerable<Statement> For(UplinkEvent e)
    {
        if (UplinkEventTypes.IsIncident(e.Type))
        {
            var p = e.Incident ?? new IncidentPayload();
            yield return new Statement(UpsertIncidentSql)
                .Text("@site", e.SiteId)
                .Text("@incident", e.IncidentId)
                .Text("@gateway", e.GatewayId)
                .Text("@kind", p.Kind)
                .Text("@device", p.DeviceId)
                .Text("@resident", p.ResidentRef)
                .Text("@unit", p.Unit)
                .Text("@room", p.Room)
                .Real("@score", p.Score)
                .Time("@raised", e.Type == UplinkEventTypes.IncidentRaised ? e.OccurredAt : null)
                .Time("@accepted", e.Type == UplinkEventTypes.IncidentAccepted ? e.OccurredAt : null)
                .Time("@resolved", e.Type == UplinkEventTypes.IncidentResolved ? e.OccurredAt : null)
                .Text("@outcome", e.Type == UplinkEventTypes.IncidentResolved ? p.Outcome : null)
                .Text("@acceptedBy", e.Type == UplinkEventTypes.IncidentAccepted ? p.AcceptedBy : null)
                .Int("@escalation", p.EscalationLevel)
                .Int("@sequence", e.Sequence ?? 0);
        }
        else if (e.Type == UplinkEventTypes.DeviceHealth && e.Device is { } d)
        {
            yield return Device(e.SiteId, d.DeviceId, d.ResidentRef, d.Unit, d.State, d.BatteryPercent, e.OccurredAt);
        }
        else if (e.Type == UplinkEventTypes.HealthSummary && e.Health is { } h)
        {
            yield return new Statement(InsertHealthSql)
                .Text("@gateway", e.GatewayId)
                .Time("@start", h.PeriodStart)
                .Text("@site", e.SiteId)
                .Time("@end", h.PeriodEnd)
                .Int("@total", h.DevicesTotal)
                .Int("@protected", h.DevicesProtected);
            foreach (var entry in h.Devices)
            {
                yield return new Statement(InsertUnprotectedSql)
                    .Text("@site", e.SiteId)
                    .Text("@device", entry.DeviceId)
                    .Time("@start", h.PeriodStart)
                    .Time("@end", h.PeriodEnd)
                    .Int("@seconds", entry.UnprotectedSeconds);
                yield return Device(e.SiteId, entry.DeviceId, entry.ResidentRef, entry.Unit, entry.State, entry.BatteryPercent, h.PeriodEnd);
            }
        }
    }

    private static Statement Device(string site, string device, string? resident, string? unit, string state, int? battery, DateTimeOffset at) =>
        new Statement(UpsertDeviceSql)
            .Text("@site", site)
            .Text("@device", device)
            .Text("@resident", resident)
            .Text("@unit", unit)
            .Text("@state", state)
            .Int("@battery", battery)
            .Time("@at", at);

    /// <summary>The stored copy is re-serialised from the typed contract, never the request bytes.</summary>
    private static string SerializePayload(UplinkEvent e) => JsonSerializer.Serialize(e, UplinkJsonContext.Default.UplinkEvent);
}
