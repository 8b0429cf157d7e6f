using Edge.Firmware.Core;
using Edge.Protocol;

namespace Edge.Firmware.Tests;

public class SampleSchedulerTests
{
    [Fact]
    public void Poll_OnEveryDeadline_TakesEachSlotOnceWithoutMisses()
    {
        var s = new SampleScheduler(20_000);
        var slots = new List<long>();
        for (long t = 0; t < 1_000_000; t += 1000)
        {
            var slot = s.Poll(t);
            if (slot >= 0)
            {
                slots.Add(slot);
            }
        }

        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), slots);
        Assert.Equal(0, s.Missed);
    }

    [Fact]
    public void Poll_BeforeDeadline_ReturnsNothing()
    {
        var s = new SampleScheduler(20_000);
        Assert.Equal(0, s.Poll(5_000));
        Assert.Equal(-1, s.Poll(24_999));
        Assert.Equal(1, s.Poll(25_000));
        Assert.Equal(45_000, s.NextDeadlineUs);
        Assert.Equal(20_000, s.MicrosUntilNext(25_000));
    }

    [Fact]
    public void Poll_LateByLessThanOnePeriod_IsNotAMiss()
    {
        var s = new SampleScheduler(20_000);
        s.Start(0);
        Assert.Equal(0, s.Poll(19_999));
        Assert.Equal(1, s.Poll(39_999));
        Assert.Equal(0, s.Missed);
    }

    [Fact]
    public void Poll_LateByMoreThanOnePeriod_SkipsAndCountsWithoutBunching()
    {
        var s = new SampleScheduler(20_000);
        s.Start(0);
        Assert.Equal(0, s.Poll(0));

        // Stalled until 105 ms: slots 1..4 are a full period or more late; only slot 5 is taken.
        Assert.Equal(5, s.Poll(105_000));
        Assert.Equal(4, s.Missed);

        // No catch-up burst: the next poll at the same instant gets nothing.
        Assert.Equal(-1, s.Poll(105_000));
        Assert.Equal(6, s.Poll(120_000));
        Assert.Equal(3, s.Taken);
    }

    [Fact]
    public void SampleIfDue_StalledLoop_CountsMissesAndStartsNextBatchAfterGap()
    {
        var rig = new Rig();
        rig.Run(1_000_000);                 // slots 0..49 -> one batch
        rig.Clock.Advance(100_000);         // the loop stalls for 100 ms: slots 50..54 are due meanwhile
        rig.Run(2_000_000);

        var batches = rig.Publisher.Batches.ToList();
        Assert.Equal(5, rig.Node.MissedDeadlines);
        Assert.Equal(0, batches[0].Flags & AccelBatch.FlagAfterGap);
        Assert.Equal(50, batches[0].SampleCount);
        var afterGap = batches[1];
        Assert.Equal(AccelBatch.FlagAfterGap, afterGap.Flags & AccelBatch.FlagAfterGap);
        Assert.Equal(55UL * 20_000, afterGap.FirstSampleTimeUs);
        Assert.Equal(45, afterGap.SampleCount);
        Assert.Equal(5u, rig.Node.SnapshotStatus().MissedDeadlines);
    }

    [Fact]
    public void SampleIfDue_ReturnsTimeUntilNextDeadline()
    {
        var rig = new Rig();
        Assert.Equal(20_000, rig.Node.SampleIfDue());
        rig.Clock.Advance(5_000);
        Assert.Equal(15_000, rig.Node.SampleIfDue());
    }

    [Fact]
    public void SampleIfDue_FailedRead_CountsAsMissedAndLeavesAGap()
    {
        var rig = new Rig();
        rig.Run(500_000);
        rig.Accel.Fail = true;
        rig.Run(40_000);
        rig.Accel.Fail = false;
        rig.Run(2_000_000);
        Assert.Equal(2, rig.Node.ReadFailures);
        Assert.Contains(rig.Publisher.Batches, b => (b.Flags & AccelBatch.FlagAfterGap) != 0);
    }
}

public class SampleRingTests
{
    [Fact]
    public void Add_BeyondCapacity_OverwritesOldest()
    {
        var ring = new SampleRing(4);
        for (var i = 0; i < 6; i++)
        {
            ring.Add(i, (short)i, 0, 0);
        }

        Assert.Equal(4, ring.Count);
        Assert.Equal(2, ring.OldestSlot);
        Assert.Equal(5, ring.NewestSlot);
        var xyz = new short[3];
        ring.SampleAt(0, xyz);
        Assert.Equal(2, xyz[0]);
    }

    [Fact]
    public void ReadRun_GapInSlots_StopsBeforeTheGap()
    {
        var ring = new SampleRing(10);
        foreach (var slot in new long[] { 0, 1, 2, 5, 6 })
        {
            ring.Add(slot, (short)(slot * 10), 1, 2);
        }

        var dest = new short[30];
        Assert.Equal(3, ring.ReadRun(-1, 100, 10, dest, out var first));
        Assert.Equal(0, first);
        Assert.Equal(new short[] { 0, 1, 2, 10, 1, 2, 20, 1, 2 }, dest[..9]);
        Assert.Equal(2, ring.ReadRun(2, 100, 10, dest, out first));
        Assert.Equal(5, first);
        Assert.Equal(0, ring.ReadRun(6, 100, 10, dest, out _));
    }

    [Fact]
    public void ReadRun_LimitsByCountAndLastSlot()
    {
        var ring = new SampleRing(10);
        for (var i = 0; i < 10; i++)
        {
            ring.Add(i, (short)i, 0, 0);
        }

        var dest = new short[30];
        Assert.Equal(4, ring.ReadRun(1, 100, 4, dest, out var first));
        Assert.Equal(2, first);
        Assert.Equal(3, ring.ReadRun(1, 4, 10, dest, out _));
    }

    [Fact]
    public void Add_SlotNotIncreasing_Throws()
    {
        var ring = new SampleRing(3);
        ring.Add(5, 0, 0, 0);
        Assert.Throws<ArgumentException>(() => ring.Add(5, 0, 0, 0));
    }
}

public class IntMathTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(15, 3)]
    [InlineData(16, 4)]
    [InlineData(4_194_304, 2048)]
    [InlineData(3_221_225_472, 56_755)]
    public void Sqrt_Values_AreFloorOfRoot(long value, long expected) => Assert.Equal(expected, IntMath.Sqrt(value));

    [Fact]
    public void Sqrt_Random_MatchesFloorOfRoot()
    {
        var r = new Random(7);
        for (var i = 0; i < 10_000; i++)
        {
            var v = r.NextInt64(0, 3L * 32768 * 32768);
            var s = IntMath.Sqrt(v);
            Assert.True(s * s <= v && (s + 1) * (s + 1) > v, $"sqrt({v}) = {s}");
        }
    }

    [Fact]
    public void MagnitudeMilliG_OneGOnZ_Is1000() => Assert.Equal(1000, IntMath.MagnitudeMilliG(0, 0, 2048, 16));
}
