using Edge.Firmware.Core;
using Edge.Protocol;

namespace Edge.Firmware.Tests;

public class PreTriggerTests
{
    private static EventKind Feed(PreTrigger t, short x, short y, short z) => t.Update(x, y, z);

    [Fact]
    public void Update_ImpactAboveThreshold_FiresOnceOnTheRisingEdge()
    {
        var t = new PreTrigger(1500, 600, 5, 16);
        Assert.Equal(EventKind.None, Feed(t, 0, 0, 2048));
        Assert.Equal(EventKind.None, Feed(t, 0, 0, 3072)); // exactly 1.5 g is not above
        Assert.Equal(EventKind.ImpactTrigger, Feed(t, 0, 0, 3100));
        Assert.Equal(1514, t.LastValueMilliG);
        Assert.Equal(EventKind.None, Feed(t, 0, 0, 6000)); // still above: no second fire
        Assert.Equal(EventKind.None, Feed(t, 0, 0, 2048));
        Assert.Equal(EventKind.ImpactTrigger, Feed(t, 0, 3000, 2048)); // a new crossing fires again
    }

    [Fact]
    public void Update_FreeFallShorterThanMinimum_DoesNotFire()
    {
        var t = new PreTrigger(1500, 600, 5, 16);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(EventKind.None, Feed(t, 100, 0, 300));
        }

        Assert.Equal(EventKind.None, Feed(t, 0, 0, 2048));
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(EventKind.None, Feed(t, 100, 0, 300));
        }
    }

    [Fact]
    public void Update_FreeFallForMinimumSamples_FiresOnTheLastWithTheTrough()
    {
        var t = new PreTrigger(1500, 600, 5, 16);
        short[] z = [800, 400, 200, 600, 900];
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(EventKind.None, Feed(t, 0, 0, z[i]));
        }

        Assert.Equal(EventKind.FreeFallTrigger, Feed(t, 0, 0, z[4]));
        Assert.Equal(98, t.LastValueMilliG); // 200 counts = 97.7 mg
        Assert.Equal(EventKind.None, Feed(t, 0, 0, 100)); // same run: once only
    }

    // Gravity turned from along −y (upright) towards +x (lying on the side) over `samples` samples at 1 g.
    private static List<EventKind> Turn(PreTrigger t, int samples, double fromDeg, double toDeg)
    {
        var kinds = new List<EventKind>();
        for (var i = 0; i < samples; i++)
        {
            var a = (fromDeg + ((toDeg - fromDeg) * i / samples)) * Math.PI / 180;
            kinds.Add(Feed(t, (short)(2048 * Math.Sin(a)), (short)(-2048 * Math.Cos(a)), 0));
        }

        return kinds;
    }

    [Fact]
    public void Update_BodyTurnsToLyingWithinASecondWithoutImpact_FiresOnePostureTrigger()
    {
        var t = new PreTrigger(1500, 600, 5, 16);
        Turn(t, 150, 0, 0); // upright, still
        var kinds = Turn(t, 50, 0, 90).Concat(Turn(t, 250, 90, 90)).ToList();

        Assert.Equal(1, kinds.Count(k => k == EventKind.PostureTrigger));
        Assert.DoesNotContain(EventKind.ImpactTrigger, kinds);
        Assert.InRange(t.LastValueMilliG, 980, 1020);
    }

    [Fact]
    public void Update_SlowDriftOverHalfAMinute_NoPostureTrigger()
    {
        var t = new PreTrigger(1500, 600, 5, 16);
        Turn(t, 100, 0, 0);

        Assert.DoesNotContain(EventKind.PostureTrigger, Turn(t, 1500, 0, 90));
    }

    [Fact]
    public void Update_TurnBackAndAgain_RearmsAndFiresAgain()
    {
        var t = new PreTrigger(1500, 600, 5, 16);
        Turn(t, 150, 0, 0);
        var first = Turn(t, 50, 0, 90).Concat(Turn(t, 250, 90, 90)).ToList();
        var back = Turn(t, 50, 90, 0).Concat(Turn(t, 250, 0, 0)).ToList();
        var again = Turn(t, 50, 0, 90).Concat(Turn(t, 250, 90, 90)).ToList();

        Assert.Equal(1, first.Count(k => k == EventKind.PostureTrigger));
        Assert.Equal(1, back.Count(k => k == EventKind.PostureTrigger)); // sitting up is a turn too
        Assert.Equal(1, again.Count(k => k == EventKind.PostureTrigger));
    }

    [Fact]
    public void Update_ImpactWhileTurning_ReportsTheImpact()
    {
        var t = new PreTrigger(1500, 600, 5, 16);
        Turn(t, 150, 0, 0);
        var kinds = Turn(t, 30, 0, 90);
        kinds.Add(Feed(t, 8000, 0, 0));

        Assert.Equal(EventKind.ImpactTrigger, kinds[^1]);
    }
}

public class TriggeredModeTests
{
    private const int Rate = 50;
    private const long Period = 20_000;

    private static Rig TriggeredRig(Func<int, (short, short, short)> source)
    {
        var rig = new Rig(Rig.Defaults(DeviceMode.Triggered));
        rig.Accel.Source = source;
        return rig;
    }

    // x carries the slot (mod 64, under 32 mg so it never moves the magnitude past a threshold).
    private static (short, short, short) Still(int n) => P(n % 64, 0, 2048);

    private static (short, short, short) P(int x, int y, int z) => ((short)x, (short)y, (short)z);

    [Fact]
    public void Impact_SendsEventAndExactlyPreAndPostSecondsAroundIt()
    {
        const int trigger = 600; // 12 s after boot
        var rig = TriggeredRig(n => n == trigger ? P(n % 64, 0, 6144) : Still(n));
        rig.Run(40_000_000);

        var ev = Assert.Single(rig.Publisher.Events);
        Assert.Equal(EventKind.ImpactTrigger, ev.Kind);
        Assert.Equal((ulong)(trigger * Period), ev.DeviceTimeUs);
        Assert.InRange(ev.Value, 2995, 3005);

        var batches = rig.Publisher.Batches.ToList();
        Assert.All(batches, b => Assert.Equal(AccelBatch.FlagTriggeredWindow, b.Flags));
        Assert.All(batches, b => Assert.InRange(b.SampleCount, 1, 50));
        var first = (trigger - (5 * Rate)) * Period;
        Assert.Equal((ulong)first, batches[0].FirstSampleTimeUs);

        // Contiguous: every batch starts where the previous ended.
        var expectedTime = (ulong)first;
        var slots = new List<int>();
        foreach (var b in batches)
        {
            Assert.Equal(expectedTime, b.FirstSampleTimeUs);
            for (var i = 0; i < b.SampleCount; i++)
            {
                var slot = (int)((b.FirstSampleTimeUs / (ulong)Period) + (ulong)i);
                slots.Add(slot);
                Assert.Equal(slot % 64, b.Samples[3 * i]);
                Assert.Equal(slot == trigger ? 6144 : 2048, b.Samples[(3 * i) + 2]);
            }

            expectedTime += (ulong)(b.SampleCount * Period);
        }

        // 5 s before (250 samples) and 10 s from the trigger on (500 samples): nothing more.
        Assert.Equal(Enumerable.Range(trigger - 250, 750), slots);
        Assert.False(rig.Node.WindowOpen);
    }

    [Fact]
    public void Impact_PreWindowGoesOutAtTheTrigger()
    {
        const int trigger = 600;
        var rig = TriggeredRig(n => n == trigger ? P(0, 0, 6144) : Still(n));
        rig.Run((trigger * Period) + 1000);
        var sent = rig.Publisher.Batches.Sum(b => b.SampleCount);
        Assert.Equal(251, sent); // 250 before plus the trigger sample, no waiting for the post window
        Assert.Equal(EventKind.ImpactTrigger, rig.Publisher.Events.Single().Kind);
        Assert.True(rig.Publisher.Messages.FindIndex(m => m.Topic.EndsWith("/event", StringComparison.Ordinal))
                  < rig.Publisher.Messages.FindIndex(m => m.Topic.EndsWith("/accel", StringComparison.Ordinal)));
    }

    [Fact]
    public void FreeFall_SendsFreeFallEventAndWindow()
    {
        // 10 samples near 0 g from slot 700: fires on slot 704 (100 ms = 5 samples at 50 Hz).
        var rig = TriggeredRig(n => n is >= 700 and < 710 ? P(0, 0, 100) : Still(n));
        rig.Run(30_000_000);
        var ev = Assert.Single(rig.Publisher.Events);
        Assert.Equal(EventKind.FreeFallTrigger, ev.Kind);
        Assert.Equal((ulong)(704 * Period), ev.DeviceTimeUs);
        Assert.Equal(49, ev.Value);
        Assert.Equal(750, rig.Publisher.Batches.Sum(b => b.SampleCount));
        Assert.Equal((ulong)((704 - 250) * Period), rig.Publisher.Batches.First().FirstSampleTimeUs);
    }

    [Fact]
    public void SecondTriggerInsideWindow_ExtendsWindowWithoutSecondEvent()
    {
        var rig = TriggeredRig(n => n is 600 or 900 ? P(0, 0, 6144) : Still(n));
        rig.Run(60_000_000);
        Assert.Single(rig.Publisher.Events);
        Assert.Equal(1, rig.Node.MergedTriggers);
        var slots = rig.Publisher.Batches.Sum(b => b.SampleCount);
        Assert.Equal(250 + 300 + 500, slots); // from 350 to 900 + 499
    }

    [Fact]
    public void TriggerAfterWindowClosed_PreWindowDoesNotResendSamples()
    {
        // Second impact 2 s after the first window ends: its pre-window overlaps what was sent.
        var rig = TriggeredRig(n => n is 600 or 1200 ? P(0, 0, 6144) : Still(n));
        rig.Run(60_000_000);
        Assert.Equal(2, rig.Publisher.Events.Count());
        var times = rig.Publisher.Batches.SelectMany(b => Enumerable.Range(0, b.SampleCount).Select(i => b.FirstSampleTimeUs + (ulong)(i * Period))).ToList();
        Assert.Equal(times.Count, times.Distinct().Count());
        Assert.Equal(750 + 600, times.Count); // 350..1099, then 1100..1699
    }

    [Fact]
    public void Quiet_SendsOnlyHeartbeats()
    {
        var rig = TriggeredRig(Still);
        rig.Run(185_000_000);
        Assert.Empty(rig.Publisher.Batches);
        Assert.Empty(rig.Publisher.Events);
        var statuses = rig.Publisher.Statuses.ToList();
        Assert.Equal(4, statuses.Count); // boot, 60 s, 120 s, 180 s
        Assert.All(statuses, s => Assert.Equal(DeviceMode.Triggered, s.Mode));
    }

    [Fact]
    public void Heartbeat_CarriesActivitySummaryOfThePeriod()
    {
        // Movement (a 0.2 g sway) in seconds 10..14 only.
        var rig = TriggeredRig(n => n / 50 is >= 10 and < 15 && n % 2 == 0 ? P(400, 0, 2048) : Still(n));
        rig.Run(61_000_000);
        Assert.Equal(5, rig.Node.LastActiveSeconds);
        Assert.InRange(rig.Node.LastMaxMagnitudeMilliG, 1010, 1030);

        // On the wire: the boot status covers nothing yet, the 60 s heartbeat the five active seconds.
        var statuses = rig.Publisher.Statuses.ToList();
        Assert.Equal(2, statuses.Count);
        Assert.Equal(0, statuses[0].ActiveSeconds);
        Assert.Equal(5, statuses[1].ActiveSeconds);
        Assert.Equal(rig.Node.LastMaxMagnitudeMilliG, statuses[1].MaxMagnitudeMilliG);
    }

    [Fact]
    public void Heartbeat_AfterAQuietPeriod_ReportsNoActivity()
    {
        // Movement only in the first heartbeat period; the next one must start from zero.
        var rig = TriggeredRig(n => n / 50 is >= 10 and < 15 && n % 2 == 0 ? P(400, 0, 2048) : Still(n));
        rig.Run(121_000_000);

        var statuses = rig.Publisher.Statuses.ToList();
        Assert.Equal(3, statuses.Count);
        Assert.Equal(5, statuses[1].ActiveSeconds);
        Assert.Equal(0, statuses[2].ActiveSeconds);
        Assert.InRange(statuses[2].MaxMagnitudeMilliG, 990, 1010);
    }
}
