using Edge.Site.Policy;
using Edge.Site.Staff;

namespace Edge.Provisioning.Tests.Policy;

public sealed class PolicyCheckerTests
{
    private static StaffStore Staff()
    {
        var store = new StaffStore();
        store.Accounts.Add(new StaffAccount { Username = "alice", Role = StaffRole.Administrator });
        store.Accounts.Add(new StaffAccount { Username = "bob", Enabled = false });
        return store;
    }

    private static TimeSlot Slot(string from, string to, params string[] targets) => new()
    {
        From = from,
        To = to,
        Steps = [new EscalationStep { After = TimeSpan.Zero, Notify = [.. targets] }],
    };

    private static EscalationPolicy Policy(params TimeSlot[] slots) => new()
    {
        Site = "oak",
        Units = [new UnitPolicy { Unit = "north", Slots = [.. slots] }],
    };

    private static List<PolicyFinding> Errors(EscalationPolicy policy, params string[] unitsInUse) =>
        PolicyChecker.Check(policy, "oak", unitsInUse, Staff()).Where(f => f.Severity == FindingSeverity.Error).ToList();

    [Fact]
    public void Check_DayAndNightShiftAcrossMidnight_HasNoGaps()
    {
        var policy = Policy(Slot("07:00", "19:00", "pager:day"), Slot("19:00", "07:00", "pager:night", "staff:alice"));

        Assert.Empty(Errors(policy, "north"));
    }

    [Fact]
    public void Check_EveningUncovered_ReportsTheGapOnEveryDay()
    {
        var policy = Policy(Slot("00:00", "19:00", "pager:day"));

        List<PolicyFinding> errors = Errors(policy, "north");

        Assert.Equal(7, errors.Count);
        Assert.Contains(errors, e => e.Message == "nobody to alert Mon 19:00–Mon 24:00");
        Assert.Contains(errors, e => e.Message == "nobody to alert Sun 19:00–Sun 24:00");
    }

    [Fact]
    public void Check_WeekdaysOnlySlot_ReportsTheWeekend()
    {
        TimeSlot weekdays = Slot("00:00", "00:00", "pager:office");
        weekdays.Days = ["Mon", "Tue", "Wed", "Thu", "Fri"];

        List<PolicyFinding> errors = Errors(Policy(weekdays), "north");

        Assert.Equal("nobody to alert Sat 00:00–Sun 24:00", Assert.Single(errors).Message);
    }

    [Fact]
    public void Check_SlotWhoseOnlyTargetIsDisabledStaff_IsAGap()
    {
        var policy = Policy(Slot("07:00", "19:00", "pager:day"), Slot("19:00", "07:00", "staff:bob"));

        List<PolicyFinding> errors = Errors(policy, "north");

        Assert.Contains(errors, e => e.Message.Contains("staff account 'bob' does not exist or is disabled", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message == "nobody to alert Mon 00:00–Mon 07:00");
        Assert.Contains(errors, e => e.Message == "nobody to alert Mon 19:00–Tue 07:00");
    }

    [Fact]
    public void Check_UnitWithResidentsButNoPolicy_IsAnError()
    {
        var policy = Policy(Slot("00:00", "24:00", "pager:all"));

        List<PolicyFinding> errors = Errors(policy, "north", "south");

        Assert.Equal("south", Assert.Single(errors).Unit);
    }

    [Fact]
    public void Check_OverlappingSlotsAndBrokenEntries_AreAllReported()
    {
        var policy = Policy(
            Slot("00:00", "12:00", "pager:a"),
            Slot("11:00", "24:00", "pager:b"),
            Slot("25:00", "26:00", "pager:c"),
            Slot("01:00", "02:00", "carrier-pigeon:x"));
        policy.Units[0].Slots[0].Steps.Add(new EscalationStep { After = TimeSpan.Zero, Notify = ["pager:late"] });
        policy.TimeZone = "Mars/Olympus";

        List<PolicyFinding> errors = Errors(policy, "north");

        Assert.Contains(errors, e => e.Message.Contains("overlap", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("from '25:00' is not a time", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("'carrier-pigeon:x' is not channel:address", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("step 2 (00:00:00) must come after step 1", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("time zone 'Mars/Olympus'", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_FirstStepDelayed_IsAWarningNotAGap()
    {
        TimeSlot slot = Slot("00:00", "24:00", "pager:a");
        slot.Steps[0].After = TimeSpan.FromMinutes(1);

        IReadOnlyList<PolicyFinding> findings = PolicyChecker.Check(Policy(slot), "oak", ["north"], Staff());

        Assert.Equal(FindingSeverity.Warning, Assert.Single(findings).Severity);
    }

    [Fact]
    public void Resolve_NightShift_AppliesAfterMidnightOnTheNextDay()
    {
        var policy = Policy(Slot("07:00", "19:00", "pager:day"), Slot("19:00", "07:00", "pager:night"));
        policy.Units[0].Slots[1].Days = ["Sun"];

        Assert.Equal("pager:night", policy.Resolve("north", DayOfWeek.Monday, new TimeOnly(3, 0))!.Steps[0].Notify[0]);
        Assert.Null(policy.Resolve("north", DayOfWeek.Tuesday, new TimeOnly(3, 0)));
        Assert.Equal("pager:day", policy.Resolve("north", DayOfWeek.Tuesday, new TimeOnly(7, 0))!.Steps[0].Notify[0]);
        Assert.Null(policy.Resolve("south", DayOfWeek.Tuesday, new TimeOnly(7, 0)));
    }
}
