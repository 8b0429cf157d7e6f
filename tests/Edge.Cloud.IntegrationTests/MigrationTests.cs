using Edge.Cloud.Contracts;
using Edge.Cloud.Data;

namespace Edge.Cloud.IntegrationTests;

/// <summary>Schema creation and upgrade; runs on SQLite and on PostgreSQL.</summary>
public abstract class MigrationTests(IDatabaseSource databases) : IAsyncLifetime
{
    private CloudStore? _store;

    private CloudStore Store => _store!;

    public async Task InitializeAsync() =>
        _store = StorageServiceCollectionExtensions.Create(
            new StorageOptions { Provider = databases.Provider, ConnectionString = await databases.NewDatabaseAsync() }, TimeProvider.System);

    public Task DisposeAsync()
    {
        (_store as IDisposable)?.Dispose();
        (databases as IDisposable)?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Migrate_EmptyDatabase_AppliesEveryVersionAndRecordsThem()
    {
        Assert.Empty(await Store.GetAppliedVersionsAsync(default));

        var ran = await Store.MigrateAsync(null, default);

        Assert.Equal(2, ran);
        Assert.Equal([1, 2], await Store.GetAppliedVersionsAsync(default));
        Assert.Equal(0, await Store.CountEventsAsync(default));
    }

    [Fact]
    public async Task Migrate_RunTwice_SecondRunDoesNothing()
    {
        await Store.MigrateAsync(null, default);

        var ran = await Store.MigrateAsync(null, default);

        Assert.Equal(0, ran);
        Assert.Equal([1, 2], await Store.GetAppliedVersionsAsync(default));
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

        Assert.Equal(1, await Store.MigrateAsync(null, default));

        Assert.Equal([1, 2], await Store.GetAppliedVersionsAsync(default));
        Assert.Equal(1, await Store.CountEventsAsync(default));
        Assert.Single(await Store.GetOpenIncidentsAsync(["site"], default));
        Assert.False((await Store.InsertAsync([e], DateTimeOffset.UtcNow, default)).Single());
    }

    [Fact]
    public async Task Migrate_ConcurrentInstances_ApplyEachVersionOnce()
    {
        var cs = databases.Provider == "sqlite" ? null : await databases.NewDatabaseAsync();
        var stores = Enumerable.Range(0, 3).Select(_ => cs is null ? Store : StorageServiceCollectionExtensions.Create(
            new StorageOptions { Provider = databases.Provider, ConnectionString = cs }, TimeProvider.System)).ToList();

        var ran = await Task.WhenAll(stores.Select(s => s.MigrateAsync(null, default)));

        Assert.Equal(2, ran.Sum());
        Assert.Equal([1, 2], await stores[0].GetAppliedVersionsAsync(default));
        foreach (var s in stores.Where(s => s != Store))
        {
            (s as IDisposable)?.Dispose();
        }
    }
}

public sealed class SqliteMigrationTests() : MigrationTests(new SqliteSource());

[Collection(PostgresCollection.Name)]
public sealed class PostgresMigrationTests(PostgresFixture fixture) : MigrationTests(new PostgresSource(fixture));
