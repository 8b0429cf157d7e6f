using Edge.Alerting;
using Edge.Gateway.Incidents;
using Edge.Gateway.Prevention;
using Edge.Recordings;
using Edge.TestKit;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Gateway.IntegrationTests;

/// <summary>
/// The get-up alert end to end: real recordings published through a real Mosquitto, the real gateway host (ingest,
/// posture tracker, incidents, escalation over the site's policy) and a pager channel that records what it is asked
/// to send.
/// </summary>
public sealed class GetUpFlowTests : IAsyncLifetime, IDisposable
{
    private readonly TestEnvironment _env = new();
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);
    private MosquittoBroker _broker = null!;
    private SensorPublisher _sensors = null!;
    private InProcessGateway _gateway = null!;
    private TempDirectory _dir = null!;

    private FakeChannel Pager => _gateway.Host.Services.GetServices<IAlertChannel>().OfType<FakeChannel>().Single();

    public async Task InitializeAsync()
    {
        _dir = new TempDirectory("edge-getup");
        await File.WriteAllTextAsync(_dir.File("escalation.json"), """
            {
              "version": 1, "site": "site1", "timeZone": "Etc/UTC",
              "units": [ { "unit": "u1", "slots": [ { "name": "all day", "from": "00:00", "to": "00:00", "steps": [
                { "after": "00:00:00", "notify": ["espa:101"] }, { "after": "00:05:00", "notify": ["espa:900"] } ] } ] } ]
            }
            """);
        _broker = await MosquittoBroker.StartAsync();
        _sensors = await SensorPublisher.ConnectAsync(_broker.Host, _broker.Port, InProcessGateway.Site, loggers: _env.LoggerFactory);
        _gateway = await InProcessGateway.StartAsync(_env, _broker, _sensors,
            new() { ["Alerting:Escalation:PolicyFile"] = _dir.File("escalation.json"), ["Prevention:TimeZone"] = "Etc/UTC" },
            services => services.AddSingleton<IAlertChannel>(sp => new FakeChannel("pager", ChannelKind.Espa, TimeProvider.System, sp.GetRequiredService<IDeliveryAttemptRecorder>())));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _sensors.DisposeAsync();
        await _broker.DisposeAsync();
        _dir.Dispose();
    }

    public void Dispose() => _env.Dispose();

    // Recordings are chosen by a fixed rule: the first subject's first repetition of the activity.
    private static DeviceRecording Trial(string code)
    {
        var trials = SisFallLoader.Discover(TestData.SisFallDir);
        var subject = trials.Where(t => t.Code == code).Select(t => t.Subject).Order(StringComparer.Ordinal).First();
        return DeviceRecording.Load(trials.Where(t => t.Code == code && t.Subject == subject).OrderBy(t => t.Trial).First());
    }

    [Fact]
    public async Task SitUpFromBed_FlaggedResident_GettingUpForTheRoomPagedThenClearedWhenLyingAgain()
    {
        var settings = _gateway.Host.Services.GetRequiredService<IPreventionSettings>();
        await settings.SetGetUpAsync("res-alice", true, "00:00", "00:00", "carer-1", "test"); // all day, so the test runs at any hour
        var bed = Trial("D12"); // sitting, lying down, sitting up again

        await _sensors.StatusAsync("dev-a");
        await _sensors.StreamAsync("dev-a", bed);
        await _gateway.SettledAsync(_sensors, Settle);

        var raised = await _gateway.WaitForChangeAsync(c => c.Incident.Type == IncidentType.GettingUp && c.Transition.Kind == TransitionKind.Raised, Settle);
        var up = raised.Incident;
        Assert.Equal("res-alice", up.Subject);
        Assert.Equal("Room 1", up.RoomName);
        Assert.Equal("dev-a", up.DeviceId);
        Assert.Equal(PreventionStage.Channel, raised.Transition.Channel);
        Assert.StartsWith("Sat up from lying", up.Detail, StringComparison.Ordinal);
        var page = await Pager.WaitForAsync(c => c.Operation == AlertOperation.Send && c.Message.IncidentId == up.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(["101"], page.Message.Recipients);
        Assert.Equal(AlertPriority.High, page.Message.Priority);
        Assert.StartsWith("GETTING UP Room 1 Alice #", page.Message.Text, StringComparison.Ordinal);

        // She lies down again (the same recording once more: lying down, then sitting up a second time).
        await _sensors.StreamAsync("dev-a", bed);
        await _gateway.SettledAsync(_sensors, Settle);

        var cleared = await _gateway.WaitForChangeAsync(c => c.Incident.Id == up.Id && c.Transition.Kind == TransitionKind.Resolved, Settle);
        Assert.Equal(IncidentOutcome.Cleared, cleared.Incident.Outcome);
        await Pager.WaitForAsync(c => c.Operation == AlertOperation.Cancel && c.Message.IncidentId == up.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var again = await _gateway.WaitForChangeAsync(c => c.Incident.Type == IncidentType.GettingUp && c.Transition.Kind == TransitionKind.Raised && c.Incident.Id != up.Id, Settle);
        Assert.Equal("res-alice", again.Incident.Subject);
    }

    [Fact]
    public async Task TurningOverInBedAndResidentsNotFlagged_NoGetUpAlert()
    {
        var settings = _gateway.Host.Services.GetRequiredService<IPreventionSettings>();
        await settings.SetGetUpAsync("res-bob", true, "00:00", "00:00", "carer-1", "test");

        await _sensors.StatusAsync("dev-b");
        await _sensors.StreamAsync("dev-b", Trial("D14")); // Bob, flagged: turns over in bed
        await _sensors.StatusAsync("dev-c");
        await _sensors.StreamAsync("dev-c", Trial("D12")); // Carol, not flagged: gets up
        await _gateway.SettledAsync(_sensors, Settle);

        Assert.DoesNotContain(_gateway.Changes(), c => c.Incident.Type == IncidentType.GettingUp);
        Assert.Empty(await _gateway.Incidents.ListOpenAsync());
    }
}
