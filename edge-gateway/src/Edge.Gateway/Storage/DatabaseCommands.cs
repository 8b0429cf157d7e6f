using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Edge.Gateway.Storage;

/// <summary>
/// <c>db backup --to DIR [--keep-days 14] [--keep-at-least 3] [--label L]</c>, <c>db restore FILE</c>, <c>db version</c>:
/// maintenance of the configured database (Storage:DatabasePath, from the same configuration sources as the gateway,
/// e.g. <c>--config FILE</c>). Used by the backup timer and by upgrade/rollback. Exit codes: 0 done, 1 failed,
/// 2 usage (<see cref="GatewayCommands"/>).
/// </summary>
internal static class DatabaseCommands
{
    public const string Usage = "usage: db backup --to DIR [--keep-days 14] [--keep-at-least 3] [--label L] [--config FILE]\n       db restore FILE [--config FILE]   (stop the gateway first)\n       db version [--config FILE]";

    public static Command Create(CommandContext context)
    {
        var to = new Option<string>("--to") { Description = "The folder the backup is written to.", Required = true };
        var keepDays = GatewayCommands.Count("--keep-days", "Backups older than this many days are deleted.", 14);
        var keepAtLeast = GatewayCommands.Count("--keep-at-least", "The newest this many backups are always kept.", 3);
        var label = new Option<string?>("--label") { Description = "A word added to the file name (e.g. pre-upgrade-to-VERSION)." };
        var backup = new Command("backup", "Online backup of the database (SQLite backup API, integrity-checked), then rotation of old backups.") { to, keepDays, keepAtLeast, label };
        backup.SetAction((parse, _) => RunAsync(context, parse, "backup", async database =>
        {
            var now = context.Time.GetUtcNow();
            var written = DatabaseBackup.Backup(database, parse.GetRequiredValue(to), now, parse.GetValue(label));
            await context.Out.WriteLineAsync($"backup written: {written} (schema version {DatabaseBackup.SchemaVersion(written)})").ConfigureAwait(false);
            foreach (var deleted in DatabaseBackup.Rotate(parse.GetRequiredValue(to), now, parse.GetValue(keepDays), parse.GetValue(keepAtLeast)))
            {
                await context.Out.WriteLineAsync($"rotated out: {deleted}").ConfigureAwait(false);
            }
        }));

        var file = new Argument<string>("FILE") { Description = "The backup to restore." };
        var restore = new Command("restore", "Replaces the database with a backup (stop the gateway first); the replaced database is kept beside it.") { file };
        restore.SetAction((parse, _) => RunAsync(context, parse, "restore", async database =>
        {
            var from = parse.GetRequiredValue(file);
            var kept = DatabaseBackup.Restore(from, database, context.Time.GetUtcNow());
            await context.Out.WriteLineAsync($"restored {from} to {database} (schema version {DatabaseBackup.SchemaVersion(database)})" + (kept is null ? "" : $"; the replaced database is kept as {kept}")).ConfigureAwait(false);
        }));

        var version = new Command("version", "Prints the database's schema version, or 'none' when there is no database.");
        version.SetAction((parse, _) => RunAsync(context, parse, "version", async database =>
            await context.Out.WriteLineAsync(File.Exists(database) ? DatabaseBackup.SchemaVersion(database).ToString(CultureInfo.InvariantCulture) : "none").ConfigureAwait(false)));

        return new Command("db", "Backup, restore and schema version of the gateway database.") { backup, restore, version };
    }

    private static async Task<int> RunAsync(CommandContext context, ParseResult parse, string verb, Func<string, Task> run)
    {
        var options = new StorageOptions();
        GatewayCommands.CreateBuilder(parse).Configuration.GetSection(StorageOptions.SectionName).Bind(options);
        try
        {
            await run(Path.GetFullPath(options.DatabasePath)).ConfigureAwait(false);
            return 0;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or FormatException or ArgumentException or Microsoft.Data.Sqlite.SqliteException)
        {
            await context.Error.WriteLineAsync($"db {verb} failed: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }
}
