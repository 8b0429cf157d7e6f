using System.Globalization;
using Edge.Detection;
using Edge.Detection.Features;
using Edge.Detection.Model;
using Edge.Recordings;
using Edge.Training.Evaluation;
using Edge.Training.Native;

namespace Edge.Training.Training;

/// <summary>XGBoost settings. Fixed, not tuned per subject; chosen once by grouped CV.</summary>
public sealed record TrainingSettings
{
    /// <summary>Random seed (row and column subsampling).</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Boosting rounds.</summary>
    public int Rounds { get; init; } = 300;

    /// <summary>Tree depth.</summary>
    public int MaxDepth { get; init; } = 6;

    /// <summary>Learning rate.</summary>
    public double Eta { get; init; } = 0.05;

    /// <summary>Row subsampling per tree.</summary>
    public double Subsample { get; init; } = 0.8;

    /// <summary>Column subsampling per tree.</summary>
    public double ColsampleByTree { get; init; } = 0.8;

    /// <summary>Minimum hessian in a leaf.</summary>
    public double MinChildWeight { get; init; } = 1;

    /// <summary>Threads for XGBoost (the model is byte-identical for 1 or 2).</summary>
    public int Threads { get; init; } = 2;

    /// <summary>Parameters as XGBoost names them, in a fixed order.</summary>
    public Dictionary<string, string> ToParameters() => new()
    {
        ["objective"] = "binary:logistic",
        ["eval_metric"] = "logloss",
        ["tree_method"] = "hist",
        ["max_depth"] = MaxDepth.ToString(CultureInfo.InvariantCulture),
        ["eta"] = Eta.ToString("R", CultureInfo.InvariantCulture),
        ["subsample"] = Subsample.ToString("R", CultureInfo.InvariantCulture),
        ["colsample_bytree"] = ColsampleByTree.ToString("R", CultureInfo.InvariantCulture),
        ["min_child_weight"] = MinChildWeight.ToString("R", CultureInfo.InvariantCulture),
        ["base_score"] = "0.5",
        ["seed"] = Seed.ToString(CultureInfo.InvariantCulture),
        ["nthread"] = Threads.ToString(CultureInfo.InvariantCulture),
        ["verbosity"] = "1",
    };
}

/// <summary>One leave-one-subject-out fold.</summary>
/// <param name="Subject">The held-out subject.</param>
/// <param name="ModelJson">The fold's XGBoost JSON model (trained without that subject).</param>
/// <param name="TestTrials">Indices of the held-out subject's trials.</param>
public sealed record Fold(string Subject, byte[] ModelJson, IReadOnlyList<int> TestTrials);

/// <summary>Training through the XGBoost C API and grouped cross-validation.</summary>
public static class FallModelTrainer
{
    /// <summary>Trains on the labelled windows (label 0 or 1) of <paramref name="trials"/>, in order.</summary>
    public static byte[] Train(IEnumerable<TrialData> trials, TrainingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(settings);
        var rows = trials.SelectMany(t => t.Windows).Where(w => w.Label >= 0).ToList();
        if (rows.Count == 0 || rows.All(r => r.Label == rows[0].Label))
        {
            throw new InvalidOperationException("training needs both fall and ADL windows");
        }

        var columns = FallFeatures.Count;
        var data = new float[rows.Count * columns];
        var labels = new float[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            rows[i].Features.AsSpan(0, columns).CopyTo(data.AsSpan(i * columns));
            labels[i] = rows[i].Label;
        }

        using var matrix = new DMatrix(data, rows.Count, columns, labels);
        using var booster = new Booster(matrix);
        foreach (var (name, value) in settings.ToParameters())
        {
            booster.SetParam(name, value);
        }

        for (var round = 0; round < settings.Rounds; round++)
        {
            booster.UpdateOneIteration(round, matrix);
        }

        return booster.SaveJson();
    }

    /// <summary>Leave-one-subject-out: one model per subject, trained on all other subjects.</summary>
    public static IReadOnlyList<Fold> LeaveOneSubjectOut(IReadOnlyList<TrialData> data, TrainingSettings settings, Action<int, int, string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var subjects = data.Select(d => d.Trial.Subject).Distinct().Order(StringComparer.Ordinal).ToList();
        var folds = new List<Fold>();
        for (var k = 0; k < subjects.Count; k++)
        {
            var subject = subjects[k];
            progress?.Invoke(k + 1, subjects.Count, subject);
            var train = data.Where(d => d.Trial.Subject != subject);
            var test = Enumerable.Range(0, data.Count).Where(i => data[i].Trial.Subject == subject).ToList();
            folds.Add(new Fold(subject, Train(train, settings), test));
        }

        return folds;
    }

    /// <summary>
    /// Runs every held-out trial through the real detector with its fold's model: the out-of-fold
    /// outcomes, exactly as the gateway would have produced them for a person it never saw.
    /// </summary>
    public static TrialOutcome[] OutOfFold(IReadOnlyList<TrialData> data, IReadOnlyList<Fold> folds, DetectorConfig config, float threshold, TriggeredModeAdapter? triggered = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(folds);
        var outcomes = new TrialOutcome[data.Count];
        foreach (var fold in folds)
        {
            var model = XGBoostModel.Parse(fold.ModelJson);
            Parallel.ForEach(fold.TestTrials, i =>
                outcomes[i] = TrialRunner.Run(data[i].Recording, h => new FallDetector(config, model, threshold, h), triggered));
        }

        return outcomes;
    }

    /// <summary>
    /// Chooses the operating threshold on out-of-fold per-trial scores: the highest threshold that still
    /// alerts on at least <paramref name="targetSensitivity"/> of the fall trials (so the fewest ADL
    /// trials reach it), placed halfway between the lowest fall score it must keep and the next lower
    /// trial score. A missed fall costs far more than a false alarm, so sensitivity is the constraint
    /// and false alarms are what is minimised.
    /// </summary>
    public static float ChooseThreshold(IReadOnlyList<TrialOutcome> outcomes, double targetSensitivity)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        if (targetSensitivity is <= 0 or > 1 || double.IsNaN(targetSensitivity))
        {
            throw new ArgumentOutOfRangeException(nameof(targetSensitivity), targetSensitivity, "target sensitivity must be in (0, 1]");
        }

        var falls = outcomes.Where(o => o.Trial.Label == TrialLabel.Fall).Select(o => o.MaxScore).OrderDescending().ToArray();
        var adls = outcomes.Where(o => o.Trial.Label == TrialLabel.Adl).Select(o => o.MaxScore).ToArray();
        if (falls.Length == 0 || adls.Length == 0)
        {
            throw new InvalidOperationException("choosing a threshold needs fall and ADL trials");
        }

        var needed = (int)Math.Ceiling((targetSensitivity * falls.Length) - 1e-9);
        var keep = falls[Math.Clamp(needed, 1, falls.Length) - 1];
        var below = falls.Concat(adls).Where(s => s < keep).DefaultIfEmpty(0f).Max();
        var threshold = (keep + below) / 2;
        return Math.Clamp(threshold, 1e-6f, 1 - 1e-6f);
    }

    /// <summary>
    /// Estimates the optimism of choosing the threshold on the same out-of-fold scores it is judged on:
    /// for every subject the threshold is chosen (as in <see cref="ChooseThreshold"/>) on the other
    /// subjects' out-of-fold scores only, and the subject's trials are replayed at it.
    /// </summary>
    public static TrialOutcome[] ThresholdPerHeldOutSubject(IReadOnlyList<TrialOutcome> outcomes, double targetSensitivity, double refractorySeconds)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var result = new TrialOutcome[outcomes.Count];
        foreach (var subject in outcomes.Select(o => o.Trial.Subject).Distinct())
        {
            var threshold = ChooseThreshold(outcomes.Where(o => o.Trial.Subject != subject).ToList(), targetSensitivity);
            for (var i = 0; i < outcomes.Count; i++)
            {
                if (outcomes[i].Trial.Subject == subject)
                {
                    result[i] = Replay(outcomes[i], threshold, refractorySeconds);
                }
            }
        }

        return result;
    }

    /// <summary>The outcome the detector's decision rule gives on these scored windows at another threshold.</summary>
    public static TrialOutcome Replay(TrialOutcome outcome, float threshold, double refractorySeconds)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var alerts = Metrics.ReplayAlerts(outcome.Windows, threshold, refractorySeconds);
        var first = outcome.Windows.FirstOrDefault(w => w.Score >= threshold);
        double? firstS = alerts > 0 ? (first.DecisionTimeUs - TrialRunner.StartUs) / 1e6 : null;
        return outcome with { Alerts = alerts, FirstAlertSeconds = firstS };
    }

    /// <summary>
    /// The baseline: a single peak-magnitude threshold, chosen on the training subjects of each fold
    /// (maximising sensitivity + specificity) and applied to the held-out subject.
    /// </summary>
    public static (double Sensitivity, double Specificity, double MeanThresholdG) PeakBaseline(IReadOnlyList<TrialData> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var peaks = data.Select(d => (d.Trial, Peak: TrialRunner.Peak(d.Recording).PeakG)).ToList();
        var subjects = peaks.Select(p => p.Trial.Subject).Distinct().ToList();
        int tp = 0, fn = 0, tn = 0, fp = 0;
        var thresholds = new List<double>();
        foreach (var subject in subjects)
        {
            var train = peaks.Where(p => p.Trial.Subject != subject).ToList();
            var candidates = train.Select(p => p.Peak).Distinct().Order().ToArray();
            var trainFalls = train.Where(p => p.Trial.Label == TrialLabel.Fall).Select(p => p.Peak).ToArray();
            var trainAdls = train.Where(p => p.Trial.Label == TrialLabel.Adl).Select(p => p.Peak).ToArray();
            var bestT = 0f;
            var best = double.MinValue;
            foreach (var t in candidates)
            {
                var j = (trainFalls.Count(p => p >= t) / (double)trainFalls.Length) + (trainAdls.Count(p => p < t) / (double)trainAdls.Length);
                if (j > best)
                {
                    best = j;
                    bestT = t;
                }
            }

            thresholds.Add(bestT);
            foreach (var p in peaks.Where(p => p.Trial.Subject == subject))
            {
                var alert = p.Peak >= bestT;
                if (p.Trial.Label == TrialLabel.Fall)
                {
                    if (alert) { tp++; } else { fn++; }
                }
                else
                {
                    if (alert) { fp++; } else { tn++; }
                }
            }
        }

        return (tp / (double)Math.Max(1, tp + fn), tn / (double)Math.Max(1, tn + fp), thresholds.Average());
    }
}
