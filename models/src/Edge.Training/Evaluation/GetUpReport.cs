using System.Globalization;
using System.Text;

namespace Edge.Training.Evaluation;

/// <summary>Writes <c>report.md</c> for a get-up evaluation: transitions found, get-up alerts and their delay, false transitions per hour.</summary>
public static class GetUpReport
{
    /// <summary>The recording's data set and age group, e.g. "sisfall, older (SE)".</summary>
    public static string GroupOf(GetUpOutcome outcome, string dataDirName)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var parts = outcome.Trial.RelativePath.Split('/');
        var set = parts.Length >= 3 ? parts[0] : dataDirName;
        return set + (outcome.Trial.IsOlderAdult ? ", older (SE)" : ", young (SA)");
    }

    /// <summary>Writes the report into <paramref name="dir"/>; returns its path.</summary>
    public static string Write(string dir, string preamble, IReadOnlyList<GetUpOutcome> outcomes, string dataDirName)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        Directory.CreateDirectory(dir);
        var groups = outcomes.Select(o => GroupOf(o, dataDirName)).Distinct().Order(StringComparer.Ordinal).ToList();
        var columns = groups.Prepend("all").ToList();
        IEnumerable<GetUpOutcome> In(string group) => group == "all" ? outcomes : outcomes.Where(o => GroupOf(o, dataDirName) == group);

        var md = new StringBuilder();
        md.Append("# Get-up evaluation\n\n").Append(preamble).Append("\n\n");
        md.Append(Line($"{outcomes.Count} recordings, {outcomes.Sum(o => o.DurationSeconds) / 3600:F2} h; groups: {string.Join(", ", groups.Select(g => $"{g} ({In(g).Count()})"))}."));
        md.Append('\n');

        md.Append("## Transitions found\n\n");
        md.Append("Share of the recordings that contain a transition in which the tracker reported it (at any time in the recording).\n\n");
        md.Append("| transition | ").Append(string.Join(" | ", columns)).Append(" |\n|---|").Append(string.Concat(columns.Select(_ => "---:|"))).Append('\n');
        var patterns = outcomes.SelectMany(o => o.Expectation.Expected).Distinct().Order(StringComparer.Ordinal).ToList();
        foreach (var pattern in patterns)
        {
            md.Append("| ").Append(pattern.Replace("*", "any", StringComparison.Ordinal)).Append(" |");
            foreach (var c in columns)
            {
                var set = In(c).Where(o => o.Expectation.Expected.Contains(pattern)).ToList();
                md.Append(' ').Append(Ratio(set.Count(o => o.Found(pattern)), set.Count)).Append(" |");
            }

            md.Append('\n');
        }

        md.Append("\nOther transitions reported in these recordings (neither expected nor the reverse of an expected one):\n\n");
        md.Append("| | ").Append(string.Join(" | ", columns)).Append(" |\n|---|").Append(string.Concat(columns.Select(_ => "---:|"))).Append('\n');
        md.Append("| extra transitions per recording |");
        foreach (var c in columns)
        {
            var set = In(c).Where(o => o.Expectation.Group == GetUpGroup.Transitions).ToList();
            var extra = set.Sum(o => o.Transitions.Count(t => !o.Expectation.Expected.Any(p => GetUpExpectation.Matches(p, t.Name))));
            md.Append(' ').Append(set.Count == 0 ? "–" : (extra / (double)set.Count).ToString("F2", CultureInfo.InvariantCulture)).Append(" |");
        }

        md.Append("\n\n## Get-up alerts\n\n");
        md.Append("On recordings that contain getting up (sitting up from lying, standing up from sitting): share with an alert, and the delay from the start of the movement (the tracker's estimate, 0.5 s resolution) to the alert. The target is 3 s.\n\n");
        md.Append("| | ").Append(string.Join(" | ", columns)).Append(" |\n|---|").Append(string.Concat(columns.Select(_ => "---:|"))).Append('\n');
        var rows = new (string Label, Func<List<GetUpOutcome>, string> Value)[]
        {
            ("recordings with a get-up", set => set.Count.ToString(CultureInfo.InvariantCulture)),
            ("alerted", set => Ratio(set.Count(o => o.GetUpAlerts > 0), set.Count)),
            ("delay, median (s)", set => Quantile(set, 0.5)),
            ("delay, 95th percentile (s)", set => Quantile(set, 0.95)),
            ("alerted within 3 s of the start", set => Ratio(set.Count(o => o.FirstAlertDelaySeconds is <= 3.0), set.Count)),
        };
        foreach (var (label, value) in rows)
        {
            md.Append("| ").Append(label).Append(" |");
            foreach (var c in columns)
            {
                md.Append(' ').Append(value([.. In(c).Where(o => o.Expectation.GetUp)])).Append(" |");
            }

            md.Append('\n');
        }

        md.Append("\nSitting up from lying, with the start of the movement measured on the recording itself rather than by the tracker ")
          .Append("(the trunk's tilt, in 0.1 s means, leaving the lying plateau by 5°):\n\n");
        md.Append("| | ").Append(string.Join(" | ", columns)).Append(" |\n|---|").Append(string.Concat(columns.Select(_ => "---:|"))).Append('\n');
        var sitUpRows = new (string Label, Func<List<double>, string> Value)[]
        {
            ("sit-up alerts measured", d => d.Count.ToString(CultureInfo.InvariantCulture)),
            ("delay, median (s)", d => Quantile(d, 0.5)),
            ("delay, 95th percentile (s)", d => Quantile(d, 0.95)),
            ("within 3 s of the start", d => Ratio(d.Count(x => x <= 3), d.Count)),
        };
        foreach (var (label, value) in sitUpRows)
        {
            md.Append("| ").Append(label).Append(" |");
            foreach (var c in columns)
            {
                md.Append(' ').Append(value([.. In(c).Where(o => o.SitUpOnsetSeconds is not null && o.FirstGetUpSeconds is not null).Select(o => o.FirstGetUpSeconds!.Value - o.SitUpOnsetSeconds!.Value)])).Append(" |");
            }

            md.Append('\n');
        }

        md.Append("\n## False transitions and false get-up alerts\n\n");
        md.Append("Recordings that contain no posture transition: any transition reported there is false. Per hour of recording.\n\n");
        md.Append("| activities | group | recordings | hours | transitions / h | get-up alerts / h |\n|---|---|---:|---:|---:|---:|\n");
        foreach (var (label, category) in new[] { ("walking, jogging, stairs", GetUpGroup.Walking), ("turning over in bed", GetUpGroup.TurningInBed), ("other activities without a transition", GetUpGroup.OtherNoTransition) })
        {
            foreach (var c in columns)
            {
                var set = In(c).Where(o => o.Expectation.Group == category).ToList();
                if (set.Count == 0)
                {
                    continue;
                }

                var hours = set.Sum(o => o.DurationSeconds) / 3600;
                md.Append(Line($"| {label} | {c} | {set.Count} | {hours:F2} | {set.Sum(o => o.Transitions.Count) / hours:F1} ({set.Sum(o => o.Transitions.Count)}) | {set.Sum(o => o.GetUpAlerts) / hours:F1} ({set.Sum(o => o.GetUpAlerts)}) |"));
            }
        }

        md.Append("\n## Per activity\n\n");
        md.Append("| group | code | activity | recordings | get-up alerts | transitions reported (count) |\n|---|---|---|---:|---:|---|\n");
        foreach (var g in outcomes.GroupBy(o => (Group: GroupOf(o, dataDirName), o.Trial.Code, o.Expectation.Activity)).OrderBy(g => g.Key.Group, StringComparer.Ordinal).ThenBy(g => g.Key.Code, StringComparer.Ordinal).ThenBy(g => g.Key.Activity, StringComparer.Ordinal))
        {
            if (g.Key.Code.StartsWith('F'))
            {
                continue;
            }

            var counts = g.SelectMany(o => o.Transitions).GroupBy(t => t.Name).OrderByDescending(x => x.Count()).ThenBy(x => x.Key, StringComparer.Ordinal)
                .Select(x => $"{x.Key} ({x.Count()})");
            md.Append(Line($"| {g.Key.Group} | {g.Key.Code} | {g.Key.Activity} | {g.Count()} | {g.Sum(o => o.GetUpAlerts)} | {string.Join(", ", counts)} |"));
        }

        var path = Path.Combine(dir, "report.md");
        File.WriteAllText(path, md.ToString());
        return path;
    }

    private static string Line(FormattableString s) => s.ToString(CultureInfo.InvariantCulture) + "\n";

    private static string Ratio(int hit, int total) =>
        total == 0 ? "–" : string.Create(CultureInfo.InvariantCulture, $"{hit}/{total} ({100.0 * hit / total:F1} %)");

    private static string Quantile(List<GetUpOutcome> set, double q) =>
        Quantile([.. set.Where(o => o.FirstAlertDelaySeconds is not null).Select(o => o.FirstAlertDelaySeconds!.Value)], q);

    private static string Quantile(List<double> values, double q)
    {
        var delays = values.Order().ToList();
        if (delays.Count == 0)
        {
            return "–";
        }

        var index = Math.Min(delays.Count - 1, (int)Math.Ceiling(q * delays.Count) - 1);
        return delays[Math.Max(0, index)].ToString("F1", CultureInfo.InvariantCulture);
    }
}
