using Edge.Firmware.Core;
using Edge.Protocol;

namespace Edge.Firmware.Tests;

public class BackoffTests
{
    [Fact]
    public void NextDelayMs_LowestJitter_IsHalfOfDoublingCeiling()
    {
        var b = new Backoff(1000, 60_000, new FakeRandom(0));
        Assert.Equal([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000], Enumerable.Range(0, 8).Select(_ => b.NextDelayMs()));
    }

    [Fact]
    public void NextDelayMs_HighestJitter_IsTheCeilingCappedAtMax()
    {
        var b = new Backoff(1000, 60_000, new FakeRandom(1));
        Assert.Equal([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000], Enumerable.Range(0, 9).Select(_ => b.NextDelayMs()));
    }

    [Fact]
    public void NextDelayMs_RealRandom_StaysWithinHalfAndFullCeilingAndSpreads()
    {
        var random = new SystemRandom(42);
        var b = new Backoff(1000, 60_000, random);
        for (var attempt = 0; attempt < 40; attempt++)
        {
            var ceiling = b.CeilingMs(attempt);
            var d = b.NextDelayMs();
            Assert.InRange(d, ceiling / 2, ceiling);
            Assert.True(ceiling <= 60_000);
        }

        // Many sensors at the same attempt do not all pick the same delay.
        var delays = Enumerable.Range(0, 100).Select(i => new Backoff(1000, 60_000, new SystemRandom(i))).Select(x =>
        {
            x.NextDelayMs();
            x.NextDelayMs();
            return x.NextDelayMs();
        }).ToList();
        Assert.True(delays.Distinct().Count() > 50);
        Assert.All(delays, d => Assert.InRange(d, 2000, 4000));
    }

    [Fact]
    public void Reset_AfterSuccess_StartsFromInitialAgain()
    {
        var b = new Backoff(1000, 60_000, new FakeRandom(1));
        b.NextDelayMs();
        b.NextDelayMs();
        b.Reset();
        Assert.Equal(1000, b.NextDelayMs());
    }

    [Fact]
    public void Constructor_MaxBelowInitial_Throws() =>
        Assert.Throws<ArgumentException>(() => new Backoff(2000, 1000, new FakeRandom(0)));

    private sealed class SystemRandom(int seed) : IRandom
    {
        private readonly Random _r = new(seed);

        public int Next(int maxExclusive) => _r.Next(maxExclusive);
    }
}

public class ConnectivityTests
{
    [Fact]
    public void ServiceNetwork_BrokerDown_RetriesWithGrowingCappedDelays()
    {
        var settings = Rig.Defaults();
        settings.BackoffInitialMs = 1000;
        settings.BackoffMaxMs = 8000;
        var rig = new Rig(settings, connected: false);
        rig.Publisher.ConnectSucceeds = false;
        rig.Run(40_000_000);

        var attempts = rig.Publisher.ConnectAttemptsUs;
        var gaps = attempts.Zip(attempts.Skip(1), (a, b) => (b - a) / 1000).ToList();

        // FakeRandom(0.5): each wait is 3/4 of the ceiling 1, 2, 4, 8, 8, ... s (rounded to the 1 ms loop).
        Assert.Equal(0, attempts[0]);
        Assert.Equal([750, 1500, 3000, 6000, 6000, 6000], gaps.Take(6));
        Assert.Equal(attempts.Count, rig.Node.ConnectFailures);
    }

    [Fact]
    public void ServiceNetwork_ReconnectAfterFailures_ResetsBackoffAndSendsStatus()
    {
        var rig = new Rig(connected: false);
        rig.Publisher.ConnectResults.Enqueue(false);
        rig.Publisher.ConnectResults.Enqueue(false);
        rig.Run(5_000_000);
        Assert.Equal(3, rig.Publisher.ConnectAttemptsUs.Count);
        var status = rig.Publisher.Statuses.First();
        Assert.True(status.Online);
        Assert.True(rig.Publisher.Messages.First().Retain);

        // Drop again: the first attempt after a drop is immediate, and the backoff starts over.
        rig.Publisher.IsConnected = false;
        rig.Publisher.ConnectResults.Enqueue(false);
        var dropAt = rig.Clock.NowMicroseconds;
        rig.Run(3_000_000);
        var after = rig.Publisher.ConnectAttemptsUs.Where(t => t >= dropAt).ToList();
        Assert.Equal(dropAt, after[0]);
        Assert.Equal(750_000, after[1] - after[0]);
    }
}

public class StatusTests
{
    [Fact]
    public void Status_CarriesBatteryChargingRssiVersionAndRate()
    {
        var rig = new Rig();
        rig.Battery.Millivolts = 3950;
        rig.Battery.Percent = 72;
        rig.Publisher.RssiDbm = -67;
        rig.Run(1_000_000);
        var s = rig.Publisher.Statuses.First();
        Assert.Equal("dev-1", s.DeviceId);
        Assert.Equal((ushort)3950, s.BatteryMillivolts);
        Assert.Equal((byte)72, s.StateOfChargePercent);
        Assert.Equal((sbyte)-67, s.RssiDbm);
        Assert.Equal(SensorNode.FirmwareVersion, s.FirmwareVersion);
        Assert.Equal((ushort)50, s.SampleRateHz);
        Assert.Equal(DeviceMode.Streaming, s.Mode);
        Assert.True(s.Online && s.Worn && !s.Charging && !s.ExternalPower);
    }

    [Fact]
    public void Status_PeriodicAtHeartbeat()
    {
        var rig = new Rig();
        rig.Run(130_000_000);
        var times = rig.Publisher.Messages.Where(m => m.Topic.EndsWith("/status", StringComparison.Ordinal)).Select(m => m.AtUs / 1_000_000).ToList();
        Assert.Equal([0L, 60L, 120L], times);
        Assert.Equal([0u, 1u, 2u], rig.Publisher.Statuses.Select(s => s.Sequence));
    }

    [Fact]
    public void Status_OnChargerChange_SentAtOnceAndNotWorn()
    {
        var rig = new Rig();
        rig.Run(20_000_000);
        rig.Battery.ExternalPower = true;
        rig.Battery.Charging = true;
        rig.Run(11_000_000); // the battery is polled every 10 s
        var s = rig.Publisher.Statuses.Last();
        Assert.Equal(2, rig.Publisher.Statuses.Count());
        Assert.True(s.Charging && s.ExternalPower);
        Assert.False(s.Worn);
    }

    [Fact]
    public void Status_BatteryDropsFivePoints_SentOnChange()
    {
        var rig = new Rig();
        rig.Run(5_000_000);
        rig.Battery.Percent = 77;
        rig.Run(10_000_000);
        Assert.Single(rig.Publisher.Statuses);
        rig.Battery.Percent = 75;
        rig.Run(10_000_000);
        Assert.Equal((byte)75, rig.Publisher.Statuses.Last().StateOfChargePercent);
        Assert.Equal(2, rig.Publisher.Statuses.Count());
    }

    [Fact]
    public void NotWorn_NoMovementForConfiguredTime_ClearsWornAndReportsIt()
    {
        var settings = Rig.Defaults();
        settings.NotWornAfterSeconds = 120;
        settings.HeartbeatSeconds = 3600;
        var rig = new Rig(settings);

        // Lying perfectly still on a table (only sensor noise of ±2 counts = 1 mg).
        rig.Accel.Source = n => ((short)(n % 5 - 2), 0, 2048);
        rig.Run(119_000_000);
        Assert.True(rig.Publisher.Statuses.Last().Worn);
        rig.Run(2_000_000);
        var s = rig.Publisher.Statuses.Last();
        Assert.False(s.Worn);
        Assert.Equal(120u, s.UptimeSeconds);
        Assert.Equal(2, rig.Publisher.Statuses.Count());

        // Picked up: worn again at once.
        rig.Accel.Source = n => ((short)(n % 2 == 0 ? 300 : -300), 0, 2048);
        rig.Run(100_000);
        Assert.True(rig.Publisher.Statuses.Last().Worn);
    }

    [Fact]
    public void NotWorn_SlowDriftWhileWorn_CountsAsMovement()
    {
        var settings = Rig.Defaults();
        settings.NotWornAfterSeconds = 60;
        var rig = new Rig(settings);

        // A resident asleep: the orientation drifts 0.1 g over 30 s, every 30 s.
        rig.Accel.Source = n => ((short)((n % 1500) * 205 / 1500), 0, 2048);
        rig.Run(300_000_000);
        Assert.All(rig.Publisher.Statuses, s => Assert.True(s.Worn));
    }
}
