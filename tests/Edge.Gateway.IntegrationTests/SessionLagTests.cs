using System.Diagnostics;
using Edge.Gateway.Ingest;
using Edge.Mqtt;
using Edge.TestKit;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.IntegrationTests;

/// <summary>
/// Issue 13.6: a gateway that falls behind its sensors must know it while it happens. The broker's drop counter comes
/// through the gateway's own session, behind the backlog, so it arrives too late (or never, while the gateway stays
/// behind). The session probe goes the same way on purpose: stuck behind the backlog, its age is the backlog's.
/// Real Mosquitto, the gateway's real transport (persistent MQTT 5 session, manual acknowledgement), a consumer slowed
/// down to 40 messages a second as an overloaded gateway would be.
/// </summary>
public sealed class SessionLagTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task SlowConsumer_BacklogAtTheBroker_ProbeIsStuckBehindIt_LagGrows_ThenComesBackLate()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var health = new BrokerHealth(TimeProvider.System, Options.Create(new IngestOptions { SiteId = "lag" }));
        var gatewayClient = new MqttNetClient(new MqttClientOptions
        {
            Host = "127.0.0.1",
            Port = broker.Port,
            ClientId = "edge-gateway-lag",
            CleanSession = false,
            ProtocolVersion = MqttProtocolVersion.V500,
            ManualAcknowledgement = true,
            ReceiveMaximum = 10,
        }, _env.Logger<MqttNetClient>());
        await using var source = new MqttSensorMessageSource(gatewayClient, _env.Logger<MqttSensorMessageSource>());
        using var connect = new CancellationTokenSource(Wait);
        await source.StartAsync(["care/lag/sensors/+/accel", health.ProbeTopic], connect.Token);

        // A prompt probe first: the round trip works and is short.
        Assert.True(await source.PublishProbeAsync(health.ProbeTopic, health.NextProbe(), connect.Token));
        var first = await source.Messages.ReadAsync(connect.Token);
        Assert.Equal(health.ProbeTopic, first.Topic);
        health.ProbeReturned(first.Payload.Span);
        first.Receipt?.Acknowledge();
        Assert.Equal(1, health.ProbesReturned);
        Assert.True(health.TakeLag() < TimeSpan.FromSeconds(1));

        // 200 sensor messages queue at the broker; the probe goes in behind them.
        await using (var sensor = new MqttNetClient(new MqttClientOptions { Host = "127.0.0.1", Port = broker.Port, MaxInflightMessages = 100 }, _env.Logger<MqttNetClient>()))
        {
            await sensor.ConnectAsync(connect.Token);
            for (var i = 0; i < 200; i++)
            {
                await sensor.PublishAsync("care/lag/sensors/d1/accel", new byte[64], MqttQos.AtLeastOnce, false, connect.Token);
            }

            using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
            while (sensor.GetStatistics().OutgoingQueued > 0)
            {
                await poll.WaitForNextTickAsync(connect.Token); // every publish acknowledged by the broker
            }
        }

        var sent = Stopwatch.StartNew(); // before the probe takes its own send time
        Assert.True(await source.PublishProbeAsync(health.ProbeTopic, health.NextProbe(), connect.Token));

        // The overloaded gateway: 25 ms per message (the fault injected), so the backlog takes about 5 s.
        var sensorMessages = 0;
        var lagWhileStuck = TimeSpan.Zero;
        while (health.ProbesReturned < 2)
        {
            using var read = new CancellationTokenSource(Wait);
            var m = await source.Messages.ReadAsync(read.Token);
            if (m.Topic == health.ProbeTopic)
            {
                lagWhileStuck = health.TakeLag(); // the last reading before it came back
                health.ProbeReturned(m.Payload.Span);
            }
            else
            {
                sensorMessages++;
                await Task.Delay(TimeSpan.FromMilliseconds(25));
            }

            m.Receipt?.Acknowledge();
        }

        // It came back only behind all 200, and the self-check's reading grew while it was out.
        Assert.Equal(200, sensorMessages);
        Assert.True(lagWhileStuck >= TimeSpan.FromSeconds(3), $"lag read while the probe was stuck: {lagWhileStuck}");
        var roundTrip = health.TakeLag();
        Assert.True(roundTrip >= lagWhileStuck && roundTrip <= sent.Elapsed, $"round trip {roundTrip}, stuck reading {lagWhileStuck}, since sent {sent.Elapsed}");
        Assert.Equal(TimeSpan.Zero, health.TakeLag()); // reported once; nothing is out now
    }
}
