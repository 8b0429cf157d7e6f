using System.Globalization;
using System.Text;
using Edge.Recordings;

namespace Edge.Training.Evaluation;

/// <summary>Writes <c>report.md</c> with SVG plots for a set of trial outcomes.</summary>
public static class ReportWriter
{
    /// <summary>Writes the report into <paramref name="dir"/>; returns the report path.</summary>
    public static string Write(string dir, string title, string preamble, IReadOnlyList<TrialOutcome> outcomes, float threshold, double refractorySeconds)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        Directory.CreateDirectory(dir);
        var summaries = Metrics.Summaries(outcomes);
        var falls = outcomes.Where(o => o.Trial.Label == TrialLabel.Fall).ToList();
        var adls = outcomes.Where(o => o.Trial.Label == TrialLabel.Adl).ToList();

        // Score distributions: the highest window score per trial.
        var edges = Enumerable.Range(0, 21).Select(i => i / 20.0).ToArray();
        double[] Hist(List<TrialOutcome> set)
        {
            var counts = new double[edges.Length - 1];
            foreach (var o in set)
            {
                counts[Math.Min(counts.Length - 1, (int)(o.MaxScore * 20))]++;
            }

            return counts.Select(c => set.Count == 0 ? 0 : c / set.Count).ToArray();
        }

        File.WriteAllText(Path.Combine(dir, "scores.svg"), Svg.Histogram(
            "Highest window score per trial", "model score (probability of a fall)", edges,
            [("falls (" + falls.Count + ")", "#d62728", Hist(falls)), ("ADLs (" + adls.Count + ")", "#1f77b4", Hist(adls))]));

        // Trade-off: sweep the threshold; sensitivity against false alerts per hour of ADL.
        var adlHours = adls.Sum(a => a.DurationSeconds) / 3600;
        List<(double X, double Y)> Curve(Func<TrialOutcome, bool> include)
        {
            var f = falls.Where(include).ToList();
            var a = adls.Where(include).ToList();
            var hours = a.Sum(t => t.DurationSeconds) / 3600;
            var points = new List<(double X, double Y)>();
            for (var i = 0; i <= 200; i++)
            {
                var t = (float)(i / 200.0);
                var sens = f.Count == 0 ? double.NaN : f.Count(o => o.MaxScore >= t && o.Windows.Count > 0) / (double)f.Count;
                var fa = a.Sum(o => Metrics.ReplayAlerts(o.Windows, t, refractorySeconds)) / Math.Max(hours, 1e-9);
                if (!double.IsNaN(sens))
                {
                    points.Add((fa, sens));
                }
            }

            return points;
        }

        var all = summaries[0];
        var curve = Curve(_ => true);
        var xMax = Math.Max(0.5, Math.Min(20, curve.Where(p => p.Y >= 0.9).Select(p => p.X).DefaultIfEmpty(1).Max()));
        File.WriteAllText(Path.Combine(dir, "tradeoff.svg"), Svg.Lines(
            "Sensitivity vs false alerts (threshold sweep)", "false alerts per hour of ADL", "fall trials detected", xMax, 0.8,
            [("all subjects (SA falls)", "#d62728", curve)],
            double.IsNaN(all.Sensitivity) ? null : (all.FalseAlertsPerHour, all.Sensitivity)));

        // Detection rate per activity code.
        var codes = outcomes.GroupBy(o => o.Trial.Code).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Code: g.Key, Trials: g.Count(), Rate: g.Count(o => o.Alerts > 0) / (double)g.Count(),
                Young: Rate(g.Where(o => !o.Trial.IsOlderAdult)), Older: Rate(g.Where(o => o.Trial.IsOlderAdult))))
            .ToList();
        File.WriteAllText(Path.Combine(dir, "per-activity.svg"), Svg.Bars(
            "Trials with an alert, per activity code (red: falls, blue: ADLs)", "trials with an alert",
            codes.Select(c => (c.Code, c.Rate, c.Code.StartsWith('F') ? "#d62728" : "#1f77b4")).ToList()));

        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# {title}").AppendLine();
        md.AppendLine(preamble).AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Operating threshold {threshold:F4}, refractory {refractorySeconds:0.#} s. {outcomes.Count} recordings, {adlHours:F2} h of ADL.");
        var sent = outcomes.Count == 0 ? 1 : outcomes.Average(o => o.SentFraction);
        if (sent < 1)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"The device sent {sent:P1} of the samples (triggered mode).");
        }

        md.AppendLine().AppendLine("| group | fall trials | sensitivity | ADL trials | specificity | false alerts / h ADL | latency median | latency p95 |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var s in summaries)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {s.Group} | {s.FallTrials} | {Metrics.Pct(s.Sensitivity)} | {s.AdlTrials} | {Metrics.Pct(s.Specificity)} | {Metrics.Num(s.FalseAlertsPerHour, "F3")} | {Metrics.Sec(s.LatencyMedianSeconds)} | {Metrics.Sec(s.LatencyP95Seconds)} |");
        }

        md.AppendLine().AppendLine("Latency is from the impact (the sample of peak magnitude in the trial) to the first alert's decision.").AppendLine();
        md.AppendLine("![score distributions](scores.svg)").AppendLine();
        md.AppendLine("![sensitivity / false-alarm trade-off](tradeoff.svg)").AppendLine();
        md.AppendLine("![per-activity detection rate](per-activity.svg)").AppendLine();
        md.AppendLine("## Trials with an alert, per activity code").AppendLine();
        md.AppendLine("For falls this is the detection rate; for ADLs it is the false-alarm rate per trial.").AppendLine();
        md.AppendLine("| code | trials | with alert | young (SA) | older (SE) |");
        md.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var c in codes)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {c.Code} | {c.Trials} | {Metrics.Pct(c.Rate)} | {Metrics.Pct(c.Young)} | {Metrics.Pct(c.Older)} |");
        }

        var missed = falls.Where(f => f.Alerts == 0).Select(f => f.Trial.RelativePath).Order(StringComparer.Ordinal).ToList();
        var falseAlarms = adls.Where(a => a.Alerts > 0).Select(a => a.Trial.RelativePath).Order(StringComparer.Ordinal).ToList();
        md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"## Missed falls ({missed.Count})").AppendLine();
        md.AppendLine(missed.Count == 0 ? "None." : string.Join(", ", missed)).AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"## ADL trials with a false alert ({falseAlarms.Count})").AppendLine();
        md.AppendLine(falseAlarms.Count == 0 ? "None." : string.Join(", ", falseAlarms)).AppendLine();
        md.AppendLine("Data: A. Sucerquia, J. D. López, J. F. Vargas-Bonilla, \"SisFall: A Fall and Movement Dataset\", *Sensors* 17(1):198, 2017.");
        var path = Path.Combine(dir, "report.md");
        File.WriteAllText(path, md.ToString().ReplaceLineEndings("\n"));
        return path;
    }

    private static double Rate(IEnumerable<TrialOutcome> set)
    {
        var list = set.ToList();
        return list.Count == 0 ? double.NaN : list.Count(o => o.Alerts > 0) / (double)list.Count;
    }
}
