using Edge.Detection.Features;

namespace Edge.Detection;

/// <summary>
/// The online fall detector for one sensor. The gateway, the training and the evaluation all run this
/// class, so the evaluation measures exactly what the gateway does.
/// </summary>
/// <remarks>
/// <para><b>Two ways in.</b> The <b>impact path</b> looks for hard hits: sample <c>i</c> is an impact
/// when its magnitude reaches <see cref="DetectorConfig.CandidateThresholdG"/> and is the largest within
/// ± <see cref="DetectorConfig.PeakSearchSeconds"/>; once <see cref="DetectorConfig.PostImpactSeconds"/>
/// have arrived, the window's <see cref="ImpactFeatures"/> are scored. The <b>soft path</b> takes a second,
/// later look at every impact and at every moment the body reaches lying from upright or seated
/// (<see cref="PostureHistory.JustReachedLying"/>), once <see cref="DetectorConfig.SoftPostSeconds"/> have
/// arrived, with <see cref="SoftFeatures"/> (descent, posture and stillness afterwards). Soft falls with a
/// small impact are decided later but are not missed for want of a hard hit.</para>
/// <para><b>One fall, one alert.</b> Both paths share one refractory period: a candidate whose anchor is
/// within <see cref="DetectorConfig.RefractorySeconds"/> after the anchor of an alert already raised (by
/// either path), or before it, does not alert again.</para>
/// <para><b>Gaps</b>: a timestamp step above <see cref="DetectorConfig.GapPeriods"/> periods, or a step
/// backwards, starts a new contiguous run. No samples are invented: a candidate is scored only when its
/// whole window lies inside one run, otherwise it is dropped and counted in <see cref="DroppedCandidates"/>.
/// The posture blocks restart at a gap; the learned upright axis is kept.</para>
/// <para>Allocation-free per sample. Not thread-safe: one instance per sensor, fed from one thread.</para>
/// </remarks>
public sealed class FallDetector
{
    private const int MaxPendingSoft = 64;

    private readonly DetectorConfig _config;
    private readonly IFallScorer _impactScorer;
    private readonly IFallScorer _softScorer;
    private readonly ScoredWindowHandler? _onScored;
    private readonly PostureHistory _posture;
    private readonly int _pre;
    private readonly int _post;
    private readonly int _search;
    private readonly int _softPre;
    private readonly int _softPost;
    private readonly int _softSpacing;
    private readonly int _blockSamples;
    private readonly int _capacity;
    private readonly float _candidateG;
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
    private readonly float[] _impactFeatures;
    private readonly float[] _softFeatures;
    private readonly long[] _pendingImpact; // run indices of impacts waiting for their post-impact samples
    private readonly long[] _pendingSoft;   // run indices of soft anchors, ascending
    private readonly bool[] _pendingSoftIsImpact;
    private int _pendingImpactCount;
    private int _pendingSoftCount;
    private long _lastSoftAnchor;
    private long _run; // samples in the current contiguous run
    private long _lastTimeUs;
    private bool _hasLast;
    private long _alertAnchorUs = long.MinValue;

    /// <summary>Creates a detector.</summary>
    /// <param name="config">Window geometry, from the model manifest.</param>
    /// <param name="impactScorer">The impact path's model (<see cref="ImpactFeatures"/>).</param>
    /// <param name="softScorer">The soft path's model (<see cref="SoftFeatures"/>).</param>
    /// <param name="impactThreshold">Effective probability threshold of the impact path, in (0, 1).</param>
    /// <param name="softThreshold">Effective probability threshold of the soft path, in (0, 1].</param>
    /// <param name="onScored">Optional observer of every scored window.</param>
    public FallDetector(DetectorConfig config, IFallScorer impactScorer, IFallScorer softScorer, float impactThreshold, float softThreshold, ScoredWindowHandler? onScored = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(impactScorer);
        ArgumentNullException.ThrowIfNull(softScorer);
        config.Validate();
        if (impactThreshold is <= 0 or >= 1 || float.IsNaN(impactThreshold))
        {
            throw new ArgumentOutOfRangeException(nameof(impactThreshold), impactThreshold, "threshold must be in (0, 1)");
        }

        if (softThreshold is <= 0 or >= 1 || float.IsNaN(softThreshold))
        {
            throw new ArgumentOutOfRangeException(nameof(softThreshold), softThreshold, "threshold must be in (0, 1)");
        }

        _config = config;
        _impactScorer = impactScorer;
        _softScorer = softScorer;
        ImpactThreshold = impactThreshold;
        SoftThreshold = softThreshold;
        _onScored = onScored;
        _posture = new PostureHistory(config);
        _pre = config.PreSamples;
        _post = config.PostSamples;
        _search = config.PeakSearchSamples;
        _softPre = config.SoftPreSamples;
        _softPost = config.SoftPostSamples;
        _softSpacing = (int)Math.Round(config.SoftSpacingSeconds * config.SampleRateHz);
        _blockSamples = config.BlockSamples;
        _capacity = Math.Max(_pre + _post + _search, _softPre + _softPost + _search) + 2;
        _candidateG = (float)config.CandidateThresholdG;
        _gapUs = (long)Math.Round(config.GapPeriods * 1_000_000.0 / config.SampleRateHz);
        _refractoryUs = (long)Math.Round(config.RefractorySeconds * 1_000_000);
        _x = new float[_capacity];
        _y = new float[_capacity];
        _z = new float[_capacity];
        _mag = new float[_capacity];
        _time = new long[_capacity];
        var window = Math.Max(config.WindowSamples, config.SoftWindowSamples);
        _wx = new float[window];
        _wy = new float[window];
        _wz = new float[window];
        _impactFeatures = new float[ImpactFeatures.Count];
        _softFeatures = new float[SoftFeatures.Count];
        _pendingImpact = new long[(_post / _search) + 2];
        _pendingSoft = new long[MaxPendingSoft];
        _pendingSoftIsImpact = new bool[MaxPendingSoft];
        ResetStream();
    }

    /// <summary>The window geometry in use.</summary>
    public DetectorConfig Config => _config;

    /// <summary>Effective probability threshold of the impact path.</summary>
    public float ImpactThreshold { get; }

    /// <summary>Effective probability threshold of the soft path.</summary>
    public float SoftThreshold { get; }

    /// <summary>The wearer's posture history and learned upright axis (diagnostics).</summary>
    public PostureHistory Posture => _posture;

    /// <summary>Candidates that could not be scored because a gap cut their window (or too many were pending).</summary>
    public long DroppedCandidates { get; private set; }

    /// <summary>Gaps seen in the timestamps (including steps backwards).</summary>
    public long Gaps { get; private set; }

    /// <summary>Windows scored so far, both paths.</summary>
    public long ScoredWindows { get; private set; }

    /// <summary>Forgets all samples, pending candidates, the posture blocks and the refractory period (not the upright axis).</summary>
    public void Reset()
    {
        ResetStream();
        _hasLast = false;
        _alertAnchorUs = long.MinValue;
    }

    /// <summary>
    /// Adds one sample (device timestamp in µs, acceleration in g) and returns an alert when this
    /// sample completed the window of a fall (at most one per sample; the shared refractory period keeps
    /// a second path from alerting for the same fall).
    /// </summary>
    public AlertEvent? Push(long deviceTimeUs, float x, float y, float z)
    {
        if (_hasLast)
        {
            var step = deviceTimeUs - _lastTimeUs;
            if (step > _gapUs || step <= 0)
            {
                Gaps++;
                DroppedCandidates += _pendingImpactCount + _pendingSoftCount;
                ResetStream();
                if (step <= 0)
                {
                    // The device clock went back (reboot): its old timestamps mean nothing now.
                    _alertAnchorUs = long.MinValue;
                }
            }
        }

        if (_run == 0)
        {
            _posture.Reset(_posture.AlignmentSkip(deviceTimeUs, _config.PeriodUs));
        }

        _hasLast = true;
        _lastTimeUs = deviceTimeUs;
        var slot = (int)(_run % _capacity);
        var magnitude = MathF.Sqrt((x * x) + (y * y) + (z * z));
        _x[slot] = x;
        _y[slot] = y;
        _z[slot] = z;
        _mag[slot] = magnitude;
        _time[slot] = deviceTimeUs;
        var newest = _run;
        _run++;

        if (_posture.Add(x, y, z, magnitude) && _posture.JustReachedLying())
        {
            AddSoftAnchor(newest, isImpact: false);
        }

        // Impact candidates: is the sample `search` samples back a local maximum above the threshold?
        var candidate = newest - _search;
        if (candidate >= _pre && _mag[(int)(candidate % _capacity)] >= _candidateG && IsPeak(candidate, newest))
        {
            if (_pendingImpactCount < _pendingImpact.Length)
            {
                _pendingImpact[_pendingImpactCount++] = candidate;
            }
            else
            {
                DroppedCandidates++;
            }

            AddSoftAnchor(candidate, isImpact: true);
        }

        AlertEvent? alert = null;
        while (_pendingImpactCount > 0 && _pendingImpact[0] + _post == newest)
        {
            var impact = _pendingImpact[0];
            Array.Copy(_pendingImpact, 1, _pendingImpact, 0, _pendingImpactCount - 1);
            _pendingImpactCount--;
            var raised = ScoreImpact(impact, newest);
            alert ??= raised;
        }

        while (_pendingSoftCount > 0 && _pendingSoft[0] + _softPost <= newest)
        {
            var anchor = _pendingSoft[0];
            var isImpact = _pendingSoftIsImpact[0];
            Array.Copy(_pendingSoft, 1, _pendingSoft, 0, _pendingSoftCount - 1);
            Array.Copy(_pendingSoftIsImpact, 1, _pendingSoftIsImpact, 0, _pendingSoftCount - 1);
            _pendingSoftCount--;
            if (anchor - _softPre >= 0)
            {
                var raised = ScoreSoft(anchor, newest, isImpact);
                alert ??= raised;
            }
            else
            {
                DroppedCandidates++;
            }
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

    private void ResetStream()
    {
        _run = 0;
        _pendingImpactCount = 0;
        _pendingSoftCount = 0;
        _lastSoftAnchor = long.MinValue / 2;
        _posture.Reset();
    }

    // Soft anchors are kept in order of their run index (impact anchors are found `search` samples late).
    // A posture-transition anchor close after another soft anchor adds nothing; impact anchors always count.
    private void AddSoftAnchor(long anchor, bool isImpact)
    {
        if (!isImpact && anchor - _lastSoftAnchor < _softSpacing)
        {
            return;
        }

        if (_pendingSoftCount == MaxPendingSoft)
        {
            DroppedCandidates++;
            return;
        }

        var i = _pendingSoftCount;
        while (i > 0 && _pendingSoft[i - 1] > anchor)
        {
            _pendingSoft[i] = _pendingSoft[i - 1];
            _pendingSoftIsImpact[i] = _pendingSoftIsImpact[i - 1];
            i--;
        }

        _pendingSoft[i] = anchor;
        _pendingSoftIsImpact[i] = isImpact;
        _pendingSoftCount++;
        _lastSoftAnchor = Math.Max(_lastSoftAnchor, anchor);
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

    private int CopyWindow(long start, int length)
    {
        for (var i = 0; i < length; i++)
        {
            var slot = (int)((start + i) % _capacity);
            _wx[i] = _x[slot];
            _wy[i] = _y[slot];
            _wz[i] = _z[slot];
        }

        return length;
    }

    private AlertEvent? ScoreImpact(long impact, long newest)
    {
        var n = CopyWindow(impact - _pre, _config.WindowSamples);
        ImpactFeatures.Compute(
            _wx.AsSpan(0, n), _wy.AsSpan(0, n), _wz.AsSpan(0, n), _pre, _config.SampleRateHz,
            _posture, (int)(newest - impact), _blockSamples, _impactFeatures);
        var score = _impactScorer.Score(_impactFeatures);
        var peak = _mag[(int)(impact % _capacity)];
        return Decide(FallPath.Impact, impact, newest, score, ImpactThreshold, peak, _impactFeatures);
    }

    private AlertEvent? ScoreSoft(long anchor, long newest, bool isImpact)
    {
        var n = CopyWindow(anchor - _softPre, _config.SoftWindowSamples);
        SoftFeatures.Compute(
            _wx.AsSpan(0, n), _wy.AsSpan(0, n), _wz.AsSpan(0, n), _softPre, _pre, _post, _config.SampleRateHz,
            _posture, (int)(newest - anchor), _blockSamples, isImpact, _softFeatures);
        var score = _softScorer.Score(_softFeatures);
        var peak = 0f;
        for (var i = 0; i < n; i++)
        {
            peak = Math.Max(peak, MathF.Sqrt((_wx[i] * _wx[i]) + (_wy[i] * _wy[i]) + (_wz[i] * _wz[i])));
        }

        return Decide(FallPath.Soft, anchor, newest, score, SoftThreshold, peak, _softFeatures);
    }

    private AlertEvent? Decide(FallPath path, long anchor, long newest, float score, float threshold, float peak, float[] features)
    {
        ScoredWindows++;
        var anchorUs = _time[(int)(anchor % _capacity)];
        var decisionUs = _time[(int)(newest % _capacity)];
        var alerted = score >= threshold && !InRefractory(anchorUs);
        if (alerted)
        {
            _alertAnchorUs = anchorUs;
        }

        _onScored?.Invoke(new ScoredWindow(anchorUs, decisionUs, peak, score, alerted, path), features);
        return alerted ? new AlertEvent(anchorUs, decisionUs, score, threshold, peak, path) : null;
    }

    // Suppressed: an anchor before the last alert's anchor + refractory (a soft look at the same fall that
    // an impact already raised, or a later hit on the floor).
    private bool InRefractory(long anchorUs) => _alertAnchorUs != long.MinValue && anchorUs < _alertAnchorUs + _refractoryUs;
}
