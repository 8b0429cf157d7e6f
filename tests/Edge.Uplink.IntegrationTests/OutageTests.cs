using Edge.Cloud.Contracts;
using Edge.TestKit;
using Edge.Uplink.Outbox;
using Microsoft.Extensions.Time.Testing;


namespace Edge.Uplink.IntegrationTests;

public sealed class OutageTests : IDisposable
{
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    private static readonly TimeSpan Day = TimeSpan.FromDays(1);
    private static readonly TimeSpan HealthTtl = TimeSpan.FromHours(6);

    /// <summary>
    /// The cloud is down for a simulated day while 500 incidents happen (raised, notified, accepted,
    /// resolved) and hourly health summaries are written. Then it comes up: every incident event arrives
    /// exactly once and in order per incident; health older than its time-to-live is counted, not sent.
    /// </summary>
    [Fact]
    public async Task Outage_DayWith500Incidents_ThenRecovery_EveryEventOnceInOrderPerIncident()
    {
        using var dir = new TempDirectory("edge-uplink-outage");
        var cloudDb = dir.File("cloud.db");
        var key = await TestCloud.PrepareAsync(cloudDb);
        var port = TestCloud.FreePort(); // nothing listens here yet: the cloud is down
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
        var start = time.GetUtcNow();
        await using var uplink = await UplinkHost.StartAsync(_env, dir.File("gateway.db"), time, UplinkHost.Settings(port, key));

        // The day's schedule: per incident raised, a pager attempt, accepted, resolved; hourly health.
        var schedule = new List<(DateTimeOffset At, Action<Microsoft.Data.Sqlite.SqliteTransaction> Write)>();
        var random = new Random(7);
        var sentKeys = new List<string>();
        for (var i = 0; i < 500; i++)
        {
            var id = $"{TestCloud.GatewayId}:{i + 1}";
            var raised = start + (Day * i / 500);
            var accepted = raised.AddSeconds(30 + random.Next(600));
            var resolved = accepted.AddSeconds(60 + random.Next(1800));
            var n = i;
            schedule.Add((raised, tx => Enqueue(tx, uplink.Writer.Incident(tx, UplinkEventTypes.IncidentRaised, id, raised, Payloads.Raised(n)))));
            schedule.Add((raised.AddSeconds(2), tx => Enqueue(tx, uplink.Writer.Notification(id, raised.AddSeconds(2), new NotificationAttemptPayload { Channel = "pager", Target = "101", Attempt = 1, Result = "delivered" }))));
            schedule.Add((accepted, tx => Enqueue(tx, uplink.Writer.Incident(tx, UplinkEventTypes.IncidentAccepted, id, accepted, new IncidentPayload { AcceptedBy = "staff-2" }))));
            schedule.Add((resolved, tx => Enqueue(tx, uplink.Writer.Incident(tx, UplinkEventTypes.IncidentResolved, id, resolved,
                new IncidentPayload { Outcome = n % 9 == 0 ? IncidentOutcomes.NoFall : IncidentOutcomes.Fall }))));
        }

        for (var h = 1; h <= 24; h++)
        {
            var end = start.AddHours(h);
            schedule.Add((end, tx => Enqueue(tx, uplink.Writer.Health(Payloads.Health(end)), HealthTtl)));
        }

        var ordered = schedule.OrderBy(s => s.At).ToList();
        await uplink.InTransactionAsync(ordered[0].Write);
        time.Advance(TimeSpan.FromSeconds(2)); // the sender's first poll finds the event and cannot reach the cloud
        await uplink.Status.WaitForAsync(s => s.ConsecutiveFailures > 0, Timeout());
        foreach (var (at, write) in ordered.Skip(1))
        {
            if (at > time.GetUtcNow())
            {
                time.Advance(at - time.GetUtcNow()); // the sender's backoff timers fire as the day passes
            }

            await uplink.InTransactionAsync(write);
        }

        time.Advance(TimeSpan.FromMinutes(5));
        var down = await uplink.Status.WaitForAsync(s => s.ConsecutiveFailures > 0 && s.AlertBacklog == 2000, Timeout());
        Assert.False(down.CloudReachable);
        Assert.True(down.Degraded);
        Assert.Equal(start.AddSeconds(2), down.UnreachableSince);
        Assert.True(down.OldestQueuedAt <= start.AddMinutes(1));

        // Recovery.
        await using var cloud = TestCloud.Start(_env, cloudDb, port);
        time.Advance(TimeSpan.FromMinutes(5)); // the longest backoff: the next attempt is due
        var up = await uplink.Status.WaitForAsync(s => s.CloudReachable && s.Backlog == 0, Timeout());

        var stored = await cloud.Store.GetEventsAsync(TestCloud.SiteId, default);
        Assert.Equal(sentKeys.Count - (int)up.ExpiredHealth, stored.Count);
        Assert.Equal(stored.Count, stored.Select(e => e.IdempotencyKey).Distinct().Count()); // exactly once
        Assert.Equal(2000, stored.Count(e => UplinkEventTypes.IsAlertPath(e.Type)));         // no incident event lost
        Assert.Empty(stored.Select(e => e.IdempotencyKey).Except(sentKeys));
        Assert.Equal(up.Delivered, stored.Count);

        foreach (var incident in stored.Where(e => UplinkEventTypes.IsIncident(e.Type)).GroupBy(e => e.IncidentId))
        {
            Assert.Equal([1L, 2L, 3L], incident.Select(e => e.Sequence!.Value));          // arrival order = sequence order
            Assert.Equal([UplinkEventTypes.IncidentRaised, UplinkEventTypes.IncidentAccepted, UplinkEventTypes.IncidentResolved], incident.Select(e => e.Type));
        }

        Assert.Equal(500, stored.Count(e => e.Type == UplinkEventTypes.IncidentRaised));
        // Health written in the first 18 hours was older than 6 h at recovery: counted as expired, not sent.
        var health = stored.Count(e => e.Type == UplinkEventTypes.HealthSummary);
        Assert.Equal(24, health + up.ExpiredHealth);
        Assert.InRange(up.ExpiredHealth, 17, 19);
        Assert.True(stored.Where(e => e.Type == UplinkEventTypes.HealthSummary).All(e => e.EventId > stored.Where(x => UplinkEventTypes.IsAlertPath(x.Type)).Max(x => x.EventId)),
            "incident events are delivered before health");
        Assert.Equal(500, (await cloud.Store.GetIncidentsAsync([TestCloud.SiteId], start.AddDays(-1), start.AddDays(2), default)).Count(i => i.ResolvedAt is not null));
        RawDataInspector.AssertNoRawSensorData(cloud.Bodies);

        void Enqueue(Microsoft.Data.Sqlite.SqliteTransaction tx, UplinkEvent e, TimeSpan? ttl = null)
        {
            uplink.Writer.Enqueue(tx, e, ttl);
            sentKeys.Add(e.IdempotencyKey);
        }
    }

    [Fact]
    public async Task Enqueue_TransactionRolledBack_NothingQueued()
    {
        using var dir = new TempDirectory("edge-uplink-rollback");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
        var settings = UplinkHost.Settings(TestCloud.FreePort(), "edgegw_unused");
        settings["Uplink:Enabled"] = "false";
        await using var uplink = await UplinkHost.StartAsync(_env, dir.File("gateway.db"), time, settings);

        await using (var c = await uplink.Connections.OpenAsync(default))
        {
            await using var tx = (Microsoft.Data.Sqlite.SqliteTransaction)await c.BeginTransactionAsync();
            uplink.Writer.Enqueue(tx, uplink.Writer.Incident(tx, UplinkEventTypes.IncidentRaised, "gw-1:1", time.GetUtcNow(), Payloads.Raised(1)));
            await tx.RollbackAsync(); // the transition failed: its outbox row goes with it
        }

        await uplink.InTransactionAsync(tx => uplink.Writer.Enqueue(tx, uplink.Writer.Incident(tx, UplinkEventTypes.IncidentRaised, "gw-1:2", time.GetUtcNow(), Payloads.Raised(2))));

        var counts = await uplink.Store.CountAsync(default);
        Assert.Equal(1, counts.Alerts);
        var queued = Assert.Single(await uplink.Store.ReadBatchAsync(10, time.GetUtcNow(), default));
        Assert.Equal("gw-1:2", queued.Event.IncidentId);
        Assert.Equal(1, queued.Event.Sequence); // the rolled-back sequence number was not consumed either
    }

    [Fact]
    public async Task Enqueue_AlertEventWithTimeToLive_Refused()
    {
        using var dir = new TempDirectory("edge-uplink-ttl");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
        var settings = UplinkHost.Settings(TestCloud.FreePort(), "edgegw_unused");
        settings["Uplink:Enabled"] = "false";
        await using var uplink = await UplinkHost.StartAsync(_env, dir.File("gateway.db"), time, settings);

        await Assert.ThrowsAsync<ArgumentException>(() => uplink.InTransactionAsync(tx =>
            uplink.Writer.Enqueue(tx, uplink.Writer.Incident(tx, UplinkEventTypes.IncidentRaised, "gw-1:1", time.GetUtcNow(), Payloads.Raised(1)), TimeSpan.FromHours(1))));
    }

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(90)).Token;
}
