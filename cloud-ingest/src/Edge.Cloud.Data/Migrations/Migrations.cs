namespace Edge.Cloud.Data.Migrations;

/// <summary>A schema step. The SQL uses tokens that each engine replaces: {INT}, {REAL}, {BLOB}, {AUTOID}; {NOW} is the migration time (Unix ms).</summary>
internal sealed record Migration(int Version, string Name, string Sql);

/// <summary>
/// Every schema version, in order. Never edit a migration that has shipped: add a new one. Times are
/// Unix milliseconds in {INT} columns on both engines, so comparisons and arithmetic read the same.
/// </summary>
internal static class SchemaMigrations
{
    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "directory, events and projections", """
            CREATE TABLE organisations (
                org_id      TEXT PRIMARY KEY,
                name        TEXT NOT NULL,
                created_at  {INT} NOT NULL
            );
            CREATE TABLE sites (
                site_id     TEXT PRIMARY KEY,
                org_id      TEXT NOT NULL REFERENCES organisations (org_id),
                name        TEXT NOT NULL,
                time_zone   TEXT NOT NULL,
                created_at  {INT} NOT NULL
            );
            CREATE INDEX ix_sites_org ON sites (org_id);
            CREATE TABLE gateways (
                gateway_id  TEXT PRIMARY KEY,
                site_id     TEXT NOT NULL REFERENCES sites (site_id),
                key_hash    {BLOB} NOT NULL,
                created_at  {INT} NOT NULL,
                CONSTRAINT uq_gateways_key_hash UNIQUE (key_hash)
            );
            CREATE TABLE users (
                user_id       TEXT PRIMARY KEY,
                org_id        TEXT NOT NULL REFERENCES organisations (org_id),
                username      TEXT NOT NULL,
                password_hash TEXT NOT NULL,
                created_at    {INT} NOT NULL,
                CONSTRAINT uq_users_username UNIQUE (username)
            );
            CREATE TABLE user_tokens (
                token_hash  {BLOB} PRIMARY KEY,
                user_id     TEXT NOT NULL REFERENCES users (user_id),
                created_at  {INT} NOT NULL
            );
            CREATE TABLE events (
                event_id        {AUTOID},
                gateway_id      TEXT NOT NULL,
                idempotency_key TEXT NOT NULL,
                site_id         TEXT NOT NULL,
                type            TEXT NOT NULL,
                occurred_at     {INT} NOT NULL,
                received_at     {INT} NOT NULL,
                incident_id     TEXT NULL,
                sequence        {INT} NULL,
                payload         TEXT NOT NULL,
                CONSTRAINT uq_events_gateway_key UNIQUE (gateway_id, idempotency_key)
            );
            CREATE INDEX ix_events_site ON events (site_id, event_id);
            CREATE TABLE incidents (
                site_id          TEXT NOT NULL,
                incident_id      TEXT NOT NULL,
                gateway_id       TEXT NOT NULL,
                kind             TEXT NULL,
                device_id        TEXT NULL,
                resident_ref     TEXT NULL,
                unit             TEXT NULL,
                room             TEXT NULL,
                score            {REAL} NULL,
                raised_at        {INT} NULL,
                accepted_at      {INT} NULL,
                resolved_at      {INT} NULL,
                outcome          TEXT NULL,
                accepted_by      TEXT NULL,
                escalation_level {INT} NULL,
                last_sequence    {INT} NOT NULL,
                PRIMARY KEY (site_id, incident_id)
            );
            CREATE INDEX ix_incidents_site_raised ON incidents (site_id, raised_at);
            CREATE TABLE devices (
                site_id         TEXT NOT NULL,
                device_id       TEXT NOT NULL,
                resident_ref    TEXT NULL,
                unit            TEXT NULL,
                state           TEXT NOT NULL,
                battery_percent {INT} NULL,
                state_at        {INT} NOT NULL,
                PRIMARY KEY (site_id, device_id)
            );
            CREATE TABLE health_summaries (
                gateway_id        TEXT NOT NULL,
                period_start      {INT} NOT NULL,
                site_id           TEXT NOT NULL,
                period_end        {INT} NOT NULL,
                devices_total     {INT} NOT NULL,
                devices_protected {INT} NOT NULL,
                PRIMARY KEY (gateway_id, period_start)
            );
            CREATE TABLE device_unprotected (
                site_id             TEXT NOT NULL,
                device_id           TEXT NOT NULL,
                period_start        {INT} NOT NULL,
                period_end          {INT} NOT NULL,
                unprotected_seconds {INT} NOT NULL,
                PRIMARY KEY (site_id, device_id, period_start)
            );
            """),
        new(2, "open-incident index for the dashboard", """
            CREATE INDEX ix_incidents_open ON incidents (site_id, resolved_at, raised_at);
            """),

        // Revocable credentials (issue 16): a gateway may hold several keys (rotation with an overlap
        // window), each revocable; users can be disabled; API tokens expire and can be revoked; dashboard
        // sessions live on the server; every change is audited. The gateways table is rebuilt without its
        // key column (SQLite cannot drop a UNIQUE column); the existing keys move to gateway_keys.
        // Tokens issued before this version had no expiry: they now expire 30 days after the upgrade.
        new(3, "revocable credentials, server-side sessions and the audit log", """
            CREATE TABLE gateways_v3 (
                gateway_id  TEXT PRIMARY KEY,
                site_id     TEXT NOT NULL REFERENCES sites (site_id),
                created_at  {INT} NOT NULL
            );
            INSERT INTO gateways_v3 (gateway_id, site_id, created_at) SELECT gateway_id, site_id, created_at FROM gateways;
            CREATE TABLE gateway_keys (
                key_hash     {BLOB} PRIMARY KEY,
                gateway_id   TEXT NOT NULL REFERENCES gateways_v3 (gateway_id),
                created_at   {INT} NOT NULL,
                expires_at   {INT} NULL,
                revoked_at   {INT} NULL,
                last_used_at {INT} NULL
            );
            CREATE INDEX ix_gateway_keys_gateway ON gateway_keys (gateway_id);
            INSERT INTO gateway_keys (key_hash, gateway_id, created_at) SELECT key_hash, gateway_id, created_at FROM gateways;
            DROP TABLE gateways;
            ALTER TABLE gateways_v3 RENAME TO gateways;

            ALTER TABLE users ADD COLUMN disabled_at {INT} NULL;

            ALTER TABLE user_tokens ADD COLUMN expires_at {INT} NULL;
            ALTER TABLE user_tokens ADD COLUMN revoked_at {INT} NULL;
            ALTER TABLE user_tokens ADD COLUMN last_used_at {INT} NULL;
            UPDATE user_tokens SET expires_at = {NOW} + 2592000000;
            CREATE INDEX ix_user_tokens_user ON user_tokens (user_id);

            CREATE TABLE user_sessions (
                session_hash {BLOB} PRIMARY KEY,
                user_id      TEXT NOT NULL REFERENCES users (user_id),
                created_at   {INT} NOT NULL,
                last_seen_at {INT} NOT NULL,
                expires_at   {INT} NOT NULL,
                ended_at     {INT} NULL,
                end_reason   TEXT NULL
            );
            CREATE INDEX ix_user_sessions_user ON user_sessions (user_id);

            CREATE TABLE audit_log (
                audit_id {AUTOID},
                at       {INT} NOT NULL,
                actor    TEXT NOT NULL,
                action   TEXT NOT NULL,
                target   TEXT NOT NULL,
                detail   TEXT NULL
            );
            CREATE INDEX ix_audit_log_at ON audit_log (at);
            """),
    ];

    public static int Latest => All[^1].Version;
}
