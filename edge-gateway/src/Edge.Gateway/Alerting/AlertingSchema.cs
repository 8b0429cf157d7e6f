using Microsoft.Data.Sqlite;

namespace Edge.Gateway.Alerting;

/// <summary>
/// The alerting tables in the gateway database. Created with IF NOT EXISTS by alerting itself (the first
/// time it touches the database), so the gateway's migration list stays the gateway's.
/// <para>
/// <c>escalations</c> is the schedule: one row per incident, written in the same transaction as the incident
/// transition (an <see cref="Incidents.IIncidentTransitionObserver"/>), so after a restart every open
/// incident's escalation resumes where it was. <c>notification_attempts</c> holds every attempt on the wire.
/// <c>alert_deliveries</c> holds every send the engine owes until a channel confirms it (<see cref="DeliveryLedger"/>).
/// </para>
/// </summary>
internal static class AlertingSchema
{
    public const string Sql = """
        CREATE TABLE IF NOT EXISTS escalations (
            incident_id INTEGER PRIMARY KEY REFERENCES incidents(id),
            phase TEXT NOT NULL CHECK (phase IN ('alerting', 'accepted', 'done')),
            phase_started_at TEXT NOT NULL,      -- alerting: when tier 1 was (or is) due, before its own delay
            next_step INTEGER NOT NULL,          -- alerting: tier index, then repeats; accepted: 0 reminder, 1 resume
            next_due_at TEXT,                    -- null when done
            round INTEGER NOT NULL DEFAULT 1,    -- +1 each time escalation resumes after an unresolved acceptance
            alerts_sent INTEGER NOT NULL DEFAULT 0,
            last_sent_at TEXT,
            last_step TEXT                       -- what went out last, for the staff page ("tier 2 of 3", "repeat 1")
        );
        CREATE INDEX IF NOT EXISTS ix_escalations_due ON escalations(next_due_at) WHERE phase <> 'done';

        CREATE TABLE IF NOT EXISTS notification_attempts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            incident_id INTEGER,                 -- null when the alert was not about a stored incident
            incident_ref TEXT NOT NULL,          -- the id the channel was given
            channel TEXT NOT NULL,
            channel_kind TEXT NOT NULL,          -- espa, sip, webhook
            recipient TEXT NOT NULL,
            operation TEXT NOT NULL,             -- send, cancel
            attempt INTEGER NOT NULL,
            outcome TEXT NOT NULL,               -- delivered, refused, busy, corrupted, challenged, timed_out, failed
            started_at TEXT NOT NULL,
            finished_at TEXT NOT NULL,
            duration_ms REAL NOT NULL,
            detail TEXT
        );
        CREATE INDEX IF NOT EXISTS ix_notification_attempts_incident ON notification_attempts(incident_id);

        CREATE TABLE IF NOT EXISTS alert_deliveries (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            incident_id INTEGER NOT NULL,
            step INTEGER NOT NULL,               -- policy step index (past the last: a repeat); -1: reminder, re-page
            label TEXT NOT NULL,
            channel TEXT NOT NULL,
            recipients TEXT NOT NULL,            -- addresses on that channel, separated by U+001F
            text TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('pending', 'confirmed', 'failed')),
            created_at TEXT NOT NULL,
            finished_at TEXT,
            detail TEXT
        );
        CREATE INDEX IF NOT EXISTS ix_alert_deliveries_pending ON alert_deliveries(incident_id) WHERE state = 'pending';
        """;

    public static async Task EnsureAsync(SqliteConnection connection, SqliteTransaction? tx, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = Sql;
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
