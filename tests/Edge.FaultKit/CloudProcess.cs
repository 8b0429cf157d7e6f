using System.Globalization;
using Edge.TestKit;
using Microsoft.Data.Sqlite;

namespace Edge.FaultKit;

/// <summary>
/// The cloud ingest service as its own process (<c>dotnet Edge.Cloud.Api.dll</c>) on SQLite and a loopback port,
/// prepared through its own admin CLI (organisation, site, gateway key: each a child process, as an operator runs
/// them). It can be killed with SIGKILL and started again on the same port and database.
/// </summary>
public sealed class CloudProcess : IDisposable
{
    private readonly string _dll;
    private readonly Dictionary<string, string> _environment;

    private CloudProcess(string dll, string databasePath, int port, string gatewayId, string siteId, string gatewayKey)
    {
        _dll = dll;
        DatabasePath = databasePath;
        Port = port;
        GatewayId = gatewayId;
        SiteId = siteId;
        GatewayKey = gatewayKey;
        _environment = Environment(databasePath);
    }

    public string DatabasePath { get; }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/";

    /// <summary>The id the cloud knows the gateway by (<c>admin create-gateway --id</c>).</summary>
    public string GatewayId { get; }

    public string SiteId { get; }

    /// <summary>The gateway's key, as the cloud printed it once.</summary>
    public string GatewayKey { get; }

    /// <summary>The running service (null while it is down).</summary>
    public ChildProcess? Process { get; private set; }

    /// <summary>Creates the cloud database with an organisation, the site and its gateway, then starts the service.</summary>
    public static async Task<CloudProcess> StartAsync(string databasePath, string gatewayId, string siteId, TimeSpan timeout)
    {
        var dll = BuiltDll("cloud-ingest/src/Edge.Cloud.Api", "Edge.Cloud.Api");
        await AdminAsync(dll, databasePath, timeout, "create-org", "--id", "drill-org", "--name", "Drill Care Group");
        await AdminAsync(dll, databasePath, timeout, "create-site", "--id", siteId, "--org", "drill-org", "--name", "Drill House", "--time-zone", "Etc/UTC");
        var created = await AdminAsync(dll, databasePath, timeout, "create-gateway", "--id", gatewayId, "--site", siteId);
        var key = created.LastOrDefault(l => l.StartsWith("edgegw_", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("admin create-gateway printed no key:\n" + string.Join("\n", created));
        var cloud = new CloudProcess(dll, databasePath, ChildProcess.FreePort(), gatewayId, siteId, key.Trim());
        await cloud.StartAsync(timeout);
        return cloud;
    }

    /// <summary>Starts the service (again) and waits until it listens.</summary>
    public async Task StartAsync(TimeSpan timeout)
    {
        Process?.Dispose();
        Process = ChildProcess.StartDotnet(_dll, ["--urls", $"http://127.0.0.1:{Port}"], Path.GetDirectoryName(_dll), _environment);
        await Process.WaitForLineAsync("Now listening on", timeout);
    }

    /// <summary>SIGKILL: the cloud is gone mid-whatever, as in a crash or a network cut.</summary>
    public async Task KillAsync()
    {
        if (Process is { } p)
        {
            await p.KillAsync();
            p.Dispose();
            Process = null;
        }
    }

    /// <summary>
    /// The incident events the cloud holds for the site, read from its database: (incident id, type, sequence,
    /// gateway id, idempotency key) in arrival order.
    /// </summary>
    public IReadOnlyList<CloudEvent> Events()
    {
        using var c = new SqliteConnection($"Data Source={DatabasePath};Pooling=False;Default Timeout=30");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT incident_id, type, sequence, gateway_id, idempotency_key FROM events WHERE site_id = $site ORDER BY event_id";
        cmd.Parameters.AddWithValue("$site", SiteId);
        using var r = cmd.ExecuteReader();
        var events = new List<CloudEvent>();
        while (r.Read())
        {
            events.Add(new CloudEvent(r.IsDBNull(0) ? null : r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetInt64(2), r.GetString(3), r.GetString(4)));
        }

        return events;
    }

    public void Dispose()
    {
        Process?.Dispose();
        Process = null;
    }

    /// <summary>The build of a project beside this one (same configuration), e.g. the cloud service.</summary>
    public static string BuiltDll(string projectDir, string assembly)
    {
        var configuration = AppContext.BaseDirectory.Contains("/bin/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(TestData.RepoRoot, projectDir, "bin", configuration, "net10.0", assembly + ".dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"{dll} is missing: build {projectDir} ({configuration}) first");
    }

    private static Dictionary<string, string> Environment(string databasePath) => new()
    {
        ["Storage__Provider"] = "sqlite",
        ["Storage__ConnectionString"] = $"Data Source={databasePath}",
        ["Ingest__RequestsPerSecond"] = "1000",
        ["Ingest__Burst"] = "1000",
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
    };

    private static async Task<IReadOnlyList<string>> AdminAsync(string dll, string databasePath, TimeSpan timeout, params string[] args)
    {
        using var admin = ChildProcess.StartDotnet(dll, ["admin", .. args, "--actor", "fault-drill"], Path.GetDirectoryName(dll), Environment(databasePath));
        var code = await admin.WaitForExitAsync(timeout);
        return code == 0
            ? admin.Lines
            : throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"cloud admin {args[0]} exited with {code}:\n{string.Join("\n", admin.Lines)}"));
    }
}

/// <summary>An event as the cloud stored it.</summary>
public sealed record CloudEvent(string? IncidentId, string Type, long? Sequence, string GatewayId, string IdempotencyKey);
