using System.Globalization;
using System.Text;
using Edge.Detection;

namespace Edge.Training.Evaluation;

/// <summary>Per-trial metrics for one group of trials.</summary>
public sealed record GroupSummary(
    string Group, int FallTrials, int DetectedFalls, int AdlTrials, int AdlTrialsWithAlert, int AdlAlerts, double AdlHours,
    int ImpactAlerts, int SoftAlerts, double? ImpactLatencyMedianSeconds, double? ImpactLatencyP95Seconds, double? SoftLatencyMedianSeconds, double? SoftLatencyP95Seconds)
{
    /// <summary>Fraction of fall trials with at least one alert (NaN without falls).</summary>
    public double Sensitivity => FallTrials == 0 ? double.NaN : DetectedFalls / (double)FallTrials;

    /// <summary>Fraction of ADL trials without an alert (NaN without ADLs).</summary>
    public double Specificity => AdlTrials == 0 ? double.NaN : 1 - (AdlTrialsWithAlert / (double)AdlTrials);

    /// <summary>Alerts during ADL per hour of ADL recording.</summary>
    public double FalseAlertsPerHour => AdlHours == 0 ? double.NaN : AdlAlerts / AdlHours;
}

/// <summary>Turns trial outcomes into the summaries the reports show.</summary>
public static class Metrics
{
    /// <summary>
    /// Summaries for all trials, each dataset, each age group, and the soft falls (peak below
    /// <see cref="TrialOutcome.SoftFallPeakG"/>).
    /// </summary>
    public static IReadOnlyList<GroupSummary> Summaries(IReadOnlyList<TrialOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var list = new List<GroupSummary> { Summarize("all", outcomes) };
        var datasets = outcomes.Select(o => o.Catalog.Dataset).Distinct().Order(StringComparer.Ordinal).ToList();
        if (datasets.Count > 1)
        {
            list.AddRange(datasets.Select(d => Summarize(d, [.. outcomes.Where(o => o.Catalog.Dataset == d)])));
        }

        foreach (var dataset in datasets)
        {
            var inDataset = outcomes.Where(o => o.Catalog.Dataset == dataset).ToList();
            var groups = inDataset.Select(o => o.Catalog.AgeGroup).Distinct().Order(StringComparer.Ordinal).ToList();
            if (groups.Count > 1)
            {
                list.AddRange(groups.Select(g => Summarize($"{dataset} {g}", [.. inDataset.Where(o => o.Catalog.AgeGroup == g)])));
            }
        }

        list.Add(Summarize($"soft falls (peak < {TrialOutcome.SoftFallPeakG} g)", [.. outcomes.Where(o => o.IsSoftFall)]));
        return list;
    }

    /// <summary>Summarises one group.</summary>
    public static GroupSummary Summarize(string group, IReadOnlyList<TrialOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var falls = outcomes.Where(o => o.IsFall).ToList();
        var adls = outcomes.Where(o => !o.IsFall).ToList();
        double[] Latencies(FallPath path) => [.. falls.Where(f => f.FirstAlertPath == path && f.LatencySeconds is not null).Select(f => f.LatencySeconds!.Value).Order()];
        var impact = Latencies(FallPath.Impact);
        var soft = Latencies(FallPath.Soft);
        return new GroupSummary(
            group,
            falls.Count,
            falls.Count(f => f.Alerts > 0),
            adls.Count,
            adls.Count(a => a.Alerts > 0),
            adls.Sum(a => a.Alerts),
            adls.Sum(a => a.DurationSeconds) / 3600,
            falls.Count(f => f.FirstAlertPath == FallPath.Impact),
            falls.Count(f => f.FirstAlertPath == FallPath.Soft),
            impact.Length == 0 ? null : Percentile(impact, 0.5),
            impact.Length == 0 ? null : Percentile(impact, 0.95),
            soft.Length == 0 ? null : Percentile(soft, 0.5),
            soft.Length == 0 ? null : Percentile(soft, 0.95));
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

    /// <summary>Formats a summary table (plain text, for the console).</summary>
    public static string Format(IReadOnlyList<GroupSummary> summaries)
    {
        ArgumentNullException.ThrowIfNull(summaries);
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{"group",-28} {"falls",6} {"sensitivity",12} {"ADLs",6} {"specificity",12} {"false/h",8} {"ADL h",7} {"impact: n, med",16} {"soft: n, med",16}");
        foreach (var s in summaries)
        {
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"{s.Group,-28} {s.FallTrials,6} {Pct(s.Sensitivity),12} {s.AdlTrials,6} {Pct(s.Specificity),12} {Num(s.FalseAlertsPerHour, "F3"),8} {s.AdlHours,7:F2} {s.ImpactAlerts,5} {Sec(s.ImpactLatencyMedianSeconds),10} {s.SoftAlerts,5} {Sec(s.SoftLatencyMedianSeconds),10}");
        }

        return sb.ToString();
    }

    /// <summary>A markdown table of summaries.</summary>
    public static string Markdown(IReadOnlyList<GroupSummary> summaries)
    {
        ArgumentNullException.ThrowIfNull(summaries);
        var md = new StringBuilder();
        md.AppendLine("| group | fall trials | sensitivity | ADL trials | specificity | false alerts / h ADL | impact path: falls, latency median / p95 | soft path: falls, latency median / p95 |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var s in summaries)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {s.Group} | {s.FallTrials} | {Pct(s.Sensitivity)} | {s.AdlTrials} | {Pct(s.Specificity)} | {Num(s.FalseAlertsPerHour, "F2")} | {s.ImpactAlerts}, {Sec(s.ImpactLatencyMedianSeconds)} / {Sec(s.ImpactLatencyP95Seconds)} | {s.SoftAlerts}, {Sec(s.SoftLatencyMedianSeconds)} / {Sec(s.SoftLatencyP95Seconds)} |");
        }

        return md.ToString();
    }

    /// <summary>Percentage with two decimals, or "n/a".</summary>
    public static string Pct(double v) => double.IsNaN(v) ? "n/a" : (v * 100).ToString("F2", CultureInfo.InvariantCulture) + "%";

    /// <summary>Number or "n/a".</summary>
    public static string Num(double v, string format) => double.IsNaN(v) ? "n/a" : v.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>Seconds or "n/a".</summary>
    public static string Sec(double? v) => v is null ? "n/a" : v.Value.ToString("F1", CultureInfo.InvariantCulture) + " s";
}
