using System.Globalization;

namespace Edge.Gateway.Prevention;

/// <summary>A plain-words prompt to review the care plan (never an alarm).</summary>
/// <param name="Measure">"walking" or "sit-to-stands".</param>
/// <param name="Text">What staff read.</param>
public sealed record MobilityFlag(string Measure, string Text);

/// <summary>
/// Compares a resident's recent days with their own previous two weeks. A measure is flagged only when it fell
/// <i>clearly</i>: the recent average is below <see cref="Ratio"/> of the baseline average and below every single
/// baseline day, with enough days on both sides that were fully observed (the sensor worn at least
/// <see cref="MinWornHours"/> hours). Days with little wear are left out rather than read as inactivity.
/// </summary>
public static class MobilityTrend
{
    /// <summary>Recent days compared (the last complete days, not today).</summary>
    public const int RecentDays = 3;

    /// <summary>The baseline: the resident's own previous two weeks.</summary>
    public const int BaselineDays = 14;

    /// <summary>Least observed days in the baseline.</summary>
    public const int MinBaselineDays = 7;

    /// <summary>Least observed recent days.</summary>
    public const int MinRecentDays = 2;

    /// <summary>Hours the sensor must have been worn for a day to count.</summary>
    public const double MinWornHours = 8;

    /// <summary>"Clearly below": recent average under this share of the baseline average.</summary>
    public const double Ratio = 0.7;

    /// <summary>Flags for the days before <paramref name="today"/> (today is incomplete and never compared).</summary>
    public static IReadOnlyList<MobilityFlag> Evaluate(IEnumerable<MobilityDay> days, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(days);
        var observed = days.Where(d => d.Day < today && d.WornSeconds >= MinWornHours * 3600).ToList();
        var recent = observed.Where(d => d.Day >= today.AddDays(-RecentDays)).ToList();
        var baseline = observed.Where(d => d.Day < today.AddDays(-RecentDays) && d.Day >= today.AddDays(-RecentDays - BaselineDays)).ToList();
        if (recent.Count < MinRecentDays || baseline.Count < MinBaselineDays)
        {
            return [];
        }

        var flags = new List<MobilityFlag>();
        Check("walking", d => d.WalkingSeconds / 60, v => string.Create(CultureInfo.InvariantCulture, $"{v:F0} min"), "Walking time", "is");
        Check("sit-to-stands", d => d.SitToStands, v => string.Create(CultureInfo.InvariantCulture, $"{v:F0}"), "Standing up from a chair or bed", "is");
        return flags;

        void Check(string measure, Func<MobilityDay, double> value, Func<double, string> format, string words, string verb)
        {
            var now = recent.Average(value);
            var before = baseline.Average(value);
            if (before <= 0 || now >= Ratio * before || now >= baseline.Min(value))
            {
                return;
            }

            flags.Add(new MobilityFlag(measure,
                $"{words} over the last {recent.Count} days ({format(now)} a day) {verb} well below the two weeks before ({format(before)} a day). " +
                "Worth a look at the care plan: a change in mobility often comes before a fall."));
        }
    }
}
