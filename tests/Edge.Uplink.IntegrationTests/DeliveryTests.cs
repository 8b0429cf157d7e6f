using System.Security.Cryptography.X509Certificates;
using Edge.Cloud.Contracts;
using Edge.Logging;
using Edge.TestKit;
using Edge.Uplink.Delivery;
using Edge.Uplink.Outbox;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Uplink.IntegrationTests;

/// <summary>Delivery against the real cloud: refusals, wrong keys, TLS with a pinned CA.</summary>
public sealed class DeliveryTests : IDisposable
{
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    [Fact]
    public async Task CloudRejectsOneEvent_ItIsDeadLetteredAndTheOthersDelivered()
    {
        // The invalid event is the fault under test: the sender reports it dead-lettered.
        _env.ExpectError(EventIds.UplinkEventRejected, "occurredAt is before 2020");
        using var dir = new TempDirectory("edge-uplink-reject");
        var cloudDb = dir.File("cloud.db");
        var key = await TestCloud.PrepareAsync(cloudDb);
        var port = TestCloud.FreePort();
        await using var cloud = TestCloud.Start(_env, cloudDb, port);
        var settings = UplinkHost.Settings(port, key);
        settings["Uplink:PollInterval"] = "00:00:00.100";
        await using var uplink = await UplinkHost.StartAsync(_env, dir.File("gateway.db"), TimeProvider.System, settings);
        var now = DateTimeOffset.UtcNow;

        await uplink.InTransactionAsync(tx =>
        {
            uplink.Writer.Enqueue(tx, uplink.Writer.Incident(tx, UplinkEventTypes.IncidentRaised, "gw-1:1", now, Payloads.Raised(1)));
            // The cloud refuses events from before 2020 (a gateway clock that was never set).
            uplink.Writer.Enqueue(tx, uplink.Writer.Incident(tx, UplinkEventTypes.IncidentRaised, "gw-1:2", new DateTimeOffset(2019, 1, 1, 0, 0, 0, TimeSpan.Zero), Payloads.Raised(2)));
            uplink.Writer.Enqueue(tx, uplink.Writer.Incident(tx, UplinkEventTypes.IncidentAccepted, "gw-1:1", now.AddSeconds(40), new IncidentPayload { AcceptedBy = "s" }));
        });

        var state = await uplink.Status.WaitForAsync(s => s.Backlog == 0 && s.Delivered == 2, Timeout());

        Assert.Equal(1, state.DeadLettered);
        Assert.True(state.CloudReachable);
        Assert.Equal(2, await cloud.Store.CountEventsAsync(default));
    }

    [Fact]
    public async Task BatchRefusedForGood_TheRefusedEventIsIsolatedAndDeadLettered_TheEventsBehindItAreDelivered()
    {
        // The oversized event is the fault under test: the cloud refuses it for good and the sender says so.
        _env.ExpectError(EventIds.UplinkRefusedForGood, "HTTP 413");
        using var dir = new TempDirectory("edge-uplink-toolarge");
        var cloudDb = dir.File("cloud.db");
        var key = await TestCloud.PrepareAsync(cloudDb);
        var port = TestCloud.FreePort();
        await using var cloud = TestCloud.Start(_env, cloudDb, port);
        var settings = UplinkHost.Settings(port, key);
        settings["Uplink:PollInterval"] = "00:00:00.100";
        await using var uplink = await UplinkHost.StartAsync(_env, dir.File("gateway.db"), TimeProvider.System, settings);
        var now = DateTimeOffset.UtcNow;

        // The second event alone is larger than the cloud takes in one request: 413 for every batch that holds it.
        await uplink.InTransactionAsync(tx =>
        {
            uplink.Writer.Enqueue(tx, uplink.Writer.Incident(tx, UplinkEventTypes.IncidentRaised, "gw-1:1", now, Payloads.Raised(1)));
            var huge = Payloads.Raised(2) with { Room = new string('x', (int)ContractLimits.MaxBatchBytes + 1) };
            uplink.Writer.Enqueue(tx, uplink.Writer.Incident(tx, UplinkEventTypes.IncidentRaised, "gw-1:2", now, huge));
            for (var i = 3; i <= 6; i++)
            {
                uplink.Writer.Enqueue(tx, uplink.Writer.Incident(tx, UplinkEventTypes.IncidentRaised, $"gw-1:{i}", now, Payloads.Raised(i)));
            }
        });

        var state = await uplink.Status.WaitForAsync(s => s.Backlog == 0 && s.Delivered == 5, Timeout());

        Assert.Equal(1, state.DeadLettered);
        Assert.Equal(5, await cloud.Store.CountEventsAsync(default));
        await using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={dir.File("gateway.db")};Pooling=False");
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT json_extract(event, '$.incidentId') || ' ' || reason FROM uplink_dead_letters";
        var dead = (string)(await cmd.ExecuteScalarAsync())!;
        Assert.StartsWith("gw-1:2 HTTP 413", dead, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongGatewayId_EventsDeadLetteredWithoutBlocking_ThenStampedAtSendTimeAndResentAfterTheFix()
    {
        // The wrong gateway id is the fault under test: the cloud refuses the events for good and the sender says so.
        _env.ExpectError(EventIds.UplinkRefusedForGood, "HTTP 403");
        using var dir = new TempDirectory("edge-uplink-wrongid");
        var cloudDb = dir.File("cloud.db");
        var key = await TestCloud.PrepareAsync(cloudDb);
        var port = TestCloud.FreePort();
        await using var cloud = TestCloud.Start(_env, cloudDb, port);

        // As the provision tool used to write it: the site id where the cloud knows the gateway as gw-1.
        var wrong = UplinkHost.Settings(port, key);
        wrong["Uplink:GatewayId"] = TestCloud.SiteId;
        wrong["Uplink:PollInterval"] = "00:00:00.100";
        var now = DateTimeOffset.UtcNow;
        await using (var uplink = await UplinkHost.StartAsync(_env, dir.File("gateway.db"), TimeProvider.System, wrong))
        {
            await uplink.InTransactionAsync(tx =>
            {
                for (var i = 1; i <= 8; i++)
                {
                    uplink.Writer.Enqueue(tx, uplink.Writer.Incident(tx, UplinkEventTypes.IncidentRaised, $"inc-{i}", now, Payloads.Raised(i)));
                }
            });

            // Refused for good (403): every one goes to the dead letters; none blocks the queue.
            await uplink.Status.WaitForAsync(s => s.Backlog == 0 && s.DeadLettered == 8, Timeout());
            Assert.Equal(0, await cloud.Store.CountEventsAsync(default));
        }

        await using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={dir.File("gateway.db")};Pooling=False"))
        {
            await c.OpenAsync();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT reason FROM uplink_dead_letters";
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                Assert.Contains("HTTP 403", r.GetString(0), StringComparison.Ordinal);
            }
        }

        // The technician fixes Uplink:GatewayId and re-sends the dead letters: the queued events go out under the
        // identity stamped at send time, and the cloud holds every one exactly once.
        var right = UplinkHost.Settings(port, key);
        right["Uplink:PollInterval"] = "00:00:00.100";
        await using (var fixedUplink = await UplinkHost.StartAsync(_env, dir.File("gateway.db"), TimeProvider.System, right))
        {
            Assert.Equal(8, await fixedUplink.Store.RequeueDeadLettersAsync(DateTimeOffset.UtcNow, default));
            await fixedUplink.Status.WaitForAsync(s => s.Backlog == 0 && s.Delivered >= 8, Timeout());
        }

        Assert.Equal(8, await cloud.Store.CountEventsAsync(default));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Https_PinnedCa_OnlyTheRightCaIsTrusted(bool rightCa)
    {
        using var dir = new TempDirectory("edge-uplink-tls");
        var certs = await TestCertificates.CreateAsync(dir.File("pki"));
        var cloudDb = dir.File("cloud.db");
        var key = await TestCloud.PrepareAsync(cloudDb);
        var port = TestCloud.FreePort();
        using var serverCert = X509Certificate2.CreateFromPemFile(certs.ServerCert, certs.ServerKey);
        // Kestrel on Linux needs the key in a form it can use for TLS: round-trip through PKCS#12.
        using var tlsCert = X509CertificateLoader.LoadPkcs12(serverCert.Export(X509ContentType.Pkcs12), null);
        await using var cloud = TestCloud.Start(_env, cloudDb, port, tlsCert);
        var settings = UplinkHost.Settings(port, key);
        settings["Uplink:CloudUrl"] = $"https://127.0.0.1:{port}/";
        settings["Uplink:PinnedCaCertificateFile"] = rightCa ? certs.CaCert : certs.OtherCaCert;
        settings["Uplink:PollInterval"] = "00:00:00.100";
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var uplink = await UplinkHost.StartAsync(_env, dir.File("gateway.db"), time, settings);

        await uplink.InTransactionAsync(tx => uplink.Writer.Enqueue(tx, uplink.Writer.Incident(tx, UplinkEventTypes.IncidentRaised, "gw-1:1", time.GetUtcNow(), Payloads.Raised(1))));
        time.Advance(TimeSpan.FromSeconds(2));
        var state = await uplink.Status.WaitForAsync(s => s.Delivered > 0 || s.ConsecutiveFailures > 0, Timeout());

        if (rightCa)
        {
            Assert.Equal(1, state.Delivered);
            Assert.Equal(1, await cloud.Store.CountEventsAsync(default));
        }
        else
        {
            Assert.Equal(0, state.Delivered);
            Assert.Contains("SSL", state.LastError, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(1, state.AlertBacklog);
            Assert.Equal(0, await cloud.Store.CountEventsAsync(default));
        }
    }

    [Fact]
    public void Backoff_GrowsExponentiallyWithJitterUpToTheCap()
    {
        var o = new UplinkOptions { InitialBackoff = TimeSpan.FromSeconds(2), MaxBackoff = TimeSpan.FromMinutes(5) };
        for (var n = 1; n <= 12; n++)
        {
            var cap = Math.Min(300, 2 * Math.Pow(2, n - 1));
            for (var i = 0; i < 50; i++)
            {
                var d = UplinkSender.Backoff(n, o).TotalSeconds;
                Assert.InRange(d, cap / 2, cap);
            }
        }

        var spread = Enumerable.Range(0, 50).Select(_ => UplinkSender.Backoff(10, o)).Distinct().Count();
        Assert.True(spread > 10, "jitter spreads retries");
    }

    [Fact]
    public void OptionsValidator_ReportsEveryProblemAtOnce()
    {
        var result = new UplinkOptionsValidator().Validate(null, new UplinkOptions { Enabled = true, BatchSize = 5000, InitialBackoff = TimeSpan.Zero });

        Assert.True(result.Failed);
        Assert.Equal(5, result.Failures!.Count()); // batch size, backoff, ids, cloud URL, key
    }
}
