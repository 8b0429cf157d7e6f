using System.Data.Common;
using Edge.Cloud.Contracts;
using Microsoft.Data.Sqlite;

namespace Edge.Cloud.Data;

/// <summary>
/// SQLite in one file, WAL journal, synchronous=FULL: an event the API has answered "accepted" for
/// survives a power cut, because the gateway deletes it from its outbox on that answer.
/// </summary>
public sealed class SqliteCloudStore : CloudStore, IDisposable
{
    private readonly string _connectionString;

    // SQLite has one writer at a time; queueing writers here is cheaper than spinning on SQLITE_BUSY.
    private readonly SemaphoreSlim _writer = new(1, 1);

    public SqliteCloudStore(string connectionString, TimeProvider timeProvider)
        : base(timeProvider)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { ForeignKeys = true, Pooling = true };
        if (builder.Mode is SqliteOpenMode.ReadWriteCreate && !string.IsNullOrEmpty(builder.DataSource) && builder.DataSource != ":memory:")
        {
            var dir = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
            if (!string.IsNullOrEmpty(dir))
            {
                Directory.CreateDirectory(dir);
            }
        }

        _connectionString = builder.ToString();
    }

    public override StorageProvider Provider => StorageProvider.Sqlite;

    public override async Task<bool[]> InsertAsync(IReadOnlyList<UplinkEvent> events, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await base.InsertAsync(events, receivedAt, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writer.Release();
        }
    }

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 30000;";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    protected override async Task BeforeMigrationAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // The journal mode is stored in the file, so setting it once here covers every later connection.
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL;";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    // BeginTransaction on Microsoft.Data.Sqlite is BEGIN IMMEDIATE: the write lock is already held.
    protected override Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    protected override string TranslateDdl(string sql) => sql
        .Replace("{AUTOID}", "INTEGER PRIMARY KEY AUTOINCREMENT", StringComparison.Ordinal)
        .Replace("{INT}", "INTEGER", StringComparison.Ordinal)
        .Replace("{REAL}", "REAL", StringComparison.Ordinal)
        .Replace("{BLOB}", "BLOB", StringComparison.Ordinal);

    public void Dispose() => _writer.Dispose();
}
