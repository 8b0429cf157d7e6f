namespace Edge.Detection;

/// <summary>Which of the detector's two ways in raised an alert or scored a window.</summary>
public enum FallPath
{
    /// <summary>A hard impact (a local peak of |a| of at least the candidate threshold), decided soon after it.</summary>
    Impact = 0,

    /// <summary>
    /// A second, later look: at every impact and every time the body reaches lying from upright or seated,
    /// judged on the descent, the posture and the stillness in the seconds that follow. It catches the soft,
    /// slow falls that the impact path scores low.
    /// </summary>
    Soft = 1,
}

/// <summary>A fall alert raised by a <see cref="FallDetector"/>.</summary>
/// <param name="ImpactTimeUs">Device timestamp of the candidate's anchor: the impact (peak magnitude), or for a soft candidate without one the moment the body reached lying, µs.</param>
/// <param name="DecisionTimeUs">Device timestamp of the sample that completed the window, µs.</param>
/// <param name="Score">Model probability for the window.</param>
/// <param name="Threshold">Effective threshold it was compared with (after sensitivity).</param>
/// <param name="PeakMagnitudeG">Largest magnitude around the anchor, g.</param>
/// <param name="Path">The path that raised it.</param>
public sealed record AlertEvent(long ImpactTimeUs, long DecisionTimeUs, float Score, float Threshold, float PeakMagnitudeG, FallPath Path = FallPath.Impact)
{
    /// <summary>Time the detector waited after the anchor, µs.</summary>
    public long LatencyUs => DecisionTimeUs - ImpactTimeUs;
}

/// <summary>Every window that reached a model, alerting or not (for evaluation and diagnostics).</summary>
/// <param name="ImpactTimeUs">Device timestamp of the anchor, µs.</param>
/// <param name="DecisionTimeUs">Device timestamp when the window was complete, µs.</param>
/// <param name="PeakMagnitudeG">Magnitude at the anchor (impact path) or the largest in the window (soft path), g.</param>
/// <param name="Score">Model probability.</param>
/// <param name="Alerted">Whether this window raised an alert.</param>
/// <param name="Path">The path that scored it.</param>
public readonly record struct ScoredWindow(long ImpactTimeUs, long DecisionTimeUs, float PeakMagnitudeG, float Score, bool Alerted, FallPath Path = FallPath.Impact);

/// <summary>Receives each scored window with its feature vector (valid only during the call).</summary>
public delegate void ScoredWindowHandler(in ScoredWindow window, ReadOnlySpan<float> features);

/// <summary>Anything that turns a feature vector into a fall probability.</summary>
public interface IFallScorer
{
    /// <summary>Probability in [0, 1] that the window holds a fall.</summary>
    float Score(ReadOnlySpan<float> features);
}
