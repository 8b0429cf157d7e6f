using System.Globalization;
using Edge.Site.Staff;

namespace Edge.Site.Policy;

/// <summary>How bad a policy finding is.</summary>
public enum FindingSeverity
{
    /// <summary>Worth fixing; alerts still reach someone.</summary>
    Warning,

    /// <summary>A gap or a broken entry: some alert could reach nobody.</summary>
    Error,
}

/// <summary>One problem found in an escalation policy.</summary>
/// <param name="Severity">Error or warning.</param>
/// <param name="Unit">The unit concerned, or empty for the whole policy.</param>
/// <param name="Message">What is wrong, for a technician.</param>
public sealed record PolicyFinding(FindingSeverity Severity, string Unit, string Message);

/// <summary>
/// Validates an escalation policy and finds its gaps: units that have residents but no policy, and
/// times of the week where a unit has no slot, or a slot whose steps reach nobody (no targets, or only
/// disabled/unknown staff accounts). Every problem is reported, not the first.
/// </summary>
public static class PolicyChecker
{
    /// <summary>Channels a target may use; the alerting code must handle each of them.</summary>
    public static readonly IReadOnlyList<string> KnownChannels = ["staff", "pager", "phone", "sip", "espa", "page", "webhook"];

    /// <summary>Checks <paramref name="policy"/> for site <paramref name="siteId"/> whose rooms are in <paramref name="unitsInUse"/>.</summary>
    public static IReadOnlyList<PolicyFinding> Check(EscalationPolicy policy, string siteId, IReadOnlyCollection<string> unitsInUse, StaffStore staff)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(unitsInUse);
        ArgumentNullException.ThrowIfNull(staff);
        var findings = new List<PolicyFinding>();
        if (policy.Version != 1)
        {
            findings.Add(new(FindingSeverity.Error, "", $"version {policy.Version} is not supported; use 1"));
        }

        if (policy.Site != siteId)
        {
            findings.Add(new(FindingSeverity.Error, "", $"the policy is for site '{policy.Site}', not '{siteId}'"));
        }

        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(policy.TimeZone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            findings.Add(new(FindingSeverity.Error, "", $"time zone '{policy.TimeZone}' is not known on this machine (use an IANA name such as Europe/London)"));
        }

        foreach (IGrouping<string, UnitPolicy> duplicate in policy.Units.GroupBy(u => u.Unit).Where(g => g.Count() > 1))
        {
            findings.Add(new(FindingSeverity.Error, duplicate.Key, "the unit is listed more than once; merge its slots"));
        }

        foreach (string unit in unitsInUse.Where(u => policy.Units.TrueForAll(p => p.Unit != u)).Order(StringComparer.Ordinal))
        {
            findings.Add(new(FindingSeverity.Error, unit, "the unit has residents but no escalation policy: an alert there reaches nobody at any time"));
        }

        foreach (UnitPolicy unit in policy.Units)
        {
            CheckUnit(unit, staff, findings);
        }

        return findings;
    }

    private static void CheckUnit(UnitPolicy unit, StaffStore staff, List<PolicyFinding> findings)
    {
        if (string.IsNullOrWhiteSpace(unit.Unit))
        {
            findings.Add(new(FindingSeverity.Error, "", "a unit entry has no name"));
        }

        // Who covers each minute of the week: -1 nobody, else the index of the slot.
        int[] owner = new int[EscalationPolicy.MinutesPerWeek];
        Array.Fill(owner, -1);
        bool[] reachesSomeone = new bool[unit.Slots.Count];
        var overlaps = new HashSet<(int, int)>();
        for (int s = 0; s < unit.Slots.Count; s++)
        {
            TimeSlot slot = unit.Slots[s];
            string label = SlotLabel(slot, s);
            if (!TimeSlot.TryParseTime(slot.From, allow24: false, out _))
            {
                findings.Add(new(FindingSeverity.Error, unit.Unit, $"{label}: from '{slot.From}' is not a time HH:mm"));
            }

            if (!TimeSlot.TryParseTime(slot.To, allow24: true, out _))
            {
                findings.Add(new(FindingSeverity.Error, unit.Unit, $"{label}: to '{slot.To}' is not a time HH:mm (or 24:00)"));
            }

            if (!TimeSlot.TryParseDays(slot.Days, out _))
            {
                findings.Add(new(FindingSeverity.Error, unit.Unit, $"{label}: days must be Mon, Tue, Wed, Thu, Fri, Sat or Sun (was {string.Join(", ", slot.Days)})"));
            }

            reachesSomeone[s] = CheckSteps(unit.Unit, label, slot, staff, findings);
            if (!slot.TryGetWindow(out _))
            {
                continue;
            }

            for (int m = 0; m < EscalationPolicy.MinutesPerWeek; m++)
            {
                if (!slot.Covers(m))
                {
                    continue;
                }

                if (owner[m] >= 0 && overlaps.Add((owner[m], s)))
                {
                    findings.Add(new(FindingSeverity.Error, unit.Unit,
                        $"{SlotLabel(unit.Slots[owner[m]], owner[m])} and {label} overlap (first at {MinuteLabel(m)}); give each time one slot"));
                }

                if (owner[m] < 0)
                {
                    owner[m] = s;
                }
            }
        }

        // Gaps: contiguous runs of minutes whose owner is nobody, or a slot that reaches nobody.
        bool Gap(int m) => owner[m] < 0 || !reachesSomeone[owner[m]];
        int start = -1;
        for (int m = 0; m <= EscalationPolicy.MinutesPerWeek; m++)
        {
            bool gap = m < EscalationPolicy.MinutesPerWeek && Gap(m);
            if (gap && start < 0)
            {
                start = m;
            }
            else if (!gap && start >= 0)
            {
                findings.Add(new(FindingSeverity.Error, unit.Unit, $"nobody to alert {MinuteLabel(start)}–{EndLabel(m)}"));
                start = -1;
            }
        }
    }

    private static bool CheckSteps(string unit, string label, TimeSlot slot, StaffStore staff, List<PolicyFinding> findings)
    {
        if (slot.Steps.Count == 0)
        {
            findings.Add(new(FindingSeverity.Error, unit, $"{label}: no escalation steps"));
            return false;
        }

        if (slot.Steps[0].After != TimeSpan.Zero)
        {
            findings.Add(new(FindingSeverity.Warning, unit, $"{label}: the first step waits {slot.Steps[0].After}; the first alert should go out at once (00:00:00)"));
        }

        bool reaches = false;
        for (int i = 0; i < slot.Steps.Count; i++)
        {
            EscalationStep step = slot.Steps[i];
            if (step.After < TimeSpan.Zero)
            {
                findings.Add(new(FindingSeverity.Error, unit, $"{label}: step {i + 1} has a negative delay"));
            }

            if (i > 0 && step.After <= slot.Steps[i - 1].After)
            {
                findings.Add(new(FindingSeverity.Error, unit, $"{label}: step {i + 1} ({step.After}) must come after step {i} ({slot.Steps[i - 1].After})"));
            }

            bool stepReaches = false;
            foreach (string target in step.Notify)
            {
                int colon = target.IndexOf(':', StringComparison.Ordinal);
                string channel = colon > 0 ? target[..colon] : "";
                string address = colon > 0 ? target[(colon + 1)..] : "";
                if (!KnownChannels.Contains(channel) || address.Length == 0)
                {
                    findings.Add(new(FindingSeverity.Error, unit, $"{label}: step {i + 1}: '{target}' is not channel:address with a channel of {string.Join(", ", KnownChannels)}"));
                }
                else if (channel == "staff" && staff.FindEnabled(address) is null)
                {
                    findings.Add(new(FindingSeverity.Error, unit, $"{label}: step {i + 1}: staff account '{address}' does not exist or is disabled"));
                }
                else
                {
                    stepReaches = true;
                }
            }

            if (!stepReaches)
            {
                findings.Add(new(FindingSeverity.Error, unit, $"{label}: step {i + 1} reaches nobody"));
            }

            reaches |= stepReaches;
        }

        return reaches;
    }

    private static readonly string[] DayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    private static string SlotLabel(TimeSlot slot, int index) =>
        string.IsNullOrWhiteSpace(slot.Name) ? $"slot {index + 1}" : $"slot '{slot.Name}'";

    private static string MinuteLabel(int minuteOfWeek)
    {
        int day = minuteOfWeek / EscalationPolicy.MinutesPerDay;
        int minute = minuteOfWeek % EscalationPolicy.MinutesPerDay;
        return string.Create(CultureInfo.InvariantCulture, $"{DayNames[day]} {minute / 60:D2}:{minute % 60:D2}");
    }

    private static string EndLabel(int minuteOfWeek)
    {
        // An end on a day boundary reads "Mon 24:00", not "Tue 00:00".
        if (minuteOfWeek % EscalationPolicy.MinutesPerDay == 0)
        {
            int day = ((minuteOfWeek / EscalationPolicy.MinutesPerDay) + 6) % 7;
            return DayNames[day] + " 24:00";
        }

        return MinuteLabel(minuteOfWeek);
    }
}
