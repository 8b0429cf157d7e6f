using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Storage;

/// <summary>
/// Opens connections to the gateway database and creates or migrates its schema.
/// <para>
/// Durability: WAL journal with <c>synchronous=FULL</c>. In WAL mode NORMAL already survives a process
/// crash (kill -9), but a power cut can lose the last commits; a Raspberry Pi loses power, and an
/// incident that was committed must stay committed, so every commit is fsynced. Incident writes are
/// rare (a few per minute at most), so the cost does not matter.
/// </para>
/// </summary>
public sealed partial class GatewayDatabase
{
    private readonly string _connectionString;
    private readonly string _pragmas;
    private readonly ILogger<GatewayDatabase> _logger;
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private int _initialized;

    public GatewayDatabase(IOptions<StorageOptions> options, ILogger<GatewayDatabase> logger)
    {
        var o = options.Value;
        DatabasePath = Path.GetFullPath(o.DatabasePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = (int)Math.Ceiling(o.BusyTimeout.TotalSeconds),
        }.ToString();
        _pragmas = $"PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout={(int)o.BusyTimeout.TotalMilliseconds};";
        _logger = logger;
    }

    /// <summary>Full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <summary>Opens a connection with the gateway's pragmas applied. Creates the schema on first use.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken ct = default)
    {
        if (Volatile.Read(ref _initialized) == 0)
        {
            await InitializeAsync(ct).ConfigureAwait(false);
        }

        return await OpenRawAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Creates the folder, switches the file to WAL and applies schema migrations. Idempotent.</summary>
    public async Task InitializeAsync(CancellationToken ct = default)
    {
        if (Volatile.Read(ref _initialized) == 1)
        {
            return;
        }

        await _initLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _initialized) == 0)
            {
                await MigrateAsync(ct).ConfigureAwait(false);
            }
        }
        finally
        {
            _initLock.Release();
        }
    }

    // One caller at a time: two first users must not both run the migrations.
    private async Task MigrateAsync(CancellationToken ct)
    {

        var dir = Path.GetDirectoryName(DatabasePath);
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        var connection = await OpenRawAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await ExecuteAsync(connection, "PRAGMA journal_mode=WAL;", ct).ConfigureAwait(false);
            var version = Convert.ToInt32(await ScalarAsync(connection, "PRAGMA user_version;", ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
            for (var v = version; v < Schema.Migrations.Count; v++)
            {
                var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
                await using (tx.ConfigureAwait(false))
                {
                    await using var cmd = connection.CreateCommand();
                    cmd.Transaction = tx;
                    cmd.CommandText = Schema.Migrations[v] + $"\nPRAGMA user_version={v + 1};";
                    await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    await tx.CommitAsync(ct).ConfigureAwait(false);
                }
            }

            Log.DatabaseOpened(_logger, DatabasePath, version, Schema.Migrations.Count);
        }

        Volatile.Write(ref _initialized, 1);
    }

    private async Task<SqliteConnection> OpenRawAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            await ExecuteAsync(connection, _pragmas, ct).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.DatabaseOpened, Level = LogLevel.Information, Message = "Database {Path} opened (schema version {FromVersion} -> {ToVersion}, WAL, synchronous=FULL)")]
        public static partial void DatabaseOpened(ILogger logger, string path, int fromVersion, int toVersion);
    }
}
