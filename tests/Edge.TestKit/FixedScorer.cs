using Edge.Detection;

namespace Edge.TestKit;

/// <summary>
/// A fall scorer that returns a fixed probability and records every feature vector it was asked to score, so a
/// test drives the real <see cref="FallDetector"/> without a model and sees which windows reached the scorer.
/// </summary>
public sealed class FixedScorer(float score) : IFallScorer
{
    private readonly Lock _lock = new();
    private readonly List<float[]> _seen = [];

    /// <summary>The feature vectors scored so far, in order (a copy).</summary>
    public IReadOnlyList<float[]> Seen
    {
        get
        {
            lock (_lock)
            {
                return [.. _seen];
            }
        }
    }

    public float Score(ReadOnlySpan<float> features)
    {
        var copy = features.ToArray();
        lock (_lock)
        {
            _seen.Add(copy);
        }

        return score;
    }
}
