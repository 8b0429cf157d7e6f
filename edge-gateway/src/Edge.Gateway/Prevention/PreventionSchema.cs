using Microsoft.Data.Sqlite;

namespace Edge.Gateway.Prevention;

/// <summary>
/// The prevention tables in the gateway database, created with IF NOT EXISTS by prevention itself (like the
/// alerting tables), so the gateway's migration list stays the gateway's.
/// <para><c>resident_prevention</c>: the get-up risk flag and hours per resident (changes are audited in
/// <c>settings_audit</c>). <c>mobility_daily</c>: per resident and local day, the seconds of data, walking and lying,
/// steps, sit-to-stands and night-time transitions; only these aggregates ever leave the site, and only when the
/// site opts in (<c>mobility_uplinked</c> records which days were queued).</para>
/// </summary>
internal static class PreventionSchema
{
    public const string Sql = """
        CREATE TABLE IF NOT EXISTS resident_prevention (
            resident_id TEXT PRIMARY KEY,
            getup_alert INTEGER NOT NULL DEFAULT 0,
            getup_from TEXT,                      -- HH:mm, site time
            getup_to TEXT,
            changed_at TEXT NOT NULL,
            changed_by TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS mobility_daily (
            resident_id TEXT NOT NULL,
            day TEXT NOT NULL,                    -- yyyy-MM-dd, site time
            worn_s REAL NOT NULL DEFAULT 0,       -- seconds of sensor data while worn
            walking_s REAL NOT NULL DEFAULT 0,
            steps INTEGER NOT NULL DEFAULT 0,
            sit_to_stand INTEGER NOT NULL DEFAULT 0,
            lying_s REAL NOT NULL DEFAULT 0,
            night_transitions INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (resident_id, day)
        );
        CREATE INDEX IF NOT EXISTS ix_mobility_daily_day ON mobility_daily(day);
        CREATE TABLE IF NOT EXISTS mobility_uplinked (
            resident_id TEXT NOT NULL,
            day TEXT NOT NULL,
            queued_at TEXT NOT NULL,
            PRIMARY KEY (resident_id, day)
        );
        """;

    public static async Task EnsureAsync(SqliteConnection connection, SqliteTransaction? tx, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = Sql;
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
