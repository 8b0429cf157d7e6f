namespace Edge.Gateway.Prevention;

/// <summary>
/// Fall prevention: the posture tracker on every worn sensor, get-up alerts for residents flagged at high
/// risk (set per resident on the staff page, audited), and mobility trends per resident per day.
/// </summary>
public sealed class PreventionOptions
{
    public const string SectionName = "Prevention";

    /// <summary>Run the posture tracker (get-up alerts and mobility trends). On by default; it costs little per sample (docs/benchmarks.md).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The site's time zone for get-up hours, night-time and days (IANA id, e.g. <c>Europe/Berlin</c>). Empty: the
    /// escalation policy's time zone, or UTC without a policy.
    /// </summary>
    public string TimeZone { get; set; } = "";

    /// <summary>Night starts ("HH:mm") for residents without get-up hours: transitions after it count as night-time restlessness.</summary>
    public string NightFrom { get; set; } = "21:00";

    /// <summary>Night ends ("HH:mm").</summary>
    public string NightTo { get; set; } = "07:00";

    /// <summary>How often the day's mobility figures are written to the database (they are kept in memory between writes).</summary>
    public TimeSpan TrendFlushInterval { get; set; } = TimeSpan.FromMinutes(1);

    internal IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (TimeZone.Length > 0 && !TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
        {
            errors.Add($"{SectionName}:TimeZone '{TimeZone}' is not a time zone this machine knows (IANA id such as Europe/Berlin).");
        }

        if (!DailyWindow.TryParse(NightFrom, NightTo, out _))
        {
            errors.Add($"{SectionName}:NightFrom/NightTo must both be HH:mm (are '{NightFrom}', '{NightTo}').");
        }

        if (TrendFlushInterval < TimeSpan.FromSeconds(1) || TrendFlushInterval > TimeSpan.FromHours(1))
        {
            errors.Add($"{SectionName}:TrendFlushInterval must be between 1 s and 1 h (is {TrendFlushInterval}).");
        }

        return errors;
    }
}

/// <summary>A daily window in local time, e.g. 21:00–07:00; it may run past midnight. From = To means all day.</summary>
public readonly record struct DailyWindow(TimeOnly From, TimeOnly To)
{
    /// <summary>Parses "HH:mm" pairs.</summary>
    public static bool TryParse(string? from, string? to, out DailyWindow window)
    {
        window = default;
        if (!TimeOnly.TryParseExact(from, "HH:mm", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var f)
            || !TimeOnly.TryParseExact(to, "HH:mm", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var t))
        {
            return false;
        }

        window = new DailyWindow(f, t);
        return true;
    }

    /// <summary>True when <paramref name="local"/> lies in the window (From inclusive, To exclusive).</summary>
    public bool Contains(TimeOnly local) => From == To || (From < To ? local >= From && local < To : local >= From || local < To);

    /// <summary>"21:00–07:00".</summary>
    public override string ToString() => $"{From:HH\\:mm}–{To:HH\\:mm}";
}
