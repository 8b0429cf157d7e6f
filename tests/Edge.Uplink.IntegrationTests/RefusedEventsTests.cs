using System.Globalization;
using System.Text.Json;
using Edge.Cloud.Contracts;
using Edge.Gateway;
using Edge.Logging;
using Edge.TestKit;
using Microsoft.Data.Sqlite;

namespace Edge.Uplink.IntegrationTests;

/// <summary>
/// Issue 15 point 8 with real processes: the gateway (a child process) with a real broker and SQLite database, the
/// real cloud ingest service over HTTP, and the real <c>./edge provision uplink resend</c>. The gateway starts with
/// <c>Uplink:GatewayId</c> = the site id, as the provision tool used to write it, where the cloud knows it as gw-1.
/// </summary>
public sealed class RefusedEventsTests : IDisposable
{
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    private const string MqttSite = "site1";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private const string SiteJson = """
        {
          "site": { "id": "site1", "name": "Rose House" },
          "units": [ { "id": "u1", "name": "Ground floor" } ],
          "rooms": [ { "id": "r1", "unit": "u1", "name": "Room 1" }, { "id": "r2", "unit": "u1", "name": "Room 2" } ],
          "residents": [ { "id": "res-alice", "name": "Alice", "room": "r1" }, { "id": "res-bob", "name": "Bob", "room": "r2" } ],
          "staff": [ { "id": "carer-1", "name": "Sam", "role": "carer" } ],
          "devices": [ { "id": "dev-a", "resident": "res-alice" }, { "id": "dev-b", "resident": "res-bob" } ]
        }
        """;

    [Fact]
    public async Task WrongGatewayId_RefusedEventsGoToDeadLettersWithAFault_NewerEventsFlowAfterTheFix_ResendDeliversEachOnce()
    {
        // The wrong gateway id is the fault under test: the cloud refuses the events for good and the gateway says so.
        _env.ExpectError(EventIds.UplinkRefusedForGood, "HTTP 403");
        using var dir = new TempDirectory("edge-uplink-refused");
        var cloudDb = dir.File("cloud.db");
        var key = await TestCloud.PrepareAsync(cloudDb);
        var cloudPort = TestCloud.FreePort();
        await using var cloud = TestCloud.Start(_env, cloudDb, cloudPort);
        await using var broker = await MosquittoBroker.StartAsync();
        await using var sensors = await SensorPublisher.ConnectAsync(broker.Host, broker.Port, MqttSite, loggers: _env.LoggerFactory);
        await File.WriteAllTextAsync(dir.File("site.json"), SiteJson);
        var database = dir.File("gateway.db");
        var config = dir.File("gateway.json");

        // 1. Wrong id: every event is refused for good (403). They go to the dead letters, one gateway fault says so.
        await WriteConfigAsync(config, broker, dir, database, cloudPort, key, gatewayId: TestCloud.SiteId);
        using (var wrong = StartGateway(config))
        {
            await WaitSubscribedAsync(wrong, sensors, "probe-1");
            await sensors.ButtonAsync("dev-a");
            await sensors.ButtonAsync("dev-b");
            await wrong.WaitForLineAsync("refused", Wait);
            await UntilAsync(async () => await ScalarAsync(database, "SELECT COUNT(*) FROM incidents WHERE type = 'gateway_fault' AND subject = 'uplink'") == 1, "the uplink gateway fault");
            await UntilAsync(async () => await ScalarAsync(database, "SELECT COUNT(*) FROM uplink_outbox WHERE priority = 0") == 0
                && await ScalarAsync(database, "SELECT COUNT(*) FROM uplink_dead_letters") >= 3, "both calls and the fault in the dead letters, none left in the outbox");

            var detail = await TextAsync(database, "SELECT detail FROM incidents WHERE type = 'gateway_fault' AND subject = 'uplink'");
            Assert.Contains("HTTP 403", detail, StringComparison.Ordinal);
            Assert.Contains($"'{TestCloud.GatewayId}'", detail, StringComparison.Ordinal); // the cloud names the key's gateway
            Assert.Contains("uplink resend", detail, StringComparison.Ordinal);
            Assert.Equal(0, await cloud.Store.CountEventsAsync(default));
            await wrong.SignalAsync("TERM");
            await wrong.WaitForExitAsync(Wait);
        }

        // 2. Fixed: the events of today flow at once (Alice presses again: her open call is re-triggered, under the
        //    right id), the refused ones wait in the dead letters.
        await WriteConfigAsync(config, broker, dir, database, cloudPort, key, gatewayId: TestCloud.GatewayId);
        using var gateway = StartGateway(config);
        await WaitSubscribedAsync(gateway, sensors, "probe-2");
        await sensors.ButtonAsync("dev-a");
        await UntilAsync(async () => (await cloud.Store.GetEventsAsync(TestCloud.SiteId, default)).Any(e => e.Type == UplinkEventTypes.IncidentUpdated), "Alice's re-trigger at the cloud");
        Assert.True(await ScalarAsync(database, "SELECT COUNT(*) FROM uplink_dead_letters") >= 3);

        // 3. The technician re-sends the refused events with the real CLI, while the gateway runs.
        var configuration = AppContext.BaseDirectory.Contains("/bin/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        using (var resend = _env.Watch(ChildProcess.Start(Path.Combine(TestData.RepoRoot, "edge"), ["provision", "uplink", "resend", "--db", database], TestData.RepoRoot,
            new Dictionary<string, string> { ["EDGE_NO_BUILD"] = "1", ["EDGE_CONFIGURATION"] = configuration }, "edge provision")))
        {
            Assert.True(await resend.WaitForExitAsync(Wait) == 0, string.Join("\n", resend.Lines));
            Assert.Contains(resend.Lines, l => l.Contains("refused event(s) are back in the uplink outbox", StringComparison.Ordinal));
        }

        // Every incident transition of the gateway reaches the cloud exactly once, each incident under one id with
        // its sequence 1, 2, ... in order, although its first events were queued under the wrong gateway id.
        var transitions = await TransitionsAsync(database);
        await UntilAsync(async () => IncidentEvents(await cloud.Store.GetEventsAsync(TestCloud.SiteId, default)).Count >= transitions.Values.Sum(), "every transition at the cloud");
        await UntilAsync(async () => await ScalarAsync(database, "SELECT COUNT(*) FROM uplink_outbox WHERE priority = 0") == 0, "an empty alert outbox");
        var events = IncidentEvents(await cloud.Store.GetEventsAsync(TestCloud.SiteId, default));
        Assert.Equal(transitions.Values.Sum(), events.Count);
        Assert.All(events, e => Assert.Equal(TestCloud.GatewayId, e.GatewayId));
        foreach (var (incident, count) in transitions)
        {
            var of = events.Where(e => e.IncidentId == $"{TestCloud.GatewayId}:{incident}").ToList();
            Assert.Equal(Enumerable.Range(1, count).Select(i => (long?)i), of.Select(e => e.Sequence).Order());
        }

        Assert.Equal(2, transitions[1]); // Alice's call: raised under the wrong id, re-triggered under the right one
        Assert.Equal(0, await ScalarAsync(database, "SELECT COUNT(*) FROM uplink_dead_letters"));
        Assert.Single(await cloud.Store.GetIncidentsAsync([TestCloud.SiteId], DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1), default),
            i => i.IncidentId == $"{TestCloud.GatewayId}:1");
        SqliteConnection.ClearAllPools();
    }

    private static List<Edge.Cloud.Data.StoredEvent> IncidentEvents(IEnumerable<Edge.Cloud.Data.StoredEvent> events) =>
        [.. events.Where(e => UplinkEventTypes.IsIncident(e.Type))];

    private ChildProcess StartGateway(string config) =>
        _env.Watch(ChildProcess.StartDotnet(typeof(GatewayHost).Assembly.Location, ["--config", config], Path.GetDirectoryName(config)!));

    private static async Task WriteConfigAsync(string file, MosquittoBroker broker, TempDirectory dir, string database, int cloudPort, string key, string gatewayId)
    {
        var config = new
        {
            Mqtt = new { Host = broker.Host, Port = broker.Port, ClientId = "gateway-refused-test" },
            Ingest = new { SiteId = MqttSite },
            Storage = new { DatabasePath = database },
            Registry = new { SeedFile = dir.File("site.json") },
            Detection = new { ModelDirectory = Path.Combine(TestData.RepoRoot, "models", "fall-model") },
            Supervision = new { StreamingOfflineAfter = "00:10:00", TriggeredOfflineAfter = "00:10:00", MinFreeDiskMiB = 1 },
            Diagnostics = new { HttpPort = 0 },
            Uplink = new
            {
                Enabled = true,
                CloudUrl = $"http://127.0.0.1:{cloudPort}/",
                GatewayId = gatewayId,
                SiteId = TestCloud.SiteId,
                GatewayKey = key,
                PollInterval = "00:00:00.200",
            },
        };
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(config));
    }

    private static async Task WaitSubscribedAsync(ChildProcess gateway, SensorPublisher sensors, string probeId)
    {
        await gateway.WaitForLineAsync("Ingest started", Wait);
        await FaultSite.WaitSubscribedAsync(gateway, sensors, probeId);
    }

    private static async Task<Dictionary<long, int>> TransitionsAsync(string database)
    {
        await using var c = Open(database);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT incident_id, COUNT(*) FROM incident_transitions GROUP BY incident_id";
        var result = new Dictionary<long, int>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            result[r.GetInt64(0)] = r.GetInt32(1);
        }

        return result;
    }

    private static async Task<long> ScalarAsync(string database, string sql)
    {
        await using var c = Open(database);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        try
        {
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }
        catch (SqliteException e) when (e.Message.Contains("no such table", StringComparison.Ordinal))
        {
            return -1; // the gateway has not created it yet
        }
    }

    private static async Task<string> TextAsync(string database, string sql)
    {
        await using var c = Open(database);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    private static SqliteConnection Open(string database)
    {
        var c = new SqliteConnection($"Data Source={database};Pooling=False;Default Timeout=30");
        c.Open();
        return c;
    }

    // Polls a condition read from another process's database or over HTTP (no event crosses the process boundary).
    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        using var cts = new CancellationTokenSource(Wait);
        while (!await condition())
        {
            try
            {
                await timer.WaitForNextTickAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Timed out after {Wait} waiting for {what}.");
            }
        }
    }
}
