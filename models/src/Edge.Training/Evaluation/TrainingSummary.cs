using System.Globalization;
using System.Text;
using Edge.Detection.Model;

namespace Edge.Training.Evaluation;

/// <summary>Writes <c>training-summary.md</c>: the operating point, its trade-offs and the robustness checks.</summary>
public static class TrainingSummary
{
    /// <summary>Writes the summary.</summary>
    public static void Write(
        string path, ModelManifest m, IReadOnlyList<TrialOutcome> scored, IReadOnlyList<TrialOutcome> streaming, IReadOnlyList<TrialOutcome> nested,
        IReadOnlyList<TrialOutcome> triggered, IReadOnlyList<TrialOutcome> rotated, Thresholds thresholds, double refractorySeconds)
    {
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(scored);
        var md = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        md.AppendLine("# Training summary (written by `edge train`)").AppendLine();
        md.AppendLine(ci, $"{m.Training.Library}, {m.Training.Trainer}, seed {m.Training.Seed}, {m.CrossValidation.Folds} leave-one-subject-out folds. " +
            $"{m.TrainingData.Subjects} subjects, {m.TrainingData.FallTrials} fall and {m.TrainingData.AdlTrials} ADL recordings ({m.TrainingData.AdlHours:F2} h of ADL). " +
            $"Windows: {string.Join(", ", m.TrainingData.Windows.Select(w => $"{w.Key} {w.Value}"))}.").AppendLine();
        md.AppendLine(ci, $"Augmentation: {m.Training.Augmentation}.").AppendLine();
        md.AppendLine(ci, $"Operating point: {m.Training.OperatingPoint}. Chosen: {thresholds}{(thresholds.MeetsTargets ? "" : " — the targets could not be met, so the most sensitive pair is used")}.").AppendLine();

        md.AppendLine("## Cross-validated, streaming (thresholds chosen on these out-of-fold scores)").AppendLine();
        md.Append(Metrics.Markdown(Metrics.Summaries(streaming))).AppendLine();
        md.AppendLine("## Nested estimate: each subject at thresholds chosen without it").AppendLine();
        md.AppendLine("The same rule applied to the other subjects' out-of-fold outcomes only; the held-out subject is then replayed at those thresholds. " +
            "The other subjects' scores come from fold models that did see the held-out subject's recordings, so this measures the optimism of the threshold choice, not of the models.").AppendLine();
        md.Append(Metrics.Markdown(Metrics.Summaries(nested))).AppendLine();
        md.AppendLine("## Triggered mode (the firmware's pre-trigger decides what is sent)").AppendLine();
        md.Append(Metrics.Markdown(Metrics.Summaries(triggered))).AppendLine();
        var changed = streaming.Zip(triggered).Count(p => (p.First.Alerts > 0) != (p.Second.Alerts > 0));
        md.AppendLine(ci, $"Recordings whose outcome (alert or not) differs from streaming mode: {changed} of {streaming.Count}.").AppendLine();

        md.AppendLine("## Mounting: every recording rotated").AppendLine();
        md.AppendLine("Each held-out recording turned by a random rotation of up to 30° about a random axis, every other one also upside down (never seen in training), " +
            "through its fold's models at the same thresholds:").AppendLine();
        md.Append(Metrics.Markdown(Metrics.Summaries(rotated))).AppendLine();
        var rotatedChanged = streaming.Zip(rotated).Count(p => (p.First.Alerts > 0) != (p.Second.Alerts > 0));
        md.AppendLine(ci, $"Recordings whose outcome changed: {rotatedChanged} of {streaming.Count}.").AppendLine();

        md.AppendLine("## Sensitivity setting (out-of-fold, streaming)").AppendLine();
        md.AppendLine("The per-resident multiplier s moves both thresholds in log-odds (logit(t) − ln s).").AppendLine();
        md.AppendLine("| sensitivity | impact threshold | soft threshold | sensitivity (falls) | soft falls | specificity (ADL) | false alerts / h |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var s in new[] { 0.25, m.Sensitivity.Min, 1.0, m.Sensitivity.Max, 4.0 }.Distinct())
        {
            var t = new Thresholds(ModelArtifact.EffectiveThreshold(thresholds.Impact, s), ModelArtifact.EffectiveThreshold(thresholds.Soft, s));
            var summaries = Metrics.Summaries(OperatingPoint.Replay(scored, t, refractorySeconds));
            var all = summaries[0];
            var soft = summaries[^1];
            md.AppendLine(ci, $"| {s}{(s < m.Sensitivity.Min || s > m.Sensitivity.Max ? " (outside the bounds)" : "")} | {t.Impact:F4} | {t.Soft:F4} | {Metrics.Pct(all.Sensitivity)} | {soft.DetectedFalls}/{soft.FallTrials} | {Metrics.Pct(all.Specificity)} | {Metrics.Num(all.FalseAlertsPerHour, "F2")} |");
        }

        md.AppendLine().AppendLine("## Trade-off at the chosen impact threshold: the soft threshold swept").AppendLine();
        md.AppendLine("| soft threshold | sensitivity (falls) | soft falls | specificity (ADL) | false alerts / h |");
        md.AppendLine("|---:|---:|---:|---:|---:|");
        foreach (var ts in new[] { 0.5f, 0.8f, 0.9f, 0.95f, 0.97f, 0.98f, 0.99f, 0.995f, 0.998f, thresholds.Soft }.Distinct().Order())
        {
            var summaries = Metrics.Summaries(OperatingPoint.Replay(scored, thresholds with { Soft = ts }, refractorySeconds));
            var all = summaries[0];
            var soft = summaries[^1];
            md.AppendLine(ci, $"| {ts:F4}{(ts == thresholds.Soft ? " (chosen)" : "")} | {Metrics.Pct(all.Sensitivity)} | {soft.DetectedFalls}/{soft.FallTrials} | {Metrics.Pct(all.Specificity)} | {Metrics.Num(all.FalseAlertsPerHour, "F2")} |");
        }

        md.AppendLine().AppendLine("Cross-validated reports: `cross-validation/streaming/report.md`, `cross-validation/triggered/report.md`.");
        File.WriteAllText(path, md.ToString().ReplaceLineEndings("\n"));
    }
}
