using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Edge.Cloud.Contracts;
using Edge.Gateway;
using Edge.Gateway.Prevention;
using Edge.Gateway.Uplink;
using Edge.TestKit;
using Edge.Uplink.Delivery;
using Edge.Uplink.Outbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Edge.Uplink.IntegrationTests;

/// <summary>
/// Mobility trends leave the site only as one resident's totals for one completed day, only when the site opted in;
/// the gateway's outbox and the cloud both refuse anything else.
/// </summary>
public sealed class MobilityUplinkTests : IDisposable
{
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    private static readonly DateOnly Day = new(2026, 3, 1);
    private static readonly DateTimeOffset AfterDay = new(2026, 3, 2, 0, 5, 0, TimeSpan.Zero);

    private static MobilityDailyPayload Daily(string day = "2026-03-01", double walking = 42) => new()
    {
        Day = day, ResidentRef = "res-1", Unit = "East", WornMinutes = 900, WalkingMinutes = walking, Steps = 4200, Cadence = 100, SitToStands = 11, LyingMinutes = 480, NightTransitions = 3,
    };

    [Fact]
    public async Task Outbox_SiteNotOptedIn_RefusesMobilityAndQueuesNothing()
    {
        using var dir = new TempDirectory("edge-mobility-optout");
        var time = new FakeTimeProvider(AfterDay);
        await using var uplink = await UplinkHost.StartAsync(_env, dir.File("gateway.db"), time, Offline());

        var e = Assert.Throws<InvalidOperationException>(() => Enqueue(uplink, uplink.Writer.Mobility(AfterDay, Daily())));

        Assert.Contains("ShareMobilityTrends", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, (await uplink.Store.CountAsync(default)).Total);
    }

    public static TheoryData<string> NotADailyAggregate => ["partial day", "day not over", "two payloads", "negative", "more than a day", "incident carrying mobility"];

    [Theory]
    [MemberData(nameof(NotADailyAggregate))]
    public async Task Outbox_OptedIn_RefusesAnythingButOneCompletedDaysTotals(string what)
    {
        using var dir = new TempDirectory("edge-mobility-refuse");
        var time = new FakeTimeProvider(AfterDay);
        var settings = Offline();
        settings["Uplink:ShareMobilityTrends"] = "true";
        await using var uplink = await UplinkHost.StartAsync(_env, dir.File("gateway.db"), time, settings);
        var w = uplink.Writer;
        var bad = what switch
        {
            "partial day" => w.Mobility(AfterDay, Daily(day: "2026-03-01T10")),
            "day not over" => w.Mobility(AfterDay.AddDays(-1), Daily()),
            "two payloads" => w.Mobility(AfterDay, Daily()) with { Health = Payloads.Health(AfterDay) },
            "negative" => w.Mobility(AfterDay, Daily(walking: -1)),
            "more than a day" => w.Mobility(AfterDay, Daily(walking: 1600)),
            _ => w.Device(AfterDay, new DeviceHealthPayload { DeviceId = "dev-1", State = DeviceStates.Protected }) with { Mobility = Daily() },
        };

        Assert.ThrowsAny<ArgumentException>(() => Enqueue(uplink, bad));
        Enqueue(uplink, w.Mobility(AfterDay, Daily())); // the real thing is accepted

        Assert.Equal(1, (await uplink.Store.CountAsync(default)).Total);
    }

    [Fact]
    public async Task Cloud_RefusesMobilityThatIsNotOneCompletedDaysTotals()
    {
        using var dir = new TempDirectory("edge-mobility-cloud");
        var cloudDb = dir.File("cloud.db");
        var key = await TestCloud.PrepareAsync(cloudDb);
        var port = TestCloud.FreePort();
        await using var cloud = TestCloud.Start(_env, cloudDb, port);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var yesterday = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var today = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        string Event(string key, string day, string extra = "", double walking = 42) =>
            "{\"idempotencyKey\":\"" + key + "\",\"gatewayId\":\"" + TestCloud.GatewayId + "\",\"siteId\":\"" + TestCloud.SiteId + "\",\"type\":\"mobility.daily\"," +
            "\"occurredAt\":\"" + DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture) + "\",\"mobility\":{\"day\":\"" + day + "\",\"residentRef\":\"res-1\"," +
            "\"wornMinutes\":900,\"walkingMinutes\":" + walking.ToString(CultureInfo.InvariantCulture) + ",\"steps\":4200,\"sitToStands\":11,\"lyingMinutes\":480,\"nightTransitions\":3" + extra + "}}";
        async Task<(HttpStatusCode Status, string Body)> PostAsync(params string[] events)
        {
            using var content = new StringContent("{\"events\":[" + string.Join(',', events) + "]}", Encoding.UTF8, "application/json");
            using var response = await http.PostAsync($"api/v1/gateways/{TestCloud.GatewayId}/events", content);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        // Anything that is not part of the contract (samples, a time of day, postures) is refused with the whole request.
        var raw = await PostAsync(Event("k-raw", yesterday, ""","samples":[0.98,1.02,1.01]"""));
        var finer = await PostAsync(Event("k-hour", yesterday, ""","hour":13"""));
        var mixed = await PostAsync(Event("k-ok", yesterday), Event("k-future", today), Event("k-long", yesterday, walking: 2000), Event("k-partial", yesterday + "T13"));

        Assert.Equal(HttpStatusCode.BadRequest, raw.Status);
        Assert.Equal(HttpStatusCode.BadRequest, finer.Status);
        Assert.Equal(HttpStatusCode.OK, mixed.Status);
        Assert.Contains("\"accepted\":1", mixed.Body, StringComparison.Ordinal);
        Assert.Contains("\"rejected\":3", mixed.Body, StringComparison.Ordinal);
        var stored = await cloud.Store.GetEventsAsync(TestCloud.SiteId, default);
        var only = Assert.Single(stored);
        Assert.Equal("k-ok", only.IdempotencyKey);
        Assert.Equal(UplinkEventTypes.MobilityDaily, only.Type);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Gateway_SendsCompletedDaysTotalsOnlyWhenOptedIn(bool optIn)
    {
        using var dir = new TempDirectory("edge-mobility-gateway");
        var cloudDb = dir.File("cloud.db");
        var key = await TestCloud.PrepareAsync(cloudDb);
        var port = TestCloud.FreePort();
        await using var cloud = TestCloud.Start(_env, cloudDb, port);
        await File.WriteAllTextAsync(dir.File("site.json"), """
            {
              "site": { "id": "site1", "name": "Rose House" }, "units": [ { "id": "u1", "name": "Ground floor" } ],
              "rooms": [ { "id": "r1", "unit": "u1", "name": "Room 1" } ], "residents": [ { "id": "res-alice", "name": "Alice", "room": "r1" } ],
              "staff": [], "devices": [ { "id": "dev-a", "resident": "res-alice" } ]
            }
            """);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var settings = new Dictionary<string, string?>
        {
            ["Ingest:SiteId"] = "site1",
            ["Storage:DatabasePath"] = dir.File("gateway.db"),
            ["Registry:SeedFile"] = dir.File("site.json"),
            ["Detection:ModelDirectory"] = Path.Combine(TestData.RepoRoot, "models", "fall-model"),
            ["Mqtt:Host"] = "127.0.0.1",
            ["Mqtt:Port"] = TestCloud.FreePort().ToString(CultureInfo.InvariantCulture), // no broker: ingest keeps retrying, which does not matter here
            ["Supervision:MinFreeDiskMiB"] = "1",
            ["Prevention:TimeZone"] = "Etc/UTC",
        };

        // The site recorded mobility for two residents-days before it was started with the uplink: yesterday, the day
        // before, ten days ago (too old to send), and today so far (not over).
        using (var first = Build(settings))
        {
            var store = first.Services.GetRequiredService<MobilityStore>();
            foreach (var (day, walking) in new[] { (today.AddDays(-1), 42.0), (today.AddDays(-2), 38.0), (today.AddDays(-10), 50.0), (today, 5.0) })
            {
                store.Add(new MobilityDay("res-alice", day, 14 * 3600, walking * 60, (long)(walking * 100), 9, 8 * 3600, 2));
            }

            await store.FlushAsync(default);
        }

        settings["Uplink:Enabled"] = "true";
        settings["Uplink:CloudUrl"] = $"http://127.0.0.1:{port}/";
        settings["Uplink:GatewayId"] = TestCloud.GatewayId;
        settings["Uplink:SiteId"] = TestCloud.SiteId;
        settings["Uplink:GatewayKey"] = key;
        settings["Uplink:PollInterval"] = "00:00:00.200";
        settings["Uplink:HealthSummary:Interval"] = "00:00:01";
        settings["Uplink:ShareMobilityTrends"] = optIn ? "true" : "false";
        using var host = Build(settings);
        await host.StartAsync();
        try
        {
            // A health summary every second: once one has arrived, anything queued at start-up has gone too.
            var status = host.Services.GetRequiredService<UplinkStatus>();
            using var drained = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await status.WaitForAsync(s => s.Delivered >= (optIn ? 3 : 1) && s.Backlog == 0, drained.Token);

            var stored = await cloud.Store.GetEventsAsync(TestCloud.SiteId, default);
            var mobility = stored.Where(e => e.Type == UplinkEventTypes.MobilityDaily).ToList();
            if (!optIn)
            {
                Assert.Empty(mobility);
                Assert.Contains(stored, e => e.Type == UplinkEventTypes.HealthSummary);
                return;
            }

            Assert.Equal(2, mobility.Count);
            Assert.Contains(mobility, e => e.Payload.Contains($"\"day\":\"{today.AddDays(-1):yyyy-MM-dd}\"", StringComparison.Ordinal) && e.Payload.Contains("\"walkingMinutes\":42", StringComparison.Ordinal));
            Assert.Contains(mobility, e => e.Payload.Contains($"\"day\":\"{today.AddDays(-2):yyyy-MM-dd}\"", StringComparison.Ordinal));
            // The resident is the site's pseudonym (issue 16), the same one the incidents and health summaries use.
            var aliceRef = await host.Services.GetRequiredService<ResidentPseudonyms>().ForAsync("res-alice", null, CancellationToken.None);
            Assert.Matches("^r-[a-z2-7]{20}$", aliceRef);
            Assert.All(mobility, e => Assert.Contains($"\"residentRef\":\"{aliceRef}\"", e.Payload, StringComparison.Ordinal));
            RawDataInspector.AssertNoRawSensorData(cloud.Bodies);
            Assert.All(cloud.Bodies, b =>
            {
                Assert.DoesNotContain("Alice", b, StringComparison.Ordinal);
                Assert.DoesNotContain("res-alice", b, StringComparison.Ordinal);
            });
        }
        finally
        {
            await host.StopAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }

    private IHost Build(Dictionary<string, string?> settings) => GatewayHost.CreateBuilder([], b =>
    {
        b.Configuration.AddInMemoryCollection(settings);
        _env.Capture(b.Logging, "gateway");
    }).Build();

    private static Dictionary<string, string?> Offline() => new()
    {
        ["Uplink:Enabled"] = "false",
        ["Uplink:GatewayId"] = TestCloud.GatewayId,
        ["Uplink:SiteId"] = TestCloud.SiteId,
    };

    private static void Enqueue(UplinkHost uplink, UplinkEvent e) => uplink.InTransactionAsync(tx => uplink.Writer.Enqueue(tx, e)).GetAwaiter().GetResult();
}
