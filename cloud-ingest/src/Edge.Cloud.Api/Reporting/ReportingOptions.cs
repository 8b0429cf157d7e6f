namespace Edge.Cloud.Api.Reporting;

/// <summary>How reports group time: the shift pattern of the care homes (site local time).</summary>
public sealed class ReportingOptions
{
    public const string SectionName = "Reporting";

    /// <summary>Shifts by start time, in any order; each runs until the next one starts.</summary>
    public List<ShiftDefinition> Shifts { get; set; } = [];

    /// <summary>The configured shifts, or early 07:00 / late 15:00 / night 23:00 when none are.</summary>
    public IReadOnlyList<ShiftDefinition> EffectiveShifts =>
        Shifts.Count > 0
            ? [.. Shifts.OrderBy(s => s.Start)]
            : [new() { Name = "early", Start = new TimeOnly(7, 0) }, new() { Name = "late", Start = new TimeOnly(15, 0) }, new() { Name = "night", Start = new TimeOnly(23, 0) }];
}

public sealed class ShiftDefinition
{
    public string Name { get; set; } = "";

    public TimeOnly Start { get; set; }
}

public static class Shifts
{
    /// <summary>The shift that a local time of day falls in (the last shift wraps past midnight).</summary>
    public static string Of(TimeOnly localTime, IReadOnlyList<ShiftDefinition> ordered)
    {
        var current = ordered[^1];
        foreach (var shift in ordered)
        {
            if (shift.Start <= localTime)
            {
                current = shift;
            }
        }

        return current.Name;
    }
}
