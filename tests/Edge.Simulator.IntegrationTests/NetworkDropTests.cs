using Edge.Mqtt;
using Edge.Protocol;
using Edge.TestKit;

namespace Edge.Simulator.IntegrationTests;

/// <summary>The scenario step offlineSeconds behaves like a Wi-Fi drop: last will at once, back afterwards.</summary>
public sealed class NetworkDropTests : IDisposable
{
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task OfflineStep_BrokerPublishesTheDevicesWillThenTheDeviceComesBackOnline()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var subscriber = new MqttNetClient(new MqttClientOptions { Host = broker.Host, Port = broker.Port, ClientId = "it-drop-sub" }, _env.Logger<MqttNetClient>());
        await subscriber.ConnectAsync(timeout.Token);
        subscriber.Subscribe(Topics.AllDevices("it-site", TopicKind.Status), MqttQos.AtLeastOnce);

        var scenario = Scenario.Parse("""
            { "mode": "triggered", "devices": [
              { "deviceId": "res-020", "motion": "sitting", "timeline": [ { "at": 2, "offlineSeconds": 3 } ] },
              { "deviceId": "res-021", "motion": "sitting" } ] }
            """);
        var options = new SimulationOptions { BrokerHost = broker.Host, BrokerPort = broker.Port, Site = "it-site", Speed = 2, DurationSeconds = 16 };
        var log = new StringWriter();
        await using (var sim = new Simulation(options, scenario, null, log, _env.LoggerFactory))
        {
            await sim.RunAsync(timeout.Token);
        }

        // Every status-topic payload in arrival order, as (device, "will" | "online" | "offline-status").
        var seen = new List<(string Device, string What)>();
        while (subscriber.Messages.TryRead(out var m))
        {
            Assert.True(Topics.TryParse(m.Topic, out _, out var device, out _));
            var bytes = m.Payload.ToArray();
            if (LastWill.TryParse(bytes, 0, bytes.Length, out var willDevice))
            {
                Assert.Equal(device, willDevice);
                seen.Add((device, "will"));
                continue;
            }

            var decoded = WireDecoder.Decode(bytes, 0, bytes.Length, MessageType.Status);
            Assert.True(decoded.IsOk, DecodeResult.Name(decoded.Status));
            seen.Add((device, decoded.DeviceStatus.Online ? "online" : "offline-status"));
        }

        var dropped = seen.Where(s => s.Device == "res-020").Select(s => s.What).ToList();
        var will = dropped.IndexOf("will");
        Assert.True(will > 0, $"no will for res-020 after an online status: {string.Join(", ", dropped)}");
        Assert.Contains("online", dropped.Skip(will + 1)); // reconnected after the 3 s and reported again
        Assert.Single(dropped, "will"); // the clean disconnect at the end sends no will
        Assert.DoesNotContain(seen, s => s.Device == "res-021" && s.What == "will");
        Assert.Contains("res-020 back on the network", log.ToString(), StringComparison.Ordinal);
    }
}
