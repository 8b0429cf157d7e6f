namespace Edge.Detection;

/// <summary>
/// Window geometry and candidate stage of the detector. These values are part of the model: they are
/// written to the manifest at training time and read back from it, so the gateway runs exactly the
/// windows the model was trained on.
/// </summary>
public sealed record DetectorConfig
{
    /// <summary>Device sample rate the model was trained at.</summary>
    public int SampleRateHz { get; init; } = 50;

    /// <summary>Seconds of signal before the impact that the features look at.</summary>
    public double PreImpactSeconds { get; init; } = 2.0;

    /// <summary>Seconds after the impact the detector waits for (post-impact evidence; part of the latency).</summary>
    public double PostImpactSeconds { get; init; } = 1.5;

    /// <summary>An impact is the largest magnitude within ± this many seconds (also the minimum candidate spacing).</summary>
    public double PeakSearchSeconds { get; init; } = 0.5;

    /// <summary>Candidate stage: an impact must reach this acceleration magnitude (g).</summary>
    public double CandidateThresholdG { get; init; } = 1.5;

    /// <summary>After an alert, no further alert for impacts within this many seconds.</summary>
    public double RefractorySeconds { get; init; } = 30;

    /// <summary>A timestamp step larger than this many sample periods is a gap.</summary>
    public double GapPeriods { get; init; } = 1.5;

    /// <summary>Samples before the impact in a window.</summary>
    public int PreSamples => Samples(PreImpactSeconds);

    /// <summary>Samples after the impact in a window.</summary>
    public int PostSamples => Samples(PostImpactSeconds);

    /// <summary>Samples on each side of a peak for the local-maximum test.</summary>
    public int PeakSearchSamples => Samples(PeakSearchSeconds);

    /// <summary>Samples in one feature window (pre + impact + post).</summary>
    public int WindowSamples => PreSamples + 1 + PostSamples;

    /// <summary>Sample period in µs (rounded).</summary>
    public long PeriodUs => (long)Math.Round(1_000_000.0 / SampleRateHz);

    /// <summary>Throws when the geometry cannot work.</summary>
    public void Validate()
    {
        if (SampleRateHz is < 10 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(SampleRateHz), SampleRateHz, "sample rate must be 10..1000 Hz");
        }

        if (PeakSearchSamples < 1 || PostSamples < PeakSearchSamples || PreSamples < Samples(1.2))
        {
            throw new ArgumentException(
                $"window geometry is invalid: pre {PreImpactSeconds} s (≥ 1.2 s), post {PostImpactSeconds} s (≥ peak search), peak search {PeakSearchSeconds} s (≥ 1 sample)");
        }

        if (CandidateThresholdG <= 1 || RefractorySeconds < 0 || GapPeriods <= 1)
        {
            throw new ArgumentException("candidate threshold must exceed 1 g, refractory must be ≥ 0 and the gap limit > 1 period");
        }
    }

    private int Samples(double seconds) => (int)Math.Round(seconds * SampleRateHz);
}
