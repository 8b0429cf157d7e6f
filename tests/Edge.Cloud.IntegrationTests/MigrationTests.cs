using Edge.Cloud.Contracts;
using Edge.Cloud.Data;
using Edge.TestKit;

namespace Edge.Cloud.IntegrationTests;

/// <summary>Schema creation and upgrade; runs on SQLite and on PostgreSQL.</summary>
public abstract class MigrationTests(IDatabaseSource databases) : IAsyncLifetime, IDisposable
{
    private readonly TestEnvironment _env = new();
    private CloudStore? _store;
    private string _connectionString = "";

    private CloudStore Store => _store!;

    public async Task InitializeAsync()
    {
        _connectionString = await databases.NewDatabaseAsync();
        _store = StorageServiceCollectionExtensions.Create(new StorageOptions { Provider = databases.Provider, ConnectionString = _connectionString }, TimeProvider.System);
    }

    public Task DisposeAsync()
    {
        (_store as IDisposable)?.Dispose();
        (databases as IDisposable)?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task Migrate_EmptyDatabase_AppliesEveryVersionAndRecordsThem()
    {
        Assert.Empty(await Store.GetAppliedVersionsAsync(default));

        var ran = await Store.MigrateAsync(null, default);

        Assert.Equal(3, ran);
        Assert.Equal([1, 2, 3], await Store.GetAppliedVersionsAsync(default));
        Assert.Equal(0, await Store.CountEventsAsync(default));
    }

    [Fact]
    public async Task Migrate_RunTwice_SecondRunDoesNothing()
    {
        await Store.MigrateAsync(null, default);

        var ran = await Store.MigrateAsync(null, default);

        Assert.Equal(0, ran);
        Assert.Equal([1, 2, 3], await Store.GetAppliedVersionsAsync(default));
    }

    [Fact]
    public async Task Migrate_FromVersion1WithData_UpgradesAndKeepsData()
    {
        Assert.Equal(1, await Store.MigrateAsync(1, default));
        await Store.CreateOrganisationAsync("org", "Org", DateTimeOffset.UtcNow, default);
        await Store.CreateSiteAsync("site", "org", "Site", "UTC", DateTimeOffset.UtcNow, default);
        var e = new UplinkEvent
        {
            IdempotencyKey = "k1", GatewayId = "gw", SiteId = "site", Type = UplinkEventTypes.IncidentRaised, OccurredAt = DateTimeOffset.UtcNow,
            IncidentId = "i1", Sequence = 1, Incident = new IncidentPayload { Kind = "fall" },
        };
        Assert.True((await Store.InsertAsync([e], DateTimeOffset.UtcNow, default)).Single());

        Assert.Equal(2, await Store.MigrateAsync(null, default));

        Assert.Equal([1, 2, 3], await Store.GetAppliedVersionsAsync(default));
        Assert.Equal(1, await Store.CountEventsAsync(default));
        Assert.Single(await Store.GetOpenIncidentsAsync(["site"], default));
        Assert.False((await Store.InsertAsync([e], DateTimeOffset.UtcNow, default)).Single());
    }

    [Fact]
    public async Task Migrate_FromVersion2WithAGatewayAndAToken_KeyKeepsWorkingAndTheTokenNowExpires()
    {
        Assert.Equal(2, await Store.MigrateAsync(2, default));
        var created = DateTimeOffset.UtcNow.AddDays(-400);
        byte[] keyHash = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
        byte[] tokenHash = [.. Enumerable.Range(101, 32).Select(i => (byte)i)];
        // The version 2 schema: the gateway's only key lives in gateways.key_hash, tokens never expire.
        await ExecuteRawAsync(
            $"INSERT INTO organisations (org_id, name, created_at) VALUES ('org', 'Org', {created.ToUnixTimeMilliseconds()})",
            $"INSERT INTO sites (site_id, org_id, name, time_zone, created_at) VALUES ('site', 'org', 'Site', 'UTC', {created.ToUnixTimeMilliseconds()})",
            $"INSERT INTO gateways (gateway_id, site_id, key_hash, created_at) VALUES ('gw', 'site', {Hex(keyHash)}, {created.ToUnixTimeMilliseconds()})",
            $"INSERT INTO users (user_id, org_id, username, password_hash, created_at) VALUES ('u1', 'org', 'alice', 'x', {created.ToUnixTimeMilliseconds()})",
            $"INSERT INTO user_tokens (token_hash, user_id, created_at) VALUES ({Hex(tokenHash)}, 'u1', {created.ToUnixTimeMilliseconds()})");

        Assert.Equal(1, await Store.MigrateAsync(null, default));

        var now = DateTimeOffset.UtcNow;
        var gateway = await Store.FindGatewayByKeyHashAsync(keyHash, now, default);
        Assert.Equal(("gw", "site", "org"), (gateway!.GatewayId, gateway.SiteId, gateway.OrgId));
        var key = Assert.Single(await Store.ListGatewayKeysAsync("gw", default));
        Assert.Equal(created.ToUnixTimeMilliseconds(), key.CreatedAt.ToUnixTimeMilliseconds());
        Assert.Null(key.ExpiresAt);
        Assert.Equal("alice", (await Store.FindUserByTokenHashAsync(tokenHash, now, default))!.Username);
        var token = Assert.Single(await Store.ListUserTokensAsync("u1", default));
        Assert.InRange(token.ExpiresAt!.Value, now.AddDays(29), now.AddDays(31));
        Assert.Null(await Store.FindUserByTokenHashAsync(tokenHash, now.AddDays(31), default));

        // A second gateway can be created in the new schema and the old one can still be rotated.
        await Store.CreateGatewayAsync("gw2", "site", [.. keyHash.Select(b => (byte)(b ^ 0xFF))], now, default);
        Assert.Equal("gw2", (await Store.FindGatewayByKeyHashAsync([.. keyHash.Select(b => (byte)(b ^ 0xFF))], now, default))!.GatewayId);
    }

    [Fact]
    public async Task Migrate_ConcurrentInstances_ApplyEachVersionOnce()
    {
        var cs = databases.Provider == "sqlite" ? null : await databases.NewDatabaseAsync();
        var stores = Enumerable.Range(0, 3).Select(_ => cs is null ? Store : StorageServiceCollectionExtensions.Create(
            new StorageOptions { Provider = databases.Provider, ConnectionString = cs }, TimeProvider.System)).ToList();

        var ran = await Task.WhenAll(stores.Select(s => s.MigrateAsync(null, default)));

        Assert.Equal(3, ran.Sum());
        Assert.Equal([1, 2, 3], await stores[0].GetAppliedVersionsAsync(default));
        foreach (var s in stores.Where(s => s != Store))
        {
            (s as IDisposable)?.Dispose();
        }
    }

    private string Hex(byte[] bytes) => databases.Provider == "sqlite"
        ? $"X'{Convert.ToHexString(bytes)}'"
        : $"'\\x{Convert.ToHexString(bytes)}'::bytea";

    private async Task ExecuteRawAsync(params string[] statements)
    {
        await using System.Data.Common.DbConnection connection = databases.Provider == "sqlite"
            ? new Microsoft.Data.Sqlite.SqliteConnection(_connectionString)
            : new Npgsql.NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        foreach (var sql in statements)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }
    }
}

public sealed class SqliteMigrationTests() : MigrationTests(new SqliteSource());

[Collection(PostgresCollection.Name)]
public sealed class PostgresMigrationTests(PostgresFixture fixture) : MigrationTests(new PostgresSource(fixture));
