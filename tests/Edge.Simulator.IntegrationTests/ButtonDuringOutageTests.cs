using Edge.Mqtt;
using Edge.Protocol;
using Edge.TestKit;

namespace Edge.Simulator.IntegrationTests;

/// <summary>The call button's "retried until the broker acknowledges it", through a real broker outage.</summary>
public sealed class ButtonDuringOutageTests : IDisposable
{
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    /// <summary>A log writer that signals when a line containing a fragment is written.</summary>
    private sealed class SignalWriter : StringWriter
    {
        private readonly Lock _lock = new();
        private readonly List<(string Fragment, TaskCompletionSource Signal)> _waits = [];

        public Task WhenLogged(string fragment)
        {
            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock)
            {
                if (ToString().Contains(fragment, StringComparison.Ordinal))
                {
                    tcs.TrySetResult();
                }
                else
                {
                    _waits.Add((fragment, tcs));
                }
            }

            return tcs.Task;
        }

        public override void WriteLine(string? value)
        {
            lock (_lock)
            {
                base.WriteLine(value);
                foreach (var (fragment, signal) in _waits)
                {
                    if (value?.Contains(fragment, StringComparison.Ordinal) == true)
                    {
                        signal.TrySetResult();
                    }
                }
            }
        }
    }

    [Fact]
    public async Task ButtonPressedWhileBrokerDown_DeliveredExactlyOnceAfterTheBrokerReturns()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));

        // A persistent session (the broker persists it across the restart) queues the press for the
        // subscriber even if the device reconnects first.
        await using var subscriber = new MqttNetClient(new MqttClientOptions
        {
            Host = broker.Host,
            Port = broker.Port,
            ClientId = "it-outage-sub",
            CleanSession = false,
            ConnectRetryInitialDelay = TimeSpan.FromMilliseconds(200),
            ConnectRetryMaxDelay = TimeSpan.FromSeconds(1),
        }, _env.Logger<MqttNetClient>());
        await subscriber.ConnectAsync(timeout.Token);
        subscriber.Subscribe(Topics.AllDevices("it-site", TopicKind.Event), MqttQos.AtLeastOnce);
        await ProveSubscribedAsync(subscriber, broker, timeout.Token);

        var scenario = Scenario.Parse("""
            { "mode": "triggered", "devices": [ { "deviceId": "res-010", "motion": "sitting",
              "timeline": [ { "at": 4, "button": true } ] } ] }
            """);
        var log = new SignalWriter();
        var options = new SimulationOptions { BrokerHost = broker.Host, BrokerPort = broker.Port, Site = "it-site", Speed = 1, DurationSeconds = 20 };
        var presses = new List<DeviceEvent>();
        await using (var sim = new Simulation(options, scenario, null, log, _env.LoggerFactory))
        {
            var connected = log.WhenLogged("devices on 1 connections");
            var pressed = log.WhenLogged("presses the call button");
            var run = sim.RunAsync(timeout.Token);

            await connected.WaitAsync(timeout.Token);
            await broker.StopAsync(); // before the press at 4 s
            await pressed.WaitAsync(timeout.Token);
            Assert.False(broker.IsRunning);
            await broker.StartAsync();

            presses.Add(await ReadPressAsync(subscriber, timeout.Token));
            await run;
        }

        // The run is over and drained: anything else the device sent is here by now.
        while (subscriber.Messages.TryRead(out var more))
        {
            var decoded = WireDecoder.Decode(more.Payload.ToArray());
            Assert.True(decoded.IsOk, DecodeResult.Name(decoded.Status));
            presses.Add(decoded.Event);
        }

        var press = Assert.Single(presses.DistinctBy(e => (e.Sequence, e.DeviceTimeUs, e.Kind)));
        Assert.Equal(EventKind.ButtonPress, press.Kind);
        Assert.Equal("res-010", press.DeviceId);
        Assert.Single(presses); // the device held it until connected, then one PUBACK ended it: no resend
    }

    private static async Task<DeviceEvent> ReadPressAsync(MqttNetClient subscriber, CancellationToken ct)
    {
        while (true)
        {
            var m = await subscriber.Messages.ReadAsync(ct);
            var decoded = WireDecoder.Decode(m.Payload.ToArray());
            Assert.True(decoded.IsOk, $"{m.Topic}: {DecodeResult.Name(decoded.Status)}");
            if (decoded.Event.DeviceId != "probe")
            {
                return decoded.Event;
            }
        }
    }

    // An event from a probe client proves the subscription is live before the device starts.
    private async Task ProveSubscribedAsync(MqttNetClient subscriber, MosquittoBroker broker, CancellationToken ct)
    {
        await using var probe = new MqttNetClient(new MqttClientOptions { Host = broker.Host, Port = broker.Port, ClientId = "it-outage-probe" }, _env.Logger<MqttNetClient>());
        await probe.ConnectAsync(ct);
        var probeEvent = new DeviceEvent { DeviceId = "probe", Sequence = 0, Kind = EventKind.TestPress, DeviceTimeUs = 0 };
        await probe.PublishAsync(Topics.For("it-site", "probe", TopicKind.Event), WireEncoder.ToBytes(probeEvent), MqttQos.AtLeastOnce, false, ct);
        var m = await subscriber.Messages.ReadAsync(ct);
        Assert.EndsWith("/probe/event", m.Topic, StringComparison.Ordinal);
    }
}
