using System.Data.Common;
using Edge.Cloud.Contracts;
using Npgsql;

namespace Edge.Cloud.Data;

/// <summary>
/// PostgreSQL through Npgsql. Stateless API instances can share one database: idempotency is a unique
/// constraint, projections are upserts, and migrations take an advisory lock.
/// </summary>
public sealed class PostgresCloudStore : CloudStore, IDisposable, IAsyncDisposable
{
    // Any constant works; it only has to be the same for every instance migrating this database.
    private const long MigrationLockKey = 0x45646765436C6F75; // "EdgeClou"

    private readonly NpgsqlDataSource _dataSource;

    public PostgresCloudStore(string connectionString, TimeProvider timeProvider)
        : base(timeProvider)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Max Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            // The ingest statements repeat for every event: prepared once per connection, they skip
            // PostgreSQL's parse and plan steps (about a third of the server's time per event).
            builder.MaxAutoPrepare = 32;
            builder.AutoPrepareMinUsages = 2;
        }

        _dataSource = NpgsqlDataSource.Create(builder);
    }

    public override StorageProvider Provider => StorageProvider.Postgres;

    /// <summary>
    /// Set-based: one <c>INSERT ... SELECT FROM unnest(...)</c> for the events of a batch, then one
    /// round trip with the merged projection upserts (see <see cref="PostgresBulk"/>).
    /// </summary>
    public override async Task<bool[]> InsertAsync(IReadOnlyList<UplinkEvent> events, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return [];
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var stored = await PostgresBulk.InsertAsync(connection, tx, events, receivedAt, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return stored;
    }

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    protected override async Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT pg_advisory_xact_lock({MigrationLockKey})";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override string TranslateDdl(string sql) => sql
        .Replace("{AUTOID}", "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", StringComparison.Ordinal)
        .Replace("{INT}", "BIGINT", StringComparison.Ordinal)
        .Replace("{REAL}", "DOUBLE PRECISION", StringComparison.Ordinal)
        .Replace("{BLOB}", "BYTEA", StringComparison.Ordinal);

    public void Dispose() => _dataSource.Dispose();

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
