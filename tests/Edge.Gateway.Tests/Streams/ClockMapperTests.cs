using Edge.Gateway.Streams;

namespace Edge.Gateway.Tests.Streams;

public class ClockMapperTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ToGatewayTime_JitteredArrivals_UsesSmallestDelay()
    {
        var clock = new ClockMapper(32);
        var rng = new Random(7);
        // Device time d µs is really at T0 + d; each batch arrives 5..200 ms later.
        for (var i = 0; i < 50; i++)
        {
            long deviceUs = i * 500_000L;
            var delay = 5 + rng.Next(0, 195);
            clock.Observe(deviceUs, T0.AddTicks(deviceUs * 10).AddMilliseconds(delay));
        }

        var mapped = clock.ToGatewayTime(30_000_000, T0);
        var error = mapped - T0.AddSeconds(30);
        Assert.InRange(error.TotalMilliseconds, 0, 15);
    }

    [Fact]
    public void ToGatewayTime_MinimumLeavesWindow_EstimateRises()
    {
        var clock = new ClockMapper(4);
        clock.Observe(0, T0);
        var first = clock.OffsetUs;
        for (var i = 1; i <= 4; i++)
        {
            clock.Observe(i * 1_000_000L, T0.AddSeconds(i).AddMilliseconds(50));
        }

        Assert.Equal(first + 50_000, clock.OffsetUs);
    }

    [Fact]
    public void Reset_ForgetsEstimate_UsesFallback()
    {
        var clock = new ClockMapper(4);
        clock.Observe(1_000_000, T0);
        clock.Reset();

        Assert.False(clock.HasEstimate);
        Assert.Equal(T0.AddHours(1), clock.ToGatewayTime(5, T0.AddHours(1)));
    }
}
