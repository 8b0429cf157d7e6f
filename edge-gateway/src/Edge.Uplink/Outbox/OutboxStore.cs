using System.Text.Json;
using Edge.Cloud.Contracts;
using Microsoft.Data.Sqlite;

namespace Edge.Uplink.Outbox;

/// <summary>Opens connections to the database that holds the outbox (the gateway database).</summary>
public interface IOutboxConnectionFactory
{
    Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken);
}

/// <summary>A queued event.</summary>
public sealed record OutboxItem(long Id, int Priority, string IdempotencyKey, UplinkEvent Event);

/// <summary>Backlog counts.</summary>
public sealed record OutboxCounts(long Total, long Alerts, long Health, long Expired, long DeadLettered, DateTimeOffset? OldestCreatedAt);

/// <summary>The sender's side of the outbox: read in delivery order, complete, dead-letter, expire.</summary>
public sealed class OutboxStore(IOutboxConnectionFactory connections)
{
    public const string ExpiredCounter = "expired_health";
    public const string DeadLetterCounter = "dead_lettered";

    public async Task EnsureSchemaAsync(CancellationToken ct)
    {
        await using var c = await connections.OpenAsync(ct).ConfigureAwait(false);
        OutboxSchema.Ensure(c, null);
    }

    /// <summary>
    /// The next events to send: incident transitions and notification attempts first (in commit
    /// order, so per incident in order), then health; expired health is never returned.
    /// </summary>
    public async Task<IReadOnlyList<OutboxItem>> ReadBatchAsync(int max, DateTimeOffset now, CancellationToken ct)
    {
        var items = new List<OutboxItem>();
        await using var c = await connections.OpenAsync(ct).ConfigureAwait(false);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SELECT id, priority, idempotency_key, event FROM uplink_outbox
            WHERE expires_at IS NULL OR expires_at > $now
            ORDER BY priority, id LIMIT $max
            """;
        cmd.Parameters.AddWithValue("$now", OutboxSchema.Time(now));
        cmd.Parameters.AddWithValue("$max", max);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            var e = JsonSerializer.Deserialize(r.GetString(3), UplinkJsonContext.Default.UplinkEvent)!;
            items.Add(new OutboxItem(r.GetInt64(0), r.GetInt32(1), r.GetString(2), e));
        }

        return items;
    }

    /// <summary>Removes delivered events (accepted or duplicate) and moves rejected ones to the dead letters, in one transaction.</summary>
    public async Task CompleteAsync(IReadOnlyCollection<long> delivered, IReadOnlyCollection<(OutboxItem Item, string Reason)> rejected, DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await connections.OpenAsync(ct).ConfigureAwait(false);
        await using var tx = (SqliteTransaction)await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var delete = c.CreateCommand())
        {
            delete.Transaction = tx;
            delete.CommandText = "DELETE FROM uplink_outbox WHERE id = $id";
            var id = delete.Parameters.Add("$id", SqliteType.Integer);
            foreach (var d in delivered.Concat(rejected.Select(x => x.Item.Id)))
            {
                id.Value = d;
                await delete.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
        }

        foreach (var (item, reason) in rejected)
        {
            await using var dead = c.CreateCommand();
            dead.Transaction = tx;
            dead.CommandText = "INSERT OR REPLACE INTO uplink_dead_letters (id, idempotency_key, type, reason, at, event) VALUES ($id, $key, $type, $reason, $at, $event)";
            dead.Parameters.AddWithValue("$id", item.Id);
            dead.Parameters.AddWithValue("$key", item.IdempotencyKey);
            dead.Parameters.AddWithValue("$type", item.Event.Type);
            dead.Parameters.AddWithValue("$reason", reason);
            dead.Parameters.AddWithValue("$at", OutboxSchema.Time(now));
            dead.Parameters.AddWithValue("$event", JsonSerializer.Serialize(item.Event, UplinkJsonContext.Default.UplinkEvent));
            await dead.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        if (rejected.Count > 0)
        {
            await AddCounterAsync(c, tx, DeadLetterCounter, rejected.Count, ct).ConfigureAwait(false);
        }

        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Puts every dead letter back in the outbox (after the cause was fixed, e.g. the gateway id): alert-path events
    /// first, in their original order; the sender then delivers them under the current identity. Returns how many.
    /// </summary>
    public async Task<int> RequeueDeadLettersAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await connections.OpenAsync(ct).ConfigureAwait(false);
        OutboxSchema.Ensure(c, null);
        await using var tx = (SqliteTransaction)await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var insert = c.CreateCommand())
        {
            insert.Transaction = tx;
            insert.CommandText = """
                INSERT OR IGNORE INTO uplink_outbox (priority, idempotency_key, type, incident_id, created_at, expires_at, event)
                SELECT CASE WHEN type IN ('health.summary', 'device.health') THEN 1 ELSE 0 END, idempotency_key, type,
                       json_extract(event, '$.incidentId'), $now, NULL, event
                FROM uplink_dead_letters ORDER BY id
                """;
            insert.Parameters.AddWithValue("$now", OutboxSchema.Time(now));
            await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        int moved;
        await using (var delete = c.CreateCommand())
        {
            delete.Transaction = tx;
            delete.CommandText = "DELETE FROM uplink_dead_letters";
            moved = await delete.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await tx.CommitAsync(ct).ConfigureAwait(false);
        return moved;
    }

    /// <summary>Counts one more attempt on these rows (diagnostics).</summary>
    public async Task CountAttemptAsync(IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        await using var c = await connections.OpenAsync(ct).ConfigureAwait(false);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = $"UPDATE uplink_outbox SET attempts = attempts + 1 WHERE id IN ({string.Join(',', ids)})";
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Deletes health events past their time-to-live and counts them. Never touches alert-path events.</summary>
    public async Task<int> ExpireAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var c = await connections.OpenAsync(ct).ConfigureAwait(false);
        await using var tx = (SqliteTransaction)await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "DELETE FROM uplink_outbox WHERE priority = 1 AND expires_at IS NOT NULL AND expires_at <= $now";
        cmd.Parameters.AddWithValue("$now", OutboxSchema.Time(now));
        var expired = await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        if (expired > 0)
        {
            await AddCounterAsync(c, tx, ExpiredCounter, expired, ct).ConfigureAwait(false);
        }

        await tx.CommitAsync(ct).ConfigureAwait(false);
        return expired;
    }

    public async Task<OutboxCounts> CountAsync(CancellationToken ct)
    {
        await using var c = await connections.OpenAsync(ct).ConfigureAwait(false);
        OutboxSchema.Ensure(c, null); // counted before the sender has run (uplink disabled, or at start-up): zero, not an error
        await using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SELECT (SELECT COUNT(*) FROM uplink_outbox WHERE priority = 0),
                   (SELECT COUNT(*) FROM uplink_outbox WHERE priority = 1),
                   (SELECT COALESCE((SELECT value FROM uplink_counters WHERE name = $expired), 0)),
                   (SELECT COALESCE((SELECT value FROM uplink_counters WHERE name = $dead), 0)),
                   (SELECT MIN(created_at) FROM uplink_outbox)
            """;
        cmd.Parameters.AddWithValue("$expired", ExpiredCounter);
        cmd.Parameters.AddWithValue("$dead", DeadLetterCounter);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await r.ReadAsync(ct).ConfigureAwait(false);
        var alerts = r.GetInt64(0);
        var health = r.GetInt64(1);
        return new OutboxCounts(alerts + health, alerts, health, r.GetInt64(2), r.GetInt64(3), r.IsDBNull(4) ? null : OutboxSchema.ParseTime(r.GetString(4)));
    }

    private static async Task AddCounterAsync(SqliteConnection c, SqliteTransaction tx, string name, long delta, CancellationToken ct)
    {
        await using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO uplink_counters (name, value) VALUES ($n, $d) ON CONFLICT (name) DO UPDATE SET value = value + $d";
        cmd.Parameters.AddWithValue("$n", name);
        cmd.Parameters.AddWithValue("$d", delta);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}

/// <summary>Connections to a SQLite file with the gateway's durability settings (WAL, synchronous=FULL).</summary>
public sealed class SqliteFileConnectionFactory(string path) : IOutboxConnectionFactory
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var c = new SqliteConnection(_connectionString);
        await c.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;";
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return c;
    }
}
