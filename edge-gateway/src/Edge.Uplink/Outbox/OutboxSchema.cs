using Microsoft.Data.Sqlite;

namespace Edge.Uplink.Outbox;

/// <summary>
/// The uplink's tables in the gateway database. They are created with IF NOT EXISTS by whoever
/// touches them first (the writer inside a transition's transaction, or the sender at start), so the
/// gateway schema does not have to know about them. Times are ISO-8601 UTC text like the gateway's.
/// </summary>
internal static class OutboxSchema
{
    public const string Sql = """
        CREATE TABLE IF NOT EXISTS uplink_outbox (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            priority        INTEGER NOT NULL,          -- 0: incident transitions and notification attempts; 1: health
            idempotency_key TEXT NOT NULL UNIQUE,
            type            TEXT NOT NULL,
            incident_id     TEXT NULL,
            created_at      TEXT NOT NULL,
            expires_at      TEXT NULL,                 -- health only; alert-path events never expire
            attempts        INTEGER NOT NULL DEFAULT 0,
            event           TEXT NOT NULL              -- the UplinkEvent as JSON (contract types only)
        );
        CREATE INDEX IF NOT EXISTS ix_uplink_outbox_order ON uplink_outbox (priority, id);
        CREATE TABLE IF NOT EXISTS uplink_incident_sequences (
            incident_id TEXT PRIMARY KEY,
            last        INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS uplink_dead_letters (
            id              INTEGER PRIMARY KEY,
            idempotency_key TEXT NOT NULL,
            type            TEXT NOT NULL,
            reason          TEXT NOT NULL,
            at              TEXT NOT NULL,
            event           TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS uplink_counters (
            name  TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        );
        """;

    public static void Ensure(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = Sql;
        command.ExecuteNonQuery();
    }

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal);
}
