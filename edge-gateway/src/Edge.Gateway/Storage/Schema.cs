namespace Edge.Gateway.Storage;

/// <summary>
/// The gateway schema as ordered migrations; <c>PRAGMA user_version</c> records how many have run.
/// Append new migrations; never edit a released one. Other areas (alerting: notification attempts;
/// uplink: the outbox) add their tables as further migrations here and write them in the same
/// transaction as the incident transition, through <see cref="Incidents.IIncidentTransitionObserver"/>.
/// Times are ISO-8601 UTC text (<c>yyyy-MM-ddTHH:mm:ss.fffZ</c>): readable with the sqlite3 shell, and
/// they sort as text.
/// </summary>
internal static class Schema
{
    public static IReadOnlyList<string> Migrations { get; } =
    [
        """
        CREATE TABLE sites (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL
        );
        CREATE TABLE units (
            id TEXT PRIMARY KEY,
            site_id TEXT NOT NULL REFERENCES sites(id),
            name TEXT NOT NULL
        );
        CREATE TABLE rooms (
            id TEXT PRIMARY KEY,
            unit_id TEXT NOT NULL REFERENCES units(id),
            name TEXT NOT NULL
        );
        CREATE TABLE residents (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            room_id TEXT REFERENCES rooms(id),
            sensitivity REAL,
            active INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE staff (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            role TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE devices (
            id TEXT PRIMARY KEY,
            resident_id TEXT REFERENCES residents(id),
            active INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE settings_audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            subject TEXT NOT NULL,
            setting TEXT NOT NULL,
            old_value TEXT,
            new_value TEXT,
            actor TEXT NOT NULL,
            channel TEXT NOT NULL
        );

        CREATE TABLE incidents (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            type TEXT NOT NULL,
            subject TEXT NOT NULL,               -- resident id, or 'gateway' for gateway faults
            resident_id TEXT,
            resident_name TEXT,
            device_id TEXT,
            room_id TEXT,
            room_name TEXT,                      -- names copied at raise time: the record stays true if the registry changes
            state TEXT NOT NULL CHECK (state IN ('raised', 'accepted', 'resolved')),
            raised_at TEXT NOT NULL,
            event_at TEXT NOT NULL,              -- when the triggering event happened (device time mapped to gateway time)
            last_triggered_at TEXT NOT NULL,
            trigger_count INTEGER NOT NULL DEFAULT 1,
            accepted_at TEXT,
            accepted_by TEXT,
            resolved_at TEXT,
            resolved_by TEXT,
            outcome TEXT,
            note TEXT,
            detail TEXT
        );
        -- One open incident per subject and type: a re-trigger updates it. Enforced by the database too.
        CREATE UNIQUE INDEX ux_incidents_open ON incidents(subject, type) WHERE state <> 'resolved';
        CREATE INDEX ix_incidents_state ON incidents(state);

        CREATE TABLE incident_transitions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            incident_id INTEGER NOT NULL REFERENCES incidents(id),
            kind TEXT NOT NULL,                  -- raised, retriggered, accepted, resolved
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            channel TEXT NOT NULL,
            outcome TEXT,
            note TEXT,
            detail TEXT
        );
        CREATE INDEX ix_incident_transitions_incident ON incident_transitions(incident_id);

        CREATE TABLE unprotected_intervals (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            resident_id TEXT NOT NULL,
            device_id TEXT NOT NULL,
            reason TEXT NOT NULL,                -- not_worn, offline, docked
            started_at TEXT NOT NULL,
            ended_at TEXT
        );
        CREATE INDEX ix_unprotected_resident ON unprotected_intervals(resident_id, started_at);
        CREATE UNIQUE INDEX ux_unprotected_open ON unprotected_intervals(device_id) WHERE ended_at IS NULL;
        """,
    ];
}
