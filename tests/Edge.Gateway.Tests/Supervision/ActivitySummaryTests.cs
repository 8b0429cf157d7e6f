using Edge.Gateway.Incidents;

namespace Edge.Gateway.Tests.Supervision;

/// <summary>The heartbeat's activity summary (DeviceStatus.ActiveSeconds) in the not-worn logic.</summary>
public class ActivitySummaryTests
{
    // A streaming device whose batches never vary in magnitude (the batch check sees no movement),
    // with a heartbeat every minute that reports `activeSeconds`, for 40 minutes.
    private static async Task<IReadOnlyList<Incident>> RunAsync(ushort activeSeconds, bool retainedHeartbeats = false)
    {
        await using var gw = await TestGateway.CreateAsync(new() { ["Supervision:StillNotWornAfter"] = "00:30:00", ["Supervision:NotWornAfter"] = "00:00:00" });
        uint seq = 0, statusSeq = 1;
        gw.Offer("dev1", "status", Messages.Status("dev1", statusSeq++));
        for (var minute = 0; minute < 40; minute++)
        {
            var batch = Messages.Still("dev1", seq++);
            for (var i = 0; i < batch.SampleCount; i++)
            {
                batch.Samples[3 * i] = 0; // constant magnitude: only the device's own per-axis check could see a turn
            }

            gw.Offer("dev1", "accel", Messages.Bytes(batch));
            var heartbeat = Messages.Status("dev1", statusSeq++, activeSeconds: activeSeconds);
            if (retainedHeartbeats)
            {
                gw.Pipeline.Offer(new Edge.Gateway.Ingest.SensorMessage("care/site1/sensors/dev1/status", heartbeat, Retained: true));
            }
            else
            {
                gw.Offer("dev1", "status", heartbeat);
            }

            await gw.DrainAsync();
            gw.Time.Advance(TimeSpan.FromMinutes(1));
            await gw.Supervisor.EvaluateAsync(CancellationToken.None);
        }

        return [.. (await gw.Incidents.ListOpenAsync()).Where(i => i.Type == IncidentType.NotWorn)];
    }

    [Fact]
    public async Task Evaluate_HeartbeatsReportActivity_StillStreamIsNotNotWorn()
    {
        Assert.Empty(await RunAsync(activeSeconds: 3));
    }

    [Fact]
    public async Task Evaluate_HeartbeatsReportNoActivity_StillStreamIsNotWorn()
    {
        Assert.Single(await RunAsync(activeSeconds: 0));
    }

    [Fact]
    public async Task Evaluate_ActivityOnlyInRetainedStatuses_DoesNotCountAsMovement()
    {
        // A retained status is old news replayed by the broker, not evidence of movement now.
        Assert.Single(await RunAsync(activeSeconds: 3, retainedHeartbeats: true));
    }
}
