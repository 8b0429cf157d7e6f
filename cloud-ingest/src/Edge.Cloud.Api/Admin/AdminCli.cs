using System.Globalization;
using Edge.Cloud.Api.Security;
using Edge.Cloud.Data;

namespace Edge.Cloud.Api.Admin;

/// <summary>
/// <c>dotnet Edge.Cloud.Api.dll admin &lt;command&gt; [--option value ...]</c>. Uses the same storage
/// configuration as the service (appsettings.json, environment <c>Storage__ConnectionString</c>, or
/// <c>--connection-string</c>) and migrates the schema first. Secrets are printed once. Every change to
/// a credential is written to the audit log, naming <c>--actor</c> (default: admin-cli:&lt;OS user&gt;).
/// </summary>
public static class AdminCli
{
    public const string Usage = """
        usage: Edge.Cloud.Api admin <command> [options]   (storage: --connection-string CS, or the service's configuration)
          create-org          --id ORG --name NAME
          create-site         --id SITE --org ORG --name NAME [--time-zone Europe/London]
          create-gateway      --id GATEWAY --site SITE           prints the gateway key once
                              [--key-file FILE]                   or registers a key generated on site (provision init)
          rotate-gateway-key  --id GATEWAY [--overlap 24h]       prints a new key once; the old keys stop working after the overlap
                              [--key-file FILE]                   or registers a new key generated on site
          revoke-gateway-key  --id GATEWAY (--key KEY-ID | --all) the key stops working at the next request
          list-gateway-keys   --id GATEWAY                       ids, expiry, revocation and last use of the gateway's keys
          create-user         --org ORG --username NAME          prints a password and an API token once
          disable-user        --username NAME                    ends the user's sessions and revokes its tokens at once
          issue-token         --username NAME [--expires-in 90d] prints another API token once
          revoke-token        --username NAME (--token TOKEN-ID | --all)
          list-tokens         --username NAME
          end-sessions        --username NAME                    signs the user out of every dashboard session
          audit               [--since 30d] [--limit 100]        the audit log, newest first
        every command: [--actor NAME] names who acted in the audit log (default admin-cli:<OS user>)
        durations: 90d, 24h, 30m, 45s or 1.12:00:00
        """;

    private static readonly HashSet<string> Flags = ["all"];

    public static async Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            await output.WriteLineAsync(Usage).ConfigureAwait(false);
            return args.Length == 0 ? 2 : 0;
        }

        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal) && Flags.Contains(args[i][2..]))
            {
                options[args[i][2..]] = "true";
                continue;
            }

            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                await error.WriteLineAsync($"unexpected argument '{args[i]}'\n{Usage}").ConfigureAwait(false);
                return 2;
            }

            options[args[i][2..]] = args[++i];
        }

        var storage = configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        if (options.Remove("connection-string", out var cs))
        {
            storage.ConnectionString = cs;
        }

        var credentialOptions = configuration.GetSection(CredentialOptions.SectionName).Get<CredentialOptions>() ?? new CredentialOptions();
        var actor = options.Remove("actor", out var a) ? a : "admin-cli:" + Environment.UserName;
        var store = StorageServiceCollectionExtensions.Create(storage, TimeProvider.System);
        try
        {
            await store.MigrateAsync(null, CancellationToken.None).ConfigureAwait(false);
            var admin = AdminCommands.For(store, TimeProvider.System, credentialOptions, actor);
            await RunCommandAsync(args[0], options, admin, output).ConfigureAwait(false);
            return 0;
        }
        catch (UnknownCommandException)
        {
            await error.WriteLineAsync($"unknown command '{args[0]}'\n{Usage}").ConfigureAwait(false);
            return 2;
        }
        catch (ArgumentException ex)
        {
            await error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 2;
        }
        catch (System.Data.Common.DbException ex)
        {
            await error.WriteLineAsync($"storage refused it: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        finally
        {
            (store as IDisposable)?.Dispose();
        }
    }

    private static async Task RunCommandAsync(string command, Dictionary<string, string> options, AdminCommands admin, TextWriter output)
    {
        string Need(string name) => options.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required");
        TimeSpan? Duration(string name) => options.TryGetValue(name, out var v) ? ParseDuration(v, name) : null;
        string? OneOrAll(string name)
        {
            var all = options.ContainsKey("all");
            var one = options.GetValueOrDefault(name);
            return all == (one is not null) ? throw new ArgumentException($"give either --{name} ID or --all") : one;
        }

        switch (command)
        {
            case "create-org":
                await admin.CreateOrganisationAsync(Need("id"), Need("name")).ConfigureAwait(false);
                await output.WriteLineAsync($"organisation {Need("id")} created").ConfigureAwait(false);
                break;
            case "create-site":
                await admin.CreateSiteAsync(Need("id"), Need("org"), Need("name"), options.GetValueOrDefault("time-zone", "Europe/London")).ConfigureAwait(false);
                await output.WriteLineAsync($"site {Need("id")} created").ConfigureAwait(false);
                break;
            case "create-gateway" when options.TryGetValue("key-file", out var keyFile):
                await admin.RegisterGatewayAsync(Need("id"), Need("site"), await ReadKeyFileAsync(keyFile).ConfigureAwait(false)).ConfigureAwait(false);
                await output.WriteLineAsync($"gateway {Need("id")} registered with the key from {keyFile} (only its hash is stored)").ConfigureAwait(false);
                break;
            case "create-gateway":
                var key = await admin.CreateGatewayAsync(Need("id"), Need("site")).ConfigureAwait(false);
                await output.WriteLineAsync($"gateway {Need("id")} created. Its key (shown only now; configure it on the gateway as Uplink:GatewayKey):\n{key}").ConfigureAwait(false);
                break;
            case "rotate-gateway-key":
                var onSite = options.TryGetValue("key-file", out var newKeyFile) ? await ReadKeyFileAsync(newKeyFile).ConfigureAwait(false) : null;
                var rotated = await admin.RotateGatewayKeyAsync(Need("id"), Duration("overlap"), onSite).ConfigureAwait(false);
                await output.WriteLineAsync(rotated.Key is null
                    ? $"gateway {Need("id")}: key {rotated.KeyId} from {newKeyFile} added (only its hash is stored)."
                    : $"gateway {Need("id")}: new key {rotated.KeyId} (shown only now; put it on the gateway with 'provision cloud-key' and restart the gateway):\n{rotated.Key}").ConfigureAwait(false);
                await output.WriteLineAsync($"{rotated.OldKeys} older key(s) keep working until {Time(rotated.OldKeysExpireAt)}; revoke them sooner with revoke-gateway-key once list-gateway-keys shows the new key in use.").ConfigureAwait(false);
                break;
            case "revoke-gateway-key":
                var revoked = await admin.RevokeGatewayKeysAsync(Need("id"), OneOrAll("key")).ConfigureAwait(false);
                await output.WriteLineAsync($"gateway {Need("id")}: {revoked} key(s) revoked; requests with them are refused (401) from now on.").ConfigureAwait(false);
                break;
            case "list-gateway-keys":
                var now = DateTimeOffset.UtcNow;
                await WriteTableAsync(output, ["KEY ID", "STATE", "CREATED", "EXPIRES", "REVOKED", "LAST USED"],
                    (await admin.ListGatewayKeysAsync(Need("id")).ConfigureAwait(false)).Select(k => new[]
                    {
                        Secrets.KeyId(k.KeyHash), k.IsLive(now) ? "live" : k.RevokedAt is not null ? "revoked" : "expired",
                        Time(k.CreatedAt), Time(k.ExpiresAt), Time(k.RevokedAt), Time(k.LastUsedAt),
                    })).ConfigureAwait(false);
                break;
            case "create-user":
                var user = await admin.CreateUserAsync(Need("org"), Need("username")).ConfigureAwait(false);
                await output.WriteLineAsync($"user {Need("username")} created ({user.UserId}). Shown only now:\npassword:  {user.Password}\napi token: {user.ApiToken}").ConfigureAwait(false);
                break;
            case "disable-user":
                var disabled = await admin.DisableUserAsync(Need("username")).ConfigureAwait(false);
                await output.WriteLineAsync($"user {Need("username")} ({disabled.UserId}) disabled: its sessions ended and its API tokens were revoked.").ConfigureAwait(false);
                break;
            case "issue-token":
                var token = await admin.IssueTokenAsync(Need("username"), Duration("expires-in")).ConfigureAwait(false);
                await output.WriteLineAsync($"token {token.TokenId} for {Need("username")}, valid until {Time(token.ExpiresAt)} (shown only now):\n{token.Token}").ConfigureAwait(false);
                break;
            case "revoke-token":
                var tokens = await admin.RevokeTokensAsync(Need("username"), OneOrAll("token")).ConfigureAwait(false);
                await output.WriteLineAsync($"{Need("username")}: {tokens} token(s) revoked; requests with them are refused (401) from now on.").ConfigureAwait(false);
                break;
            case "list-tokens":
                var at = DateTimeOffset.UtcNow;
                await WriteTableAsync(output, ["TOKEN ID", "STATE", "CREATED", "EXPIRES", "REVOKED", "LAST USED"],
                    (await admin.ListTokensAsync(Need("username")).ConfigureAwait(false)).Select(t => new[]
                    {
                        Secrets.KeyId(t.TokenHash), t.IsLive(at) ? "live" : t.RevokedAt is not null ? "revoked" : "expired",
                        Time(t.CreatedAt), Time(t.ExpiresAt), Time(t.RevokedAt), Time(t.LastUsedAt),
                    })).ConfigureAwait(false);
                break;
            case "end-sessions":
                var ended = await admin.EndSessionsAsync(Need("username")).ConfigureAwait(false);
                await output.WriteLineAsync($"{Need("username")}: {ended} session(s) ended.").ConfigureAwait(false);
                break;
            case "audit":
                var limit = options.TryGetValue("limit", out var l) && int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 100;
                await WriteTableAsync(output, ["TIME (UTC)", "ACTOR", "ACTION", "TARGET", "DETAIL"],
                    (await admin.ListAuditAsync(Duration("since") ?? TimeSpan.FromDays(30), limit).ConfigureAwait(false))
                        .Select(e => new[] { Time(e.At), e.Actor, e.Action, e.Target, e.Detail ?? "" })).ConfigureAwait(false);
                break;
            default:
                throw new UnknownCommandException();
        }
    }

    /// <summary>Parses 90d, 24h, 30m, 45s, or a TimeSpan such as 1.12:00:00.</summary>
    public static TimeSpan ParseDuration(string text, string name)
    {
        if (text.Length >= 2 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0)
        {
            TimeSpan? unit = text[^1] switch
            {
                'd' => TimeSpan.FromDays(1),
                'h' => TimeSpan.FromHours(1),
                'm' => TimeSpan.FromMinutes(1),
                's' => TimeSpan.FromSeconds(1),
                _ => null,
            };
            if (unit is { } u)
            {
                return u * value;
            }
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero
            ? span
            : throw new ArgumentException($"--{name} '{text}' is not a duration (90d, 24h, 30m, 45s or 1.12:00:00)");
    }

    private static async Task<string> ReadKeyFileAsync(string path) =>
        File.Exists(path)
            ? (await File.ReadAllLinesAsync(path).ConfigureAwait(false)).FirstOrDefault()?.Trim() ?? ""
            : throw new ArgumentException($"{path} does not exist");

    private static string Time(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-";

    private static async Task WriteTableAsync(TextWriter output, string[] header, IEnumerable<string[]> rows)
    {
        var all = rows.ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, all.Count == 0 ? 0 : all.Max(r => r[i].Length))).ToArray();
        await output.WriteLineAsync(string.Join("  ", header.Select((h, i) => h.PadRight(widths[i]))).TrimEnd()).ConfigureAwait(false);
        foreach (var row in all)
        {
            await output.WriteLineAsync(string.Join("  ", row.Select((c, i) => c.PadRight(widths[i]))).TrimEnd()).ConfigureAwait(false);
        }
    }

    private sealed class UnknownCommandException : Exception
    {
    }
}
