using System.Globalization;
using Edge.Gateway.Storage;
using Microsoft.Data.Sqlite;

namespace Edge.Gateway.Commissioning;

/// <summary>A commissioning session: a site (every device) or a list of devices under test until it ends.</summary>
public sealed record CommissioningSession(
    long Id,
    bool WholeSite,
    IReadOnlyList<string> Devices,
    string Technician,
    DateTimeOffset StartedAt,
    DateTimeOffset EndsAt,
    DateTimeOffset? EndedAt,
    DateTimeOffset? AcknowledgedAt)
{
    public bool IsActive(DateTimeOffset now) => EndedAt is null && now < EndsAt;

    public bool Covers(string deviceId) => WholeSite || Devices.Contains(deviceId, StringComparer.Ordinal);
}

/// <summary>One observation for the report: a check that passed or failed, or an incident routed away from staff.</summary>
public sealed record CommissioningEvent(long SessionId, string DeviceId, string Kind, DateTimeOffset At, DateTimeOffset? EventAt, bool? Passed, string Detail);

/// <summary>
/// Sessions, events and self-test runs in the gateway database. Its own tables, created if missing (like the
/// outbox and the escalation schedule), so the commissioning CLI and the running gateway share them.
/// </summary>
public sealed class CommissioningStore(GatewayDatabase database)
{
    private const string Ddl = """
        CREATE TABLE IF NOT EXISTS commissioning_sessions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            whole_site INTEGER NOT NULL,
            technician TEXT NOT NULL,
            started_at TEXT NOT NULL,
            ends_at TEXT NOT NULL,
            ended_at TEXT,
            acknowledged_at TEXT              -- when the running gateway began routing this session's devices
        );
        CREATE TABLE IF NOT EXISTS commissioning_devices (
            session_id INTEGER NOT NULL REFERENCES commissioning_sessions(id),
            device_id TEXT NOT NULL,
            PRIMARY KEY (session_id, device_id)
        );
        CREATE TABLE IF NOT EXISTS commissioning_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id INTEGER NOT NULL,      -- 0 for the self-test
            device_id TEXT NOT NULL,
            kind TEXT NOT NULL,               -- connected, status, battery, manual_call, fall, device_offline, ...
            at TEXT NOT NULL,
            event_at TEXT,
            passed INTEGER,                   -- 1, 0, or NULL for information only
            detail TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_commissioning_events ON commissioning_events(session_id, device_id);
        CREATE TABLE IF NOT EXISTS selftest_runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            passed INTEGER,
            detail TEXT,
            requested_by TEXT NOT NULL        -- schedule, or the person who ran 'selftest run'
        );
        """;

    private int _ready;

    public async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var c = await database.OpenAsync(ct).ConfigureAwait(false);
        if (Volatile.Read(ref _ready) == 0)
        {
            await Sql.ExecuteAsync(c, null, Ddl, ct).ConfigureAwait(false);
            Volatile.Write(ref _ready, 1);
        }

        return c;
    }

    public async Task<long> StartAsync(bool wholeSite, IReadOnlyList<string> devices, string technician, DateTimeOffset now, TimeSpan length, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var tx = (SqliteTransaction)await c.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                var id = Convert.ToInt64(await Sql.ScalarAsync(c, tx, "INSERT INTO commissioning_sessions(whole_site, technician, started_at, ends_at) VALUES ($w, $t, $s, $e) RETURNING id", ct,
                    ("$w", wholeSite ? 1 : 0), ("$t", technician), ("$s", DbTime.ToText(now)), ("$e", DbTime.ToText(now + length))).ConfigureAwait(false), CultureInfo.InvariantCulture);
                foreach (var d in devices.Distinct(StringComparer.Ordinal))
                {
                    await Sql.ExecuteAsync(c, tx, "INSERT INTO commissioning_devices(session_id, device_id) VALUES ($s, $d)", ct, ("$s", id), ("$d", d)).ConfigureAwait(false);
                }

                await tx.CommitAsync(ct).ConfigureAwait(false);
                return id;
            }
        }
    }

    /// <summary>Ends the session (or every open one when <paramref name="sessionId"/> is null); returns how many ended.</summary>
    public async Task<int> StopAsync(long? sessionId, DateTimeOffset now, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            return await Sql.ExecuteAsync(c, null, "UPDATE commissioning_sessions SET ended_at = $now WHERE ended_at IS NULL AND ($id IS NULL OR id = $id)", ct,
                ("$now", DbTime.ToText(now)), ("$id", sessionId)).ConfigureAwait(false);
        }
    }

    public async Task AcknowledgeAsync(long sessionId, DateTimeOffset now, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            await Sql.ExecuteAsync(c, null, "UPDATE commissioning_sessions SET acknowledged_at = $now WHERE id = $id AND acknowledged_at IS NULL", ct, ("$now", DbTime.ToText(now)), ("$id", sessionId)).ConfigureAwait(false);
        }
    }

    /// <summary>Sessions not ended by hand whose end time is after <paramref name="since"/> (active and recently expired).</summary>
    public async Task<IReadOnlyList<CommissioningSession>> SessionsAsync(long? sessionId, CancellationToken ct, bool openOnly = false)
    {
        var result = new List<CommissioningSession>();
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = """
                SELECT s.id, s.whole_site, s.technician, s.started_at, s.ends_at, s.ended_at, s.acknowledged_at,
                       (SELECT group_concat(device_id, ' ') FROM commissioning_devices d WHERE d.session_id = s.id)
                FROM commissioning_sessions s WHERE ($id IS NULL OR s.id = $id) AND ($open = 0 OR s.ended_at IS NULL) ORDER BY s.id
                """;
            cmd.Parameters.AddWithValue("$id", (object?)sessionId ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$open", openOnly ? 1 : 0);
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                var devices = r.IsDBNull(7) ? [] : r.GetString(7).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                result.Add(new CommissioningSession(r.GetInt64(0), r.GetInt64(1) == 1, [.. devices.Order(StringComparer.Ordinal)], r.GetString(2),
                    DbTime.Parse(r.GetString(3)), DbTime.Parse(r.GetString(4)), DbTime.ParseOrNull(r.GetValue(5)), DbTime.ParseOrNull(r.GetValue(6))));
            }
        }

        return result;
    }

    public async Task AddEventAsync(CommissioningEvent e, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(e);
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            await Sql.ExecuteAsync(c, null, "INSERT INTO commissioning_events(session_id, device_id, kind, at, event_at, passed, detail) VALUES ($s, $d, $k, $at, $ev, $p, $detail)", ct,
                ("$s", e.SessionId), ("$d", e.DeviceId), ("$k", e.Kind), ("$at", DbTime.ToText(e.At)), ("$ev", e.EventAt is { } ev ? DbTime.ToText(ev) : null),
                ("$p", e.Passed is null ? null : e.Passed.Value ? 1 : 0), ("$detail", e.Detail)).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<CommissioningEvent>> EventsAsync(long sessionId, CancellationToken ct)
    {
        var result = new List<CommissioningEvent>();
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT session_id, device_id, kind, at, event_at, passed, detail FROM commissioning_events WHERE session_id = $s ORDER BY id";
            cmd.Parameters.AddWithValue("$s", sessionId);
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                result.Add(new CommissioningEvent(r.GetInt64(0), r.GetString(1), r.GetString(2), DbTime.Parse(r.GetString(3)), DbTime.ParseOrNull(r.GetValue(4)),
                    r.IsDBNull(5) ? null : r.GetInt64(5) == 1, r.GetString(6)));
            }
        }

        return result;
    }

    public async Task<long> StartSelfTestAsync(DateTimeOffset now, string requestedBy, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            return Convert.ToInt64(await Sql.ScalarAsync(c, null, "INSERT INTO selftest_runs(started_at, requested_by) VALUES ($now, $by) RETURNING id", ct, ("$now", DbTime.ToText(now)), ("$by", requestedBy)).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }
    }

    public async Task FinishSelfTestAsync(long id, DateTimeOffset now, bool passed, string detail, CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            await Sql.ExecuteAsync(c, null, "UPDATE selftest_runs SET finished_at = $now, passed = $p, detail = $d WHERE id = $id", ct, ("$now", DbTime.ToText(now)), ("$p", passed ? 1 : 0), ("$d", detail), ("$id", id)).ConfigureAwait(false);
        }
    }

    /// <summary>The last finished self-test: when, whether it passed, what it found; or null.</summary>
    public async Task<(DateTimeOffset At, bool Passed, string Detail)?> LastSelfTestAsync(CancellationToken ct)
    {
        var c = await OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT finished_at, passed, detail FROM selftest_runs WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT 1";
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await r.ReadAsync(ct).ConfigureAwait(false) ? (DbTime.Parse(r.GetString(0)), r.GetInt64(1) == 1, r.GetString(2)) : null;
        }
    }
}
