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
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    public override StorageProvider Provider => StorageProvider.Postgres;

    /// <summary>
    /// Two round trips per batch instead of one per statement: all idempotent inserts in one
    /// <see cref="NpgsqlBatch"/>, then the projection updates of the events that were new.
    /// </summary>
    public override async Task<bool[]> InsertAsync(IReadOnlyList<UplinkEvent> events, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var stored = new bool[events.Count];
        if (events.Count == 0)
        {
            return stored;
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        await using (var inserts = new NpgsqlBatch(connection, tx))
        {
            foreach (var e in events)
            {
                inserts.BatchCommands.Add(ToBatchCommand(Projections.InsertEvent(e, receivedAt)));
            }

            await inserts.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < events.Count; i++)
            {
                stored[i] = inserts.BatchCommands[i].RecordsAffected == 1;
            }
        }

        await using (var projections = new NpgsqlBatch(connection, tx))
        {
            for (var i = 0; i < events.Count; i++)
            {
                if (stored[i])
                {
                    foreach (var statement in Projections.For(events[i]))
                    {
                        projections.BatchCommands.Add(ToBatchCommand(statement));
                    }
                }
            }

            if (projections.BatchCommands.Count > 0)
            {
                await projections.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return stored;
    }

    private static NpgsqlBatchCommand ToBatchCommand(Statement statement)
    {
        var command = new NpgsqlBatchCommand(statement.Sql);
        foreach (var (name, type, value) in statement.Parameters)
        {
            command.Parameters.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });
        }

        return command;
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
