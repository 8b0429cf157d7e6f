using System.Globalization;
using System.Text.Json;
using Edge.Site.Inventory;

namespace Edge.Site.Policy;

/// <summary>
/// Who is alerted, and in which order, when a fall or call is raised in a unit: one policy per site
/// (<c>policy/escalation.json</c>), one entry per unit, and per unit a set of time slots (local time
/// in <see cref="TimeZone"/>), each with escalation steps. Shared by provisioning (<c>policy check</c>)
/// and the gateway's alerting (<see cref="Resolve"/>). A time with no slot, or whose slot has nobody
/// reachable, is a gap: <see cref="PolicyChecker"/> reports every one.
/// </summary>
public sealed class EscalationPolicy
{
    /// <summary>Format version.</summary>
    public int Version { get; set; } = 1;

    /// <summary>The site id this policy belongs to.</summary>
    public string Site { get; set; } = "";

    /// <summary>IANA time zone of the slot times, e.g. Europe/London.</summary>
    public string TimeZone { get; set; } = "Europe/London";

    /// <summary>Per-unit escalation.</summary>
    public List<UnitPolicy> Units { get; set; } = [];

    /// <summary>
    /// The slot that applies in <paramref name="unit"/> at local <paramref name="day"/> and
    /// <paramref name="time"/>, or null (a gap). Assumes the policy passed <see cref="PolicyChecker"/>
    /// (no overlapping slots).
    /// </summary>
    public TimeSlot? Resolve(string unit, DayOfWeek day, TimeOnly time)
    {
        UnitPolicy? policy = Units.Find(u => u.Unit == unit);
        if (policy is null)
        {
            return null;
        }

        int minute = (DayIndex(day) * MinutesPerDay) + (time.Hour * 60) + time.Minute;
        foreach (TimeSlot slot in policy.Slots)
        {
            if (slot.TryGetWindow(out _) && slot.Covers(minute))
            {
                return slot;
            }
        }

        return null;
    }

    /// <summary>Reads a policy file, with a clear error when it is missing or broken.</summary>
    public static EscalationPolicy Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new SiteFileException($"No escalation policy at {path}.");
        }

        try
        {
            return JsonSerializer.Deserialize<EscalationPolicy>(File.ReadAllText(path), SiteInventoryJson.Options)
                ?? throw new SiteFileException($"{path} is empty.");
        }
        catch (JsonException ex)
        {
            throw new SiteFileException($"{path} is not a valid escalation policy: {ex.Message}", ex);
        }
    }

    /// <summary>Serialises the policy.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, SiteInventoryJson.Options) + "\n";

    internal const int MinutesPerDay = 24 * 60;

    internal const int MinutesPerWeek = 7 * MinutesPerDay;

    /// <summary>Monday = 0 ... Sunday = 6.</summary>
    internal static int DayIndex(DayOfWeek day) => ((int)day + 6) % 7;
}

/// <summary>One unit's slots.</summary>
public sealed class UnitPolicy
{
    /// <summary>The unit name, as rooms carry it in the inventory.</summary>
    public string Unit { get; set; } = "";

    /// <summary>Time slots; together they should cover the whole week, without overlapping.</summary>
    public List<TimeSlot> Slots { get; set; } = [];
}

/// <summary>
/// A daily time window on some days. <see cref="From"/> and <see cref="To"/> are "HH:mm" local time;
/// when To is not after From the window runs past midnight into the next day (a night shift
/// 19:00–07:00); From equal to To is a whole day; To may be "24:00".
/// </summary>
public sealed class TimeSlot
{
    /// <summary>A label for people, e.g. "night".</summary>
    public string Name { get; set; } = "";

    /// <summary>Days the window starts on ("Mon".."Sun"); empty means every day.</summary>
    public List<string> Days { get; set; } = [];

    /// <summary>Start, "HH:mm".</summary>
    public string From { get; set; } = "";

    /// <summary>End, "HH:mm" (or "24:00").</summary>
    public string To { get; set; } = "";

    /// <summary>Escalation steps, in order of <see cref="EscalationStep.After"/>.</summary>
    public List<EscalationStep> Steps { get; set; } = [];

    internal bool TryGetWindow(out (int StartMinute, int Length, int[] DayIndexes) window)
    {
        window = default;
        if (!TryParseTime(From, allow24: false, out int from) || !TryParseTime(To, allow24: true, out int to) || !TryParseDays(Days, out int[] days))
        {
            return false;
        }

        int length = to > from ? to - from : to + EscalationPolicy.MinutesPerDay - from;
        window = (from, length, days);
        return true;
    }

    internal bool Covers(int minuteOfWeek)
    {
        if (!TryGetWindow(out var w))
        {
            return false;
        }

        foreach (int day in w.DayIndexes)
        {
            int start = (day * EscalationPolicy.MinutesPerDay) + w.StartMinute;
            int offset = ((minuteOfWeek - start) % EscalationPolicy.MinutesPerWeek + EscalationPolicy.MinutesPerWeek) % EscalationPolicy.MinutesPerWeek;
            if (offset < w.Length)
            {
                return true;
            }
        }

        return false;
    }

    internal static bool TryParseTime(string text, bool allow24, out int minuteOfDay)
    {
        minuteOfDay = 0;
        if (allow24 && text == "24:00")
        {
            minuteOfDay = EscalationPolicy.MinutesPerDay;
            return true;
        }

        if (!TimeOnly.TryParseExact(text, ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out TimeOnly t))
        {
            return false;
        }

        minuteOfDay = (t.Hour * 60) + t.Minute;
        return true;
    }

    internal static bool TryParseDays(List<string>? days, out int[] indexes)
    {
        string[] names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        if (days is null || days.Count == 0)
        {
            indexes = [0, 1, 2, 3, 4, 5, 6];
            return true;
        }

        var result = new List<int>();
        foreach (string d in days)
        {
            int i = Array.IndexOf(names, d.Trim().ToLowerInvariant());
            if (i < 0)
            {
                indexes = [];
                return false;
            }

            if (!result.Contains(i))
            {
                result.Add(i);
            }
        }

        indexes = [.. result];
        return true;
    }
}

/// <summary>One escalation step: who is alerted how long after the incident opened, if nobody has acknowledged.</summary>
public sealed class EscalationStep
{
    /// <summary>Delay after the incident opened; the first step should be 00:00:00.</summary>
    public TimeSpan After { get; set; }

    /// <summary>
    /// Targets as "channel:address": <c>staff:&lt;username&gt;</c> (a staff-page account; disabled or
    /// unknown accounts reach nobody), <c>pager:&lt;id&gt;</c>, <c>phone:&lt;number&gt;</c>,
    /// <c>sip:&lt;uri&gt;</c>, <c>espa:&lt;address&gt;</c>, <c>page:&lt;unit&gt;</c> (the unit's staff-page board),
    /// <c>webhook:&lt;recipient&gt;</c> (the gateway's webhook channel, e.g. a push-service or SMS-gateway id).
    /// </summary>
    public List<string> Notify { get; set; } = [];
}
