using Edge.Detection;
using Edge.Detection.Features;
using Edge.Training.Evaluation;

namespace Edge.Training.Training;

/// <summary>One leave-one-subject-out fold: both paths' models trained without <paramref name="Subject"/>.</summary>
/// <param name="Subject">The held-out subject.</param>
/// <param name="ImpactModel">The impact path's model file.</param>
/// <param name="SoftModel">The soft path's model file.</param>
public sealed record Fold(string Subject, byte[] ImpactModel, byte[] SoftModel);

/// <summary>Both paths' models from training windows, and the scorers to run them.</summary>
public static class PathModels
{
    /// <summary>Trains the impact and the soft model on the labelled windows of <paramref name="trials"/>.</summary>
    public static (byte[] Impact, byte[] Soft) Train(IEnumerable<TrialData> trials, TrainingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(trials);
        var windows = trials.SelectMany(t => t.Windows).ToList();
        var impact = MlNetTrainer.Train(windows.Where(w => w.Path == FallPath.Impact), ImpactFeatures.Count, settings);
        var soft = MlNetTrainer.Train(windows.Where(w => w.Path == FallPath.Soft), SoftFeatures.Count, settings);
        return (impact, soft);
    }
}

/// <summary>Leave-one-subject-out cross-validation through the real detector.</summary>
public static class CrossValidation
{
    /// <summary>
    /// One fold per subject: both models trained on every other subject's recordings and on their
    /// augmented copies (a subject's copies never train the fold that holds it out). Folds run in
    /// parallel, each single-threaded, so the result does not depend on the thread count.
    /// </summary>
    public static IReadOnlyList<Fold> LeaveOneSubjectOut(
        IReadOnlyList<TrialData> data, IReadOnlyList<TrialData> augmented, Func<TrialData, bool> use, TrainingSettings settings,
        Action<int, int, string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(augmented);
        var subjects = data.Select(d => d.Subject).Distinct().Order(StringComparer.Ordinal).ToList();
        var folds = new Fold[subjects.Count];
        var done = 0;
        Parallel.For(0, subjects.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, k =>
        {
            var subject = subjects[k];
            var (impact, soft) = PathModels.Train(data.Concat(augmented).Where(d => d.Subject != subject && use(d)), settings);
            folds[k] = new Fold(subject, impact, soft);
            progress?.Invoke(Interlocked.Increment(ref done), subjects.Count, subject);
        });
        return folds;
    }

    /// <summary>
    /// Runs every held-out recording through the real detector with its fold's models: the out-of-fold
    /// outcomes, exactly as the gateway would have produced them for a person it never saw. The windows
    /// keep every score, so thresholds can be replayed (<see cref="OperatingPoint.Replay(TrialOutcome, Thresholds, double)"/>).
    /// </summary>
    public static TrialOutcome[] OutOfFold(
        IReadOnlyList<TrialData> data, IReadOnlyList<Fold> folds, DetectorConfig config, TriggeredModeAdapter? triggered = null,
        Func<TrialData, int, Recordings.DeviceRecording>? transform = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(folds);
        var outcomes = new TrialOutcome[data.Count];
        foreach (var fold in folds)
        {
            var impact = MlNetTrainer.Scorer(fold.ImpactModel, ImpactFeatures.Count);
            var soft = MlNetTrainer.Scorer(fold.SoftModel, SoftFeatures.Count);
            var test = Enumerable.Range(0, data.Count).Where(i => data[i].Subject == fold.Subject).ToList();
            Parallel.ForEach(test, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
            {
                var recording = transform is null ? data[i].Recording : transform(data[i], i);
                outcomes[i] = TrialRunner.Run(recording, data[i].Catalog, h => new FallDetector(config, impact, soft, 0.5f, 0.5f, h), triggered);
            });
        }

        return outcomes;
    }
}
