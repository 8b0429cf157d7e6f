using System.Globalization;
using Edge.Gateway.Incidents;
using Edge.Site.Policy;

namespace Edge.Gateway.Alerting;

/// <summary>
/// When each step of one incident's escalation is due, who it alerts and what it is called, for the policy slot
/// in effect. Pure: no clock, no I/O; the phase's start, the step index and the time come from the caller (the
/// schedule row, or an unstored alarm's in-memory schedule). With n tiers, step i &lt; n is tier i+1, due at
/// start + tier i's delay; step n+k is repeat k+1 of every tier's targets, due <see cref="Repeat"/> × (k+1) after
/// the last tier.
/// </summary>
internal sealed class EscalationSchedule
{
    private readonly IReadOnlyList<EscalationStep> _steps;

    /// <param name="steps">The slot's tiers in order (at least one).</param>
    /// <param name="repeat">How often every tier is alerted again after the last one (greater than zero).</param>
    public EscalationSchedule(IReadOnlyList<EscalationStep> steps, TimeSpan repeat)
    {
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Count == 0)
        {
            throw new ArgumentException("An escalation schedule needs at least one step.", nameof(steps));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(repeat, TimeSpan.Zero);
        _steps = steps;
        Repeat = repeat;
        Everyone = [.. steps.SelectMany(s => s.Notify).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The number of tiers.</summary>
    public int Tiers => _steps.Count;

    /// <summary>The repeat interval after the last tier.</summary>
    public TimeSpan Repeat { get; }

    /// <summary>Every tier's targets, each once, in tier order: what a repeat alerts, and where an alert is widened.</summary>
    public IReadOnlyList<string> Everyone { get; }

    /// <summary>The first tier's targets.</summary>
    public IReadOnlyList<string> First => _steps[0].Notify;

    /// <summary>The repeat interval for an incident type: non-urgent alerts repeat less often.</summary>
    public static TimeSpan RepeatFor(IncidentType type, EscalationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return AlertText.IsHoldable(type) ? options.NonUrgentRepeatInterval : options.RepeatInterval;
    }

    /// <summary>When <paramref name="step"/> of a phase that started at <paramref name="start"/> is due.</summary>
    public DateTimeOffset DueAt(DateTimeOffset start, int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        var n = _steps.Count;
        return step < n ? start + _steps[step].After : start + _steps[n - 1].After + (Repeat * (step - n + 1));
    }

    /// <summary>Who <paramref name="step"/> alerts: its tier's targets, or everyone for a repeat.</summary>
    public IReadOnlyList<string> TargetsOf(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        return step < _steps.Count ? _steps[step].Notify : Everyone;
    }

    /// <summary>
    /// Where the alert of <paramref name="step"/> goes when none of its channels delivers: the next tier's targets,
    /// or everyone after the last tier and for sends outside the tiers (reminders and re-pages, step -1).
    /// </summary>
    public IReadOnlyList<string> FailoverOf(int step) => step >= 0 && step + 1 < _steps.Count ? _steps[step + 1].Notify : Everyone;

    /// <summary>What <paramref name="step"/> is called in logs and on the staff page: "tier 2 of 3", "repeat 4", with ", round 2" after a resumed escalation.</summary>
    public string Label(int step, int round = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        var n = _steps.Count;
        var label = step < n
            ? string.Create(CultureInfo.InvariantCulture, $"tier {step + 1} of {n}")
            : string.Create(CultureInfo.InvariantCulture, $"repeat {step - n + 1}");
        return round > 1 ? label + string.Create(CultureInfo.InvariantCulture, $", round {round}") : label;
    }

    /// <summary>
    /// When the step after <paramref name="step"/> is due, sending <paramref name="step"/> at <paramref name="now"/>.
    /// A repeat whose time has already passed (after a long outage) is due one interval from now: one re-alert now,
    /// not a burst of missed repeats.
    /// </summary>
    public DateTimeOffset NextDue(DateTimeOffset start, int step, DateTimeOffset now)
    {
        var next = step + 1;
        var due = DueAt(start, next);
        return next >= _steps.Count && due <= now ? now + Repeat : due;
    }

    /// <summary>
    /// The same for a schedule kept only as (start, step), as an unstored alarm's is in memory: the step after
    /// <paramref name="step"/>, with the start moved so that a missed repeat is due one interval from now.
    /// </summary>
    public (DateTimeOffset Start, int Step) Advance(DateTimeOffset start, int step, DateTimeOffset now)
    {
        var next = step + 1;
        var n = _steps.Count;
        return next >= n && DueAt(start, next) <= now ? (now - _steps[n - 1].After, n) : (start, next);
    }

    /// <summary>The targets of the tiers sent before <paramref name="nextStep"/> (at least the first): whom a channel that works again pages.</summary>
    public IReadOnlyList<string> SentBefore(int nextStep) =>
        [.. _steps.Take(Math.Max(1, Math.Min(nextStep, _steps.Count))).SelectMany(s => s.Notify).Distinct(StringComparer.Ordinal)];
}
