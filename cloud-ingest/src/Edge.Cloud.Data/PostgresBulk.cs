using System.Text.Json;
using Edge.Cloud.Contracts;
using Npgsql;
using NpgsqlTypes;

namespace Edge.Cloud.Data;

/// <summary>
/// Set-based ingest for PostgreSQL: a batch becomes a handful of <c>INSERT ... SELECT FROM unnest(arrays)</c>
/// statements instead of one or two statements per event. The projection rows are merged per key in
/// memory first (one upsert may not touch a row twice), with the same rules the per-event SQL in
/// <see cref="Projections"/> applies, so both engines end in the same state.
/// </summary>
internal static class PostgresBulk
{
    private const string InsertEventsSql = """
        INSERT INTO events (gateway_id, idempotency_key, site_id, type, occurred_at, received_at, incident_id, sequence, payload)
        SELECT * FROM unnest(@gateway, @key, @site, @type, @occurred, @received, @incident, @sequence, @payload)
        ON CONFLICT (gateway_id, idempotency_key) DO NOTHING
        RETURNING gateway_id, idempotency_key
        """;

    private const string UpsertIncidentsSql = """
        INSERT INTO incidents (site_id, incident_id, gateway_id, kind, device_id, resident_ref, unit, room, score,
                               raised_at, accepted_at, resolved_at, outcome, accepted_by, escalation_level, last_sequence)
        SELECT * FROM unnest(@site, @incident, @gateway, @kind, @device, @resident, @unit, @room, @score,
                             @raised, @accepted, @resolved, @outcome, @acceptedBy, @escalation, @sequence)
        """;

    private const string UpsertDevicesSql = """
        INSERT INTO devices (site_id, device_id, resident_ref, unit, state, battery_percent, state_at)
        SELECT * FROM unnest(@site, @device, @resident, @unit, @state, @battery, @at)
        """;

    private const string InsertHealthSql = """
        INSERT INTO health_summaries (gateway_id, period_start, site_id, period_end, devices_total, devices_protected)
        SELECT * FROM unnest(@gateway, @start, @site, @end, @total, @protected)
        ON CONFLICT (gateway_id, period_start) DO NOTHING
        """;

    private const string InsertUnprotectedSql = """
        INSERT INTO device_unprotected (site_id, device_id, period_start, period_end, unprotected_seconds)
        SELECT * FROM unnest(@site, @device, @start, @end, @seconds)
        ON CONFLICT (site_id, device_id, period_start) DO NOTHING
        """;

    public static async Task<bool[]> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<UplinkEvent> events, DateTimeOffset receivedAt, CancellationToken ct)
    {
        var received = receivedAt.ToUnixTimeMilliseconds();
        var stored = new bool[events.Count];
        await using (var insert = new NpgsqlCommand(InsertEventsSql, connection, tx))
        {
            insert.Parameters.Add(Text("gateway", events.Select(e => e.GatewayId)));
            insert.Parameters.Add(Text("key", events.Select(e => e.IdempotencyKey)));
            insert.Parameters.Add(Text("site", events.Select(e => e.SiteId)));
            insert.Parameters.Add(Text("type", events.Select(e => e.Type)));
            insert.Parameters.Add(Int("occurred", events.Select(e => (long?)e.OccurredAt.ToUnixTimeMilliseconds())));
            insert.Parameters.Add(Int("received", events.Select(_ => (long?)received)));
            insert.Parameters.Add(Text("incident", events.Select(e => e.IncidentId)));
            insert.Parameters.Add(Int("sequence", events.Select(e => e.Sequence)));
            insert.Parameters.Add(Text("payload", events.Select(e => JsonSerializer.Serialize(e, UplinkJsonContext.Default.UplinkEvent))));

            var inserted = new HashSet<(string, string)>();
            await using (var reader = await insert.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    inserted.Add((reader.GetString(0), reader.GetString(1)));
                }
            }

            // A key sent twice in one batch was inserted by its first copy.
            for (var i = 0; i < events.Count; i++)
            {
                stored[i] = inserted.Remove((events[i].GatewayId, events[i].IdempotencyKey));
            }
        }

        await using var batch = new NpgsqlBatch(connection, tx);
        AddIncidents(batch, events.Where((_, i) => stored[i]));
        AddHealth(batch, events.Where((_, i) => stored[i]));
        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        return stored;
    }

    private sealed class IncidentRow
    {
        public required string Site, Incident, Gateway;
        public string? Kind, Device, Resident, Unit, Room, Outcome, AcceptedBy;
        public double? Score;
        public long? Raised, Accepted, Resolved, Escalation, OutcomeSequence;
        public long Sequence;
    }

    private static void AddIncidents(NpgsqlBatch batch, IEnumerable<UplinkEvent> events)
    {
        var rows = new Dictionary<(string, string), IncidentRow>();
        foreach (var e in events.Where(e => UplinkEventTypes.IsIncident(e.Type)))
        {
            var p = e.Incident ?? new IncidentPayload();
            var at = e.OccurredAt.ToUnixTimeMilliseconds();
            var seq = e.Sequence ?? 0;
            if (!rows.TryGetValue((e.SiteId, e.IncidentId!), out var r))
            {
                rows[(e.SiteId, e.IncidentId!)] = r = new IncidentRow { Site = e.SiteId, Incident = e.IncidentId!, Gateway = e.GatewayId, Sequence = seq };
            }

            // Same rules as Projections' upsert: descriptive fields keep their first value, times
            // keep the earliest, the outcome of the latest resolution wins, sequence and escalation keep the highest.
            r.Kind ??= p.Kind;
            r.Device ??= p.DeviceId;
            r.Resident ??= p.ResidentRef;
            r.Unit ??= p.Unit;
            r.Room ??= p.Room;
            r.Score ??= p.Score;
            if (e.Type == UplinkEventTypes.IncidentRaised)
            {
                r.Raised = Min(r.Raised, at);
            }
            else if (e.Type == UplinkEventTypes.IncidentAccepted)
            {
                r.Accepted = Min(r.Accepted, at);
                r.AcceptedBy ??= p.AcceptedBy;
            }
            else if (e.Type == UplinkEventTypes.IncidentResolved)
            {
                r.Resolved = Min(r.Resolved, at);
                if (p.Outcome is not null && (r.Outcome is null || seq > r.OutcomeSequence))
                {
                    r.Outcome = p.Outcome;
                    r.OutcomeSequence = seq;
                }
            }

            if (p.EscalationLevel is { } level && (r.Escalation is null || level > r.Escalation))
            {
                r.Escalation = level;
            }

            r.Sequence = Math.Max(r.Sequence, seq);
        }

        if (rows.Count == 0)
        {
            return;
        }

        var list = rows.Values.ToList();
        var sql = UpsertIncidentsSql + "\n" + Projections.IncidentConflictClause;
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(Text("site", list.Select(r => r.Site)));
        command.Parameters.Add(Text("incident", list.Select(r => r.Incident)));
        command.Parameters.Add(Text("gateway", list.Select(r => r.Gateway)));
        command.Parameters.Add(Text("kind", list.Select(r => r.Kind)));
        command.Parameters.Add(Text("device", list.Select(r => r.Device)));
        command.Parameters.Add(Text("resident", list.Select(r => r.Resident)));
        command.Parameters.Add(Text("unit", list.Select(r => r.Unit)));
        command.Parameters.Add(Text("room", list.Select(r => r.Room)));
        command.Parameters.Add(new NpgsqlParameter("score", NpgsqlDbType.Array | NpgsqlDbType.Double) { Value = list.Select(r => r.Score).ToArray() });
        command.Parameters.Add(Int("raised", list.Select(r => r.Raised)));
        command.Parameters.Add(Int("accepted", list.Select(r => r.Accepted)));
        command.Parameters.Add(Int("resolved", list.Select(r => r.Resolved)));
        command.Parameters.Add(Text("outcome", list.Select(r => r.Outcome)));
        command.Parameters.Add(Text("acceptedBy", list.Select(r => r.AcceptedBy)));
        command.Parameters.Add(Int("escalation", list.Select(r => r.Escalation)));
        command.Parameters.Add(Int("sequence", list.Select(r => (long?)r.Sequence)));
        batch.BatchCommands.Add(command);
    }

    private static void AddHealth(NpgsqlBatch batch, IEnumerable<UplinkEvent> events)
    {
        var devices = new Dictionary<(string, string), (string? Resident, string? Unit, string State, long? Battery, long At)>();
        var summaries = new Dictionary<(string, long), (string Site, long End, long Total, long Protected)>();
        var unprotected = new Dictionary<(string, string, long), (long End, long Seconds)>();

        void Device(string site, string device, string? resident, string? unit, string state, int? battery, long at)
        {
            // Latest state wins (ties: the later arrival), missing labels keep the earlier ones.
            if (devices.TryGetValue((site, device), out var old) && at < old.At)
            {
                return;
            }

            devices[(site, device)] = (resident ?? old.Resident, unit ?? old.Unit, state, battery ?? old.Battery, at);
        }

        foreach (var e in events)
        {
            if (e.Type == UplinkEventTypes.DeviceHealth && e.Device is { } d)
            {
                Device(e.SiteId, d.DeviceId, d.ResidentRef, d.Unit, d.State, d.BatteryPercent, e.OccurredAt.ToUnixTimeMilliseconds());
            }
            else if (e.Type == UplinkEventTypes.HealthSummary && e.Health is { } h)
            {
                var start = h.PeriodStart.ToUnixTimeMilliseconds();
                var end = h.PeriodEnd.ToUnixTimeMilliseconds();
                summaries.TryAdd((e.GatewayId, start), (e.SiteId, end, h.DevicesTotal, h.DevicesProtected));
                foreach (var entry in h.Devices)
                {
                    unprotected.TryAdd((e.SiteId, entry.DeviceId, start), (end, entry.UnprotectedSeconds));
                    Device(e.SiteId, entry.DeviceId, entry.ResidentRef, entry.Unit, entry.State, entry.BatteryPercent, end);
                }
            }
        }

        if (summaries.Count > 0)
        {
            var s = summaries.ToList();
            var command = new NpgsqlBatchCommand(InsertHealthSql);
            command.Parameters.Add(Text("gateway", s.Select(x => x.Key.Item1)));
            command.Parameters.Add(Int("start", s.Select(x => (long?)x.Key.Item2)));
            command.Parameters.Add(Text("site", s.Select(x => x.Value.Site)));
            command.Parameters.Add(Int("end", s.Select(x => (long?)x.Value.End)));
            command.Parameters.Add(Int("total", s.Select(x => (long?)x.Value.Total)));
            command.Parameters.Add(Int("protected", s.Select(x => (long?)x.Value.Protected)));
            batch.BatchCommands.Add(command);
        }

        if (unprotected.Count > 0)
        {
            var u = unprotected.ToList();
            var command = new NpgsqlBatchCommand(InsertUnprotectedSql);
            command.Parameters.Add(Text("site", u.Select(x => x.Key.Item1)));
            command.Parameters.Add(Text("device", u.Select(x => x.Key.Item2)));
            command.Parameters.Add(Int("start", u.Select(x => (long?)x.Key.Item3)));
            command.Parameters.Add(Int("end", u.Select(x => (long?)x.Value.End)));
            command.Parameters.Add(Int("seconds", u.Select(x => (long?)x.Value.Seconds)));
            batch.BatchCommands.Add(command);
        }

        if (devices.Count > 0)
        {
            var d = devices.ToList();
            var command = new NpgsqlBatchCommand(UpsertDevicesSql + "\n" + Projections.DeviceConflictClause);
            command.Parameters.Add(Text("site", d.Select(x => x.Key.Item1)));
            command.Parameters.Add(Text("device", d.Select(x => x.Key.Item2)));
            command.Parameters.Add(Text("resident", d.Select(x => x.Value.Resident)));
            command.Parameters.Add(Text("unit", d.Select(x => x.Value.Unit)));
            command.Parameters.Add(Text("state", d.Select(x => (string?)x.Value.State)));
            command.Parameters.Add(Int("battery", d.Select(x => x.Value.Battery)));
            command.Parameters.Add(Int("at", d.Select(x => (long?)x.Value.At)));
            batch.BatchCommands.Add(command);
        }
    }

    private static long Min(long? current, long value) => current is { } c && c < value ? c : value;

    private static NpgsqlParameter Text(string name, IEnumerable<string?> values) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values.ToArray() };

    private static NpgsqlParameter Int(string name, IEnumerable<long?> values) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = values.ToArray() };
}
