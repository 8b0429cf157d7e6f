namespace Edge.Gateway.Alerting;

/// <summary>
/// How the gateway escalates incidents. Who is alerted (tiers per unit and time of day) is in the site's
/// escalation policy file (<see cref="PolicyFile"/>, model <c>Edge.Site.Policy.EscalationPolicy</c>);
/// these settings are the engine's behaviour around it.
/// </summary>
public sealed class EscalationOptions
{
    public const string SectionName = "Alerting:Escalation";

    /// <summary>
    /// The policy (<c>policy/escalation.json</c> of the site folder). Defaults to <c>Site:EscalationPolicy</c>,
    /// which provisioning writes into <c>gateway-settings.json</c>. Without a policy nobody is alerted (warning
    /// 9002 at start-up); the staff page still lists incidents.
    /// </summary>
    public string? PolicyFile { get; set; }

    /// <summary>The staff store (<c>staff/staff.json</c>), for <c>staff:</c> targets. Defaults to <c>Site:StaffStore</c>.</summary>
    public string? StaffStoreFile { get; set; }

    /// <summary>After the last tier, urgent incidents re-alert every tier's recipients this often, until accepted.</summary>
    public TimeSpan RepeatInterval { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Repeat interval for non-urgent incidents (battery low, not worn).</summary>
    public TimeSpan NonUrgentRepeatInterval { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>After acceptance, the carer who accepted is reminded this long after, if the incident is not resolved.</summary>
    public TimeSpan ReminderAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>After acceptance, escalation starts again from the first tier this long after, if not resolved. Longer than <see cref="ReminderAfter"/>.</summary>
    public TimeSpan ResumeAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Pre-alarm delay for detected falls (a resident may cancel a false alarm on the device in this time);
    /// zero by default. Manual calls never wait for it.
    /// </summary>
    public TimeSpan FallPreAlarmDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// How long the engine waits for a channel to confirm a send before it moves the alert to the next step's
    /// targets on the channels that work (a hung pager must not hold an alert). The channel's own retries come
    /// first: ESPA gives up after about 10 s with the default timings. The send's result is still recorded when it comes.
    /// </summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Quiet hours start ("HH:mm" in the policy's time zone); empty for none. Only non-urgent alerts wait for their end.</summary>
    public string QuietHoursFrom { get; set; } = "";

    /// <summary>Quiet hours end ("HH:mm"); may be before <see cref="QuietHoursFrom"/> (past midnight).</summary>
    public string QuietHoursTo { get; set; } = "";

    /// <summary>At most this many non-urgent alert dispatches per rolling hour, site-wide; more wait. Urgent alerts are never counted or held.</summary>
    public int NonUrgentMaxPerHour { get; set; } = 12;

    /// <summary>
    /// Which alerting devices belong to which staff member (registry staff id → targets such as
    /// <c>espa:101</c>, <c>sip:2001</c>). Used to expand <c>staff:</c> targets, to send the reminder to the
    /// carer who accepted, and to name the carer when a pager acknowledges (ESPA call status 6).
    /// </summary>
    public Dictionary<string, List<string>> Staff { get; set; } = new(StringComparer.Ordinal);

    internal IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Positive(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero)
            {
                errors.Add($"{SectionName}:{name} must be greater than zero (is {value}).");
            }
        }

        Positive(RepeatInterval, nameof(RepeatInterval));
        Positive(NonUrgentRepeatInterval, nameof(NonUrgentRepeatInterval));
        Positive(ReminderAfter, nameof(ReminderAfter));
        Positive(ResumeAfter, nameof(ResumeAfter));
        Positive(SendTimeout, nameof(SendTimeout));
        if (ResumeAfter <= ReminderAfter)
        {
            errors.Add($"{SectionName}:ResumeAfter ({ResumeAfter}) must be longer than ReminderAfter ({ReminderAfter}): the reminder comes first.");
        }

        if (FallPreAlarmDelay < TimeSpan.Zero || FallPreAlarmDelay > TimeSpan.FromMinutes(2))
        {
            errors.Add($"{SectionName}:FallPreAlarmDelay must be between 0 and 2 minutes (is {FallPreAlarmDelay}).");
        }

        if (QuietHoursFrom.Length > 0 || QuietHoursTo.Length > 0)
        {
            if (!QuietHours.TryParse(QuietHoursFrom, QuietHoursTo, out _))
            {
                errors.Add($"{SectionName}:QuietHoursFrom/QuietHoursTo must both be HH:mm and differ (are '{QuietHoursFrom}', '{QuietHoursTo}').");
            }
        }

        if (NonUrgentMaxPerHour < 1)
        {
            errors.Add($"{SectionName}:NonUrgentMaxPerHour must be at least 1 (is {NonUrgentMaxPerHour}).");
        }

        foreach (var (staff, targets) in Staff)
        {
            foreach (var target in targets)
            {
                if (!AlertTarget.TryParse(target, out var t) || t.Scheme is "staff" or "page")
                {
                    errors.Add($"{SectionName}:Staff:{staff}: '{target}' must be a device target (espa:, pager:, sip:, phone: or webhook: with an address).");
                }
            }
        }

        return errors;
    }
}

/// <summary>A daily window in local time; it may run past midnight.</summary>
internal readonly record struct QuietHours(TimeOnly From, TimeOnly To)
{
    public static bool TryParse(string from, string to, out QuietHours hours)
    {
        hours = default;
        if (!TimeOnly.TryParseExact(from, "HH:mm", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var f)
            || !TimeOnly.TryParseExact(to, "HH:mm", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var t)
            || f == t)
        {
            return false;
        }

        hours = new QuietHours(f, t);
        return true;
    }

    public bool Contains(TimeOnly local) => From < To ? local >= From && local < To : local >= From || local < To;

    /// <summary>How long from <paramref name="local"/> until the window ends (zero when outside it).</summary>
    public TimeSpan RemainingAt(TimeOnly local)
    {
        if (!Contains(local))
        {
            return TimeSpan.Zero;
        }

        var remaining = To.ToTimeSpan() - local.ToTimeSpan();
        return remaining > TimeSpan.Zero ? remaining : remaining + TimeSpan.FromDays(1);
    }
}
