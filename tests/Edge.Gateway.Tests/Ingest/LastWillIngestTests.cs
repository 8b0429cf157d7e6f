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
