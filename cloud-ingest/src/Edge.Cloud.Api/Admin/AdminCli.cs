using Edge.Cloud.Data;
using Microsoft.Extensions.Options;

namespace Edge.Cloud.Api.Admin;

/// <summary>
/// <c>dotnet Edge.Cloud.Api.dll admin &lt;command&gt; [--option value ...]</c>. Uses the same storage
/// configuration as the service (appsettings.json, environment <c>Storage__ConnectionString</c>, or
/// <c>--connection-string</c>) and migrates the schema first. Secrets are printed once.
/// </summary>
public static class AdminCli
{
    public const string Usage = """
        usage: Edge.Cloud.Api admin <command> [options]   (storage: --connection-string CS, or the service's configuration)
          create-org      --id ORG --name NAME
          create-site     --id SITE --org ORG --name NAME [--time-zone Europe/London]
          create-gateway  --id GATEWAY --site SITE              prints the gateway key once
                          [--key-file FILE]                      or registers a key generated on site (provision init)
          create-user     --org ORG --username NAME             prints a password and an API token once
        """;

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

        var store = StorageServiceCollectionExtensions.Create(storage, TimeProvider.System);
        try
        {
            await store.MigrateAsync(null, CancellationToken.None).ConfigureAwait(false);
            var admin = new AdminCommands(store, TimeProvider.System);
            string Need(string name) => options.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required");
            switch (args[0])
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
                    var onSite = (await File.ReadAllLinesAsync(keyFile).ConfigureAwait(false)).FirstOrDefault()?.Trim() ?? "";
                    await admin.RegisterGatewayAsync(Need("id"), Need("site"), onSite).ConfigureAwait(false);
                    await output.WriteLineAsync($"gateway {Need("id")} registered with the key from {keyFile} (only its hash is stored)").ConfigureAwait(false);
                    break;
                case "create-gateway":
                    var key = await admin.CreateGatewayAsync(Need("id"), Need("site")).ConfigureAwait(false);
                    await output.WriteLineAsync($"gateway {Need("id")} created. Its key (shown only now; configure it on the gateway as Uplink:GatewayKey):\n{key}").ConfigureAwait(false);
                    break;
                case "create-user":
                    var user = await admin.CreateUserAsync(Need("org"), Need("username")).ConfigureAwait(false);
                    await output.WriteLineAsync($"user {Need("username")} created ({user.UserId}). Shown only now:\npassword:  {user.Password}\napi token: {user.ApiToken}").ConfigureAwait(false);
                    break;
                default:
                    await error.WriteLineAsync($"unknown command '{args[0]}'\n{Usage}").ConfigureAwait(false);
                    return 2;
            }

            return 0;
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
}
