using Edge.Detection;
using Edge.Recordings;
using Edge.Training.Data;

namespace Edge.Training.Evaluation;

/// <summary>What the detector did on one recording.</summary>
/// <param name="Catalog">The file and its dataset.</param>
/// <param name="DurationSeconds">Recording length.</param>
/// <param name="PeakSeconds">Time of the peak magnitude (the impact of a fall trial).</param>
/// <param name="PeakG">Peak magnitude at the device rate.</param>
/// <param name="Alerts">Alerts raised.</param>
/// <param name="FirstAlertSeconds">Seconds from the start to the first alert (its decision time), or null.</param>
/// <param name="FirstAlertPath">The path that raised the first alert, or null.</param>
/// <param name="Windows">Every scored window of both paths, in the order they were decided.</param>
/// <param name="SentFraction">Fraction of samples that reached the detector (1 in streaming mode).</param>
public sealed record TrialOutcome(
    CatalogTrial Catalog, double DurationSeconds, double PeakSeconds, float PeakG, int Alerts, double? FirstAlertSeconds,
    FallPath? FirstAlertPath, IReadOnlyList<ScoredWindow> Windows, double SentFraction)
{
    /// <summary>Falls whose peak stays below this magnitude at the device rate are reported as soft falls, g.</summary>
    public const float SoftFallPeakG = 2.5f;

    /// <summary>The file.</summary>
    public SisFallTrial Trial => Catalog.Trial;

    /// <summary>True for a fall trial.</summary>
    public bool IsFall => Trial.Label == TrialLabel.Fall;

    /// <summary>True for a fall whose peak stays below <see cref="SoftFallPeakG"/>.</summary>
    public bool IsSoftFall => IsFall && PeakG < SoftFallPeakG;

    /// <summary>Seconds from the peak magnitude to the first alert, or null.</summary>
    public double? LatencySeconds => FirstAlertSeconds - PeakSeconds;

    /// <summary>Highest window score of a path in the trial (0 when none was scored).</summary>
    public float MaxScore(FallPath path) => Windows.Where(w => w.Path == path).Select(w => w.Score).DefaultIfEmpty(0).Max();
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
    public static TrialOutcome Run(DeviceRecording recording, CatalogTrial catalog, Func<ScoredWindowHandler, FallDetector> createDetector, TriggeredModeAdapter? triggered = null)
    {
        ArgumentNullException.ThrowIfNull(recording);
        ArgumentNullException.ThrowIfNull(createDetector);
        var windows = new List<ScoredWindow>();
        var detector = createDetector((in ScoredWindow w, ReadOnlySpan<float> _) => windows.Add(w));
        var sent = triggered?.SentSamples(recording);
        var alerts = 0;
        AlertEvent? first = null;
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
                first ??= alert;
            }
        }

        var (peakIndex, peakG) = Peak(recording);
        return new TrialOutcome(
            catalog,
            recording.DurationSeconds,
            peakIndex / (double)recording.SampleRateHz,
            peakG,
            alerts,
            first is null ? null : (first.DecisionTimeUs - StartUs) / 1e6,
            first?.Path,
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
