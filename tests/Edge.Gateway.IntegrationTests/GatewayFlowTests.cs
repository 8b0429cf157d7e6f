using Edge.Gateway.Incidents;
using Edge.Logging;
using Edge.Protocol;
using Edge.Recordings;
using Edge.TestKit;

namespace Edge.Gateway.IntegrationTests;

/// <summary>Real broker, real gateway host, real SQLite, the committed model, real recordings.</summary>
public sealed class GatewayFlowTests : IAsyncLifetime, IDisposable
{
    private readonly TestEnvironment _env = new();
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);
    private MosquittoBroker _broker = null!;
    private SensorPublisher _sensors = null!;
    private InProcessGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _broker = await MosquittoBroker.StartAsync();
        _sensors = await SensorPublisher.ConnectAsync(_broker.Host, _broker.Port, InProcessGateway.Site, loggers: _env.LoggerFactory);
        _gateway = await InProcessGateway.StartAsync(_env, _broker, _sensors);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _sensors.DisposeAsync();
        await _broker.DisposeAsync();
    }

    public void Dispose() => _env.Dispose();

    // Trials are chosen by a fixed rule, not by what the model does with them: the first subject's
    // first repetition of the named activity.
    private static DeviceRecording Trial(string code)
    {
        var trials = SisFallLoader.Discover(TestData.SisFallDir);
        var subject = trials.Where(t => t.Code == code).Select(t => t.Subject).Order(StringComparer.Ordinal).First();
        return DeviceRecording.Load(trials.Where(t => t.Code == code && t.Subject == subject).OrderBy(t => t.Trial).First());
    }

    private async Task StreamAsync(string device, DeviceRecording recording)
    {
        await _sensors.StatusAsync(device);
        await _sensors.StreamAsync(device, recording);
    }

    [Fact]
    public async Task FallRecording_RaisesExactlyOneFallForTheWearer()
    {
        var fall = Trial("F01");
        var daily = Trial("D01");

        await StreamAsync("dev-a", fall);
        await StreamAsync("dev-b", daily);
        await _gateway.SettledAsync(_sensors, Settle);

        var falls = (await _gateway.Incidents.ListOpenAsync()).Where(i => i.Type == IncidentType.Fall).ToList();
        var incident = Assert.Single(falls);
        Assert.Equal("res-alice", incident.ResidentId);
        Assert.Equal("Room 1", incident.RoomName);
        Assert.Equal(1, incident.TriggerCount);
        Assert.Contains(_gateway.Logs, e => e.EventId == EventIds.IncidentRaised && e.Message.Contains("fall", StringComparison.Ordinal) && e.Message.Contains("Alice", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DailyActivityRecordings_RaiseNoFall()
    {
        await StreamAsync("dev-a", Trial("D01"));
        await StreamAsync("dev-b", Trial("D07"));
        await StreamAsync("dev-c", Trial("D10"));
        await _gateway.SettledAsync(_sensors, Settle);

        var counters = _gateway.Pipeline.GetDeviceCounters().Where(c => c.DeviceId != "probe").ToList();
        Assert.Equal(3, counters.Count);
        Assert.All(counters, c => Assert.True(c.BatchesDelivered > 0));
        Assert.All(counters, c => Assert.Equal(0, c.GapBatches));
        Assert.DoesNotContain(await _gateway.Incidents.ListOpenAsync(), i => i.Type == IncidentType.Fall);
    }

    [Fact]
    public async Task ButtonPress_RaisesManualCall()
    {
        // How fast is measured by the "Incident to first alert" benchmark (docs/benchmarks.md), not here:
        // a timed assert fails on a loaded CI machine without saying anything about the gateway.
        await _sensors.StatusAsync("dev-c");
        await _gateway.SettledAsync(_sensors, Settle);

        await _sensors.ButtonAsync("dev-c");
        var change = await _gateway.WaitForChangeAsync(c => c.Incident.Type == IncidentType.ManualCall, TimeSpan.FromSeconds(15));

        Assert.Equal("res-carol", change.Incident.ResidentId);
        Assert.Equal("Room 3", change.Incident.RoomName);
    }

    [Fact]
    public async Task AbruptDisconnect_LastWillRaisesDeviceOffline()
    {
        await _sensors.StatusAsync("dev-d");
        await _gateway.SettledAsync(_sensors, Settle);

        await SensorPublisher.AbruptDisconnectAsync(_broker.Host, _broker.Port, InProcessGateway.Site, "dev-d");
        var change = await _gateway.WaitForChangeAsync(c => c.Incident.Type == IncidentType.DeviceOffline, TimeSpan.FromSeconds(10));

        Assert.Equal("res-dan", change.Incident.ResidentId);
        Assert.Contains("last will", change.Incident.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LowBattery_RaisesOncePerEpisode()
    {
        await _sensors.StatusAsync("dev-b", soc: 12);
        var first = await _gateway.WaitForChangeAsync(c => c.Incident.Type == IncidentType.BatteryLow && c.Transition.Kind == TransitionKind.Raised, TimeSpan.FromSeconds(10));
        foreach (byte soc in new byte[] { 11, 10, 14, 9 })
        {
            await _sensors.StatusAsync("dev-b", soc: soc);
        }

        await _sensors.StatusAsync("dev-b", soc: 60);
        await _gateway.WaitForChangeAsync(c => c.Incident.Type == IncidentType.BatteryLow && c.Transition.Kind == TransitionKind.Resolved, TimeSpan.FromSeconds(10));

        var battery = _gateway.Changes().Where(c => c.Incident.Type == IncidentType.BatteryLow).ToList();
        Assert.Equal([TransitionKind.Raised, TransitionKind.Resolved], battery.Select(c => c.Transition.Kind));
        Assert.Equal(first.Incident.Id, battery[1].Incident.Id);
        Assert.Equal("res-bob", first.Incident.ResidentId);
        Assert.Equal(IncidentOutcome.Cleared, battery[1].Incident.Outcome);
    }

    [Fact]
    public async Task MalformedOversizedAndUnknown_CountedAndHarmless()
    {
        var good = WireEncoder.ToBytes(new DeviceEvent { DeviceId = "dev-a", Sequence = 1, Kind = EventKind.ImpactTrigger, DeviceTimeUs = 1 });
        var badCrc = (byte[])good.Clone();
        badCrc[^1] ^= 0x5A;
        await _sensors.PublishRawAsync("dev-a", TopicKind.Accel, badCrc);
        await _sensors.PublishRawAsync("dev-a", TopicKind.Accel, [1, 2, 3]);
        await _sensors.PublishRawAsync("dev-a", TopicKind.Status, new byte[64 * 1024]);
        await _sensors.PublishRawAsync("dev-a", TopicKind.Event, WireEncoder.ToBytes(new DeviceEvent { DeviceId = "dev-b", Sequence = 1, Kind = EventKind.ButtonPress, DeviceTimeUs = 1 }));
        for (var i = 0; i < 50; i++)
        {
            await _sensors.PublishRawAsync($"stranger-{i % 5}", TopicKind.Event, WireEncoder.ToBytes(new DeviceEvent { DeviceId = $"stranger-{i % 5}", Sequence = (uint)i, Kind = EventKind.ButtonPress, DeviceTimeUs = 1 }));
        }

        await _sensors.ButtonAsync("dev-a");
        await _gateway.SettledAsync(_sensors, Settle);

        var dev = _gateway.Pipeline.GetDeviceCounters().Single(c => c.DeviceId == "dev-a");
        Assert.Equal(1, dev.Malformed["bad_crc"]);
        Assert.Equal(1, dev.Malformed["truncated"]);
        Assert.Equal(1, dev.Malformed["oversize"]);
        Assert.Equal(1, dev.DeviceIdMismatches);
        var totals = _gateway.Pipeline.GetTotals();
        Assert.True(totals.UnknownDeviceMessages >= 50);
        Assert.Equal(6, totals.UnknownDeviceIds); // five strangers and the subscription probe
        var open = await _gateway.Incidents.ListOpenAsync();
        var call = Assert.Single(open);
        Assert.Equal(("res-alice", IncidentType.ManualCall), (call.ResidentId, call.Type));
        Assert.True(_gateway.Logs.Count(e => e.EventId == EventIds.UnknownDevice) <= 6, "unknown-device warnings are rate-limited per device");
    }
}
