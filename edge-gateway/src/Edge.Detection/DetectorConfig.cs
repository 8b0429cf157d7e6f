namespace Edge.Detection;

/// <summary>
/// Window geometry, candidate stages and posture thresholds of the detector. These values are part of
/// the model: they are written to the manifest at training time and read back from it, so the gateway
/// runs exactly the windows the models were trained on.
/// </summary>
public sealed record DetectorConfig
{
    /// <summary>Device sample rate the models were trained at.</summary>
    public int SampleRateHz { get; init; } = 50;

    /// <summary>Impact path: seconds of signal before the impact that the features look at.</summary>
    public double PreImpactSeconds { get; init; } = 2.0;

    /// <summary>Impact path: seconds after the impact the detector waits for (its latency).</summary>
    public double PostImpactSeconds { get; init; } = 1.5;

    /// <summary>An impact is the largest magnitude within ± this many seconds (also the minimum candidate spacing).</summary>
    public double PeakSearchSeconds { get; init; } = 0.5;

    /// <summary>Impact candidates: the magnitude must reach this (g).</summary>
    public double CandidateThresholdG { get; init; } = 1.5;

    /// <summary>Soft path: seconds of signal before the anchor (an impact or the moment the body reached lying).</summary>
    public double SoftPreSeconds { get; init; } = 2.0;

    /// <summary>Soft path: seconds after the anchor the detector waits for (its latency: what the wearer does next).</summary>
    public double SoftPostSeconds { get; init; } = 4.0;

    /// <summary>Posture is tracked in blocks of this many seconds (mean acceleration vector, spread of |a|).</summary>
    public double BlockSeconds { get; init; } = 0.5;

    /// <summary>A block whose mean acceleration is at least this far from the upright axis is lying (degrees).</summary>
    public double LyingDegrees { get; init; } = 60;

    /// <summary>A block at most this far from the upright axis is upright or seated (degrees).</summary>
    public double UprightDegrees { get; init; } = 40;

    /// <summary>Soft candidates: the body reached lying within this many seconds of being upright or seated.</summary>
    public double TransitionSeconds { get; init; } = 4.0;

    /// <summary>A posture-transition candidate closer than this to an earlier soft candidate is not added (seconds).</summary>
    public double SoftSpacingSeconds { get; init; } = 2.0;

    /// <summary>After an alert (either path), no further alert for candidates within this many seconds of its anchor.</summary>
    public double RefractorySeconds { get; init; } = 30;

    /// <summary>A timestamp step larger than this many sample periods is a gap.</summary>
    public double GapPeriods { get; init; } = 1.5;

    /// <summary>Samples before the impact in an impact window.</summary>
    public int PreSamples => Samples(PreImpactSeconds);

    /// <summary>Samples after the impact in an impact window.</summary>
    public int PostSamples => Samples(PostImpactSeconds);

    /// <summary>Samples on each side of a peak for the local-maximum test.</summary>
    public int PeakSearchSamples => Samples(PeakSearchSeconds);

    /// <summary>Samples in one impact window (pre + impact + post).</summary>
    public int WindowSamples => PreSamples + 1 + PostSamples;

    /// <summary>Samples before the anchor in a soft window.</summary>
    public int SoftPreSamples => Samples(SoftPreSeconds);

    /// <summary>Samples after the anchor in a soft window.</summary>
    public int SoftPostSamples => Samples(SoftPostSeconds);

    /// <summary>Samples in one soft window (pre + anchor + post).</summary>
    public int SoftWindowSamples => SoftPreSamples + 1 + SoftPostSamples;

    /// <summary>
    /// Samples before the newest one that a candidate still waiting for its decision may need (the longer
    /// of the two paths' windows, the peak search and two samples of slack). A stream replayed from that far
    /// back rebuilds every pending window; the posture history's ten seconds before a window are not
    /// included (after a restart they start empty, as after a gap).
    /// </summary>
    public int LookbackSamples => Math.Max(PreSamples + PostSamples, SoftPreSamples + SoftPostSamples) + PeakSearchSamples + 2;

    /// <summary>Samples per posture block.</summary>
    public int BlockSamples => Math.Max(1, Samples(BlockSeconds));

    /// <summary>Sample period in µs (rounded).</summary>
    public long PeriodUs => (long)Math.Round(1_000_000.0 / SampleRateHz);

    /// <summary>Throws when the geometry cannot work, naming every problem.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (SampleRateHz is < 10 or > 1000)
        {
            problems.Add($"sample rate {SampleRateHz} Hz is outside 10..1000 Hz");
        }
        else
        {
            if (PeakSearchSamples < 1 || PostSamples < PeakSearchSamples || PreSamples < Samples(1.2))
            {
                problems.Add($"impact window is invalid: pre {PreImpactSeconds} s (≥ 1.2 s), post {PostImpactSeconds} s (≥ peak search), peak search {PeakSearchSeconds} s (≥ 1 sample)");
            }

            // The soft window holds the impact window (soft features include the impact features of the anchor).
            if (SoftPreSamples < PreSamples || SoftPostSamples < PostSamples)
            {
                problems.Add($"soft window ({SoftPreSeconds} s before, {SoftPostSeconds} s after) must contain the impact window ({PreImpactSeconds} s, {PostImpactSeconds} s)");
            }

            if (BlockSamples < 2 || TransitionSeconds < BlockSeconds || SoftSpacingSeconds < 0)
            {
                problems.Add($"posture blocks are invalid: block {BlockSeconds} s (≥ 2 samples), transition {TransitionSeconds} s (≥ one block), spacing {SoftSpacingSeconds} s (≥ 0)");
            }
        }

        if (UprightDegrees is <= 0 or >= 90 || LyingDegrees <= UprightDegrees || LyingDegrees >= 90)
        {
            problems.Add($"posture angles must satisfy 0 < upright ({UprightDegrees}°) < lying ({LyingDegrees}°) < 90");
        }

        if (CandidateThresholdG <= 1 || RefractorySeconds < 0 || GapPeriods <= 1)
        {
            problems.Add("candidate threshold must exceed 1 g, refractory must be ≥ 0 and the gap limit > 1 period");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("detector geometry is invalid: " + string.Join("; ", problems));
        }
    }

    private int Samples(double seconds) => (int)Math.Round(seconds * SampleRateHz);
}
