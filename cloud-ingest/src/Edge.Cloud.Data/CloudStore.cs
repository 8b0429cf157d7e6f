using System.Data.Common;
using Edge.Cloud.Contracts;
using Edge.Cloud.Data.Migrations;

namespace Edge.Cloud.Data;

/// <summary>
/// The storage shared by both engines: the SQL is the same (ON CONFLICT, CASE, COALESCE, named
/// parameters); the engines differ in connections, column types, locking and batching.
/// </summary>
public abstract partial class CloudStore : IIngestStore, IDirectoryStore, ICredentialStore, IReportStore, ISchemaMigrator
{
    protected CloudStore(TimeProvider timeProvider) => TimeProvider = timeProvider;

    protected TimeProvider TimeProvider { get; }

    /// <summary>The engine name for logs and reports.</summary>
    public abstract StorageProvider Provider { get; }

    protected abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Replaces {INT}, {REAL}, {BLOB}, {AUTOID} with the engine's column types.</summary>
    protected abstract string TranslateDdl(string sql);

    /// <summary>Serialises migrations between processes; runs inside the migration transaction.</summary>
    protected abstract Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    protected virtual Task BeforeMigrationAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    // ---- ingest ----

    public virtual async Task<bool[]> InsertAsync(IReadOnlyList<UplinkEvent> events, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var stored = new bool[events.Count];
        if (events.Count == 0)
        {
            return stored;
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var commands = new Dictionary<string, DbCommand>(StringComparer.Ordinal);
        try
        {
            for (var i = 0; i < events.Count; i++)
            {
                var e = events[i];
                stored[i] = await ExecuteAsync(Projections.InsertEvent(e, receivedAt)).ConfigureAwait(false) == 1;
                if (stored[i])
                {
                    foreach (var statement in Projections.For(e))
                    {
                        await ExecuteAsync(statement).ConfigureAwait(false);
                    }
                }
            }

            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var command in commands.Values)
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }
        }

        return stored;

        // One prepared command per distinct statement, reused for every event of the batch.
        async Task<int> ExecuteAsync(Statement statement)
        {
            if (!commands.TryGetValue(statement.Sql, out var command))
            {
                command = connection.CreateCommand();
                command.Transaction = tx;
                statement.ApplyTo(command);
                await command.PrepareAsync(cancellationToken).ConfigureAwait(false);
                commands[statement.Sql] = command;
            }
            else
            {
                for (var p = 0; p < statement.Parameters.Count; p++)
                {
                    command.Parameters[p].Value = statement.Parameters[p].Value ?? DBNull.Value;
                }
            }

            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // ---- directory ----

    public Task CreateOrganisationAsync(string orgId, string name, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync(new Statement("INSERT INTO organisations (org_id, name, created_at) VALUES (@id, @name, @now)")
            .Text("@id", orgId).Text("@name", name).Time("@now", now), cancellationToken);

    public Task CreateSiteAsync(string siteId, string orgId, string name, string timeZone, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync(new Statement("INSERT INTO sites (site_id, org_id, name, time_zone, created_at) VALUES (@id, @org, @name, @tz, @now)")
            .Text("@id", siteId).Text("@org", orgId).Text("@name", name).Text("@tz", timeZone).Time("@now", now), cancellationToken);

    public Task CreateGatewayAsync(string gatewayId, string siteId, byte[] keyHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteInTransactionAsync(
            [
                new Statement("INSERT INTO gateways (gateway_id, site_id, created_at) VALUES (@id, @site, @now)")
                    .Text("@id", gatewayId).Text("@site", siteId).Time("@now", now),
                new Statement("INSERT INTO gateway_keys (key_hash, gateway_id, created_at) VALUES (@hash, @id, @now)")
                    .Blob("@hash", keyHash).Text("@id", gatewayId).Time("@now", now),
            ],
            cancellationToken);

    public Task CreateUserAsync(string userId, string orgId, string username, string passwordHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync(new Statement("INSERT INTO users (user_id, org_id, username, password_hash, created_at) VALUES (@id, @org, @name, @hash, @now)")
            .Text("@id", userId).Text("@org", orgId).Text("@name", username).Text("@hash", passwordHash).Time("@now", now), cancellationToken);

    public async Task<GatewayIdentity?> FindGatewayByKeyHashAsync(byte[] keyHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(
            new Statement("""
                SELECT g.gateway_id, g.site_id, s.org_id, k.key_hash
                FROM gateway_keys k JOIN gateways g ON g.gateway_id = k.gateway_id JOIN sites s ON s.site_id = g.site_id
                WHERE k.key_hash = @hash AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > @now)
                """).Blob("@hash", keyHash).Time("@now", now),
            r => new GatewayIdentity(r.GetString(0), r.GetString(1), r.GetString(2), (byte[])r.GetValue(3)),
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 1 ? rows[0] : null;
    }

    public async Task<UserIdentity?> FindUserByUsernameAsync(string username, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(
            new Statement($"SELECT {UserColumns} FROM users u WHERE u.username = @name").Text("@name", username),
            ReadUser, cancellationToken).ConfigureAwait(false);
        return rows.Count == 1 ? rows[0] : null;
    }

    public async Task<UserIdentity?> FindUserByTokenHashAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(
            new Statement($"""
                SELECT {UserColumns} FROM user_tokens t JOIN users u ON u.user_id = t.user_id
                WHERE t.token_hash = @hash AND t.revoked_at IS NULL AND t.expires_at > @now AND u.disabled_at IS NULL
                """).Blob("@hash", tokenHash).Time("@now", now),
            ReadUser, cancellationToken).ConfigureAwait(false);
        return rows.Count == 1 ? rows[0] : null;
    }

    public Task<IReadOnlyList<SiteRecord>> GetSitesAsync(string orgId, CancellationToken cancellationToken) =>
        QueryAsync(
            new Statement("SELECT site_id, org_id, name, time_zone FROM sites WHERE org_id = @org ORDER BY name, site_id").Text("@org", orgId),
            r => new SiteRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3)),
            cancellationToken);

    private const string UserColumns = "u.user_id, u.org_id, u.username, u.password_hash, u.disabled_at";

    private static UserIdentity ReadUser(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), NullableTime(r, 4));

    // ---- reports ----

    private const string IncidentColumns =
        "site_id, incident_id, kind, device_id, resident_ref, unit, room, raised_at, accepted_at, resolved_at, outcome, accepted_by, escalation_level, last_sequence";

    public Task<IReadOnlyList<IncidentRecord>> GetIncidentsAsync(IReadOnlyCollection<string> siteIds, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        if (siteIds.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<IncidentRecord>>([]);
        }

        var statement = new Statement(
            $"SELECT {IncidentColumns} FROM incidents WHERE site_id IN ({SiteList(siteIds.Count)}) AND raised_at >= @from AND raised_at < @to ORDER BY raised_at, site_id, incident_id");
        AddSites(statement, siteIds).Time("@from", from).Time("@to", to);
        return QueryAsync(statement, ReadIncident, cancellationToken);
    }

    public Task<IReadOnlyList<IncidentRecord>> GetOpenIncidentsAsync(IReadOnlyCollection<string> siteIds, CancellationToken cancellationToken)
    {
        if (siteIds.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<IncidentRecord>>([]);
        }

        var statement = new Statement(
            $"SELECT {IncidentColumns} FROM incidents WHERE site_id IN ({SiteList(siteIds.Count)}) AND resolved_at IS NULL ORDER BY raised_at, site_id, incident_id");
        AddSites(statement, siteIds);
        return QueryAsync(statement, ReadIncident, cancellationToken);
    }

    public Task<IReadOnlyList<DeviceRecord>> GetDevicesAsync(IReadOnlyCollection<string> siteIds, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        if (siteIds.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<DeviceRecord>>([]);
        }

        var statement = new Statement($"""
            SELECT d.site_id, d.device_id, d.resident_ref, d.unit, d.state, d.battery_percent, d.state_at, COALESCE(u.seconds, 0)
            FROM devices d
            LEFT JOIN (SELECT site_id, device_id, SUM(unprotected_seconds) AS seconds
                       FROM device_unprotected
                       WHERE period_start >= @from AND period_start < @to
                       GROUP BY site_id, device_id) u
                   ON u.site_id = d.site_id AND u.device_id = d.device_id
            WHERE d.site_id IN ({SiteList(siteIds.Count)})
            ORDER BY d.site_id, d.unit, d.device_id
            """);
        AddSites(statement, siteIds).Time("@from", from).Time("@to", to);
        return QueryAsync(
            statement,
            r => new DeviceRecord(
                r.GetString(0), r.GetString(1), NullableString(r, 2), NullableString(r, 3), r.GetString(4),
                r.IsDBNull(5) ? null : r.GetInt64(5), FromMs(r.GetInt64(6)), Convert.ToInt64(r.GetValue(7), System.Globalization.CultureInfo.InvariantCulture)),
            cancellationToken);
    }

    public Task<IReadOnlyList<StoredEvent>> GetEventsAsync(string siteId, CancellationToken cancellationToken) =>
        QueryAsync(
            new Statement("""
                SELECT event_id, gateway_id, idempotency_key, site_id, type, occurred_at, received_at, incident_id, sequence, payload
                FROM events WHERE site_id = @site ORDER BY event_id
                """).Text("@site", siteId),
            r => new StoredEvent(
                r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), FromMs(r.GetInt64(5)), FromMs(r.GetInt64(6)),
                NullableString(r, 7), r.IsDBNull(8) ? null : r.GetInt64(8), r.GetString(9)),
            cancellationToken);

    public async Task<long> CountEventsAsync(CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(new Statement("SELECT COUNT(*) FROM events"), r => r.GetInt64(0), cancellationToken).ConfigureAwait(false);
        return rows[0];
    }

    private static IncidentRecord ReadIncident(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), NullableString(r, 2), NullableString(r, 3), NullableString(r, 4), NullableString(r, 5), NullableString(r, 6),
        NullableTime(r, 7), NullableTime(r, 8), NullableTime(r, 9), NullableString(r, 10), NullableString(r, 11),
        r.IsDBNull(12) ? null : r.GetInt64(12), r.GetInt64(13));

    private static string SiteList(int count) => string.Join(", ", Enumerable.Range(0, count).Select(i => $"@s{i}"));

    private static Statement AddSites(Statement statement, IReadOnlyCollection<string> siteIds)
    {
        var i = 0;
        foreach (var site in siteIds)
        {
            statement.Text($"@s{i++}", site);
        }

        return statement;
    }

    private protected static string? NullableString(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private protected static DateTimeOffset? NullableTime(DbDataReader r, int i) => r.IsDBNull(i) ? null : FromMs(r.GetInt64(i));

    private protected static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    // ---- migrations ----

    public async Task<int> MigrateAsync(int? targetVersion, CancellationToken cancellationToken)
    {
        var target = targetVersion ?? SchemaMigrations.Latest;
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await BeforeMigrationAsync(connection, cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await LockForMigrationAsync(connection, tx, cancellationToken).ConfigureAwait(false);
        await RunAsync(connection, tx, new Statement("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    {INT} PRIMARY KEY,
                name       TEXT NOT NULL,
                applied_at {INT} NOT NULL
            )
            """), translate: true, cancellationToken).ConfigureAwait(false);
        var applied = await ReadVersionsAsync(connection, tx, cancellationToken).ConfigureAwait(false);
        var ran = 0;
        foreach (var migration in SchemaMigrations.All.Where(m => m.Version <= target && !applied.Contains(m.Version)))
        {
            await RunAsync(connection, tx, new Statement(migration.Sql), translate: true, cancellationToken).ConfigureAwait(false);
            await RunAsync(connection, tx, new Statement("INSERT INTO schema_migrations (version, name, applied_at) VALUES (@v, @n, @at)")
                .Int("@v", migration.Version).Text("@n", migration.Name).Time("@at", TimeProvider.GetUtcNow()), translate: false, cancellationToken).ConfigureAwait(false);
            ran++;
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return ran;
    }

    public async Task<IReadOnlyList<int>> GetAppliedVersionsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return [.. (await ReadVersionsAsync(connection, tx, cancellationToken).ConfigureAwait(false)).Order()];
        }
        catch (DbException)
        {
            return []; // no migrations table yet
        }
    }

    private static async Task<HashSet<int>> ReadVersionsAsync(DbConnection connection, DbTransaction tx, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "SELECT version FROM schema_migrations";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var versions = new HashSet<int>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            versions.Add((int)reader.GetInt64(0));
        }

        return versions;
    }

    private async Task RunAsync(DbConnection connection, DbTransaction tx, Statement statement, bool translate, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        statement.ApplyTo(command);
        if (translate)
        {
            command.CommandText = TranslateDdl(statement.Sql)
                .Replace("{NOW}", TimeProvider.GetUtcNow().ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    // ---- helpers ----

    private protected async Task ExecuteAsync(Statement statement, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        statement.ApplyTo(command);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the statements in one transaction: all of them take effect, or none.</summary>
    private protected async Task<int[]> ExecuteInTransactionAsync(IReadOnlyList<Statement> statements, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var affected = new int[statements.Count];
        for (var i = 0; i < statements.Count; i++)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = tx;
            statements[i].ApplyTo(command);
            affected[i] = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return affected;
    }

    private protected async Task<IReadOnlyList<T>> QueryAsync<T>(Statement statement, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        statement.ApplyTo(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
