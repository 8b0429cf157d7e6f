using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Edge.Detection;
using Edge.Detection.Features;
using Edge.Detection.Model;
using Edge.Recordings;
using Edge.Training.Data;
using Edge.Training.Evaluation;
using Edge.Training.Training;

namespace Edge.Training;

/// <summary>The <c>train</c> and <c>evaluate</c> commands.</summary>
internal static class Commands
{
    private const string ImpactFile = "impact.zip";
    private const string SoftFile = "soft.zip";

    private static readonly string[] Citations =
    [
        "SisFall: A. Sucerquia, J. D. López, J. F. Vargas-Bonilla, \"SisFall: A Fall and Movement Dataset\", Sensors 17(1):198, 2017",
        "FallAllD: M. Saleh, M. Abbas, R. B. Le Jeannès, \"FallAllD: An Open Dataset of Human Falls and Activities of Daily Living for Classical and Deep Learning Applications\", IEEE Sensors Journal 21(2):1849–1858, 2021",
    ];

    /// <summary>The detector geometry the training uses (the manifest carries it to the gateway).</summary>
    public static DetectorConfig DefaultConfig(int rateHz) => new() { SampleRateHz = rateHz };

    public static Command Train()
    {
        var data = new Option<DirectoryInfo[]>("--data") { Description = "Folder(s) of recordings in SisFall's layout (.txt or .txt.gz); a folder holding several datasets is reported per dataset", Required = true, AllowMultipleArgumentsPerToken = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for the models, manifest.json and the cross-validation reports", Required = true };
        var seed = new Option<int>("--seed") { Description = "Random seed (augmentation and trainers)", DefaultValueFactory = _ => 42 };
        var rate = new Option<int>("--rate") { Description = "Device sample rate, Hz", DefaultValueFactory = _ => DeviceRecording.DefaultRateHz };
        var trainer = new Option<string>("--trainer") { Description = "ML.NET trainer for the shipped models", DefaultValueFactory = _ => "fasttree" };
        trainer.AcceptOnlyFromAmong("fasttree", "lightgbm");
        var compare = new Option<bool>("--compare") { Description = "Also cross-validate the other ML.NET trainer on the same folds and write cross-validation/comparison.md" };
        var command = new Command("train", "Train the fall models (impact and soft path) with leave-one-subject-out cross-validation and write the artifact.")
        {
            data, output, seed, rate, trainer, compare,
        };
        command.SetAction(parse => Run(() => RunTrain(
            [.. parse.GetValue(data)!.Select(d => d.FullName)],
            parse.GetValue(output)!.FullName,
            parse.GetValue(seed),
            parse.GetValue(rate),
            parse.GetValue(trainer) == "lightgbm" ? TreeTrainer.LightGbm : TreeTrainer.FastTree,
            parse.GetValue(compare))));
        return command;
    }

    public static Command Evaluate()
    {
        var data = new Option<DirectoryInfo[]>("--data") { Description = "Folder(s) of recordings in SisFall's layout (.txt or .txt.gz)", Required = true, AllowMultipleArgumentsPerToken = true };
        var perTrial = new Option<FileInfo>("--per-trial") { Description = "CSV to write, one row per recording", Required = true };
        var mode = new Option<string>("--mode") { Description = "streaming or triggered", DefaultValueFactory = _ => "streaming" };
        mode.AcceptOnlyFromAmong("streaming", "triggered");
        var model = new Option<DirectoryInfo?>("--model") { Description = "Model folder (default: models/fall-model of this checkout)" };
        var report = new Option<DirectoryInfo?>("--report") { Description = "Folder for report.md and its SVG plots (default: beside the CSV)" };
        var rate = new Option<int>("--rate") { Description = "Device sample rate, Hz (must match the model)", DefaultValueFactory = _ => DeviceRecording.DefaultRateHz };
        var sensitivity = new Option<double>("--sensitivity") { Description = "Sensitivity multiplier within the model card's bounds", DefaultValueFactory = _ => 1.0 };
        var task = new Option<string>("--task") { Description = "fall (the fall model) or getup (the posture tracker and get-up alert)", DefaultValueFactory = _ => "fall" };
        task.AcceptOnlyFromAmong("fall", "getup");
        var upright = new Option<string>("--upright") { Description = "getup: learn the upright axis from each subject's walking recordings (walking) or start from the sensor's y axis (fresh)", DefaultValueFactory = _ => "walking" };
        upright.AcceptOnlyFromAmong("walking", "fresh");
        var start = new Option<string>("--start") { Description = "getup: tell each tracker the posture the activity starts in (known) or not (unknown)", DefaultValueFactory = _ => "known" };
        start.AcceptOnlyFromAmong("known", "unknown");
        var command = new Command("evaluate", "Stream every recording through the online detector at the device rate and report.")
        {
            data, perTrial, mode, model, report, rate, sensitivity, task, upright, start,
        };
        command.SetAction(parse => parse.GetValue(task) == "getup"
            ? Run(() => GetUpCommand.Run([.. parse.GetValue(data)!.Select(d => d.FullName)], parse.GetValue(perTrial)!.FullName, parse.GetValue(report)?.FullName, parse.GetValue(rate), parse.GetValue(upright) == "walking", parse.GetValue(start) == "known"))
            : Run(() => RunEvaluate(
            [.. parse.GetValue(data)!.Select(d => d.FullName)],
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
        catch (Exception ex) when (ex is ModelArtifactException or DirectoryNotFoundException or InvalidDataException or ArgumentOutOfRangeException or IOException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return 1;
        }
    }

    private static int RunTrain(string[] dataDirs, string outDir, int seed, int rateHz, TreeTrainer trainer, bool compare)
    {
        var total = Stopwatch.StartNew();
        void Say(string line) => Console.WriteLine($"{line} ({total.Elapsed.TotalSeconds:F0} s)");
        var config = DefaultConfig(rateHz);
        config.Validate();
        var catalog = TrialCatalog.Discover(dataDirs);
        Say($"{catalog.Count} recordings from {catalog.Select(t => t.Trial.Subject).Distinct().Count()} subjects in {string.Join(", ", catalog.Select(t => t.Dataset).Distinct())}; {MlNetTrainer.LibraryVersion}, {trainer}, seed {seed}");
        var data = TrialDataLoader.Load(catalog, config, DeviceQuantizer.DefaultRangeG, Progress("loading and extracting windows", catalog.Count));
        var augmented = Augmentation.Make(data, config, seed);
        Say($"windows: {Count(data, FallPath.Impact, 1)} impact falls, {Count(data, FallPath.Impact, 0)} impact ADL, {Count(data, FallPath.Soft, 1)} soft falls, {Count(data, FallPath.Soft, 0)} soft ADL; " +
            $"{augmented.Count} augmented copies ({augmented.Sum(a => a.Windows.Count)} windows, training folds only)");

        var settings = new TrainingSettings { Seed = seed, Trainer = trainer };
        var folds = CrossValidation.LeaveOneSubjectOut(data, augmented, _ => true, settings, (k, n, s) => Say($"fold {k}/{n} (held out {s})"));
        var oof = CrossValidation.OutOfFold(data, folds, config);
        var thresholds = OperatingPoint.Choose(oof, config.RefractorySeconds);
        Say($"operating thresholds: {thresholds}{(thresholds.MeetsTargets ? string.Empty : " (the targets could not be met: the most sensitive point is used)")}");
        var streaming = OperatingPoint.Replay(oof, thresholds, config.RefractorySeconds);
        var nested = OperatingPoint.PerHeldOutSubject(oof, config.RefractorySeconds);
        var trigger = new TriggeredModeAdapter();
        var triggered = OperatingPoint.Replay(CrossValidation.OutOfFold(data, folds, config, trigger), thresholds, config.RefractorySeconds);
        var rotated = OperatingPoint.Replay(CrossValidation.OutOfFold(data, folds, config, transform: (_, i) => RotationCheck(data[i].Recording, seed, i)), thresholds, config.RefractorySeconds);
        var summaries = Metrics.Summaries(streaming);
        Console.WriteLine("cross-validated (leave-one-subject-out), streaming:");
        Console.Write(Metrics.Format(summaries));
        Console.WriteLine("thresholds chosen without the held-out subject (nested estimate):");
        Console.Write(Metrics.Format(Metrics.Summaries(nested)));
        Console.WriteLine("triggered mode:");
        Console.Write(Metrics.Format(Metrics.Summaries(triggered)));
        Console.WriteLine("every recording rotated (up to 30°, half upside down):");
        Console.Write(Metrics.Format(Metrics.Summaries(rotated)));

        Say($"training the final models on all {folds.Count} subjects");
        var (impactModel, softModel) = PathModels.Train(data.Concat(augmented), settings);
        Directory.CreateDirectory(outDir);
        File.WriteAllBytes(Path.Combine(outDir, ImpactFile), impactModel);
        File.WriteAllBytes(Path.Combine(outDir, SoftFile), softModel);

        var manifest = BuildManifest(config, data, augmented, settings, thresholds, impactModel, softModel, folds.Count, summaries, Metrics.Summaries(nested));
        File.WriteAllText(Path.Combine(outDir, ModelManifest.FileName), JsonSerializer.Serialize(manifest, ModelManifest.JsonOptions).ReplaceLineEndings("\n") + "\n");

        var cvDir = Path.Combine(outDir, "cross-validation");
        const string Honest = "Out-of-fold results: every recording was scored by models trained without its subject (leave-one-subject-out; augmented copies of a subject never train the fold that holds it out), " +
            "through the same FallDetector the gateway runs, at the device rate after resampling and quantisation. The thresholds were chosen on these out-of-fold scores; " +
            "the nested estimate (thresholds chosen without each subject) is in the training summary.";
        PerTrialCsv.Write(Path.Combine(cvDir, "streaming", "per-trial.csv"), streaming);
        ReportWriter.Write(Path.Combine(cvDir, "streaming"), "Cross-validated evaluation, streaming mode", Honest, streaming, thresholds, config.RefractorySeconds);
        PerTrialCsv.Write(Path.Combine(cvDir, "triggered", "per-trial.csv"), triggered);
        ReportWriter.Write(Path.Combine(cvDir, "triggered"), "Cross-validated evaluation, triggered mode", Honest + " " + TriggerText(trigger), triggered, thresholds, config.RefractorySeconds);
        TrainingSummary.Write(Path.Combine(outDir, "training-summary.md"), manifest, oof, streaming, nested, triggered, rotated, thresholds, config.RefractorySeconds);
        Say($"wrote {outDir} (impact sha256 {manifest.Impact.Sha256[..12]}…, soft sha256 {manifest.Soft.Sha256[..12]}…)");
        if (compare)
        {
            // Last, so the artifact above is usable while the other learners are cross-validated.
            List<(string Name, TrialOutcome[] Outcomes, Thresholds Thresholds)> comparison = [($"ML.NET {trainer}", streaming, thresholds)];
            var other = trainer == TreeTrainer.FastTree ? TreeTrainer.LightGbm : TreeTrainer.FastTree;
            var otherFolds = CrossValidation.LeaveOneSubjectOut(data, augmented, _ => true, settings with { Trainer = other }, (k, n, s) => Say($"{other} fold {k}/{n}"));
            var otherOof = CrossValidation.OutOfFold(data, otherFolds, config);
            var otherThresholds = OperatingPoint.Choose(otherOof, config.RefractorySeconds);
            comparison.Add(($"ML.NET {other}", OperatingPoint.Replay(otherOof, otherThresholds, config.RefractorySeconds), otherThresholds));
            WriteComparison(Path.Combine(cvDir, "comparison.md"), comparison);
            Say("wrote the comparison");
        }

        return 0;
    }

    /// <summary>The rotation check's copy of recording <paramref name="index"/>: a seeded random turn of up to 30°, every other one also upside down.</summary>
    internal static DeviceRecording RotationCheck(DeviceRecording recording, int seed, int index)
    {
        var rnd = new Random(Augmentation.Seed(seed, index, copy: -1)); // copy -1: never an augmentation's seed
        return Augmentation.Rotate(recording, Augmentation.RandomRotation(rnd, Augmentation.MaxRotationDegrees), index % 2 == 1);
    }

    private static int Count(IEnumerable<TrialData> data, FallPath path, int label) => data.Sum(d => d.Windows.Count(w => w.Path == path && w.Label == label));

    private static ModelManifest BuildManifest(
        DetectorConfig config, IReadOnlyList<TrialData> data, IReadOnlyList<TrialData> augmented, TrainingSettings settings, Thresholds thresholds,
        byte[] impactModel, byte[] softModel, int folds, IReadOnlyList<GroupSummary> summaries, IReadOnlyList<GroupSummary> nested)
    {
        var manifest = new ModelManifest
        {
            Name = "waist-v3",
            RangeG = DeviceQuantizer.DefaultRangeG,
            Impact = new ModelManifest.PathModel
            {
                ModelFile = ImpactFile,
                Sha256 = Convert.ToHexStringLower(SHA256.HashData(impactModel)),
                FeatureSet = ImpactFeatures.FeatureSetId,
                Features = [.. ImpactFeatures.Names],
                Threshold = thresholds.Impact,
            },
            Soft = new ModelManifest.PathModel
            {
                ModelFile = SoftFile,
                Sha256 = Convert.ToHexStringLower(SHA256.HashData(softModel)),
                FeatureSet = SoftFeatures.FeatureSetId,
                Features = [.. SoftFeatures.Names],
                Threshold = thresholds.Soft,
            },
            Sensitivity = new ModelManifest.SensitivityBounds { Min = 0.5, Max = 2.0 },
            Training = new ModelManifest.TrainingSection
            {
                Library = MlNetTrainer.LibraryVersion,
                Trainer = settings.Trainer.ToString(),
                Seed = settings.Seed,
                Parameters = settings.ToParameters(),
                Augmentation = Augmentation.Description,
                OperatingPoint = OperatingPoint.Description,
            },
            TrainingData = new ModelManifest.TrainingDataSummary
            {
                Sources = [.. data.Select(d => d.Catalog.Dataset).Distinct().Order(StringComparer.Ordinal)
                    .Select(d => Citations.FirstOrDefault(c => c.StartsWith(d, StringComparison.OrdinalIgnoreCase)) ?? d)
                    .Select(s => s + "; ADXL345-layout counts, resampled to the device rate and quantised to int16 at ±16 g")],
                Subjects = data.Select(d => d.Subject).Distinct().Count(),
                SubjectIds = [.. data.Select(d => d.Subject).Distinct().Order(StringComparer.Ordinal)],
                FallTrials = data.Count(d => d.Trial.Label == TrialLabel.Fall),
                AdlTrials = data.Count(d => d.Trial.Label == TrialLabel.Adl),
                AdlHours = Math.Round(data.Where(d => d.Trial.Label == TrialLabel.Adl).Sum(d => d.Recording.DurationSeconds) / 3600, 3),
                Windows = new Dictionary<string, int>
                {
                    ["impactFall"] = Count(data, FallPath.Impact, 1),
                    ["impactAdl"] = Count(data, FallPath.Impact, 0),
                    ["softFall"] = Count(data, FallPath.Soft, 1),
                    ["softAdl"] = Count(data, FallPath.Soft, 0),
                    ["augmentedCopies"] = augmented.Count,
                },
                Labelling = "fall trial: the impact window at the trial's peak magnitude and the soft windows anchored within 2 s of it are the fall, its other windows are left out; ADL trial: every window is a non-fall",
            },
            CrossValidation = new ModelManifest.CrossValidationSummary
            {
                Scheme = "leave-one-subject-out, streaming mode, real FallDetector per held-out recording",
                Folds = folds,
                Groups = ToMetrics(summaries),
                Nested = ToMetrics(nested),
            },
        };
        manifest.SetDetectorConfig(config);
        return manifest;
    }

    private static Dictionary<string, ModelManifest.GroupMetrics> ToMetrics(IReadOnlyList<GroupSummary> summaries) =>
        summaries.ToDictionary(s => s.Group, s => new ModelManifest.GroupMetrics
        {
            FallTrials = s.FallTrials,
            AdlTrials = s.AdlTrials,
            Sensitivity = Round(s.Sensitivity),
            Specificity = Round(s.Specificity),
            FalseAlertsPerHour = Round(s.FalseAlertsPerHour),
            ImpactLatencyMedianSeconds = Round(s.ImpactLatencyMedianSeconds ?? double.NaN),
            SoftLatencyMedianSeconds = Round(s.SoftLatencyMedianSeconds ?? double.NaN),
            SoftPathAlerts = s.SoftAlerts,
        });

    private static void WriteComparison(string path, List<(string Name, TrialOutcome[] Outcomes, Thresholds Thresholds)> rows)
    {
        var md = new StringBuilder();
        md.AppendLine("# Learners compared on the same folds").AppendLine();
        md.AppendLine("The same candidate windows, augmentation, leave-one-subject-out folds, detector and threshold rule; only the learner differs. " +
            "Each learner's thresholds are chosen by the same rule on its own out-of-fold scores.").AppendLine();
        md.AppendLine("| learner | thresholds (impact, soft) | group | sensitivity | specificity | false alerts / h | soft falls detected |");
        md.AppendLine("|---|---|---|---:|---:|---:|---:|");
        foreach (var (name, outcomes, thresholds) in rows)
        {
            var summaries = Metrics.Summaries(outcomes);
            var soft = summaries[^1];
            foreach (var s in summaries.Take(summaries.Count - 1))
            {
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {name} | {thresholds.Impact:F4}, {thresholds.Soft:F4} | {s.Group} | {Metrics.Pct(s.Sensitivity)} | {Metrics.Pct(s.Specificity)} | {Metrics.Num(s.FalseAlertsPerHour, "F2")} | {(s.Group == "all" ? $"{soft.DetectedFalls}/{soft.FallTrials}" : string.Empty)} |");
            }
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, md.ToString().ReplaceLineEndings("\n"));
    }

    private static int RunEvaluate(string[] dataDirs, string csvPath, bool triggeredMode, string modelDir, string? reportDir, int rateHz, double sensitivity)
    {
        var total = Stopwatch.StartNew();
        var artifact = ModelArtifact.Load(modelDir, rateHz);
        _ = artifact.CreateDetector(sensitivity); // validates the sensitivity bounds before the long run
        var catalog = TrialCatalog.Discover(dataDirs);
        var trigger = triggeredMode ? new TriggeredModeAdapter() : null;
        var subjects = catalog.Select(t => t.Trial.Subject).Distinct().ToList();
        var seen = subjects.Where(artifact.Manifest.TrainingData.SubjectIds.Contains).ToList();
        var inSample = seen.Count == 0 ? string.Empty :
            $"**In-sample warning:** {seen.Count} of the {subjects.Count} subject ids evaluated here are in the model's training data, " +
            "so these results overstate what the model does for new people. The cross-validated results in the model folder are the honest estimate.";
        if (inSample.Length > 0)
        {
            Console.WriteLine(inSample.Replace("**", string.Empty, StringComparison.Ordinal));
        }

        Console.WriteLine($"model {artifact.Directory} ({artifact.Manifest.Name}, impact {artifact.Manifest.Impact.Sha256[..12]}…, soft {artifact.Manifest.Soft.Sha256[..12]}…), {catalog.Count} recordings, {(triggeredMode ? "triggered" : "streaming")} mode at {rateHz} Hz");
        var outcomes = new TrialOutcome[catalog.Count];
        var progress = Progress("evaluating", catalog.Count);
        var done = 0;
        Parallel.For(0, catalog.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var recording = DeviceRecording.Load(catalog[i].Trial, rateHz, artifact.Manifest.RangeG);
            outcomes[i] = TrialRunner.Run(recording, catalog[i], h => artifact.CreateDetector(sensitivity, h), trigger);
            progress.Report(Interlocked.Increment(ref done));
        });

        PerTrialCsv.Write(csvPath, outcomes);
        Console.Write(Metrics.Format(Metrics.Summaries(outcomes)));
        reportDir ??= Path.Combine(Path.GetDirectoryName(Path.GetFullPath(csvPath))!, "report-" + (triggeredMode ? "triggered" : "streaming"));
        var names = string.Join(", ", dataDirs.Select(d => $"`{Path.GetFileName(Path.TrimEndingDirectorySeparator(d))}`"));
        var preamble = $"Recordings under {names} streamed through the gateway's FallDetector " +
            $"({(triggeredMode ? "triggered" : "streaming")} mode, {rateHz} Hz, sensitivity {sensitivity.ToString(CultureInfo.InvariantCulture)}) with the models in `{Path.GetFileName(artifact.Directory)}`." +
            (trigger is null ? string.Empty : " " + TriggerText(trigger)) +
            (inSample.Length == 0 ? string.Empty : "\n\n" + inSample);
        var thresholds = new Thresholds(
            ModelArtifact.EffectiveThreshold(artifact.Manifest.Impact.Threshold, sensitivity),
            ModelArtifact.EffectiveThreshold(artifact.Manifest.Soft.Threshold, sensitivity));
        var report = ReportWriter.Write(reportDir, "Fall model evaluation", preamble, outcomes, thresholds, artifact.Manifest.RefractorySeconds);
        Console.WriteLine($"wrote {csvPath} and {report}; {total.Elapsed.TotalSeconds:F0} s");
        return 0;
    }

    internal static string TriggerText(TriggeredModeAdapter t) => string.Create(CultureInfo.InvariantCulture,
        $"Triggered mode: the firmware's PreTrigger (impact > {t.ImpactThresholdMilliG} mg, free fall < {t.FreeFallThresholdMilliG} mg for {t.FreeFallMinMs} ms, or a turn of the low-passed gravity vector) " +
        $"opens a window of {t.PreTriggerSeconds} s before to {t.PostTriggerSeconds} s after the trigger; only those samples reach the detector.");

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
