using Edge.Cloud.Contracts;
using Edge.TestKit;
using Edge.Uplink.Outbox;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Edge.Uplink.IntegrationTests;

public sealed class CrashTests : IDisposable
{
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    /// <summary>
    /// The sender (a child process) is killed with SIGKILL after the cloud stored a batch but before
    /// the answer reached it. After a restart nothing is lost, the resent batch is answered
    /// "duplicate", and the cloud holds every event exactly once.
    /// </summary>
    [Fact]
    public async Task Kill9MidUpload_ThenRestart_NothingLostDuplicatesAbsorbed()
    {
        using var dir = new TempDirectory("edge-uplink-kill");
        var cloudDb = dir.File("cloud.db");
        var gatewayDb = dir.File("gateway.db");
        var key = await TestCloud.PrepareAsync(cloudDb);
        var port = TestCloud.FreePort();
        var keys = await FillOutboxAsync(gatewayDb, incidents: 250); // 1,000 incident events

        await using var cloud = TestCloud.Start(_env, cloudDb, port);
        var stored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cloud.BeforeAnswer = async n =>
        {
            if (n == 3)
            {
                stored.TrySetResult();
                await release.Task;
            }
        };

        using (var first = StartSender(gatewayDb, port, key))
        {
            try
            {
                await stored.Task.WaitAsync(TimeSpan.FromSeconds(60));
            }
            catch (TimeoutException)
            {
                Assert.Fail("The cloud never got the third batch. Sender output:\n" + string.Join("\n", first.Lines));
            }

            await first.KillAsync(); // SIGKILL: no shutdown code runs, like kill -9 or a power cut
            Assert.NotEqual(0, first.ExitCode);
        }

        cloud.BeforeAnswer = null;
        release.TrySetResult();

        var afterKill = await cloud.Store.CountEventsAsync(default);
        Assert.Equal(300, afterKill); // three batches of 100 stored, the third never acknowledged
        var backlog = await new OutboxStore(new SqliteFileConnectionFactory(gatewayDb)).CountAsync(default);
        Assert.Equal(800, backlog.Total); // only the two acknowledged batches left the outbox

        using (var second = StartSender(gatewayDb, port, key))
        {
            var code = await second.WaitForExitAsync(TimeSpan.FromSeconds(120));
            var output = string.Join("\n", second.Lines);
            Assert.True(code == 0, output);
            Assert.True(output.Contains("drained delivered=800 duplicates=100", StringComparison.Ordinal), output);
        }

        var events = await cloud.Store.GetEventsAsync(TestCloud.SiteId, default);
        Assert.Equal(1000, events.Count);
        Assert.Equal(keys.Order(), events.Select(e => e.IdempotencyKey).Order());
        foreach (var incident in events.GroupBy(e => e.IncidentId))
        {
            Assert.Equal([1L, 2L, 3L, 4L], incident.Select(e => e.Sequence!.Value));
        }

        Assert.Equal(0, (await new OutboxStore(new SqliteFileConnectionFactory(gatewayDb)).CountAsync(default)).Total);
        RawDataInspector.AssertNoRawSensorData(cloud.Bodies);
    }

    private static async Task<List<string>> FillOutboxAsync(string path, int incidents)
    {
        var writer = new OutboxWriter(Options.Create(new UplinkOptions { GatewayId = TestCloud.GatewayId, SiteId = TestCloud.SiteId }), TimeProvider.System);
        var connections = new SqliteFileConnectionFactory(path);
        var keys = new List<string>();
        var at = DateTimeOffset.UtcNow.AddHours(-3);
        for (var i = 0; i < incidents; i++)
        {
            var id = $"{TestCloud.GatewayId}:{i}";
            string[] types = [UplinkEventTypes.IncidentRaised, UplinkEventTypes.IncidentUpdated, UplinkEventTypes.IncidentAccepted, UplinkEventTypes.IncidentResolved];
            foreach (var type in types)
            {
                await using var c = await connections.OpenAsync(default);
                await using var tx = (SqliteTransaction)await c.BeginTransactionAsync();
                var payload = type switch
                {
                    UplinkEventTypes.IncidentRaised => Payloads.Raised(i),
                    UplinkEventTypes.IncidentUpdated => new IncidentPayload { EscalationLevel = 1 },
                    UplinkEventTypes.IncidentAccepted => new IncidentPayload { AcceptedBy = "staff-1" },
                    _ => new IncidentPayload { Outcome = IncidentOutcomes.Fall },
                };
                var e = writer.Incident(tx, type, id, at.AddSeconds(i * 10 + keys.Count % 4), payload);
                writer.Enqueue(tx, e);
                await tx.CommitAsync();
                keys.Add(e.IdempotencyKey);
            }
        }

        return keys;
    }

    // The real uplink sender alone as a process (tests/Edge.Uplink.ChildProcess), its console read by the test's environment.
    private ChildProcess StartSender(string database, int port, string key)
    {
        var dll = Path.Combine(AppContext.BaseDirectory.Replace("Edge.Uplink.IntegrationTests", "Edge.Uplink.ChildProcess", StringComparison.Ordinal), "Edge.Uplink.ChildProcess.dll");
        Assert.True(File.Exists(dll), $"the child process is built at {dll}");
        return _env.Watch(ChildProcess.StartDotnet(dll, ["--db", database], environment: new Dictionary<string, string>
        {
            ["Uplink__Enabled"] = "true",
            ["Uplink__CloudUrl"] = $"http://127.0.0.1:{port}/",
            ["Uplink__GatewayId"] = TestCloud.GatewayId,
            ["Uplink__SiteId"] = TestCloud.SiteId,
            ["Uplink__GatewayKey"] = key, // environment, not the command line: not visible in ps
            ["Uplink__BatchSize"] = "100",
        }));
    }
}
