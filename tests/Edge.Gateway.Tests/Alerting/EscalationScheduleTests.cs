using Edge.Gateway.Alerting;
using Edge.Gateway.Incidents;
using Edge.Site.Policy;

namespace Edge.Gateway.Tests.Alerting;

/// <summary>The schedule is pure: every answer follows from the steps, the repeat interval and the times passed in.</summary>
public class EscalationScheduleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    /// <summary>Pager at once, handset after 1 min, manager (and the pager again) after 3 min; repeats every 2 min.</summary>
    private static EscalationSchedule ThreeTiers() => new(
        [
            new EscalationStep { After = TimeSpan.Zero, Notify = ["espa:101"] },
            new EscalationStep { After = TimeSpan.FromMinutes(1), Notify = ["sip:2001"] },
            new EscalationStep { After = TimeSpan.FromMinutes(3), Notify = ["webhook:manager", "espa:101"] },
        ],
        TimeSpan.FromMinutes(2));

    [Fact]
    public void DueAt_TiersAtTheirDelays_ThenRepeatsEveryIntervalAfterTheLast()
    {
        var s = ThreeTiers();

        Assert.Equal(T0, s.DueAt(T0, 0));
        Assert.Equal(T0.AddMinutes(1), s.DueAt(T0, 1));
        Assert.Equal(T0.AddMinutes(3), s.DueAt(T0, 2));
        Assert.Equal(T0.AddMinutes(5), s.DueAt(T0, 3));
        Assert.Equal(T0.AddMinutes(7), s.DueAt(T0, 4));
        Assert.Equal(T0.AddMinutes(3 + (2 * 10)), s.DueAt(T0, 12));
    }

    [Fact]
    public void Everyone_IsEveryTiersTargetsOnceInTierOrder()
    {
        Assert.Equal(["espa:101", "sip:2001", "webhook:manager"], ThreeTiers().Everyone);
    }

    [Fact]
    public void TargetsOf_ATierItsOwnTargets_ARepeatEveryone()
    {
        var s = ThreeTiers();

        Assert.Equal(["espa:101"], s.TargetsOf(0));
        Assert.Equal(["sip:2001"], s.TargetsOf(1));
        Assert.Equal(["webhook:manager", "espa:101"], s.TargetsOf(2));
        Assert.Equal(s.Everyone, s.TargetsOf(3));
        Assert.Equal(s.Everyone, s.TargetsOf(40));
    }

    [Fact]
    public void FailoverOf_TheNextTier_EveryoneAfterTheLastAndForSendsOutsideTheTiers()
    {
        var s = ThreeTiers();

        Assert.Equal(["sip:2001"], s.FailoverOf(0));
        Assert.Equal(["webhook:manager", "espa:101"], s.FailoverOf(1));
        Assert.Equal(s.Everyone, s.FailoverOf(2));
        Assert.Equal(s.Everyone, s.FailoverOf(5));
        Assert.Equal(s.Everyone, s.FailoverOf(-1)); // a reminder or a re-page
    }

    [Theory]
    [InlineData(0, 1, "tier 1 of 3")]
    [InlineData(2, 1, "tier 3 of 3")]
    [InlineData(3, 1, "repeat 1")]
    [InlineData(17, 1, "repeat 15")]
    [InlineData(1, 2, "tier 2 of 3, round 2")]
    [InlineData(4, 3, "repeat 2, round 3")]
    public void Label_NamesTheTierOrRepeat_AndTheRoundAfterAResumedEscalation(int step, int round, string label)
    {
        Assert.Equal(label, ThreeTiers().Label(step, round));
    }

    [Fact]
    public void NextDue_OnTime_IsTheNextStepsOwnDueTime()
    {
        var s = ThreeTiers();

        Assert.Equal(T0.AddMinutes(1), s.NextDue(T0, 0, T0));
        Assert.Equal(T0.AddMinutes(5), s.NextDue(T0, 2, T0.AddMinutes(3)));
        Assert.Equal(T0.AddMinutes(7), s.NextDue(T0, 3, T0.AddMinutes(5)));
    }

    [Fact]
    public void NextDue_RepeatsMissedDuringAnOutage_OneIntervalFromNow_NotABurst()
    {
        var s = ThreeTiers();
        var late = T0.AddHours(1);

        Assert.Equal(late.AddMinutes(2), s.NextDue(T0, 3, late));
        Assert.Equal(late.AddMinutes(2), s.NextDue(T0, 2, late));

        // A tier is never skipped: after the first tier comes the second, even late.
        Assert.Equal(T0.AddMinutes(1), s.NextDue(T0, 0, late));
    }

    [Fact]
    public void Advance_OnTime_KeepsTheStartAndTakesTheNextStep()
    {
        var s = ThreeTiers();

        Assert.Equal((T0, 1), s.Advance(T0, 0, T0));
        Assert.Equal((T0, 4), s.Advance(T0, 3, T0.AddMinutes(5)));
    }

    [Fact]
    public void Advance_RepeatsMissed_MovesTheStartSoTheNextRepeatIsOneIntervalFromNow()
    {
        var s = ThreeTiers();
        var late = T0.AddHours(1);

        var (start, step) = s.Advance(T0, 5, late);

        Assert.Equal(3, step);
        Assert.Equal(late.AddMinutes(2), s.DueAt(start, step));
    }

    [Fact]
    public void SentBefore_TheTiersAlreadySent_AtLeastTheFirst_AtMostAll()
    {
        var s = ThreeTiers();

        Assert.Equal(["espa:101"], s.SentBefore(0));
        Assert.Equal(["espa:101"], s.SentBefore(1));
        Assert.Equal(["espa:101", "sip:2001"], s.SentBefore(2));
        Assert.Equal(s.Everyone, s.SentBefore(3));
        Assert.Equal(s.Everyone, s.SentBefore(9));
    }

    [Fact]
    public void SingleTier_RepeatsItsTargetsFromTheFirstInterval()
    {
        var s = new EscalationSchedule([new EscalationStep { After = TimeSpan.FromSeconds(30), Notify = ["espa:7"] }], TimeSpan.FromMinutes(30));

        Assert.Equal(1, s.Tiers);
        Assert.Equal(T0.AddSeconds(30), s.DueAt(T0, 0));
        Assert.Equal(T0.AddSeconds(30).AddMinutes(30), s.NextDue(T0, 0, T0.AddSeconds(30)));
        Assert.Equal("repeat 1", s.Label(1));
        Assert.Equal(["espa:7"], s.FailoverOf(0));
    }

    [Fact]
    public void Constructor_NoStepsOrNoRepeatInterval_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => new EscalationSchedule([], TimeSpan.FromMinutes(2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EscalationSchedule([new EscalationStep { Notify = ["espa:1"] }], TimeSpan.Zero));
    }

    [Theory]
    [InlineData(IncidentType.Fall, 2)]
    [InlineData(IncidentType.ManualCall, 2)]
    [InlineData(IncidentType.DeviceOffline, 2)]
    [InlineData(IncidentType.GatewayFault, 2)]
    [InlineData(IncidentType.BatteryLow, 30)]
    [InlineData(IncidentType.NotWorn, 30)]
    public void RepeatFor_NonUrgentIncidentsRepeatLessOften(IncidentType type, int minutes)
    {
        var options = new EscalationOptions { RepeatInterval = TimeSpan.FromMinutes(2), NonUrgentRepeatInterval = TimeSpan.FromMinutes(30) };

        Assert.Equal(TimeSpan.FromMinutes(minutes), EscalationSchedule.RepeatFor(type, options));
    }
}
