using Edge.Alerting;
using Edge.Cloud.Contracts;
using Edge.Gateway.Alerting;
using Edge.Gateway.Incidents;
using Edge.Gateway.Ingest;
using Edge.Gateway.StaffPage;
using Edge.Site.Staff;
using Edge.TestKit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Gateway.IntegrationTests.StaffPage;

/// <summary>
/// The real gateway host (GatewayHost.CreateBuilder, started in full) with the staff page on a free loopback
/// port, a provisioned staff store (one carer, "sam"), the escalation policy "pager 101 at once, handset 2001
/// after 60 s" over in-memory channels, and a fake clock so escalation can be moved on without sleeping.
/// Sensor input is an in-process source (no broker needed for the page). Its logs go to the test's TestEnvironment.
/// </summary>
internal sealed class StaffPageGateway : IAsyncDisposable
{
    public const string User = "sam";

    /// <summary>The carer's password. Hashed with 1,000 PBKDF2 iterations so that sign-in is quick in tests (production: 600,000).</summary>
    public const string Password = "correct horse battery staple";

    public static readonly DateTimeOffset Start = new(2026, 3, 2, 14, 0, 0, TimeSpan.Zero);

    private const string Policy = """
        { "version": 1, "site": "site1", "timeZone": "Etc/UTC", "units": [ { "unit": "u1", "slots": [
          { "name": "all day", "from": "00:00", "to": "00:00", "steps": [
            { "after": "00:00:00", "notify": ["espa:101"] },
            { "after": "00:01:00", "notify": ["sip:2001"] } ] } ] } ] }
        """;

    private const string Site = """
        {
          "site": { "id": "site1", "name": "Rose House" },
          "units": [ { "id": "u1", "name": "Ground floor" } ],
          "rooms": [ { "id": "r1", "unit": "u1", "name": "Room 1" }, { "id": "r2", "unit": "u1", "name": "Room 2" } ],
          "residents": [ { "id": "res1", "name": "Alice Morgan", "room": "r1" }, { "id": "res2", "name": "Bob Price", "room": "r2" } ],
          "staff": [ { "id": "sam", "name": "Sam Carer", "role": "carer" } ],
          "devices": [ { "id": "dev1", "resident": "res1" }, { "id": "dev2", "resident": "res2" } ]
        }
        """;

    private readonly TempDirectory _dir;

    private StaffPageGateway(TempDirectory dir, FakeTimeProvider time, IHost host)
    {
        _dir = dir;
        Time = time;
        Host = host;
    }

    public FakeTimeProvider Time { get; }

    public IHost Host { get; }

    public IIncidentService Incidents => Host.Services.GetRequiredService<IIncidentService>();

    public EscalationEngine Engine => Host.Services.GetRequiredService<EscalationEngine>();

    public FakeChannel Pager => Host.Services.GetServices<IAlertChannel>().OfType<FakeChannel>().Single(c => c.Name == "pager");

    public FakeChannel Handset => Host.Services.GetServices<IAlertChannel>().OfType<FakeChannel>().Single(c => c.Name == "handset");

    /// <summary>The staff page's base URL, e.g. http://127.0.0.1:41234.</summary>
    public Uri Url => new(Host.Services.GetRequiredService<StaffPageServer>().Addresses[0]);

    public static async Task<StaffPageGateway> StartAsync(TestEnvironment env, IDictionary<string, string?>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(env);
        var dir = new TempDirectory("edge-staffpage");
        var time = new FakeTimeProvider(Start);
        await File.WriteAllTextAsync(dir.File("escalation.json"), Policy);
        await File.WriteAllTextAsync(dir.File("site.json"), Site);
        var store = new StaffStore();
        store.Accounts.Add(new StaffAccount { Username = User, PasswordHash = PasswordHash.Create(Password, 1000), CreatedAt = Start });
        File.WriteAllText(dir.File("staff.json"), store.ToJson());

        var config = new Dictionary<string, string?>
        {
            ["Ingest:SiteId"] = "site1",
            ["Storage:DatabasePath"] = dir.File("gateway.db"),
            ["Registry:SeedFile"] = dir.File("site.json"),
            ["Detection:ModelDirectory"] = Path.Combine(TestData.RepoRoot, "models", "fall-model"),
            ["Site:StaffStore"] = dir.File("staff.json"),
            ["Site:EscalationPolicy"] = dir.File("escalation.json"),
            ["Alerting:Escalation:Staff:sam:0"] = "espa:101",
            ["StaffPage:Url"] = "http://127.0.0.1:0",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        var host = GatewayHost.CreateBuilder([], b =>
        {
            b.Configuration.AddInMemoryCollection(config);
            env.Capture(b.Logging);
            b.Services.AddSingleton<TimeProvider>(time);
            b.Services.AddSingleton<ISensorMessageSource>(new ChannelSensorMessageSource());
            b.Services.AddSingleton<IAlertChannel>(sp => new FakeChannel("pager", ChannelKind.Espa, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IDeliveryAttemptRecorder>()));
            b.Services.AddSingleton<IAlertChannel>(sp => new FakeChannel("handset", ChannelKind.Sip, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IDeliveryAttemptRecorder>()));
        }).Build();
        await host.StartAsync();
        return new StaffPageGateway(dir, time, host);
    }

    /// <summary>The temp folder of this gateway (staff store, site file, database).</summary>
    public string Folder(string name) => _dir.File(name);

    public Task<RaiseResult> RaiseFallAsync() => Incidents.RaiseAsync(
        new RaiseRequest(IncidentType.Fall, "res1", Time.GetUtcNow(), "score 0.97", "detection", "res1", "Alice Morgan", "dev1", "r1", "Room 1"));

    /// <summary>Moves the fake clock in steps, letting escalation send whatever falls due at each.</summary>
    public async Task AdvanceAsync(TimeSpan total, TimeSpan step)
    {
        for (var done = TimeSpan.Zero; done < total; done += step)
        {
            Time.Advance(step);
            await Engine.ProcessDueAsync();
            await Engine.WhenIdleAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await Host.StopAsync(cts.Token);
        }

        Host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
