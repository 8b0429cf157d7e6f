using Edge.Gateway.Incidents;
using Edge.Protocol;

namespace Edge.Gateway.Tests.Detection;

public class TriggeredModeTests
{
    // A triggered device sends a window around each on-device pre-trigger, then nothing but
    // heartbeats: the sequence continues, device time jumps.
    private static IEnumerable<AccelBatch> Window(string device, uint firstSeq, ulong startUs, int impactAt)
    {
        var magnitudes = Enumerable.Repeat(1.0f, 300).ToArray();
        magnitudes[impactAt] = 6.5f;
        foreach (var b in Messages.FromMagnitudes(device, firstSeq, magnitudes))
        {
            b.FirstSampleTimeUs += startUs;
            b.Flags = AccelBatch.FlagTriggeredWindow;
            yield return b;
        }
    }

    [Fact]
    public async Task Offer_TriggeredWindowsMinutesApart_EachImpactScoredAndNoGapCounted()
    {
        await using var gw = await TestGateway.CreateAsync(score: 0.95f);
        gw.Offer("dev2", "status", Messages.Status("dev2", 1, mode: DeviceMode.Triggered));
        uint seq = 0;
        foreach (var b in Window("dev2", seq, 10_000_000, 150))
        {
            gw.Offer("dev2", "accel", Messages.Bytes(b));
            seq++;
        }

        await gw.DrainAsync();
        var first = Assert.Single(await gw.Incidents.ListOpenAsync());
        Assert.Equal(IncidentType.Fall, first.Type);

        // Ten minutes later (device time), another window: a second impact re-triggers the open fall.
        gw.Time.Advance(TimeSpan.FromMinutes(10));
        gw.Offer("dev2", "status", Messages.Status("dev2", 2, mode: DeviceMode.Triggered));
        foreach (var b in Window("dev2", seq, 610_000_000, 150))
        {
            gw.Offer("dev2", "accel", Messages.Bytes(b));
        }

        await gw.DrainAsync();
        await gw.Supervisor.EvaluateAsync(CancellationToken.None);

        var open = await gw.Incidents.ListOpenAsync();
        var fall = Assert.Single(open, i => i.ResidentId == "res2" && i.Type == IncidentType.Fall);
        Assert.Equal(2, fall.TriggerCount);
        Assert.DoesNotContain(open, i => i.ResidentId == "res2" && i.Type == IncidentType.DeviceOffline);
        var counters = gw.Pipeline.GetDeviceCounters().Single(d => d.DeviceId == "dev2");
        Assert.Equal(0, counters.GapBatches);
        Assert.Equal(24, counters.BatchesDelivered);
    }

    [Fact]
    public async Task Offer_WindowCutByMissingBatch_ImpactNotScoredAcrossTheGap()
    {
        await using var gw = await TestGateway.CreateAsync(score: 0.95f, settings: null);
        var batches = Window("dev2", 0, 10_000_000, 150).ToList();
        foreach (var b in batches.Where(b => b.Sequence != 5)) // the batch just before the impact is lost
        {
            gw.Offer("dev2", "accel", Messages.Bytes(b));
        }

        await gw.DrainAsync();

        Assert.Empty(await gw.Incidents.ListOpenAsync());
        Assert.Equal(1, gw.Pipeline.GetDeviceCounters().Single(d => d.DeviceId == "dev2").GapBatches);
    }
}
