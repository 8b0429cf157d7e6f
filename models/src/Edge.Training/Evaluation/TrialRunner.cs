using Edge.Detection;
using Edge.Recordings;

namespace Edge.Training.Evaluation;

/// <summary>What the detector did on one recording.</summary>
/// <param name="Trial">The file.</param>
/// <param name="DurationSeconds">Recording length.</param>
/// <param name="PeakSeconds">Time of the peak magnitude (the impact of a fall trial).</param>
/// <param name="PeakG">Peak magnitude at the device rate.</param>
/// <param name="Alerts">Alerts raised.</param>
/// <param name="FirstAlertSeconds">Seconds from the start to the first alert (its decision time), or null.</param>
/// <param name="Windows">Every scored window (for curves and score plots).</param>
/// <param name="SentFraction">Fraction of samples that reached the detector (1 in streaming mode).</param>
public sealed record TrialOutcome(
    SisFallTrial Trial, double DurationSeconds, double PeakSeconds, float PeakG, int Alerts, double? FirstAlertSeconds,
    IReadOnlyList<ScoredWindow> Windows, double SentFraction)
{
    /// <summary>Highest window score in the trial (0 when no window was scored).</summary>
    public float MaxScore => Windows.Count == 0 ? 0 : Windows.Max(w => w.Score);
}

/// <summary>Streams one device recording through a <see cref="FallDetector"/>, like the gateway would.</summary>
public static class TrialRunner
{
    /// <summary>Device timestamp of the first sample (arbitrary, non-zero, like a device clock).</summary>
    public const long StartUs = 1_000_000_000;

    /// <summary>
    /// Feeds every sample (or, with <paramref name="triggered"/>, only the samples the device would
    /// send) to a fresh detector from <paramref name="createDetector"/>.
    /// </summary>
    public static TrialOutcome Run(DeviceRecording recording, Func<ScoredWindowHandler, FallDetector> createDetector, TriggeredModeAdapter? triggered = null)
    {
        ArgumentNullException.ThrowIfNull(recording);
        ArgumentNullException.ThrowIfNull(createDetector);
        var windows = new List<ScoredWindow>();
        var detector = createDetector((in ScoredWindow w, ReadOnlySpan<float> _) => windows.Add(w));
        var sent = triggered?.SentSamples(recording);
        var alerts = 0;
        long? firstAlertUs = null;
        var sentCount = 0;
        for (var i = 0; i < recording.Length; i++)
        {
            if (sent is not null && !sent[i])
            {
                continue;
            }

            sentCount++;
            var alert = detector.Push(StartUs + recording.TimestampUs(i), recording.X[i], recording.Y[i], recording.Z[i]);
            if (alert is not null)
            {
                alerts++;
                firstAlertUs ??= alert.DecisionTimeUs;
            }
        }

        var (peakIndex, peakG) = Peak(recording);
        return new TrialOutcome(
            recording.Trial,
            recording.DurationSeconds,
            peakIndex / (double)recording.SampleRateHz,
            peakG,
            alerts,
            firstAlertUs is { } us ? (us - StartUs) / 1e6 : null,
            windows,
            recording.Length == 0 ? 1 : sentCount / (double)recording.Length);
    }

    /// <summary>Index and value of the largest acceleration magnitude (first one on ties).</summary>
    public static (int Index, float PeakG) Peak(DeviceRecording recording)
    {
        ArgumentNullException.ThrowIfNull(recording);
        var best = -1f;
        var index = 0;
        for (var i = 0; i < recording.Length; i++)
        {
            var m = MathF.Sqrt((recording.X[i] * recording.X[i]) + (recording.Y[i] * recording.Y[i]) + (recording.Z[i] * recording.Z[i]));
            if (m > best)
            {
                best = m;
                index = i;
            }
        }

        return (index, Math.Max(best, 0));
    }
}
