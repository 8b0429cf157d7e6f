using System.Globalization;
using System.Text;
using Edge.Detection;
using Edge.Recordings;

namespace Edge.Training.Evaluation;

/// <summary>Per-trial metrics for one group of subjects.</summary>
public sealed record GroupSummary(
    string Group, int FallTrials, int DetectedFalls, int AdlTrials, int AdlTrialsWithAlert, int AdlAlerts, double AdlHours,
    double? LatencyMedianSeconds, double? LatencyP95Seconds)
{
    /// <summary>Fraction of fall trials with at least one alert (NaN without falls).</summary>
    public double Sensitivity => FallTrials == 0 ? double.NaN : DetectedFalls / (double)FallTrials;

    /// <summary>Fraction of ADL trials without an alert (NaN without ADLs).</summary>
    public double Specificity => AdlTrials == 0 ? double.NaN : 1 - (AdlTrialsWithAlert / (double)AdlTrials);

    /// <summary>Alerts during ADL per hour of ADL recording.</summary>
    public double FalseAlertsPerHour => AdlHours == 0 ? double.NaN : AdlAlerts / AdlHours;
}

/// <summary>Turns trial outcomes into the summary the issue asks for.</summary>
public static class Metrics
{
    /// <summary>Summaries for all subjects, young adults (SA) and older adults (SE).</summary>
    public static IReadOnlyList<GroupSummary> Summaries(IReadOnlyList<TrialOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        return
        [
            Summarize("all", outcomes),
            Summarize("young (SA)", outcomes.Where(o => !o.Trial.IsOlderAdult).ToList()),
            Summarize("older (SE)", outcomes.Where(o => o.Trial.IsOlderAdult).ToList()),
        ];
    }

    /// <summary>Summarises one group.</summary>
    public static GroupSummary Summarize(string group, IReadOnlyList<TrialOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var falls = outcomes.Where(o => o.Trial.Label == TrialLabel.Fall).ToList();
        var adls = outcomes.Where(o => o.Trial.Label == TrialLabel.Adl).ToList();
        var latencies = falls.Where(f => f.FirstAlertSeconds is not null)
            .Select(f => f.FirstAlertSeconds!.Value - f.PeakSeconds).Order().ToArray();
        return new GroupSummary(
            group,
            falls.Count,
            falls.Count(f => f.Alerts > 0),
            adls.Count,
            adls.Count(a => a.Alerts > 0),
            adls.Sum(a => a.Alerts),
            adls.Sum(a => a.DurationSeconds) / 3600,
            latencies.Length == 0 ? null : Percentile(latencies, 0.5),
            latencies.Length == 0 ? null : Percentile(latencies, 0.95));
    }

    /// <summary>Linear-interpolated percentile of sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double q)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var pos = q * (sorted.Count - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + ((sorted[hi] - sorted[lo]) * (pos - lo));
    }

    /// <summary>
    /// Alerts the detector's decision rule would raise on these scored windows at another threshold:
    /// score ≥ threshold and impact outside the refractory period of the previous alert (the same rule
    /// as <see cref="FallDetector"/>; used for threshold sweeps, the detector itself decides online).
    /// </summary>
    public static int ReplayAlerts(IReadOnlyList<ScoredWindow> windows, float threshold, double refractorySeconds)
    {
        ArgumentNullException.ThrowIfNull(windows);
        var refractoryUs = (long)Math.Round(refractorySeconds * 1_000_000);
        var until = long.MinValue;
        var alerts = 0;
        foreach (var w in windows)
        {
            if (w.Score >= threshold && w.ImpactTimeUs >= until)
            {
                alerts++;
                until = w.ImpactTimeUs + refractoryUs;
            }
        }

        return alerts;
    }

    /// <summary>Formats a summary table (plain text, for the console).</summary>
    public static string Format(IReadOnlyList<GroupSummary> summaries)
    {
        ArgumentNullException.ThrowIfNull(summaries);
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{"group",-12} {"falls",6} {"sensitivity",12} {"ADLs",6} {"specificity",12} {"false/h",8} {"ADL h",7} {"lat. med",9} {"lat. p95",9}");
        foreach (var s in summaries)
        {
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"{s.Group,-12} {s.FallTrials,6} {Pct(s.Sensitivity),12} {s.AdlTrials,6} {Pct(s.Specificity),12} {Num(s.FalseAlertsPerHour, "F3"),8} {s.AdlHours,7:F2} {Sec(s.LatencyMedianSeconds),9} {Sec(s.LatencyP95Seconds),9}");
        }

        return sb.ToString();
    }

    /// <summary>Percentage with two decimals, or "n/a".</summary>
    public static string Pct(double v) => double.IsNaN(v) ? "n/a" : (v * 100).ToString("F2", CultureInfo.InvariantCulture) + "%";

    /// <summary>Number or "n/a".</summary>
    public static string Num(double v, string format) => double.IsNaN(v) ? "n/a" : v.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>Seconds or "n/a".</summary>
    public static string Sec(double? v) => v is null ? "n/a" : v.Value.ToString("F2", CultureInfo.InvariantCulture) + " s";
}
