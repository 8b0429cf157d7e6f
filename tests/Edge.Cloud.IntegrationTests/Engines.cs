using Edge.TestKit;

namespace Edge.Cloud.IntegrationTests;

/// <summary>One PostgreSQL cluster (initdb into a temp folder, pg_ctl on a free port) for the whole suite.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("The cluster is not started.");

    public async Task InitializeAsync() => _server = await PostgresServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}

/// <summary>Gives each test a fresh, empty database of one engine.</summary>
public interface IDatabaseSource
{
    string Provider { get; }

    Task<string> NewDatabaseAsync();
}

public sealed class SqliteSource : IDatabaseSource, IDisposable
{
    private readonly TempDirectory _dir = new("edge-cloud-sqlite");
    private int _n;

    public string Provider => "sqlite";

    public Task<string> NewDatabaseAsync() => Task.FromResult($"Data Source={_dir.File($"cloud-{Interlocked.Increment(ref _n)}.db")}");

    public void Dispose() => _dir.Dispose();
}

public sealed class PostgresSource(PostgresFixture fixture) : IDatabaseSource
{
    public string Provider => "postgres";

    public Task<string> NewDatabaseAsync() => fixture.Server.CreateDatabaseAsync();
}
