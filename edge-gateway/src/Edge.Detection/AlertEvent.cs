namespace Edge.Detection;

/// <summary>A fall alert raised by a <see cref="FallDetector"/>.</summary>
/// <param name="ImpactTimeUs">Device timestamp of the impact (the peak magnitude), µs.</param>
/// <param name="DecisionTimeUs">Device timestamp of the sample that completed the window, µs.</param>
/// <param name="Score">Model probability for the window.</param>
/// <param name="Threshold">Effective threshold it was compared with (after sensitivity).</param>
/// <param name="PeakMagnitudeG">Impact magnitude in g.</param>
public sealed record AlertEvent(long ImpactTimeUs, long DecisionTimeUs, float Score, float Threshold, float PeakMagnitudeG)
{
    /// <summary>Time the detector waited after the impact, µs.</summary>
    public long LatencyUs => DecisionTimeUs - ImpactTimeUs;
}

/// <summary>Every window that reached the model, alerting or not (for evaluation and diagnostics).</summary>
/// <param name="ImpactTimeUs">Device timestamp of the impact, µs.</param>
/// <param name="DecisionTimeUs">Device timestamp when the window was complete, µs.</param>
/// <param name="PeakMagnitudeG">Impact magnitude in g.</param>
/// <param name="Score">Model probability.</param>
/// <param name="Alerted">Whether this window raised an alert.</param>
public readonly record struct ScoredWindow(long ImpactTimeUs, long DecisionTimeUs, float PeakMagnitudeG, float Score, bool Alerted);

/// <summary>Receives each scored window with its feature vector (valid only during the call).</summary>
public delegate void ScoredWindowHandler(in ScoredWindow window, ReadOnlySpan<float> features);

/// <summary>Anything that turns a feature vector into a fall probability.</summary>
public interface IFallScorer
{
    /// <summary>Probability in [0, 1] that the window holds a fall.</summary>
    float Score(ReadOnlySpan<float> features);
}
