using Edge.Detection;
using Edge.Recordings;
using Edge.Training.Data;

namespace Edge.Training.Training;

/// <summary>One window a candidate stage produced, with its training label.</summary>
/// <param name="Path">The path whose candidate it is.</param>
/// <param name="AnchorUs">Anchor timestamp (device time, µs).</param>
/// <param name="Features">Feature vector of that path.</param>
/// <param name="Label">1 = the fall, 0 = ADL, −1 = not used for training (other candidates in a fall trial).</param>
public sealed record CandidateWindow(FallPath Path, long AnchorUs, float[] Features, int Label);

/// <summary>A recording at the device rate and the candidate windows the detector found in it.</summary>
/// <param name="Recording">The samples the gateway would receive.</param>
/// <param name="Catalog">Where it came from.</param>
/// <param name="Windows">Candidates of both paths, labelled.</param>
/// <param name="Augmented">True for a copy made by <see cref="Augmentation"/> (training folds only; never evaluated).</param>
public sealed record TrialData(DeviceRecording Recording, CatalogTrial Catalog, IReadOnlyList<CandidateWindow> Windows, bool Augmented)
{
    /// <summary>The file.</summary>
    public SisFallTrial Trial => Recording.Trial;

    /// <summary>The subject (the unit of leave-one-subject-out).</summary>
    public string Subject => Recording.Trial.Subject;
}

/// <summary>Loads recordings and extracts labelled candidate windows through the real <see cref="FallDetector"/>.</summary>
public static class TrialDataLoader
{
    /// <summary>A soft candidate anchored within this many seconds of a fall trial's peak is the fall.</summary>
    public const double SoftLabelSeconds = 2.0;

    /// <summary>
    /// Loads every trial (in parallel, results in input order) at the device rate and range and runs the
    /// detector's candidate stages and feature extraction.
    /// </summary>
    public static IReadOnlyList<TrialData> Load(IReadOnlyList<CatalogTrial> trials, DetectorConfig config, int rangeG, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(config);
        var result = new TrialData[trials.Count];
        var done = 0;
        Parallel.For(0, trials.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var recording = DeviceRecording.Load(trials[i].Trial, config.SampleRateHz, rangeG);
            result[i] = new TrialData(recording, trials[i], ExtractWindows(recording, config), Augmented: false);
            progress?.Report(Interlocked.Increment(ref done));
        });
        return result;
    }

    /// <summary>
    /// Runs the detector over a recording with scorers that only record the feature vectors, and labels
    /// them. In a fall trial the impact window at the trial's peak magnitude is the fall, and so are soft
    /// windows anchored within <see cref="SoftLabelSeconds"/> of it; its other windows are left out (−1),
    /// because the data do not say whether they belong to the fall. Every window of an ADL trial is a
    /// negative (0).
    /// </summary>
    public static IReadOnlyList<CandidateWindow> ExtractWindows(DeviceRecording recording, DetectorConfig config)
    {
        ArgumentNullException.ThrowIfNull(recording);
        var windows = new List<CandidateWindow>();
        var isFall = recording.Trial.Label == TrialLabel.Fall;
        var peakUs = Evaluation.TrialRunner.StartUs + recording.TimestampUs(Evaluation.TrialRunner.Peak(recording).Index);
        var softLabelUs = (long)(SoftLabelSeconds * 1_000_000);
        var detector = new FallDetector(config, NullScorer.Instance, NullScorer.Instance, 0.5f, 0.5f, (in ScoredWindow w, ReadOnlySpan<float> f) =>
        {
            var label = !isFall ? 0
                : w.Path == FallPath.Impact ? (w.ImpactTimeUs == peakUs ? 1 : -1)
                : (Math.Abs(w.ImpactTimeUs - peakUs) <= softLabelUs ? 1 : -1);
            windows.Add(new CandidateWindow(w.Path, w.ImpactTimeUs, f.ToArray(), label));
        });
        for (var i = 0; i < recording.Length; i++)
        {
            detector.Push(Evaluation.TrialRunner.StartUs + recording.TimestampUs(i), recording.X[i], recording.Y[i], recording.Z[i]);
        }

        return windows;
    }

    private sealed class NullScorer : IFallScorer
    {
        public static readonly NullScorer Instance = new();

        public float Score(ReadOnlySpan<float> features) => 0;
    }
}
