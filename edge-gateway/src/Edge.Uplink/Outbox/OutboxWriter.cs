using System.Collections.Concurrent;
using System.Text.Json;
using Edge.Cloud.Contracts;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Edge.Uplink.Outbox;

/// <summary>
/// Puts events into the outbox inside the caller's transaction, the one that records the incident
/// transition, notification attempt or health summary. The event and the record therefore commit
/// together or not at all: a crash never leaves an incident recorded but unqueued.
/// </summary>
public sealed class OutboxWriter(IOptions<UplinkOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, bool> _schemaReady = new(StringComparer.Ordinal);
    private readonly WeakReference<SqliteTransaction> _createdIn = new(null!);

    /// <summary>The gateway id stamped on events (from <see cref="UplinkOptions.GatewayId"/>).</summary>
    public string GatewayId => options.Value.GatewayId;

    /// <summary>The site id stamped on events.</summary>
    public string SiteId => options.Value.SiteId;

    /// <summary>
    /// A new idempotency key: the gateway id and a time-ordered GUID. A GUID rather than the outbox
    /// row id, so a gateway re-installed with an empty database can never reuse a key the cloud has
    /// already seen (which the cloud would answer "duplicate" and drop).
    /// </summary>
    public string NewIdempotencyKey() => $"{GatewayId}:{Guid.CreateVersion7(time.GetUtcNow()):N}";

    /// <summary>
    /// The next position of an event within an incident (1, 2, 3 ...), counted in the same transaction. Counted by
    /// the gateway's own incident number (what follows the last ':' of <c>{gatewayId}:{number}</c>), so the count
    /// goes on when <see cref="UplinkOptions.GatewayId"/> is corrected while the incident is open; a count kept
    /// under the qualified id (before that was so) is continued.
    /// </summary>
    public long NextSequence(SqliteTransaction transaction, string incidentId)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(incidentId);
        EnsureSchema(transaction);
        var local = incidentId[(incidentId.LastIndexOf(':') + 1)..];
        using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO uplink_incident_sequences (incident_id, last)
            VALUES ($id, COALESCE((SELECT MAX(last) FROM uplink_incident_sequences WHERE substr(incident_id, -length($id) - 1) = ':' || $id), 0) + 1)
            ON CONFLICT (incident_id) DO UPDATE SET last = last + 1
            RETURNING last
            """;
        command.Parameters.AddWithValue("$id", local);
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>
    /// Queues <paramref name="e"/> in the caller's transaction. Incident transitions and notification
    /// attempts never expire; health events expire after <paramref name="timeToLive"/> (default
    /// <see cref="UplinkOptions.HealthTimeToLive"/>), and expired ones are counted, not sent.
    /// </summary>
    public void Enqueue(SqliteTransaction transaction, UplinkEvent e, TimeSpan? timeToLive = null)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(e);
        if (!UplinkEventTypes.All.Contains(e.Type))
        {
            throw new ArgumentException($"Unknown uplink event type '{e.Type}'.", nameof(e));
        }

        var alert = UplinkEventTypes.IsAlertPath(e.Type);
        if (alert && timeToLive is not null)
        {
            throw new ArgumentException("Incident events and notification attempts never expire; they take no time-to-live.", nameof(timeToLive));
        }

        if (e.Type == UplinkEventTypes.MobilityDaily)
        {
            RefuseUnlessDailyAggregate(e);
        }
        else if (e.Mobility is not null)
        {
            throw new ArgumentException($"A {e.Type} event carries no mobility figures.", nameof(e));
        }

        if (e.GatewayId != GatewayId || e.SiteId != SiteId)
        {
            throw new ArgumentException($"The event names gateway '{e.GatewayId}' / site '{e.SiteId}', but this gateway is '{GatewayId}' of site '{SiteId}'.", nameof(e));
        }

        EnsureSchema(transaction);
        var now = time.GetUtcNow();
        using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO uplink_outbox (priority, idempotency_key, type, incident_id, created_at, expires_at, event)
            VALUES ($priority, $key, $type, $incident, $created, $expires, $event)
            """;
        command.Parameters.AddWithValue("$priority", alert ? 0 : 1);
        command.Parameters.AddWithValue("$key", e.IdempotencyKey);
        command.Parameters.AddWithValue("$type", e.Type);
        command.Parameters.AddWithValue("$incident", (object?)e.IncidentId ?? DBNull.Value);
        command.Parameters.AddWithValue("$created", OutboxSchema.Time(now));
        command.Parameters.AddWithValue("$expires", alert ? DBNull.Value : OutboxSchema.Time(now + (timeToLive ?? options.Value.HealthTimeToLive)));
        command.Parameters.AddWithValue("$event", JsonSerializer.Serialize(e, UplinkJsonContext.Default.UplinkEvent));
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Mobility leaves the site only as one resident's aggregates over one completed day, and only when the site opted in
    /// (<see cref="UplinkOptions.ShareMobilityTrends"/>). Anything else is refused here, before it is queued.
    /// </summary>
    private void RefuseUnlessDailyAggregate(UplinkEvent e)
    {
        if (!options.Value.ShareMobilityTrends)
        {
            throw new InvalidOperationException("This site has not opted in to sharing mobility trends (Uplink:ShareMobilityTrends); they stay on site.");
        }

        if (e.Mobility is not { } m || e.Incident is not null || e.Notification is not null || e.Health is not null || e.Device is not null)
        {
            throw new ArgumentException("A mobility.daily event carries exactly one mobility payload and nothing else.", nameof(e));
        }

        if (!DateOnly.TryParseExact(m.Day, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var day))
        {
            throw new ArgumentException($"mobility.daily covers one calendar day (yyyy-MM-dd), not '{m.Day}'.", nameof(e));
        }

        if (e.OccurredAt < new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddHours(-14) || e.OccurredAt > time.GetUtcNow().AddMinutes(5))
        {
            throw new ArgumentException($"mobility.daily for {m.Day} may only be sent once that day is over (occurredAt {e.OccurredAt:O}).", nameof(e));
        }

        double[] minutes = [m.WornMinutes, m.WalkingMinutes, m.LyingMinutes];
        if (minutes.Any(v => double.IsNaN(v) || v < 0 || v > ContractLimits.MaxMinutesPerDay) || m.Steps < 0 || m.SitToStands < 0 || m.NightTransitions < 0)
        {
            throw new ArgumentException("mobility.daily figures must be whole-day totals within one day.", nameof(e));
        }
    }

    private void EnsureSchema(SqliteTransaction transaction)
    {
        var connection = transaction.Connection!;
        if (_schemaReady.ContainsKey(connection.DataSource))
        {
            return;
        }

        using var check = connection.CreateCommand();
        check.Transaction = transaction;
        check.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('uplink_outbox', 'uplink_incident_sequences')";
        if ((long)check.ExecuteScalar()! == 2)
        {
            if (_createdIn.TryGetTarget(out var creator) && ReferenceEquals(creator, transaction))
            {
                return; // created by this very transaction, which may still roll back
            }

            _schemaReady[connection.DataSource] = true; // committed by someone before: safe to remember
            return;
        }

        // Created inside the caller's transaction: if it rolls back, so does the schema, and the next
        // call creates it again (so it is not remembered here).
        OutboxSchema.Ensure(connection, transaction);
        _createdIn.SetTarget(transaction);
    }
}
