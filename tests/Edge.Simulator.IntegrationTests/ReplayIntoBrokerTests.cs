using Edge.Mqtt;
using Edge.Protocol;
using Edge.Recordings;
using Edge.TestKit;

namespace Edge.Simulator.IntegrationTests;

public sealed class ReplayIntoBrokerTests : IDisposable
{
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task Simulator_ReplaysFallIntoRealBroker_SubscriberDecodesTheResampledRecording()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var library = new RecordingLibrary(TestData.SisFallDir);
        var trial = library.Resolve("F05");
        var recording = SisFallLoader.Load(trial);
        var expected = new[] { recording.X, recording.Y, recording.Z }.Select(a => Resampler.Resample(a, 200, 50)).ToArray();

        var subscriber = new MqttNetClient(new MqttClientOptions { Host = broker.Host, Port = broker.Port, ClientId = "it-sub" }, _env.Logger<MqttNetClient>());
        await using (subscriber)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await subscriber.ConnectAsync(timeout.Token);
            subscriber.Subscribe(Topics.AllDevices("it-site", TopicKind.Accel), MqttQos.AtLeastOnce);
            subscriber.Subscribe(Topics.AllDevices("it-site", TopicKind.Status), MqttQos.AtLeastOnce);
            var subscribed = await WaitForSubscriptionAsync(subscriber, broker, timeout.Token);

            var scenario = Scenario.Parse($$"""
                { "mode": "streaming", "devices": [ { "deviceId": "res-003", "resident": "Resident 3",
                  "timeline": [ { "at": 0, "recording": "{{trial.RelativePath}}" } ] } ] }
                """);
            var log = new StringWriter();
            var options = new SimulationOptions { BrokerHost = broker.Host, BrokerPort = broker.Port, Site = "it-site", Speed = 0, DurationSeconds = 15 };
            await using (var sim = new Simulation(options, scenario, library, log, _env.LoggerFactory))
            {
                await sim.RunAsync(timeout.Token);
            }

            // Read everything the device published: 14 full one-second batches at least.
            var batches = new List<AccelBatch>();
            var statuses = new List<DeviceStatus>(subscribed);
            while (batches.Count < 14)
            {
                var m = await subscriber.Messages.ReadAsync(timeout.Token);
                var decoded = WireDecoder.Decode(m.Payload.ToArray());
                Assert.True(decoded.IsOk, $"{m.Topic}: {DecodeResult.Name(decoded.Status)}");
                Assert.True(Topics.TryParse(m.Topic, out var site, out var device, out var kind));
                Assert.Equal(("it-site", "res-003"), (site, device));
                if (kind == TopicKind.Accel)
                {
                    batches.Add(decoded.Accel);
                }
                else
                {
                    statuses.Add(decoded.DeviceStatus);
                }
            }

            Assert.Contains(statuses, s => s.Online);
            Assert.Equal(Enumerable.Range(0, batches.Count).Select(i => (uint)i), batches.Select(b => b.Sequence));
            for (var i = 1; i < batches.Count; i++)
            {
                Assert.Equal(batches[i - 1].FirstSampleTimeUs + 1_000_000UL, batches[i].FirstSampleTimeUs);
            }

            // Every sample equals the anti-alias-resampled recording within quantisation (half a count).
            var halfCount = 0.5 * 16 / 32768;
            var n = 0;
            foreach (var b in batches)
            {
                Assert.Equal(16, b.RangeG);
                Assert.Equal(20_000u, b.SamplePeriodUs);
                for (var i = 0; i < b.SampleCount; i++, n++)
                {
                    Assert.InRange(b.XG(i) - expected[0][n], -halfCount - 1e-6, halfCount + 1e-6);
                    Assert.InRange(b.YG(i) - expected[1][n], -halfCount - 1e-6, halfCount + 1e-6);
                    Assert.InRange(b.ZG(i) - expected[2][n], -halfCount - 1e-6, halfCount + 1e-6);
                }
            }

            Assert.True(n >= 700, $"only {n} samples came back");
            Assert.Contains(trial.RelativePath, log.ToString(), StringComparison.Ordinal);
        }
    }

    // A retained probe on a status topic proves the subscription is live before the device starts.
    private async Task<List<DeviceStatus>> WaitForSubscriptionAsync(MqttNetClient subscriber, MosquittoBroker broker, CancellationToken ct)
    {
        var probe = new MqttNetClient(new MqttClientOptions { Host = broker.Host, Port = broker.Port, ClientId = "it-probe" }, _env.Logger<MqttNetClient>());
        await using (probe)
        {
            await probe.ConnectAsync(ct);
            await probe.PublishAsync(Topics.For("it-site", "probe", TopicKind.Status), LastWill.Payload("probe"), MqttQos.AtLeastOnce, true, ct);
            var m = await subscriber.Messages.ReadAsync(ct);
            Assert.EndsWith("/probe/status", m.Topic, StringComparison.Ordinal);
        }

        return [];
    }
}
