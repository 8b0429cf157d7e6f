using Edge.Gateway.Incidents;
using Edge.Simulator;
using Edge.TestKit;

namespace Edge.Gateway.IntegrationTests;

/// <summary>
/// Issue 15 point 6: a broker restart publishes every sensor's last will; the gateway must not page them all
/// offline. Three simulated wearables (the real firmware core, each with its own connection and will) stream to a
/// real broker that restarts; two reconnect, one does not (its Wi-Fi drops during the outage). Only that one is
/// reported offline, after the reconnect grace.
/// </summary>
public sealed class BrokerRestartTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task BrokerRestart_SensorsThatReconnectAreNotOffline_OneThatDoesNotIsAfterTheGrace()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var sensors = await SensorPublisher.ConnectAsync(broker.Host, broker.Port, InProcessGateway.Site, loggers: _env.LoggerFactory);
        // dev-c is found offline by its will or, when the broker's restart gave the gateway's persistent session no
        // will to deliver, by its silence: both only after the reconnect grace.
        await using var gateway = await InProcessGateway.StartAsync(_env, broker, sensors, new() { ["Supervision:ReconnectGrace"] = "00:00:15", ["Supervision:StreamingOfflineAfter"] = "00:00:20" });

        var scenario = Scenario.Parse("""
            { "mode": "streaming", "seed": 5, "devices": [
              { "deviceId": "dev-a", "motion": "walking", "timeline": [ { "at": 8, "synthetic": "sitting" } ] },
              { "deviceId": "dev-b", "motion": "sitting", "timeline": [] },
              { "deviceId": "dev-c", "motion": "sitting", "timeline": [ { "at": 10, "offlineSeconds": 300 } ] } ] }
            """);
        var log = new SignalWriter();
        var options = new SimulationOptions { BrokerHost = broker.Host, BrokerPort = broker.Port, Site = InProcessGateway.Site, Speed = 1, DurationSeconds = 70 };
        await using var sim = new Simulation(options, scenario, null, log, _env.LoggerFactory);
        using var stop = new CancellationTokenSource();
        var running = Task.Run(() => sim.RunAsync(stop.Token));

        // Every sensor is online at the gateway, then the broker restarts (its wills go out to everyone).
        await log.WhenLogged("dev-a synthetic sitting").WaitAsync(Wait);
        Assert.Empty(Offline(gateway));
        await broker.RestartAsync();

        // dev-c dropped off during the outage and stays away: offline once the grace is over. The others reconnected.
        var carol = await gateway.WaitForChangeAsync(c => c.Incident.Type == IncidentType.DeviceOffline && c.Incident.DeviceId == "dev-c", Wait);
        Assert.Equal(["dev-c"], Offline(gateway));
        Assert.Contains(gateway.Logs, e => e.Message.Contains("Broker connection: Connected", StringComparison.Ordinal));

        await stop.CancelAsync();
        try
        {
            await running;
        }
        catch (OperationCanceledException)
        {
        }

        Assert.NotNull(carol);
    }

    // Only the scenario's three wearables: the test gateway's registry also holds dev-d, which never connects and is
    // rightly found offline by its silence once the test runs long enough (a loaded machine).
    private static List<string> Offline(InProcessGateway gateway) =>
        [.. gateway.Changes().Where(c => c.Incident.Type == IncidentType.DeviceOffline && c.Transition.Kind == TransitionKind.Raised)
            .Select(c => c.Incident.DeviceId!).Where(d => d is "dev-a" or "dev-b" or "dev-c").Distinct().Order()];
}
