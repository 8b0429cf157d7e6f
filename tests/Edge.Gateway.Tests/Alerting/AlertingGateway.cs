using Edge.Alerting;
using Edge.Cloud.Contracts;
using Edge.Gateway.Alerting;
using Edge.Gateway.Incidents;
using Edge.Gateway.Ingest;
using Edge.Gateway.Registry;
using Edge.Site.Staff;
using Edge.TestKit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Gateway.Tests.Alerting;

/// <summary>
/// The real gateway composition (GatewayHost.CreateBuilder) over a temp SQLite file and a fake clock, with three
/// in-memory channels (pager: ESPA, handset: SIP, hook: webhook). Only the escalation engine is started; tests
/// move the clock and then <see cref="SettleAsync"/> (process what is due, wait for the sends to finish).
/// </summary>
internal sealed class AlertingGateway : IAsyncDisposable
{
    /// <summary>Monday 2 March 2026, 08:00 UTC.</summary>
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    /// <summary>Unit u1 all day: pager 101 at once, handset 2001 after 60 s, the manager's webhook after 3 min.</summary>
    public const string DefaultPolicy = """
        {
          "version": 1, "site": "site1", "timeZone": "Etc/UTC",
          "units": [ { "unit": "u1", "slots": [ { "name": "all day", "from": "00:00", "to": "00:00", "steps": [
            { "after": "00:00:00", "notify": ["espa:101"] },
            { "after": "00:01:00", "notify": ["sip:2001"] },
            { "after": "00:03:00", "notify": ["webhook:manager"] } ] } ] } ]
        }
        """;

    private bool _started;

    private AlertingGateway(TempDirectory dir, FakeTimeProvider time, IHost host)
    {
        Dir = dir;
        Time = time;
        Host = host;
    }

    public TempDirectory Dir { get; }

    public FakeTimeProvider Time { get; }

    public IHost Host { get; }

    public IIncidentService Incidents => Host.Services.GetRequiredService<IIncidentService>();

    public EscalationEngine Engine => Host.Services.GetRequiredService<EscalationEngine>();

    public EscalationStore Store => Host.Services.GetRequiredService<EscalationStore>();

    public FakeChannel Pager => Channel("pager");

    public FakeChannel Handset => Channel("handset");

    public FakeChannel Hook => Channel("hook");

    public static SiteFile Site() => new()
    {
        Site = new() { Id = "site1", Name = "Rose House" },
        Units = [new() { Id = "u1", Name = "Ground floor" }],
        Rooms = [new() { Id = "r1", Unit = "u1", Name = "Room 1" }, new() { Id = "r2", Unit = "u1", Name = "Room 2" }],
        Residents = [new() { Id = "res1", Name = "Alice", Room = "r1" }, new() { Id = "res2", Name = "Bob", Room = "r2" }],
        Staff = [new() { Id = "sam", Name = "Sam Carer" }],
        Devices = [new() { Id = "dev1", Resident = "res1" }, new() { Id = "dev2", Resident = "res2" }],
    };

    /// <summary>Builds the gateway; <paramref name="start"/> also starts the escalation engine (after the start-up validation).</summary>
    public static async Task<AlertingGateway> CreateAsync(
        string policy = DefaultPolicy,
        Dictionary<string, string?>? settings = null,
        TempDirectory? dir = null,
        FakeTimeProvider? time = null,
        bool start = true,
        ChannelKind[]? channels = null)
    {
        dir ??= new TempDirectory("edge-alerting");
        time ??= new FakeTimeProvider(Start);
        await File.WriteAllTextAsync(dir.File("escalation.json"), policy);
        if (!File.Exists(dir.File("staff.json")))
        {
            var store = new StaffStore();
            store.Accounts.Add(new StaffAccount { Username = "sam", PasswordHash = PasswordHash.Create("correct horse battery", 1000), CreatedAt = Start });
            File.WriteAllText(dir.File("staff.json"), store.ToJson());
        }

        var config = new Dictionary<string, string?>
        {
            ["Ingest:SiteId"] = "site1",
            ["Storage:DatabasePath"] = dir.File("gateway.db"),
            ["Detection:ModelDirectory"] = Path.Combine(TestData.RepoRoot, "models", "fall-model"),
            ["Alerting:Escalation:PolicyFile"] = dir.File("escalation.json"),
            ["Alerting:Escalation:StaffStoreFile"] = dir.File("staff.json"),
            ["Alerting:Escalation:Staff:sam:0"] = "espa:101",
        };
        foreach (var (k, v) in settings ?? [])
        {
            config[k] = v;
        }

        var kinds = channels ?? [ChannelKind.Espa, ChannelKind.Sip, ChannelKind.Webhook];
        var builder = GatewayHost.CreateBuilder([], b =>
        {
            b.Configuration.AddInMemoryCollection(config);
            b.Services.AddSingleton<TimeProvider>(time);
            b.Services.AddSingleton<ISensorMessageSource>(new ChannelSensorMessageSource());
            foreach (var kind in kinds)
            {
                var name = kind switch { ChannelKind.Espa => "pager", ChannelKind.Sip => "handset", _ => "hook" };
                b.Services.AddSingleton<IAlertChannel>(sp => new FakeChannel(name, kind, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IDeliveryAttemptRecorder>()));
            }
        });
        var host = builder.Build();
        var gateway = new AlertingGateway(dir, time, host);
        await host.Services.GetRequiredService<DeviceRegistry>().ImportAsync(Site(), "test");
        if (start)
        {
            await gateway.StartEngineAsync();
        }

        return gateway;
    }

    /// <summary>What the host does first: validate the options (this is where a policy gap stops the gateway), then start escalation.</summary>
    public async Task StartEngineAsync()
    {
        _ = Host.Services.GetRequiredService<IOptions<EscalationOptions>>().Value;
        await Engine.StartAsync(CancellationToken.None);
        _started = true;
        await SettleAsync();
    }

    public FakeChannel Channel(string name) => Host.Services.GetServices<IAlertChannel>().OfType<FakeChannel>().Single(c => c.Name == name);

    /// <summary>Sends everything due now and waits until those sends (and their attempt records) are done.</summary>
    public async Task SettleAsync()
    {
        await Engine.ProcessDueAsync();
        await Engine.WhenIdleAsync();
    }

    public async Task AdvanceAsync(TimeSpan by)
    {
        Time.Advance(by);
        await SettleAsync();
    }

    /// <summary>Moves the clock in steps of at most <paramref name="step"/>, settling after each (as the engine's own timer would).</summary>
    public async Task AdvanceInStepsAsync(TimeSpan total, TimeSpan step)
    {
        for (var done = TimeSpan.Zero; done < total; done += step)
        {
            await AdvanceAsync(step < total - done ? step : total - done);
        }
    }

    public Task<RaiseResult> RaiseAsync(IncidentType type, string resident = "res1") =>
        Incidents.RaiseAsync(new RaiseRequest(type, resident, Time.GetUtcNow(), "test", "test", resident, resident == "res1" ? "Alice" : "Bob", resident == "res1" ? "dev1" : "dev2", resident == "res1" ? "r1" : "r2", resident == "res1" ? "Room 1" : "Room 2"));

    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            await Engine.StopAsync(CancellationToken.None);
        }

        Host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Dir.Dispose();
    }

    /// <summary>Disposes the host but keeps the folder (a restart test reopens the same database).</summary>
    public async Task StopKeepingFilesAsync()
    {
        if (_started)
        {
            await Engine.StopAsync(CancellationToken.None);
        }

        Host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
