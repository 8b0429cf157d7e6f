using Edge.Gateway.Storage;
using Edge.TestKit;
using Microsoft.Data.Sqlite;

namespace Edge.Gateway.Tests.Storage;

public sealed class DatabaseBackupTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 3, 15, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new("edge-backup");

    [Fact]
    public void Backup_WhileAnotherConnectionHasUncommittedWrites_CopiesOnlyCommittedRows()
    {
        var db = CreateDatabase(rows: 3);
        using var live = Open(db);
        using var tx = live.BeginTransaction();
        Exec(live, "INSERT INTO t(v) VALUES ('uncommitted')", tx);

        var backup = DatabaseBackup.Backup(db, _dir.File("backups"), Now, "manual");

        Assert.EndsWith("edge-gateway-20261122T031500Z-manual.db", backup, StringComparison.Ordinal);
        using var copy = Open(backup);
        Assert.Equal(3L, Scalar(copy, "SELECT count(*) FROM t"));
        Assert.Equal("delete", Scalar(copy, "PRAGMA journal_mode"));
        Assert.Equal(7L, Scalar(copy, "PRAGMA user_version"));
        Assert.Empty(Directory.GetFiles(_dir.File("backups"), ".*partial"));
    }

    [Fact]
    public void Rotate_OldBackups_DeletedButNewestKept()
    {
        var db = CreateDatabase(rows: 1);
        var dir = _dir.File("backups");
        for (var d = 0; d < 20; d++)
        {
            DatabaseBackup.Backup(db, dir, Now.AddDays(-d));
        }

        var deleted = DatabaseBackup.Rotate(dir, Now, keepDays: 14, keepAtLeast: 3);

        Assert.Equal(5, deleted.Count); // 15..19 days old
        Assert.Equal(15, Directory.GetFiles(dir, "edge-gateway-*.db").Length);
        Assert.Empty(DatabaseBackup.Rotate(Path.Combine(dir, "none"), Now, 14));
        // Even when everything is old, the newest three stay.
        Assert.Equal(12, DatabaseBackup.Rotate(dir, Now.AddYears(1), keepDays: 14, keepAtLeast: 3).Count);
    }

    [Fact]
    public void Restore_Backup_ReplacesDatabaseAndKeepsTheOldOne()
    {
        var db = CreateDatabase(rows: 2);
        var backup = DatabaseBackup.Backup(db, _dir.File("backups"), Now);
        using (var c = Open(db))
        {
            Exec(c, "INSERT INTO t(v) VALUES ('after'); PRAGMA user_version = 8;");
        }

        SqliteConnection.ClearAllPools();
        var kept = DatabaseBackup.Restore(backup, db, Now);

        Assert.Equal(7, DatabaseBackup.SchemaVersion(db));
        using var restored = Open(db);
        Assert.Equal(2L, Scalar(restored, "SELECT count(*) FROM t"));
        Assert.NotNull(kept);
        Assert.Equal(8, DatabaseBackup.SchemaVersion(kept));
    }

    [Fact]
    public void Restore_CorruptBackup_RefusedAndDatabaseUntouched()
    {
        var db = CreateDatabase(rows: 2);
        var bad = _dir.File("bad.db");
        File.WriteAllBytes(bad, new byte[8192]);

        Assert.ThrowsAny<Exception>(() => DatabaseBackup.Restore(bad, db, Now));
        Assert.Equal(7, DatabaseBackup.SchemaVersion(db));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private string CreateDatabase(int rows)
    {
        var path = _dir.File("gateway.db");
        using var c = Open(path);
        Exec(c, "PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, v TEXT); PRAGMA user_version = 7;");
        for (var i = 0; i < rows; i++)
        {
            Exec(c, $"INSERT INTO t(v) VALUES ('row {i}')");
        }

        return path;
    }

    private static SqliteConnection Open(string path)
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        c.Open();
        return c;
    }

    private static void Exec(SqliteConnection c, string sql, SqliteTransaction? tx = null)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }
}
