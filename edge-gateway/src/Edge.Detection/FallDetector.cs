using Edge.Detection.Features;

namespace Edge.Detection;

/// <summary>
/// The online fall detector for one sensor. The gateway, the training and the evaluation all run this
/// class, so the evaluation measures exactly what the gateway does.
/// </summary>
/// <remarks>
/// <para><b>Candidate stage</b> (every sample, a few comparisons): sample <c>i</c> is an impact when
/// its magnitude reaches <see cref="DetectorConfig.CandidateThresholdG"/> and is the largest within
/// ± <see cref="DetectorConfig.PeakSearchSeconds"/> (strictly larger than the earlier samples, at least
/// as large as the later ones). Impacts are therefore at least that far apart.</para>
/// <para><b>Expensive stage</b> (once per impact): when <see cref="DetectorConfig.PostImpactSeconds"/>
/// of signal after the impact have arrived, the features of the window
/// [impact − pre, impact + post] are computed and scored. An alert is raised when the score reaches
/// the effective threshold and the impact is outside the refractory period of the previous alert.</para>
/// <para><b>Gaps</b>: a timestamp step above <see cref="DetectorConfig.GapPeriods"/> periods, or a step
/// backwards, starts a new contiguous run. No samples are invented: an impact is scored only when its
/// whole window lies inside one run, otherwise it is dropped and counted in
/// <see cref="DroppedCandidates"/>.</para>
/// <para>Not thread-safe: one instance per sensor, fed from one thread.</para>
/// </remarks>
public sealed class FallDetector
{
    private readonly DetectorConfig _config;
    private readonly IFallScorer _scorer;
    private readonly ScoredWindowHandler? _onScored;
    private readonly int _pre;
    private readonly int _post;
    private readonly int _search;
    private readonly int _capacity;
    private readonly float _candidateG;
    private readonly long _periodUs;
    private readonly long _gapUs;
    private readonly long _refractoryUs;
    private readonly float[] _x;
    private readonly float[] _y;
    private readonly float[] _z;
    private readonly float[] _mag;
    private readonly long[] _time;
    private readonly float[] _wx;
    private readonly float[] _wy;
    private readonly float[] _wz;
    private readonly float[] _features;
    private readonly long[] _pending; // run indices of impacts waiting for their post-impact samples
    private int _pendingCount;
    private long _run; // samples in the current contiguous run
    private long _lastTimeUs;
    private bool _hasLast;
    private long _refractoryUntilUs = long.MinValue;

    /// <summary>Creates a detector.</summary>
    /// <param name="config">Window geometry, from the model manifest.</param>
    /// <param name="scorer">The model.</param>
    /// <param name="threshold">Effective probability threshold in (0, 1).</param>
    /// <param name="onScored">Optional observer of every scored window.</param>
    public FallDetector(DetectorConfig config, IFallScorer scorer, float threshold, ScoredWindowHandler? onScored = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(scorer);
        config.Validate();
        if (threshold is <= 0 or >= 1 || float.IsNaN(threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "threshold must be in (0, 1)");
        }

        _config = config;
        _scorer = scorer;
        Threshold = threshold;
        _onScored = onScored;
        _pre = config.PreSamples;
        _post = config.PostSamples;
        _search = config.PeakSearchSamples;
        _capacity = _pre + _post + _search + 2;
        _candidateG = (float)config.CandidateThresholdG;
        _periodUs = config.PeriodUs;
        _gapUs = (long)Math.Round(config.GapPeriods * 1_000_000.0 / config.SampleRateHz);
        _refractoryUs = (long)Math.Round(config.RefractorySeconds * 1_000_000);
        _x = new float[_capacity];
        _y = new float[_capacity];
        _z = new float[_capacity];
        _mag = new float[_capacity];
        _time = new long[_capacity];
        var window = config.WindowSamples;
        _wx = new float[window];
        _wy = new float[window];
        _wz = new float[window];
        _features = new float[FallFeatures.Count];
        _pending = new long[(_post / _search) + 2];
    }

    /// <summary>The window geometry in use.</summary>
    public DetectorConfig Config => _config;

    /// <summary>Effective probability threshold.</summary>
    public float Threshold { get; }

    /// <summary>Impacts that could not be scored because a gap cut their window.</summary>
    public long DroppedCandidates { get; private set; }

    /// <summary>Gaps seen in the timestamps (including steps backwards).</summary>
    public long Gaps { get; private set; }

    /// <summary>Windows scored so far.</summary>
    public long ScoredWindows { get; private set; }

    /// <summary>Forgets all samples, pending impacts and the refractory period.</summary>
    public void Reset()
    {
        _run = 0;
        _pendingCount = 0;
        _hasLast = false;
        _refractoryUntilUs = long.MinValue;
    }

    /// <summary>
    /// Adds one sample (device timestamp in µs, acceleration in g) and returns an alert when this
    /// sample completed the window of a fall.
    /// </summary>
    public AlertEvent? Push(long deviceTimeUs, float x, float y, float z)
    {
        if (_hasLast)
        {
            var step = deviceTimeUs - _lastTimeUs;
            if (step > _gapUs || step <= 0)
            {
                Gaps++;
                DroppedCandidates += _pendingCount;
                _pendingCount = 0;
                _run = 0;
                if (step <= 0)
                {
                    // The device clock went back (reboot): its old timestamps mean nothing now.
                    _refractoryUntilUs = long.MinValue;
                }
            }
        }

        _hasLast = true;
        _lastTimeUs = deviceTimeUs;
        var slot = (int)(_run % _capacity);
        _x[slot] = x;
        _y[slot] = y;
        _z[slot] = z;
        _mag[slot] = MathF.Sqrt((x * x) + (y * y) + (z * z));
        _time[slot] = deviceTimeUs;
        var newest = _run;
        _run++;

        // Candidate stage: is the sample `search` samples back a local maximum above the threshold?
        var candidate = newest - _search;
        if (candidate >= _pre && _mag[(int)(candidate % _capacity)] >= _candidateG && IsPeak(candidate, newest))
        {
            if (_pendingCount < _pending.Length)
            {
                _pending[_pendingCount++] = candidate;
            }
            else
            {
                DroppedCandidates++;
            }
        }

        // Expensive stage: score the oldest pending impact once its post-impact samples are in.
        AlertEvent? alert = null;
        while (_pendingCount > 0 && _pending[0] + _post == newest)
        {
            var impact = _pending[0];
            Array.Copy(_pending, 1, _pending, 0, _pendingCount - 1);
            _pendingCount--;
            alert ??= Score(impact);
        }

        return alert;
    }

    /// <summary>
    /// Adds a batch as the wire protocol delivers it: the first sample's timestamp, the sample period
    /// and interleaved x, y, z in g. Alerts are appended to <paramref name="alerts"/>; returns how many.
    /// </summary>
    public int PushBatch(long firstSampleUs, long periodUs, ReadOnlySpan<float> xyz, ICollection<AlertEvent> alerts)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        if (xyz.Length % 3 != 0)
        {
            throw new ArgumentException("xyz must hold whole x, y, z triples", nameof(xyz));
        }

        var raised = 0;
        for (var i = 0; i < xyz.Length / 3; i++)
        {
            var alert = Push(firstSampleUs + (i * periodUs), xyz[3 * i], xyz[(3 * i) + 1], xyz[(3 * i) + 2]);
            if (alert is not null)
            {
                alerts.Add(alert);
                raised++;
            }
        }

        return raised;
    }

    private bool IsPeak(long candidate, long newest)
    {
        var value = _mag[(int)(candidate % _capacity)];
        for (var i = candidate - _search; i < candidate; i++)
        {
            if (_mag[(int)(i % _capacity)] >= value)
            {
                return false;
            }
        }

        for (var i = candidate + 1; i <= newest; i++)
        {
            if (_mag[(int)(i % _capacity)] > value)
            {
                return false;
            }
        }

        return true;
    }

    private AlertEvent? Score(long impact)
    {
        var start = impact - _pre;
        for (var i = 0; i < _wx.Length; i++)
        {
            var slot = (int)((start + i) % _capacity);
            _wx[i] = _x[slot];
            _wy[i] = _y[slot];
            _wz[i] = _z[slot];
        }

        FallFeatures.Compute(_wx, _wy, _wz, _pre, _config.SampleRateHz, _features);
        var score = _scorer.Score(_features);
        ScoredWindows++;
        var impactSlot = (int)(impact % _capacity);
        var impactUs = _time[impactSlot];
        var decisionUs = _time[(int)((impact + _post) % _capacity)];
        var peak = _mag[impactSlot];
        var alerted = score >= Threshold && impactUs >= _refractoryUntilUs;
        if (alerted)
        {
            _refractoryUntilUs = impactUs + _refractoryUs;
        }

        _onScored?.Invoke(new ScoredWindow(impactUs, decisionUs, peak, score, alerted), _features);
        return alerted ? new AlertEvent(impactUs, decisionUs, score, Threshold, peak) : null;
    }
}
