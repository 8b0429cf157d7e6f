using System.Globalization;
using Edge.Cloud.Contracts;
using Edge.Gateway;
using Edge.Gateway.Incidents;
using Edge.Gateway.Uplink;
using Edge.Recordings;
using Edge.TestKit;
using Edge.Uplink.Delivery;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Edge.Uplink.IntegrationTests;

/// <summary>
/// The whole path with real sensor data: SisFall recordings published by simulated wearables over a
/// private Mosquitto, the real gateway host (model, incidents, SQLite) with the uplink composed in,
/// and the real cloud. Everything the cloud received is inspected for raw accelerometer data.
/// </summary>
public sealed class GatewayUplinkTests : IDisposable
{
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    private const string MqttSite = "site1";

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
    public async Task RealSensorDataThroughGateway_CloudReceivesIncidentsButNoRawAccelerometerData()
    {
        using var dir = new TempDirectory("edge-uplink-e2e");
        var cloudDb = dir.File("cloud.db");
        var key = await TestCloud.PrepareAsync(cloudDb);
        var port = TestCloud.FreePort();
        await using var cloud = TestCloud.Start(_env, cloudDb, port);
        await using var broker = await MosquittoBroker.StartAsync();
        await using var sensors = await SensorPublisher.ConnectAsync(broker.Host, broker.Port, MqttSite, loggers: _env.LoggerFactory);
        await File.WriteAllTextAsync(dir.File("site.json"), SiteJson);

        var settings = new Dictionary<string, string?>
        {
            ["Mqtt:Host"] = broker.Host,
            ["Mqtt:Port"] = broker.Port.ToString(CultureInfo.InvariantCulture),
            ["Mqtt:ClientId"] = "gateway-uplink-test",
            ["Ingest:SiteId"] = MqttSite,
            ["Storage:DatabasePath"] = dir.File("gateway.db"),
            ["Registry:SeedFile"] = dir.File("site.json"),
            ["Detection:ModelDirectory"] = Path.Combine(TestData.RepoRoot, "models", "fall-model"),
            ["Supervision:StreamingOfflineAfter"] = "00:10:00",
            ["Supervision:TriggeredOfflineAfter"] = "00:10:00",
            ["Supervision:MinFreeDiskMiB"] = "1",
            ["Uplink:Enabled"] = "true",
            ["Uplink:CloudUrl"] = $"http://127.0.0.1:{port}/",
            ["Uplink:GatewayId"] = TestCloud.GatewayId,
            ["Uplink:SiteId"] = TestCloud.SiteId,
            ["Uplink:GatewayKey"] = key,
            ["Uplink:PollInterval"] = "00:00:00.200",
            ["Uplink:HealthSummary:Interval"] = "00:00:01",
        };
        using var host = GatewayHost.CreateBuilder([], b =>
        {
            b.Configuration.AddInMemoryCollection(settings);
            _env.Capture(b.Logging, "gateway");
        }).Build();
        await host.StartAsync();
        try
        {
            var incidents = host.Services.GetRequiredService<IIncidentService>();
            using var watchStop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            var changes = System.Threading.Channels.Channel.CreateUnbounded<IncidentChange>();
            var watch = Task.Run(async () =>
            {
                try
                {
                    await foreach (var change in incidents.WatchAsync(watchStop.Token))
                    {
                        changes.Writer.TryWrite(change);
                    }
                }
                catch (OperationCanceledException)
                {
                }
            });

            // Readiness: press dev-b's button until the gateway raises the call (then it is subscribed).
            IncidentChange? call = null;
            while (call is null)
            {
                await sensors.StatusAsync("dev-b");
                await sensors.ButtonAsync("dev-b");
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(watchStop.Token);
                wait.CancelAfter(TimeSpan.FromSeconds(2));
                try
                {
                    call = await changes.Reader.ReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!watchStop.IsCancellationRequested)
                {
                    // not subscribed yet: press again
                }
            }

            Assert.Equal(IncidentType.ManualCall, call.Incident.Type);

            // A real fall recording (first subject's first F01 trial: a fixed rule) and a day-to-day one.
            var trials = SisFallLoader.Discover(TestData.SisFallDir);
            DeviceRecording Trial(string code) => DeviceRecording.Load(trials.Where(t => t.Code == code).OrderBy(t => t.Subject, StringComparer.Ordinal).ThenBy(t => t.Trial).First());
            await sensors.StatusAsync("dev-a");
            var batches = await sensors.StreamAsync("dev-a", Trial("F01"));
            batches += await sensors.StreamAsync("dev-b", Trial("D01"));
            Assert.True(batches * SensorPublisher.SamplesPerBatch > 1000, "real accelerometer samples flowed through the broker");

            IncidentChange fall;
            do
            {
                fall = await changes.Reader.ReadAsync(watchStop.Token);
            }
            while (fall.Incident.Type != IncidentType.Fall);

            await incidents.AcceptAsync(fall.Incident.Id, "carer-1", "test");
            await incidents.ResolveAsync(fall.Incident.Id, "carer-1", IncidentOutcome.FallConfirmed, null, "test");
            await incidents.AcceptAsync(call.Incident.Id, "carer-1", "test");
            await incidents.ResolveAsync(call.Incident.Id, "carer-1", IncidentOutcome.Other, "resident asked for water", "test");

            // Until the cloud holds both incidents' three transitions and a health summary. Each delivery the uplink
            // reports is the signal to look again (a health summary goes every second here). Waiting on the uplink's
            // counters alone raced: its last status could predate the accept/resolve just queued.
            var status = host.Services.GetRequiredService<UplinkStatus>();
            using var drained = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            var fallId = $"{TestCloud.GatewayId}:{fall.Incident.Id}";
            var callId = $"{TestCloud.GatewayId}:{call.Incident.Id}";
            var stored = await cloud.Store.GetEventsAsync(TestCloud.SiteId, default);
            while (stored.Count(e => e.IncidentId == fallId) < 3 || stored.Count(e => e.IncidentId == callId) < 3
                   || !stored.Any(e => e.Type == UplinkEventTypes.HealthSummary))
            {
                var seen = status.Current.Delivered;
                await status.WaitForAsync(s => s.Delivered > seen, drained.Token);
                stored = await cloud.Store.GetEventsAsync(TestCloud.SiteId, default);
            }

            var fallEvents = stored.Where(e => e.IncidentId == fallId).ToList();
            Assert.Equal([UplinkEventTypes.IncidentRaised, UplinkEventTypes.IncidentAccepted, UplinkEventTypes.IncidentResolved], fallEvents.Select(e => e.Type));
            Assert.Contains("\"kind\":\"fall\"", fallEvents[0].Payload, StringComparison.Ordinal);
            Assert.Contains("\"outcome\":\"fall\"", fallEvents[2].Payload, StringComparison.Ordinal);
            var cloudIncident = Assert.Single(await cloud.Store.GetIncidentsAsync([TestCloud.SiteId], DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1), default), i => i.Kind == "fall");
            Assert.Equal("u1", cloudIncident.Unit);
            Assert.NotNull(cloudIncident.TimeToAccept);

            var summary = stored.First(e => e.Type == UplinkEventTypes.HealthSummary);
            Assert.Contains("\"deviceId\":\"dev-a\"", summary.Payload, StringComparison.Ordinal);
            // The resident is a pseudonym (issue 16): the ids here look like names ("res-bob"), and must not leave the site.
            var bobRef = await host.Services.GetRequiredService<ResidentPseudonyms>().ForAsync("res-bob", null, CancellationToken.None);
            Assert.Matches("^r-[a-z2-7]{20}$", bobRef);
            Assert.Contains($"\"residentRef\":\"{bobRef}\"", summary.Payload, StringComparison.Ordinal);
            var devices = await cloud.Store.GetDevicesAsync([TestCloud.SiteId], DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1), default);
            Assert.Equal(["dev-a", "dev-b"], devices.Select(d => d.DeviceId).Order(StringComparer.Ordinal));

            // What went over the wire: contract members only, no numeric arrays, no names, no notes.
            RawDataInspector.AssertNoRawSensorData(cloud.Bodies);
            Assert.All(cloud.Bodies, b =>
            {
                Assert.DoesNotContain("Alice", b, StringComparison.Ordinal);
                Assert.DoesNotContain("water", b, StringComparison.Ordinal);
                Assert.DoesNotContain("res-alice", b, StringComparison.Ordinal);
                Assert.DoesNotContain("res-bob", b, StringComparison.Ordinal);
            });
            await watchStop.CancelAsync();
            await watch;
        }
        finally
        {
            await host.StopAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }
}
