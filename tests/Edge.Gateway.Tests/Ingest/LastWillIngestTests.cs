using Edge.Gateway.Incidents;
using Edge.Gateway.Supervision;
using Edge.Protocol;

namespace Edge.Gateway.Tests.Ingest;

/// <summary>The ASCII last will (docs/wire-protocol.md 3.5) on a status topic.</summary>
public class LastWillIngestTests
{
    private static async Task<IReadOnlyList<Incident>> OpenOfflineAsync(TestGateway gw) =>
        [.. (await gw.Incidents.ListOpenAsync()).Where(i => i.Type == IncidentType.DeviceOffline)];

    private static async Task OfferAndEvaluateAsync(TestGateway gw, string device, string leaf, byte[] payload)
    {
        gw.Offer(device, leaf, payload);
        await gw.DrainAsync();
        await gw.Supervisor.EvaluateAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Offer_WillOfTheTopicsDevice_IsOfflineAndNotMalformed()
    {
        await using var gw = await TestGateway.CreateAsync();
        await OfferAndEvaluateAsync(gw, "dev1", "status", Messages.Status("dev1", 1));

        await OfferAndEvaluateAsync(gw, "dev1", "status", LastWill.Payload("dev1"));
        gw.Time.Advance(DeviceSupervisor.WillSettle);
        await gw.Supervisor.EvaluateAsync(CancellationToken.None);

        var offline = Assert.Single(await OpenOfflineAsync(gw));
        Assert.Equal("res1", offline.ResidentId);
        Assert.Contains("last will", offline.Detail, StringComparison.Ordinal);
        var counters = gw.Pipeline.GetDeviceCounters().Single(d => d.DeviceId == "dev1");
        Assert.Empty(counters.Malformed);
        Assert.Equal(0, counters.DeviceIdMismatches);
        Assert.Equal(DeviceConnectivity.Offline, gw.Supervisor.GetBoard().Single(d => d.DeviceId == "dev1").State);
    }

    [Fact]
    public async Task Offer_WillServedBeforeTheDevicesQueuedBatches_StillRaisesOffline()
    {
        // The demo's lost will: a device's last batches were still queued at the gateway when its will came.
        // Status is served before queued batches, so the older batches were handled after the will and
        // cleared it; nothing was raised until the silence rule, a minute later.
        await using var gw = await TestGateway.CreateAsync();
        await OfferAndEvaluateAsync(gw, "dev1", "status", Messages.Status("dev1", 1));
        for (uint seq = 0; seq < 4; seq++)
        {
            gw.Offer("dev1", "accel", Messages.Bytes(Messages.Still("dev1", seq)));
        }

        await gw.DrainAsync();
        for (uint seq = 4; seq < 8; seq++)
        {
            gw.Time.Advance(TimeSpan.FromMilliseconds(500));
            gw.Offer("dev1", "accel", Messages.Bytes(Messages.Still("dev1", seq)));
        }

        gw.Time.Advance(TimeSpan.FromMilliseconds(20));
        gw.Offer("dev1", "status", LastWill.Payload("dev1"));
        await gw.DrainAsync();
        gw.Time.Advance(DeviceSupervisor.WillSettle);
        await gw.Supervisor.EvaluateAsync(CancellationToken.None);

        var offline = Assert.Single(await OpenOfflineAsync(gw));
        Assert.Contains("last will", offline.Detail, StringComparison.Ordinal);
        Assert.Equal(DeviceConnectivity.Offline, gw.Supervisor.GetBoard().Single(d => d.DeviceId == "dev1").State);
    }

    [Fact]
    public async Task Sweep_BatchHeldForAGapReleasedAfterTheWill_StillRaisesOffline()
    {
        // A batch that waited in the reorder buffer for a missing one is delivered by the sweep after the
        // will; it arrived before the will, so it is no sign of a new connection.
        await using var gw = await TestGateway.CreateAsync();
        await OfferAndEvaluateAsync(gw, "dev1", "status", Messages.Status("dev1", 1));
        gw.Offer("dev1", "accel", Messages.Bytes(Messages.Still("dev1", 0)));
        gw.Offer("dev1", "accel", Messages.Bytes(Messages.Still("dev1", 2))); // 1 never comes
        await gw.DrainAsync();

        gw.Time.Advance(TimeSpan.FromMilliseconds(20));
        await OfferAndEvaluateAsync(gw, "dev1", "status", LastWill.Payload("dev1"));
        gw.Time.Advance(DeviceSupervisor.WillSettle);
        await gw.Pipeline.SweepAsync(CancellationToken.None);
        await gw.Supervisor.EvaluateAsync(CancellationToken.None);

        Assert.Equal(2, gw.Pipeline.GetDeviceCounters().Single(d => d.DeviceId == "dev1").BatchesDelivered); // the sweep delivered the held one
        var offline = Assert.Single(await OpenOfflineAsync(gw));
        Assert.Contains("last will", offline.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Offer_BatchOfANewConnectionAfterTheWill_ClearsIt()
    {
        // The other side: data that arrived after the will shows the device is back (even before its fresh status).
        await using var gw = await TestGateway.CreateAsync();
        await OfferAndEvaluateAsync(gw, "dev1", "status", Messages.Status("dev1", 1));
        gw.Offer("dev1", "accel", Messages.Bytes(Messages.Still("dev1", 0)));
        await gw.DrainAsync();
        gw.Time.Advance(TimeSpan.FromMilliseconds(20));
        await OfferAndEvaluateAsync(gw, "dev1", "status", LastWill.Payload("dev1"));

        gw.Time.Advance(TimeSpan.FromSeconds(1));
        gw.Offer("dev1", "accel", Messages.Bytes(Messages.Still("dev1", 1)));
        await gw.DrainAsync();
        gw.Time.Advance(DeviceSupervisor.WillSettle);
        await gw.Supervisor.EvaluateAsync(CancellationToken.None);

        Assert.Empty(await OpenOfflineAsync(gw));
        Assert.Equal(DeviceConnectivity.Online, gw.Supervisor.GetBoard().Single(d => d.DeviceId == "dev1").State);
    }

    [Fact]
    public async Task Offer_WillNamingAnotherDevice_IsDroppedAsMismatch()
    {
        await using var gw = await TestGateway.CreateAsync();
        await OfferAndEvaluateAsync(gw, "dev1", "status", Messages.Status("dev1", 1));

        await OfferAndEvaluateAsync(gw, "dev1", "status", LastWill.Payload("dev2"));

        Assert.Empty(await OpenOfflineAsync(gw));
        Assert.Equal(1, gw.Pipeline.GetDeviceCounters().Single(d => d.DeviceId == "dev1").DeviceIdMismatches);
        Assert.Equal(DeviceConnectivity.Online, gw.Supervisor.GetBoard().Single(d => d.DeviceId == "dev1").State);
    }

    [Fact]
    public async Task Offer_WillOnTheEventTopic_IsMalformedNotOffline()
    {
        await using var gw = await TestGateway.CreateAsync();
        await OfferAndEvaluateAsync(gw, "dev1", "status", Messages.Status("dev1", 1));

        await OfferAndEvaluateAsync(gw, "dev1", "event", LastWill.Payload("dev1"));

        Assert.Empty(await OpenOfflineAsync(gw));
        Assert.Equal(1, gw.Pipeline.GetDeviceCounters().Single(d => d.DeviceId == "dev1").Malformed["unknown_version"]);
    }

    [Fact]
    public async Task Offer_WillAlteredByUtf8Reencoding_IsMalformedNotOffline()
    {
        // What the old binary will looked like after a UTF-8 round trip: not a will, not a status.
        await using var gw = await TestGateway.CreateAsync();
        await OfferAndEvaluateAsync(gw, "dev1", "status", Messages.Status("dev1", 1));
        var altered = System.Text.Encoding.UTF8.GetBytes(new string([.. Messages.Status("dev1", 2, soc: 255).Select(b => (char)b)]));

        await OfferAndEvaluateAsync(gw, "dev1", "status", altered);

        Assert.Empty(await OpenOfflineAsync(gw));
        Assert.Single(gw.Pipeline.GetDeviceCounters().Single(d => d.DeviceId == "dev1").Malformed);
    }
}
