using Edge.Cloud.Api.Reporting;

namespace Edge.Cloud.Tests.Reporting;

public sealed class ReportingTests
{
    [Theory]
    [InlineData(new double[] { 5 }, 50, 5)]
    [InlineData(new double[] { 1, 2, 3, 4 }, 50, 2.5)]
    [InlineData(new double[] { 60, 120, 180, 240, 300 }, 95, 288)]
    [InlineData(new double[] { 300, 60, 240, 120, 180 }, 50, 180)]
    [InlineData(new double[] { 1, 2, 3 }, 100, 3)]
    [InlineData(new double[] { 1, 2, 3 }, 0, 1)]
    public void Percentile_KnownValues_LinearBetweenRanks(double[] values, double p, double expected) =>
        Assert.Equal(expected, Percentiles.Of(values, p)!.Value, 9);

    [Fact]
    public void Percentile_NoValues_Null() => Assert.Null(Percentiles.Of([], 50));

    [Theory]
    [InlineData("06:59", "night")]
    [InlineData("07:00", "early")]
    [InlineData("14:59", "early")]
    [InlineData("15:00", "late")]
    [InlineData("23:00", "night")]
    [InlineData("00:30", "night")]
    public void ShiftOf_DefaultPattern_WrapsPastMidnight(string time, string expected) =>
        Assert.Equal(expected, Shifts.Of(TimeOnly.Parse(time, System.Globalization.CultureInfo.InvariantCulture), new ReportingOptions().EffectiveShifts));
}
