using System.Collections.Concurrent;
using Edge.Detection;
using Edge.Detection.Features;
using Edge.Recordings;

namespace Edge.Training.Training;

/// <summary>One window the detector's candidate stage produced, with its training label.</summary>
/// <param name="ImpactTimeUs">Impact timestamp (device time, µs).</param>
/// <param name="Features">Feature vector (<see cref="FallFeatures.Names"/> order).</param>
/// <param name="Label">1 = the impact of a fall, 0 = ADL, −1 = not used for training (other impacts in a fall trial).</param>
public sealed record CandidateWindow(long ImpactTimeUs, float[] Features, int Label);

/// <summary>A trial at the device rate and the windows the candidate stage found in it.</summary>
public sealed record TrialData(DeviceRecording Recording, IReadOnlyList<CandidateWindow> Windows)
{
    /// <summary>The file.</summary>
    public SisFallTrial Trial => Recording.Trial;
}

/// <summary>Loads trials and extracts candidate windows through the real <see cref="FallDetector"/>.</summary>
public static class TrialDataLoader
{
    /// <summary>
    /// Loads every trial (in parallel, results in the order of <paramref name="trials"/>), converts it
    /// to the device rate and range, and runs the detector's candidate stage and feature extraction.
    /// </summary>
    public static IReadOnlyList<TrialData> Load(IReadOnlyList<SisFallTrial> trials, DetectorConfig config, int rangeG, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(config);
        var result = new TrialData[trials.Count];
        var done = 0;
        Parallel.For(0, trials.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var recording = DeviceRecording.Load(trials[i], config.SampleRateHz, rangeG);
            result[i] = new TrialData(recording, ExtractWindows(recording, config));
            progress?.Report(Interlocked.Increment(ref done));
        });
        return result;
    }

    /// <summary>
    /// Runs the detector over a recording with a scorer that only records the feature vectors, and labels
    /// them: in a fall trial the window whose impact is the trial's peak magnitude is the fall (1) and
    /// the other windows are left out (−1), because the data do not say whether they belong to the fall;
    /// every window of an ADL trial is a negative (0).
    /// </summary>
    public static IReadOnlyList<CandidateWindow> ExtractWindows(DeviceRecording recording, DetectorConfig config)
    {
        ArgumentNullException.ThrowIfNull(recording);
        var windows = new List<(long Time, float[] Features)>();
        var detector = new FallDetector(config, NullScorer.Instance, 0.5f, (in ScoredWindow w, ReadOnlySpan<float> f) => windows.Add((w.ImpactTimeUs, f.ToArray())));
        for (var i = 0; i < recording.Length; i++)
        {
            detector.Push(Evaluation.TrialRunner.StartUs + recording.TimestampUs(i), recording.X[i], recording.Y[i], recording.Z[i]);
        }

        var peakUs = Evaluation.TrialRunner.StartUs + recording.TimestampUs(Evaluation.TrialRunner.Peak(recording).Index);
        var isFall = recording.Trial.Label == TrialLabel.Fall;
        return windows.Select(w => new CandidateWindow(w.Time, w.Features, isFall ? (w.Time == peakUs ? 1 : -1) : 0)).ToList();
    }

    private sealed class NullScorer : IFallScorer
    {
        public static readonly NullScorer Instance = new();

        public float Score(ReadOnlySpan<float> features) => 0;
    }
}
