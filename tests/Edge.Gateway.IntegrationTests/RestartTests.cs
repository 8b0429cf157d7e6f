using System.Net.Http.Json;
using System.Text.Json;
using Edge.Protocol;
using Edge.TestKit;

namespace Edge.Gateway.IntegrationTests;

public sealed class RestartTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task KillMinus9_OpenIncidentsSurviveAndSensorDataWaitsInTheSession()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var dir = new TempDirectory("edge-gw-kill");
        await File.WriteAllTextAsync(dir.File("site.json"), InProcessGateway.SiteJson);
        var port = ChildGateway.FreePort();
        var settings = InProcessGateway.Settings(broker, dir);
        settings["Diagnostics:HttpPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var config = dir.File("gateway.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(GatewayConfig.Nest(settings)));
        await using var sensors = await SensorPublisher.ConnectAsync(broker.Host, broker.Port, InProcessGateway.Site, loggers: _env.LoggerFactory);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };

        List<JsonElement> before;
        using (var first = ChildGateway.Start(_env, config))
        {
            await first.WaitForLineAsync("Ingest started", Wait);
            await ChildGateway.WaitSubscribedAsync(first, sensors);
            await sensors.ButtonAsync("dev-a");
            await first.WaitForLineAsync("INCIDENT #", Wait);
            await sensors.StatusAsync("dev-c", soc: 8);
            await first.WaitForLineAsync("battery_low", Wait);
            before = await OpenAsync(http);
            Assert.Equal(2, before.Count);

            await first.KillAsync();
        }

        // While the gateway is dead, Bob presses his button: the broker keeps it in the gateway's session.
        await sensors.ButtonAsync("dev-b");

        using var second = ChildGateway.Start(_env, config);
        await second.WaitForLineAsync("Ingest started", Wait);
        await second.WaitForLineAsync("resident Bob", Wait);
        var after = await OpenAsync(http);

        foreach (var incident in before)
        {
            var same = after.Single(i => i.GetProperty("id").GetInt64() == incident.GetProperty("id").GetInt64());
            Assert.Equal(incident.GetProperty("state").GetString(), same.GetProperty("state").GetString());
            Assert.Equal(incident.GetProperty("raisedAt").GetDateTimeOffset(), same.GetProperty("raisedAt").GetDateTimeOffset());
        }

        Assert.Contains(after, i => i.GetProperty("residentId").GetString() == "res-bob" && i.GetProperty("type").GetString() == "manual_call");

        // Alice presses again: the open incident is re-triggered, not duplicated.
        await sensors.ButtonAsync("dev-a");
        await second.WaitForLineAsync("re-triggered", Wait);
        var final = await OpenAsync(http);
        Assert.Single(final, i => i.GetProperty("residentId").GetString() == "res-alice");
        Assert.Equal(3, final.Count);
    }

    private static async Task<List<JsonElement>> OpenAsync(HttpClient http)
    {
        var list = await http.GetFromJsonAsync<List<JsonElement>>("api/incidents");
        return list!;
    }
}
