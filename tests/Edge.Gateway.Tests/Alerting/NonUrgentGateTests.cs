using Edge.Gateway.Alerting;
using Edge.Gateway.Incidents;

namespace Edge.Gateway.Tests.Alerting;

public class NonUrgentGateTests
{
    /// <summary>Monday 2 March 2026, 08:00 UTC.</summary>
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private static DateTime Utc(DateTimeOffset t) => t.UtcDateTime;

    /// <summary>A policy zone one hour ahead of UTC (no daylight saving), so local and UTC times differ.</summary>
    private static DateTime PlusOne(DateTimeOffset t) => t.ToOffset(TimeSpan.FromHours(1)).DateTime;

    [Fact]
    public void HoldUntil_InsideQuietHoursPastMidnight_HoldsUntilTheyEndInThePolicysZone()
    {
        var gate = new NonUrgentGate(new EscalationOptions { QuietHoursFrom = "22:00", QuietHoursTo = "07:30" }, PlusOne);

        // 23:00 UTC is 00:00 local: 7.5 hours of quiet left.
        var midnight = new DateTimeOffset(2026, 3, 2, 23, 0, 0, TimeSpan.Zero);
        Assert.Equal(midnight.AddHours(7.5), gate.HoldUntil(midnight));

        // 20:30 UTC is 21:30 local, before they start; 06:30 UTC is 07:30 local, when they end.
        Assert.Null(gate.HoldUntil(new DateTimeOffset(2026, 3, 2, 20, 30, 0, TimeSpan.Zero)));
        Assert.Null(gate.HoldUntil(new DateTimeOffset(2026, 3, 3, 6, 30, 0, TimeSpan.Zero)));

        // 21:00 UTC is 22:00 local: the whole window.
        var start = new DateTimeOffset(2026, 3, 2, 21, 0, 0, TimeSpan.Zero);
        Assert.Equal(start.AddHours(9.5), gate.HoldUntil(start));
    }

    [Fact]
    public void HoldUntil_QuietHoursWithinOneDay_HoldOnlyInsideThem()
    {
        var gate = new NonUrgentGate(new EscalationOptions { QuietHoursFrom = "13:00", QuietHoursTo = "15:00" }, Utc);

        Assert.Null(gate.HoldUntil(T0));
        Assert.Equal(T0.AddHours(7), gate.HoldUntil(T0.AddHours(6)));
        Assert.Null(gate.HoldUntil(T0.AddHours(7)));
    }

    [Fact]
    public void HoldUntil_BudgetSpent_HoldsUntilTheOldestSendLeavesTheRollingHour()
    {
        var gate = new NonUrgentGate(new EscalationOptions { NonUrgentMaxPerHour = 3 }, Utc);
        gate.Sent(T0);
        gate.Sent(T0.AddMinutes(10));
        Assert.Null(gate.HoldUntil(T0.AddMinutes(20)));
        gate.Sent(T0.AddMinutes(20));

        Assert.Equal(T0.AddHours(1), gate.HoldUntil(T0.AddMinutes(21)));
        Assert.Equal(T0.AddHours(1), gate.HoldUntil(T0.AddMinutes(59)));

        // The first send leaves the window: one place frees; the next is held until the second leaves.
        Assert.Null(gate.HoldUntil(T0.AddHours(1)));
        gate.Sent(T0.AddHours(1));
        Assert.Equal(T0.AddMinutes(70), gate.HoldUntil(T0.AddHours(1)));
    }

    [Fact]
    public void HoldUntil_NothingConfigured_ReleasesUpToTheDefaultBudget()
    {
        var gate = new NonUrgentGate(new EscalationOptions(), Utc);
        for (var i = 0; i < 12; i++)
        {
            Assert.Null(gate.HoldUntil(T0.AddMinutes(i)));
            gate.Sent(T0.AddMinutes(i));
        }

        Assert.Equal(T0.AddHours(1), gate.HoldUntil(T0.AddMinutes(12)));
    }

    [Fact]
    public void HoldUntil_QuietHoursAndBudget_QuietHoursComeFirst()
    {
        var gate = new NonUrgentGate(new EscalationOptions { QuietHoursFrom = "08:30", QuietHoursTo = "09:30", NonUrgentMaxPerHour = 1 }, Utc);
        gate.Sent(T0);

        // In quiet hours: their end, although the budget frees earlier (09:00).
        Assert.Equal(T0.AddMinutes(90), gate.HoldUntil(T0.AddMinutes(40)));

        // Before them: the budget.
        Assert.Equal(T0.AddHours(1), gate.HoldUntil(T0.AddMinutes(10)));
    }

    [Theory]
    [InlineData(IncidentType.BatteryLow, true)]
    [InlineData(IncidentType.NotWorn, true)]
    [InlineData(IncidentType.Fall, false)]
    [InlineData(IncidentType.ManualCall, false)]
    [InlineData(IncidentType.DeviceOffline, false)]
    [InlineData(IncidentType.GatewayFault, false)]
    public void Applies_OnlyToNonUrgentIncidents(IncidentType type, bool holdable)
    {
        Assert.Equal(holdable, NonUrgentGate.Applies(type));
    }
}
