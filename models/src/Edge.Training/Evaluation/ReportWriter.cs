using System.Globalization;
using System.Text;
using Edge.Detection;
using Edge.Detection.Model;

namespace Edge.Training.Evaluation;

/// <summary>Writes <c>report.md</c> with SVG plots for a set of trial outcomes.</summary>
public static class ReportWriter
{
    /// <summary>Sensitivity multipliers swept for the trade-off curve (applied to both paths' thresholds).</summary>
    private static readonly double[] Multipliers = [.. Enumerable.Range(-40, 81).Select(i => Math.Pow(10, i / 20.0))];

    /// <summary>Writes the report into <paramref name="dir"/>; returns the report path.</summary>
    public static string Write(string dir, string title, string preamble, IReadOnlyList<TrialOutcome> outcomes, Thresholds thresholds, double refractorySeconds)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        Directory.CreateDirectory(dir);
        var summaries = Metrics.Summaries(outcomes);
        var falls = outcomes.Where(o => o.IsFall).ToList();
        var adls = outcomes.Where(o => !o.IsFall).ToList();

        // Score distributions: the highest window score per trial, per path.
        var edges = Enumerable.Range(0, 21).Select(i => i / 20.0).ToArray();
        double[] Hist(List<TrialOutcome> set, FallPath path)
        {
            var counts = new double[edges.Length - 1];
            foreach (var o in set)
            {
                counts[Math.Min(counts.Length - 1, (int)(o.MaxScore(path) * 20))]++;
            }

            return [.. counts.Select(c => set.Count == 0 ? 0 : c / set.Count)];
        }

        foreach (var path in new[] { FallPath.Impact, FallPath.Soft })
        {
            var name = path == FallPath.Impact ? "impact" : "soft";
            File.WriteAllText(Path.Combine(dir, $"scores-{name}.svg"), Svg.Histogram(
                $"Highest {name}-path score per trial", "model score (probability of a fall)", edges,
                [("falls (" + falls.Count + ")", "#d62728", Hist(falls, path)), ("ADLs (" + adls.Count + ")", "#1f77b4", Hist(adls, path))]));
        }

        // Trade-off: sweep the sensitivity multiplier (both thresholds move in log-odds); sensitivity against
        // false alerts per hour of ADL, overall and for the soft falls.
        List<(double X, double Y)> Curve(Func<TrialOutcome, bool> include)
        {
            var f = falls.Where(include).ToList();
            var hours = adls.Sum(t => t.DurationSeconds) / 3600;
            var points = new List<(double X, double Y)>();
            foreach (var s in Multipliers)
            {
                var t = new Thresholds(ModelArtifact.EffectiveThreshold(thresholds.Impact, s), ModelArtifact.EffectiveThreshold(thresholds.Soft, s));
                var detected = f.Count(o => OperatingPoint.Replay(o, t, refractorySeconds).Alerts > 0);
                var fa = adls.Sum(o => OperatingPoint.Replay(o, t, refractorySeconds).Alerts) / Math.Max(hours, 1e-9);
                if (f.Count > 0)
                {
                    points.Add((fa, detected / (double)f.Count));
                }
            }

            return points;
        }

        var all = summaries[0];
        var curve = Curve(_ => true);
        var softCurve = Curve(o => o.IsSoftFall);
        var xMax = Math.Max(0.5, Math.Min(20, curve.Where(p => p.Y >= 0.9).Select(p => p.X).DefaultIfEmpty(1).Max()));
        File.WriteAllText(Path.Combine(dir, "tradeoff.svg"), Svg.Lines(
            "Sensitivity vs false alerts (sensitivity multiplier swept over both paths)", "false alerts per hour of ADL", "fall trials detected", xMax, 0.5,
            [("all falls", "#d62728", curve), ($"soft falls (peak < {TrialOutcome.SoftFallPeakG} g)", "#9467bd", softCurve)],
            double.IsNaN(all.Sensitivity) ? null : (all.FalseAlertsPerHour, all.Sensitivity)));

        // Detection rate per dataset and activity code.
        var codes = outcomes.GroupBy(o => (o.Catalog.Dataset, o.Trial.Code)).OrderBy(g => g.Key.Dataset, StringComparer.Ordinal).ThenBy(g => g.Key.Code, StringComparer.Ordinal)
            .Select(g => (g.Key.Dataset, g.Key.Code, Trials: g.Count(), Alerted: g.Count(o => o.Alerts > 0),
                Soft: g.Count(o => o.FirstAlertPath == FallPath.Soft), Rate: g.Count(o => o.Alerts > 0) / (double)g.Count()))
            .ToList();
        var multipleDatasets = codes.Select(c => c.Dataset).Distinct().Count() > 1;
        File.WriteAllText(Path.Combine(dir, "per-activity.svg"), Svg.Bars(
            "Trials with an alert, per activity code (red: falls, blue: ADLs)", "trials with an alert",
            [.. codes.Select(c => ((multipleDatasets ? c.Dataset[..Math.Min(2, c.Dataset.Length)] + " " : string.Empty) + c.Code, c.Rate, c.Code.StartsWith('F') ? "#d62728" : "#1f77b4"))]));

        var adlHours = adls.Sum(a => a.DurationSeconds) / 3600;
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# {title}").AppendLine();
        md.AppendLine(preamble).AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Operating thresholds {thresholds}, shared refractory {refractorySeconds:0.#} s. {outcomes.Count} recordings, {adlHours:F2} h of ADL.");
        var sent = outcomes.Count == 0 ? 1 : outcomes.Average(o => o.SentFraction);
        if (sent < 1)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"The device sent {sent:P1} of the samples (triggered mode).");
        }

        md.AppendLine().Append(Metrics.Markdown(summaries));
        md.AppendLine().AppendLine("Latency is from the sample of peak magnitude in the trial (the impact of a fall) to the first alert's decision, per path of that alert. " +
            "A soft-path alert can come less than its wait after the peak when its anchor (reaching lying, or an earlier hit) came before the peak.").AppendLine();
        md.AppendLine("![impact-path score distributions](scores-impact.svg)").AppendLine();
        md.AppendLine("![soft-path score distributions](scores-soft.svg)").AppendLine();
        md.AppendLine("![sensitivity / false-alarm trade-off](tradeoff.svg)").AppendLine();
        md.AppendLine("![per-activity detection rate](per-activity.svg)").AppendLine();
        md.AppendLine("## Trials with an alert, per activity code").AppendLine();
        md.AppendLine("For falls this is the detection rate (and how many the soft path raised); for ADLs it is the false-alarm rate per trial.").AppendLine();
        md.AppendLine("| dataset | code | trials | with alert | rate | soft path |");
        md.AppendLine("|---|---|---:|---:|---:|---:|");
        foreach (var c in codes)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {c.Dataset} | {c.Code} | {c.Trials} | {c.Alerted} | {Metrics.Pct(c.Alerted / (double)c.Trials)} | {c.Soft} |");
        }

        var activities = outcomes.Where(o => o.Catalog.Activity != o.Trial.Code).GroupBy(o => (o.Catalog.Dataset, o.Catalog.Activity, o.IsFall))
            .OrderBy(g => g.Key.Dataset, StringComparer.Ordinal).ThenByDescending(g => g.Key.IsFall).ThenBy(g => g.Key.Activity, StringComparer.Ordinal).ToList();
        if (activities.Count > 0)
        {
            md.AppendLine().AppendLine("## Per original activity (datasets with a manifest)").AppendLine();
            md.AppendLine("| dataset | activity | label | trials | with alert | rate |");
            md.AppendLine("|---|---|---|---:|---:|---:|");
            foreach (var g in activities)
            {
                var alerted = g.Count(o => o.Alerts > 0);
                md.AppendLine(CultureInfo.InvariantCulture, $"| {g.Key.Dataset} | {g.Key.Activity} | {(g.Key.IsFall ? "fall" : "ADL")} | {g.Count()} | {alerted} | {Metrics.Pct(alerted / (double)g.Count())} |");
            }
        }

        string Name(TrialOutcome o) =>
            multipleDatasets && !o.Trial.RelativePath.StartsWith(o.Catalog.Dataset + "/", StringComparison.Ordinal)
                ? o.Catalog.Dataset + "/" + o.Trial.RelativePath
                : o.Trial.RelativePath;
        var missed = falls.Where(f => f.Alerts == 0).Select(Name).Order(StringComparer.Ordinal).ToList();
        var falseAlarms = adls.Where(a => a.Alerts > 0).Select(Name).Order(StringComparer.Ordinal).ToList();
        md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"## Missed falls ({missed.Count})").AppendLine();
        md.AppendLine(missed.Count == 0 ? "None." : string.Join(", ", missed)).AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"## ADL trials with a false alert ({falseAlarms.Count})").AppendLine();
        md.AppendLine(falseAlarms.Count == 0 ? "None." : string.Join(", ", falseAlarms)).AppendLine();
        md.AppendLine("Data: A. Sucerquia, J. D. López, J. F. Vargas-Bonilla, \"SisFall: A Fall and Movement Dataset\", *Sensors* 17(1):198, 2017; " +
            "M. Saleh, M. Abbas, R. B. Le Jeannès, \"FallAllD: An Open Dataset of Human Falls and Activities of Daily Living for Classical and Deep Learning Applications\", *IEEE Sensors Journal* 21(2):1849–1858, 2021 (where used).");
        var path2 = Path.Combine(dir, "report.md");
        File.WriteAllText(path2, md.ToString().ReplaceLineEndings("\n"));
        return path2;
    }
}
