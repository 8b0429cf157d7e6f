namespace Edge.Detection.Posture;

/// <summary>
/// Counts steps from |a| at the waist, one per foot contact: |a| minus its slow mean (1 s), smoothed twice
/// (two first-order low-passes at about 2.7 Hz, so the double hump some people's stride makes at the
/// waist counts once), must dip below <see cref="DipG"/> and then rise above <see cref="PeakG"/>, at least
/// <see cref="MinIntervalSeconds"/> after the previous step. Per sample: three multiply-adds and a few
/// comparisons. Not thread-safe: one instance per sensor.
/// </summary>
/// <remarks>A step here is a candidate: the posture tracker only counts the steps of a bout that turns out
/// to be walking, so a single bump (sitting down hard, a door closing) is not a step.</remarks>
public sealed class StepDetector
{
    /// <summary>Rise above the slow mean that marks a foot contact, g.</summary>
    public const float PeakG = 0.05f;

    /// <summary>Dip below the slow mean that re-arms the detector between contacts, g.</summary>
    public const float DipG = 0.02f;

    /// <summary>Shortest time between two steps, s (about 240 steps/min: faster is not walking).</summary>
    public const float MinIntervalSeconds = 0.25f;

    private readonly float _slowAlpha;
    private readonly float _smoothAlpha;
    private readonly long _minIntervalUs;
    private float _slow = 1;
    private float _smooth1;
    private float _smooth;
    private bool _armed;
    private bool _primed;
    private long _lastStepUs = long.MinValue / 2;

    /// <summary>Creates a detector for samples at <paramref name="sampleRateHz"/>.</summary>
    public StepDetector(int sampleRateHz)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRateHz, 10);
        _slowAlpha = 1f / sampleRateHz;              // time constant 1 s
        _smoothAlpha = Math.Min(1f, 12.5f / sampleRateHz); // 0.25 at 50 Hz: keeps the 1-2.5 Hz step rhythm
        _minIntervalUs = (long)(MinIntervalSeconds * 1e6);
    }

    /// <summary>Time of the last step, device µs.</summary>
    public long LastStepUs => _lastStepUs;

    /// <summary>Adds one sample's |a| (g) at device time <paramref name="timeUs"/>; true when it completes a step.</summary>
    public bool Add(long timeUs, float magnitude)
    {
        if (!_primed)
        {
            _slow = magnitude;
            _primed = true;
        }

        _slow += _slowAlpha * (magnitude - _slow);
        _smooth1 += _smoothAlpha * ((magnitude - _slow) - _smooth1);
        _smooth += _smoothAlpha * (_smooth1 - _smooth);
        if (_smooth < -DipG)
        {
            _armed = true;
            return false;
        }

        if (!_armed || _smooth < PeakG || timeUs - _lastStepUs < _minIntervalUs)
        {
            return false;
        }

        _armed = false;
        _lastStepUs = timeUs;
        return true;
    }

    /// <summary>Forgets the signal history (after a gap).</summary>
    public void Reset()
    {
        _primed = false;
        _smooth1 = 0;
        _smooth = 0;
        _armed = false;
    }
}
