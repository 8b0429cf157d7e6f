using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.Protocol;
using Edge.TestKit;

namespace Edge.Gateway.IntegrationTests;

/// <summary>
/// A scratch site for gateway child processes (<see cref="ChildGateway"/>): the site file, a config file
/// against a given broker, the status endpoint, and the signals tests wait on. Every gateway it starts is watched by
/// the test's <see cref="TestEnvironment"/>.
/// </summary>
internal sealed class GatewayProcessSite : IDisposable
{
    private readonly TempDirectory _dir;
    private readonly TestEnvironment _env;

    private GatewayProcessSite(TestEnvironment env, TempDirectory dir, string config, int httpPort)
    {
        _env = env;
        _dir = dir;
        ConfigFile = config;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public string ConfigFile { get; }

    /// <summary>The gateway's loopback status endpoint.</summary>
    public HttpClient Http { get; }

    public static async Task<GatewayProcessSite> CreateAsync(TestEnvironment env, MosquittoBroker broker, string name, Dictionary<string, string?>? extra = null)
    {
        var dir = new TempDirectory(name);
        await File.WriteAllTextAsync(dir.File("site.json"), InProcessGateway.SiteJson);
        var port = ChildGateway.FreePort();
        var settings = InProcessGateway.Settings(broker, dir);
        settings["Diagnostics:HttpPort"] = port.ToString(CultureInfo.InvariantCulture);
        foreach (var (k, v) in extra ?? [])
        {
            settings[k] = v;
        }

        var config = dir.File("gateway.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(GatewayConfig.Nest(settings)));
        return new GatewayProcessSite(env, dir, config, port);
    }

    /// <summary>Starts a gateway process on the site's config; the test's environment reads its console.</summary>
    public ChildProcess Start() => ChildGateway.Start(_env, ConfigFile);

    /// <summary>Open incidents, from the status endpoint.</summary>
    public async Task<List<JsonElement>> OpenIncidentsAsync() => (await Http.GetFromJsonAsync<List<JsonElement>>("api/incidents"))!;

    /// <summary>Batches the gateway's stream has delivered for <paramref name="deviceId"/> (0 before the first).</summary>
    public Task<long> DeliveredAsync(string deviceId) => FaultSite.DeliveredAsync(Http, deviceId);

    /// <summary>The gateway's subscriptions are in place once a probe from an unregistered device is logged (<see cref="FaultSite.WaitSubscribedAsync"/>).</summary>
    public static Task WaitSubscribedAsync(ChildProcess gateway, SensorPublisher sensors, string probeId = "probe") => FaultSite.WaitSubscribedAsync(gateway, sensors, probeId);

    public void Dispose()
    {
        Http.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
