using Edge.Gateway.Prevention;

namespace Edge.Gateway.Tests.Prevention;

public sealed class MobilityTrendTests
{
    private static readonly DateOnly Today = new(2026, 3, 20);

    [Fact]
    public void Evaluate_WalkingClearlyBelowTheResidentsOwnTwoWeeks_FlagsItInPlainWords()
    {
        var days = Days(walkingMinutes: i => i < 3 ? 12 : 40 + (i % 3 == 0 ? 3 : 0), sitToStands: _ => 10);

        var flags = MobilityTrend.Evaluate(days, Today);

        var flag = Assert.Single(flags);
        Assert.Equal("walking", flag.Measure);
        Assert.Contains("Walking time over the last 3 days (12 min a day) is well below the two weeks before (41 min a day)", flag.Text, StringComparison.Ordinal);
        Assert.Contains("care plan", flag.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_SitToStandsDown_FlagsThem()
    {
        var flags = MobilityTrend.Evaluate(Days(walkingMinutes: _ => 30, sitToStands: i => i < 3 ? 3 : 12), Today);

        Assert.Equal("sit-to-stands", Assert.Single(flags).Measure);
    }

    [Fact]
    public void Evaluate_MildDipOrOneQuietDayOrLittleData_NoFlag()
    {
        // 20 % down: not clearly below.
        Assert.Empty(MobilityTrend.Evaluate(Days(walkingMinutes: i => i < 3 ? 32 : 40, sitToStands: _ => 10), Today));

        // Below 70 % of the average but not below every baseline day (the resident has quiet days anyway).
        Assert.Empty(MobilityTrend.Evaluate(Days(walkingMinutes: i => i < 3 ? 20 : (i % 3 == 0 ? 15 : 45), sitToStands: _ => 10), Today));

        // Only five baseline days observed.
        Assert.Empty(MobilityTrend.Evaluate(Days(walkingMinutes: i => i < 3 ? 5 : 40, sitToStands: _ => 10).Where(d => d.Day > Today.AddDays(-9)), Today));
    }

    [Fact]
    public void Evaluate_RecentDaysBarelyWorn_NotReadAsInactivity()
    {
        var days = Days(walkingMinutes: i => i < 3 ? 4 : 40, sitToStands: _ => 10, wornHours: i => i < 3 ? 3 : 14);

        Assert.Empty(MobilityTrend.Evaluate(days, Today));
    }

    [Fact]
    public void Evaluate_TodayIsNeverCompared()
    {
        var days = Days(walkingMinutes: _ => 40, sitToStands: _ => 10).Append(new MobilityDay("res1", Today, 4 * 3600, 60, 100, 0, 0, 0));

        Assert.Empty(MobilityTrend.Evaluate(days, Today));
    }

    // Day i = today - 1 - i: i = 0, 1, 2 are the recent days, 3..16 the previous two weeks.
    private static IEnumerable<MobilityDay> Days(Func<int, double> walkingMinutes, Func<int, int> sitToStands, Func<int, double>? wornHours = null) =>
        Enumerable.Range(0, 17).Select(i => new MobilityDay("res1", Today.AddDays(-1 - i), (wornHours?.Invoke(i) ?? 14) * 3600, walkingMinutes(i) * 60, (long)(walkingMinutes(i) * 100), sitToStands(i), 8 * 3600, 2));
}
