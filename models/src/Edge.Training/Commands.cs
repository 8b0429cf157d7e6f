using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Edge.Detection;
using Edge.Detection.Features;
using Edge.Detection.Model;
using Edge.Recordings;
using Edge.Training.Evaluation;
using Edge.Training.Native;
using Edge.Training.Training;

namespace Edge.Training;

/// <summary>The <c>train</c> and <c>evaluate</c> commands.</summary>
internal static class Commands
{
    /// <summary>The operating threshold keeps at least this fraction of fall trials out of fold (the target).</summary>
    public const double TargetSensitivity = 0.99;

    private const string Citation = "SisFall: A. Sucerquia, J. D. López, J. F. Vargas-Bonilla, \"SisFall: A Fall and Movement Dataset\", Sensors 17(1):198, 2017";

    /// <summary>The detector geometry the training uses (the manifest carries it to the gateway).</summary>
    public static DetectorConfig DefaultConfig(int rateHz) => new() { SampleRateHz = rateHz };

    public static Command Train()
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "SisFall folder (any layout, .txt or .txt.gz)", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for model.json, manifest.json and the cross-validation reports", Required = true };
        var seed = new Option<int>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 42 };
        var rate = new Option<int>("--rate") { Description = "Device sample rate, Hz", DefaultValueFactory = _ => DeviceRecording.DefaultRateHz };
        var command = new Command("train", "Train the fall model with leave-one-subject-out cross-validation and write the artifact.") { data, output, seed, rate };
        command.SetAction(parse => Run(() => RunTrain(parse.GetValue(data)!.FullName, parse.GetValue(output)!.FullName, parse.GetValue(seed), parse.GetValue(rate))));
        return command;
    }

    public static Command Evaluate()
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "Folder of SisFall recordings (any layout, .txt or .txt.gz)", Required = true };
        var perTrial = new Option<FileInfo>("--per-trial") { Description = "CSV to write, one row per recording", Required = true };
        var mode = new Option<string>("--mode") { Description = "streaming or triggered", DefaultValueFactory = _ => "streaming" };
        mode.AcceptOnlyFromAmong("streaming", "triggered");
        var model = new Option<DirectoryInfo?>("--model") { Description = "Model folder (default: models/fall-model of this checkout)" };
        var report = new Option<DirectoryInfo?>("--report") { Description = "Folder for report.md and its SVG plots (default: beside the CSV)" };
        var rate = new Option<int>("--rate") { Description = "Device sample rate, Hz (must match the model)", DefaultValueFactory = _ => DeviceRecording.DefaultRateHz };
        var sensitivity = new Option<double>("--sensitivity") { Description = "Sensitivity multiplier within the model card's bounds", DefaultValueFactory = _ => 1.0 };
        var command = new Command("evaluate", "Stream every recording through the online detector at the device rate and report.")
        {
            data, perTrial, mode, model, report, rate, sensitivity,
        };
        command.SetAction(parse => Run(() => RunEvaluate(
            parse.GetValue(data)!.FullName,
            parse.GetValue(perTrial)!.FullName,
            parse.GetValue(mode) == "triggered",
            parse.GetValue(model)?.FullName ?? DefaultModelDir(),
            parse.GetValue(report)?.FullName,
            parse.GetValue(rate),
            parse.GetValue(sensitivity))));
        return command;
    }

    private static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (ex is XGBoostException or ModelArtifactException or DirectoryNotFoundException or InvalidDataException or ArgumentOutOfRangeException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return 1;
        }
    }

    private static int RunTrain(string dataDir, string outDir, int seed, int rateHz)
    {
        var total = Stopwatch.StartNew();
        Console.WriteLine($"XGBoost {XGBoost.Version} (libxgboost.so.0)");
        var config = DefaultConfig(rateHz);
        config.Validate();
        var trials = SisFallLoader.Discover(dataDir);
        if (trials.Count == 0)
        {
            throw new DirectoryNotFoundException($"no SisFall trial files under {dataDir}");
        }

        Console.WriteLine($"{trials.Count} trials from {trials.Select(t => t.Subject).Distinct().Count()} subjects under {dataDir}");
        var data = TrialDataLoader.Load(trials, config, DeviceQuantizer.DefaultRangeG, Progress("loading and extracting windows", trials.Count));
        var positives = data.Sum(d => d.Windows.Count(w => w.Label == 1));
        var negatives = data.Sum(d => d.Windows.Count(w => w.Label == 0));
        var fallTrials = data.Count(d => d.Trial.Label == TrialLabel.Fall);
        Console.WriteLine($"windows: {positives} falls (of {fallTrials} fall trials), {negatives} ADL, {data.Sum(d => d.Windows.Count(w => w.Label < 0))} left out; {total.Elapsed.TotalSeconds:F0} s");

        var settings = new TrainingSettings { Seed = seed };
        var folds = FallModelTrainer.LeaveOneSubjectOut(data, settings, (k, n, subject) =>
            Console.WriteLine($"cross-validation fold {k}/{n} (held out {subject}); {total.Elapsed.TotalSeconds:F0} s"));
        var scored = FallModelTrainer.OutOfFold(data, folds, config, 0.5f);
        var threshold = FallModelTrainer.ChooseThreshold(scored, TargetSensitivity);
        Console.WriteLine($"operating threshold (out-of-fold, highest with sensitivity ≥ {TargetSensitivity:P0}): {threshold:F4}");

        var oof = FallModelTrainer.OutOfFold(data, folds, config, threshold);
        var trigger = new TriggeredModeAdapter();
        var oofTriggered = FallModelTrainer.OutOfFold(data, folds, config, threshold, trigger);
        var summaries = Metrics.Summaries(oof);
        Console.WriteLine("cross-validated (leave-one-subject-out), streaming:");
        Console.Write(Metrics.Format(summaries));
        Console.WriteLine("cross-validated, triggered mode:");
        Console.Write(Metrics.Format(Metrics.Summaries(oofTriggered)));
        var baseline = FallModelTrainer.PeakBaseline(data);
        Console.WriteLine($"peak-magnitude baseline (threshold chosen per fold): sensitivity {baseline.Sensitivity:P2}, specificity {baseline.Specificity:P2}, mean threshold {baseline.MeanThresholdG:F2} g");

        var bounds = (Min: 0.5, Max: 2.0);
        var atBounds = new[] { bounds.Min, 1.0, bounds.Max }.Select(s =>
        {
            var t = ModelArtifact.EffectiveThreshold(threshold, s);
            return (Sensitivity: s, Threshold: t, Summary: Metrics.Summaries(Replay(oof, t, config.RefractorySeconds))[0]);
        }).ToList();
        var curve = new[] { 0.98, 0.985, 0.99, 0.9925, 0.995 }.Select(target =>
        {
            var t = FallModelTrainer.ChooseThreshold(scored, target);
            return (Target: target, Threshold: t, Summary: Metrics.Summaries(Replay(oof, t, config.RefractorySeconds))[0]);
        }).ToList();
        var perSubject = Metrics.Summaries(FallModelTrainer.ThresholdPerHeldOutSubject(scored, TargetSensitivity, config.RefractorySeconds));
        Console.WriteLine("threshold chosen without the held-out subject (optimism check):");
        Console.Write(Metrics.Format(perSubject));

        Console.WriteLine($"training the final model on all {data.Select(d => d.Trial.Subject).Distinct().Count()} subjects");
        var modelJson = FallModelTrainer.Train(data, settings);
        Directory.CreateDirectory(outDir);
        var modelPath = Path.Combine(outDir, "model.json");
        File.WriteAllBytes(modelPath, modelJson);

        var adlHours = data.Where(d => d.Trial.Label == TrialLabel.Adl).Sum(d => d.Recording.DurationSeconds) / 3600;
        var manifest = new ModelManifest
        {
            ModelFile = "model.json",
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(modelJson)),
            FeatureSet = FallFeatures.FeatureSetId,
            Features = [.. FallFeatures.Names],
            SampleRateHz = rateHz,
            RangeG = DeviceQuantizer.DefaultRangeG,
            Window = new ModelManifest.WindowSection
            {
                PreImpactSeconds = config.PreImpactSeconds,
                PostImpactSeconds = config.PostImpactSeconds,
                PeakSearchSeconds = config.PeakSearchSeconds,
                CandidateThresholdG = config.CandidateThresholdG,
                GapPeriods = config.GapPeriods,
                Hop = "event-driven: the candidate stage tests every sample; one window per impact (local maximum of |a| over ±peakSearchSeconds), so windows are at least peakSearchSeconds apart",
            },
            Threshold = threshold,
            RefractorySeconds = config.RefractorySeconds,
            Sensitivity = new ModelManifest.SensitivityBounds { Min = bounds.Min, Max = bounds.Max },
            XGBoostVersion = XGBoost.Version,
            Seed = seed,
            Parameters = settings.ToParameters().Append(new("rounds", settings.Rounds.ToString(CultureInfo.InvariantCulture))).ToDictionary(),
            TrainingData = new ModelManifest.TrainingDataSummary
            {
                Source = Citation + "; ADXL345 columns, resampled 200 Hz → device rate and quantised to int16 at ±16 g",
                Subjects = data.Select(d => d.Trial.Subject).Distinct().Count(),
                SubjectIds = [.. data.Select(d => d.Trial.Subject).Distinct().Order(StringComparer.Ordinal)],
                YoungSubjects = data.Where(d => !d.Trial.IsOlderAdult).Select(d => d.Trial.Subject).Distinct().Count(),
                OlderSubjects = data.Where(d => d.Trial.IsOlderAdult).Select(d => d.Trial.Subject).Distinct().Count(),
                FallTrials = fallTrials,
                AdlTrials = data.Count - fallTrials,
                AdlHours = Math.Round(adlHours, 3),
                PositiveWindows = positives,
                NegativeWindows = negatives,
                Labelling = "fall trial: the window whose impact is the trial's peak magnitude is a fall, its other windows are left out; ADL trial: every window is a non-fall",
            },
            CrossValidation = new ModelManifest.CrossValidationSummary
            {
                Scheme = "leave-one-subject-out, streaming mode, real FallDetector per held-out trial",
                Folds = folds.Count,
                Groups = summaries.ToDictionary(s => s.Group, s => new ModelManifest.GroupMetrics
                {
                    FallTrials = s.FallTrials,
                    AdlTrials = s.AdlTrials,
                    Sensitivity = Round(s.Sensitivity),
                    Specificity = Round(s.Specificity),
                    FalseAlertsPerHour = Round(s.FalseAlertsPerHour),
                    LatencyMedianSeconds = Round(s.LatencyMedianSeconds ?? double.NaN),
                    LatencyP95Seconds = Round(s.LatencyP95Seconds ?? double.NaN),
                }),
            },
        };
        File.WriteAllText(Path.Combine(outDir, ModelManifest.FileName), JsonSerializer.Serialize(manifest, ModelManifest.JsonOptions).ReplaceLineEndings("\n") + "\n");

        var cvDir = Path.Combine(outDir, "cross-validation");
        const string Honest = "Out-of-fold results: every trial was scored by a model trained without its subject (leave-one-subject-out), " +
            "through the same FallDetector the gateway runs, at the device rate after resampling and quantisation.";
        PerTrialCsv.Write(Path.Combine(cvDir, "streaming", "per-trial.csv"), oof);
        ReportWriter.Write(Path.Combine(cvDir, "streaming"), "Cross-validated evaluation, streaming mode", Honest, oof, threshold, config.RefractorySeconds);
        PerTrialCsv.Write(Path.Combine(cvDir, "triggered", "per-trial.csv"), oofTriggered);
        ReportWriter.Write(Path.Combine(cvDir, "triggered"), "Cross-validated evaluation, triggered mode", Honest + " " + TriggerText(trigger), oofTriggered, threshold, config.RefractorySeconds);
        WriteTrainingSummary(Path.Combine(outDir, "training-summary.md"), manifest, baseline, atBounds, curve, perSubject);
        Console.WriteLine($"wrote {modelPath} (sha256 {manifest.Sha256}) and {outDir}; {total.Elapsed.TotalSeconds:F0} s in total");
        return 0;
    }

    private static int RunEvaluate(string dataDir, string csvPath, bool triggeredMode, string modelDir, string? reportDir, int rateHz, double sensitivity)
    {
        var total = Stopwatch.StartNew();
        var artifact = ModelArtifact.Load(modelDir, rateHz);
        _ = artifact.CreateDetector(sensitivity); // validates the sensitivity bounds before the long run
        var trials = SisFallLoader.Discover(dataDir);
        if (trials.Count == 0)
        {
            throw new DirectoryNotFoundException($"no SisFall trial files under {dataDir}");
        }

        var trigger = triggeredMode ? new TriggeredModeAdapter() : null;
        var seen = trials.Select(t => t.Subject).Distinct().Where(artifact.Manifest.TrainingData.SubjectIds.Contains).ToList();
        var inSample = seen.Count == 0 ? string.Empty :
            $"**In-sample warning:** {seen.Count} of the {trials.Select(t => t.Subject).Distinct().Count()} subject ids evaluated here are in the model's training data, " +
            "so these results overstate what the model does for new people. The cross-validated results in the model folder are the honest estimate.";
        if (inSample.Length > 0)
        {
            Console.WriteLine(inSample.Replace("**", string.Empty, StringComparison.Ordinal));
        }

        Console.WriteLine($"model {artifact.Directory} (sha256 {artifact.Manifest.Sha256[..12]}…), {trials.Count} recordings, {(triggeredMode ? "triggered" : "streaming")} mode at {rateHz} Hz");
        var outcomes = new TrialOutcome[trials.Count];
        var progress = Progress("evaluating", trials.Count);
        var done = 0;
        Parallel.For(0, trials.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var recording = DeviceRecording.Load(trials[i], rateHz, artifact.Manifest.RangeG);
            outcomes[i] = TrialRunner.Run(recording, h => artifact.CreateDetector(sensitivity, h), trigger);
            progress.Report(Interlocked.Increment(ref done));
        });

        PerTrialCsv.Write(csvPath, outcomes);
        Console.Write(Metrics.Format(Metrics.Summaries(outcomes)));
        reportDir ??= Path.Combine(Path.GetDirectoryName(Path.GetFullPath(csvPath))!, "report-" + (triggeredMode ? "triggered" : "streaming"));
        var preamble = $"Recordings under `{Path.GetFileName(Path.TrimEndingDirectorySeparator(dataDir))}` streamed through the gateway's FallDetector " +
            $"({(triggeredMode ? "triggered" : "streaming")} mode, {rateHz} Hz, sensitivity {sensitivity.ToString(CultureInfo.InvariantCulture)}) with the model in `{Path.GetFileName(artifact.Directory)}`." +
            (trigger is null ? string.Empty : " " + TriggerText(trigger)) +
            (inSample.Length == 0 ? string.Empty : "\n\n" + inSample);
        var threshold = ModelArtifact.EffectiveThreshold(artifact.Manifest.Threshold, sensitivity);
        var report = ReportWriter.Write(reportDir, "Fall model evaluation", preamble, outcomes, threshold, artifact.Manifest.RefractorySeconds);
        Console.WriteLine($"wrote {csvPath} and {report}; {total.Elapsed.TotalSeconds:F0} s");
        return 0;
    }

    private static string TriggerText(TriggeredModeAdapter t) => string.Create(CultureInfo.InvariantCulture,
        $"Triggered mode: the firmware's PreTrigger (impact > {t.ImpactThresholdMilliG} mg, or free fall < {t.FreeFallThresholdMilliG} mg for {t.FreeFallMinMs} ms) " +
        $"opens a window of {t.PreTriggerSeconds} s before to {t.PostTriggerSeconds} s after the trigger; only those samples reach the detector.");

    private static TrialOutcome[] Replay(IReadOnlyList<TrialOutcome> outcomes, float threshold, double refractorySeconds) =>
        outcomes.Select(o => FallModelTrainer.Replay(o, threshold, refractorySeconds)).ToArray();

    private static void WriteTrainingSummary(
        string path,
        ModelManifest m,
        (double Sensitivity, double Specificity, double MeanThresholdG) baseline,
        IEnumerable<(double Sensitivity, float Threshold, GroupSummary Summary)> atBounds,
        IEnumerable<(double Target, float Threshold, GroupSummary Summary)> curve,
        IReadOnlyList<GroupSummary> perSubject)
    {
        var lines = new List<string>
        {
            "# Training summary (written by `edge train`)",
            "",
            $"XGBoost {m.XGBoostVersion}, seed {m.Seed}, {m.CrossValidation.Folds} leave-one-subject-out folds. " +
            $"{m.TrainingData.Subjects} subjects ({m.TrainingData.YoungSubjects} young, {m.TrainingData.OlderSubjects} older), " +
            $"{m.TrainingData.FallTrials} fall and {m.TrainingData.AdlTrials} ADL trials ({m.TrainingData.AdlHours:F2} h of ADL); " +
            $"{m.TrainingData.PositiveWindows} fall windows and {m.TrainingData.NegativeWindows} ADL windows.",
            "",
            string.Create(CultureInfo.InvariantCulture, $"Operating threshold {m.Threshold:F4}: chosen on out-of-fold per-trial scores as the highest threshold that still detects ≥ {TargetSensitivity:P0} of the fall trials, i.e. the fewest false alarms at the sensitivity target."),
            "",
            "## Peak-magnitude baseline (same folds)",
            "",
            string.Create(CultureInfo.InvariantCulture, $"One threshold on the trial's peak |a|, chosen on the training subjects of each fold: sensitivity {baseline.Sensitivity:P2}, specificity {baseline.Specificity:P2} (mean threshold {baseline.MeanThresholdG:F2} g)."),
            "",
            "## Sensitivity setting (out-of-fold, streaming, all subjects)",
            "",
            "| sensitivity | effective threshold | sensitivity (falls) | specificity (ADL) | false alerts / h |",
            "|---:|---:|---:|---:|---:|",
        };
        lines.AddRange(atBounds.Select(b => string.Create(CultureInfo.InvariantCulture,
            $"| {b.Sensitivity} | {b.Threshold:F4} | {Metrics.Pct(b.Summary.Sensitivity)} | {Metrics.Pct(b.Summary.Specificity)} | {Metrics.Num(b.Summary.FalseAlertsPerHour, "F3")} |")));
        lines.Add("");
        lines.Add("## Trade-off (out-of-fold, streaming, all subjects): threshold for each sensitivity target");
        lines.Add("");
        lines.Add("| target | threshold | sensitivity (falls) | specificity (ADL) | false alerts / h | ADL alerts |");
        lines.Add("|---:|---:|---:|---:|---:|---:|");
        lines.AddRange(curve.Select(c => string.Create(CultureInfo.InvariantCulture,
            $"| ≥ {Metrics.Pct(c.Target)} | {c.Threshold:F4} | {Metrics.Pct(c.Summary.Sensitivity)} | {Metrics.Pct(c.Summary.Specificity)} | {Metrics.Num(c.Summary.FalseAlertsPerHour, "F3")} | {c.Summary.AdlAlerts} |")));
        lines.Add("");
        lines.Add("## Threshold chosen without the held-out subject");
        lines.Add("");
        lines.Add(string.Create(CultureInfo.InvariantCulture,
            $"The operating threshold above is chosen on the same out-of-fold scores it is reported on. Here each subject is judged at a threshold chosen (same rule, ≥ {TargetSensitivity:P0}) on the other subjects' out-of-fold scores only:"));
        lines.Add("");
        lines.Add("| group | sensitivity | specificity | false alerts / h |");
        lines.Add("|---|---:|---:|---:|");
        lines.AddRange(perSubject.Select(g => $"| {g.Group} | {Metrics.Pct(g.Sensitivity)} | {Metrics.Pct(g.Specificity)} | {Metrics.Num(g.FalseAlertsPerHour, "F3")} |"));
        lines.Add("");
        lines.Add("Cross-validated reports: `cross-validation/streaming/report.md`, `cross-validation/triggered/report.md`.");
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
    }

    private static double Round(double v) => double.IsNaN(v) ? v : Math.Round(v, 5);

    private static IProgress<int> Progress(string what, int total)
    {
        var lastTenth = -1;
        var gate = new object();
        var clock = Stopwatch.StartNew();
        return new SynchronousProgress(done =>
        {
            var tenth = done * 10 / Math.Max(1, total);
            lock (gate)
            {
                if (tenth > lastTenth)
                {
                    lastTenth = tenth;
                    Console.Error.WriteLine($"{what}: {done}/{total} ({clock.Elapsed.TotalSeconds:F0} s)");
                }
            }
        });
    }

    private static string DefaultModelDir()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Edge.sln")))
                {
                    return Path.Combine(dir.FullName, "models", "fall-model");
                }
            }
        }

        throw new DirectoryNotFoundException("no --model given and no checkout (Edge.sln) found above the current folder");
    }

    private sealed class SynchronousProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
