using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Edge.Gateway.Storage;

/// <summary>
/// Online backups of the gateway database with SQLite's backup API (<see cref="SqliteConnection.BackupDatabase(SqliteConnection)"/>),
/// safe while the gateway runs: the copy is a consistent snapshot of committed transactions. No sqlite3
/// shell is needed on the gateway. Backups are single files (journal_mode=DELETE), checked with
/// <c>PRAGMA integrity_check</c> before they get their final name, and rotated by age.
/// </summary>
public static class DatabaseBackup
{
    /// <summary>File name prefix of every backup; rotation only touches files with it.</summary>
    public const string Prefix = "edge-gateway-";

    /// <summary>Writes <c>edge-gateway-&lt;UTC time&gt;[-label].db</c> into <paramref name="backupDir"/> and returns its path.</summary>
    public static string Backup(string databasePath, string backupDir, DateTimeOffset now, string? label = null)
    {
        if (!File.Exists(databasePath))
        {
            throw new FileNotFoundException($"No database at {databasePath}: nothing to back up.", databasePath);
        }

        if (label is not null && (label.Length is 0 or > 64 || !label.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw new ArgumentException("A backup label is 1-64 of A-Z a-z 0-9 - _ .", nameof(label));
        }

        Directory.CreateDirectory(backupDir);
        var name = Prefix + now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + (label is null ? "" : "-" + label) + ".db";
        var final = Path.Combine(backupDir, name);
        var partial = Path.Combine(backupDir, "." + name + ".partial");
        File.Delete(partial);
        try
        {
            using (var source = Open(databasePath, SqliteOpenMode.ReadOnly))
            using (var destination = Open(partial, SqliteOpenMode.ReadWriteCreate))
            {
                source.BackupDatabase(destination);
                Execute(destination, "PRAGMA journal_mode=DELETE;");
                var check = Convert.ToString(Scalar(destination, "PRAGMA integrity_check;"), CultureInfo.InvariantCulture);
                if (check != "ok")
                {
                    throw new InvalidDataException($"The backup copy failed its integrity check: {check}");
                }
            }

            File.Move(partial, final, overwrite: true);
            return final;
        }
        finally
        {
            File.Delete(partial);
        }
    }

    /// <summary>
    /// Deletes backups older than <paramref name="keepDays"/> days, but always keeps the newest
    /// <paramref name="keepAtLeast"/>. Returns the deleted paths.
    /// </summary>
    public static IReadOnlyList<string> Rotate(string backupDir, DateTimeOffset now, int keepDays, int keepAtLeast = 3)
    {
        if (!Directory.Exists(backupDir))
        {
            return [];
        }

        var backups = Directory.GetFiles(backupDir, Prefix + "*.db")
            .Select(p => (Path: p, At: ParseTime(Path.GetFileName(p))))
            .Where(b => b.At is not null)
            .OrderByDescending(b => b.At)
            .ToList();
        var deleted = new List<string>();
        foreach (var (path, at) in backups.Skip(keepAtLeast))
        {
            if (now - at!.Value > TimeSpan.FromDays(keepDays))
            {
                File.Delete(path);
                deleted.Add(path);
            }
        }

        return deleted;
    }

    /// <summary>
    /// Puts <paramref name="backupPath"/> in place of the database (the gateway must be stopped). The
    /// database it replaces is kept beside it as <c>.before-restore-&lt;time&gt;</c>; WAL and shared-memory
    /// files are removed so SQLite does not replay an old log over the restored file.
    /// </summary>
    public static string? Restore(string backupPath, string databasePath, DateTimeOffset now)
    {
        using (var check = Open(backupPath, SqliteOpenMode.ReadOnly))
        {
            var result = Convert.ToString(Scalar(check, "PRAGMA integrity_check;"), CultureInfo.InvariantCulture);
            if (result != "ok")
            {
                throw new InvalidDataException($"{backupPath} failed its integrity check ({result}); not restored.");
            }
        }

        string? kept = null;
        if (File.Exists(databasePath))
        {
            // Checkpoint first so the kept copy is whole without its -wal file.
            using (var live = Open(databasePath, SqliteOpenMode.ReadWrite))
            {
                Execute(live, "PRAGMA wal_checkpoint(TRUNCATE);");
            }

            kept = databasePath + ".before-restore-" + now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
            File.Copy(databasePath, kept, overwrite: true);
        }

        var staging = databasePath + ".restoring";
        File.Copy(backupPath, staging, overwrite: true);
        File.Delete(databasePath + "-wal");
        File.Delete(databasePath + "-shm");
        File.Move(staging, databasePath, overwrite: true);
        return kept;
    }

    /// <summary>The schema version (<c>PRAGMA user_version</c>) of a database file.</summary>
    public static int SchemaVersion(string databasePath)
    {
        using var c = Open(databasePath, SqliteOpenMode.ReadOnly);
        return Convert.ToInt32(Scalar(c, "PRAGMA user_version;"), CultureInfo.InvariantCulture);
    }

    private static DateTimeOffset? ParseTime(string fileName)
    {
        if (fileName.Length < Prefix.Length + 16)
        {
            return null;
        }

        return DateTimeOffset.TryParseExact(fileName.AsSpan(Prefix.Length, 16), "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at : null;
    }

    private static SqliteConnection Open(string path, SqliteOpenMode mode)
    {
        // No pooling: the file handle must be closed when the connection is disposed (renames follow).
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
        c.Open();
        return c;
    }

    private static void Execute(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
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
