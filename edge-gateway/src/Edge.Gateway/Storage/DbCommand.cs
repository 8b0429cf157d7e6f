using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Edge.Gateway.Storage;

/// <summary>
/// <c>db backup --to DIR [--keep-days 14] [--label L]</c>, <c>db restore FILE</c>, <c>db version</c>:
/// maintenance of the configured database (Storage:DatabasePath, from the same configuration sources as
/// the gateway, e.g. <c>--config FILE</c>). Used by the backup timer and by upgrade/rollback.
/// Exit codes: 0 done, 1 failed, 2 usage.
/// </summary>
internal static class DbCommand
{
    public static async Task<int> RunAsync(string[] args, TimeProvider time)
    {
        if (args.Length == 0)
        {
            return await UsageAsync().ConfigureAwait(false);
        }

        var verb = args[0];
        var rest = args[1..].ToList();
        var to = Take(rest, "--to");
        var keepDays = Take(rest, "--keep-days");
        var keepAtLeast = Take(rest, "--keep-at-least");
        var label = Take(rest, "--label");
        string? file = null;
        if (verb == "restore" && rest.Count > 0 && !rest[0].StartsWith("--", StringComparison.Ordinal))
        {
            file = rest[0];
            rest.RemoveAt(0);
        }

        var config = rest.ToArray();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = config, ContentRootPath = AppContext.BaseDirectory });
        builder.AddGatewayConfiguration(config);
        var options = new StorageOptions();
        builder.Configuration.GetSection(StorageOptions.SectionName).Bind(options);
        var database = Path.GetFullPath(options.DatabasePath);
        var now = time.GetUtcNow();
        try
        {
            switch (verb)
            {
                case "backup" when to is not null:
                    {
                        var days = keepDays is null ? 14 : int.Parse(keepDays, NumberStyles.None, CultureInfo.InvariantCulture);
                        var least = keepAtLeast is null ? 3 : int.Parse(keepAtLeast, NumberStyles.None, CultureInfo.InvariantCulture);
                        var written = DatabaseBackup.Backup(database, to, now, label);
                        await Console.Out.WriteLineAsync($"backup written: {written} (schema version {DatabaseBackup.SchemaVersion(written)})").ConfigureAwait(false);
                        foreach (var deleted in DatabaseBackup.Rotate(to, now, days, least))
                        {
                            await Console.Out.WriteLineAsync($"rotated out: {deleted}").ConfigureAwait(false);
                        }

                        return 0;
                    }

                case "restore" when file is not null:
                    {
                        var kept = DatabaseBackup.Restore(file, database, now);
                        await Console.Out.WriteLineAsync($"restored {file} to {database} (schema version {DatabaseBackup.SchemaVersion(database)})" + (kept is null ? "" : $"; the replaced database is kept as {kept}")).ConfigureAwait(false);
                        return 0;
                    }

                case "version":
                    await Console.Out.WriteLineAsync(File.Exists(database) ? DatabaseBackup.SchemaVersion(database).ToString(CultureInfo.InvariantCulture) : "none").ConfigureAwait(false);
                    return 0;

                default:
                    return await UsageAsync().ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or FormatException or ArgumentException or Microsoft.Data.Sqlite.SqliteException)
        {
            await Console.Error.WriteLineAsync($"db {verb} failed: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    private static string? Take(List<string> args, string name)
    {
        var i = args.IndexOf(name);
        if (i < 0 || i + 1 >= args.Count)
        {
            return null;
        }

        var value = args[i + 1];
        args.RemoveRange(i, 2);
        return value;
    }

    private static async Task<int> UsageAsync()
    {
        await Console.Error.WriteLineAsync("usage: db backup --to DIR [--keep-days 14] [--keep-at-least 3] [--label L] [--config FILE]\n       db restore FILE [--config FILE]   (stop the gateway first)\n       db version [--config FILE]").ConfigureAwait(false);
        return 2;
    }
}
