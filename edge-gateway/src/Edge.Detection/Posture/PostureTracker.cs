// Over 400 lines on purpose: one per-sample state machine (posture, transitions, steps) whose stages share the sample-by-sample state; it is benchmarked and evaluated as one unit (models/getup).
namespace Edge.Detection.Posture;

/// <summary>What the wearer is doing, as the tracker sees it.</summary>
public enum BodyPosture
{
    /// <summary>No data yet, or a long gap.</summary>
    Unknown,

    /// <summary>Upright and still, but whether sitting or standing is not known yet.</summary>
    Upright,

    /// <summary>Sitting (a chair, the edge of the bed).</summary>
    Sitting,

    /// <summary>Standing still.</summary>
    Standing,

    /// <summary>Walking (standing and taking steps).</summary>
    Walking,

    /// <summary>Lying (in bed, on a sofa, or on the floor).</summary>
    Lying,
}

/// <summary>A change of posture between lying, sitting and standing.</summary>
/// <param name="From">Lying, Sitting or Standing (inferred when the tracker only knew "upright").</param>
/// <param name="To">Lying, Sitting or Standing.</param>
/// <param name="StartUs">When the movement began (device µs; block resolution, 0.5 s).</param>
/// <param name="DetectedUs">When the tracker was sure (device µs): the time of the sample that completed it.</param>
public readonly record struct PostureTransition(BodyPosture From, BodyPosture To, long StartUs, long DetectedUs)
{
    /// <summary>Sitting up from lying, or standing up from sitting (or from lying): what a get-up alert is for.</summary>
    public bool IsGettingUp => (From == BodyPosture.Lying && To is BodyPosture.Sitting or BodyPosture.Standing) || (From == BodyPosture.Sitting && To == BodyPosture.Standing);

    /// <summary>"lying>sitting", "sitting>standing" ...: the form the evaluation writes.</summary>
    public string Name => $"{PostureTracker.Name(From)}>{PostureTracker.Name(To)}";
}

/// <summary>
/// Posture and activity of one wearer from the waist sensor's acceleration: lying, sitting, standing,
/// walking, the transitions between them, steps and the time spent in each posture. The gateway runs it
/// on every sample of every worn sensor; the evaluation command runs the same class on recordings.
/// </summary>
/// <remarks>
/// <para><b>Blocks</b>: samples are summarised in 0.5 s blocks (<see cref="BlockStatistics"/>); the upright
/// axis is learned from walking (<see cref="UprightEstimator"/>) and each block's tilt from it decides
/// lying (≥ <see cref="LyingDegrees"/> for <see cref="LyingConfirmSeconds"/>; from standing it takes
/// <see cref="LyingFromStandingSeconds"/>, so bending over is not lying down) and sitting up
/// (≤ <see cref="UprightDegrees"/>). Between the two thresholds nothing changes, so rolling over in bed,
/// which keeps the trunk near horizontal, is never a transition.</para>
/// <para><b>Sitting and standing</b> look alike to a waist sensor at rest, so they are told apart by the
/// movement between them. A movement starts when a block stops being still; it ends at the next still
/// block, or (rising only) earlier once the trunk has come back up by <see cref="MinLeanDegrees"/>. It is
/// a sit-to-stand or a stand-to-sit only if the trunk leaned at least <see cref="MinLeanDegrees"/> and
/// smoothed |a| rose at least <see cref="MinPeakG"/> above its resting value (the push off the seat, or
/// the landing on it). Where the dip lies tells the direction: rising pushes up first (|a| peak) and
/// brakes after it (dip); sitting down drops first (dip) and lands after it (peak). A sit-down must end
/// within <see cref="BentDegrees"/> of the posture before it, or land firmly (<see cref="FirmLandingG"/>):
/// bending over or squatting ends far from upright and lands on nothing, and tells the tracker the
/// wearer was standing. What the tracker already knows limits the answer: a sitting wearer can only
/// stand up, a standing one only sit down. Walking (≥ 4 rhythmic steps in 3 s) means standing; if the
/// wearer was sitting, that is a sit-to-stand. Standing still for <see cref="StandingForgetSeconds"/>
/// without a step turns "standing" back into "upright", because a sit-down straight from walking is the
/// one this tracker misses most.</para>
/// <para><b>Gaps</b> up to <see cref="ForgetAfterGapSeconds"/> keep the posture (a sit-up during a short
/// dropout is still reported when the data comes back); longer ones, or a clock that went back, forget it.</para>
/// <para><b>Cost</b>: per sample one square root, the block sums, the step detector and two comparisons,
/// no allocation; per block a few dozen operations and three arc cosines. Not thread-safe: one instance
/// per sensor, fed from one thread.</para>
/// </remarks>
public sealed class PostureTracker
{
    /// <summary>Block length, s.</summary>
    public const double BlockSeconds = 0.5;

    /// <summary>Tilt from upright at or above which the trunk is lying, degrees.</summary>
    public const float LyingDegrees = 60f;

    /// <summary>Tilt at or below which a lying wearer has sat up, degrees.</summary>
    public const float UprightDegrees = 40f;

    /// <summary>Time at the lying tilt before lying is confirmed, s.</summary>
    public const double LyingConfirmSeconds = 2;

    /// <summary>The same from standing or walking, s: bending over to pick something up is not lying down.</summary>
    public const double LyingFromStandingSeconds = 10;

    /// <summary>std of |a| below which a block is still, g.</summary>
    public const float StillStd = 0.02f;

    /// <summary>Direction change between blocks below which a block is still, degrees.</summary>
    public const float StillDegrees = 3f;

    /// <summary>Least trunk lean for a sit-to-stand or stand-to-sit, degrees.</summary>
    public const float MinLeanDegrees = 10f;

    /// <summary>Least peak of smoothed |a| above rest in a sit-to-stand (the push off the seat) or a stand-to-sit (the landing on it), g.</summary>
    public const float MinPeakG = 0.12f;

    /// <summary>The same for a wearer known to be sitting (who can only stand up), g.</summary>
    public const float MinPeakFromSittingG = 0.08f;

    /// <summary>Least dip of smoothed |a| below rest in a sit-to-stand or stand-to-sit, g.</summary>
    public const float MinDipG = 0.03f;

    /// <summary>A sit-down may end this far from the posture before it only with a firm landing (<see cref="FirmLandingG"/>), degrees.</summary>
    public const float BentDegrees = 30f;

    /// <summary>A landing this firm is a sit-down however far the posture changed, g.</summary>
    public const float FirmLandingG = 0.25f;

    /// <summary>Longest movement considered one transition, s.</summary>
    public const double MaxMovementSeconds = 8;

    /// <summary>Standing still this long without a step turns "standing" back into "upright" (sitting or standing), s.</summary>
    public const double StandingForgetSeconds = 60;

    /// <summary>Steps within <see cref="WalkingWindowSeconds"/> that make walking.</summary>
    public const int WalkingSteps = 4;

    /// <summary>Window for <see cref="WalkingSteps"/>, s.</summary>
    public const double WalkingWindowSeconds = 3;

    /// <summary>A gap in the samples longer than this forgets the posture, s (shorter gaps keep it, so a get-up during a short dropout is still seen).</summary>
    public const double ForgetAfterGapSeconds = 300;

    private const int StepHistory = 8;
    private const long MaxStepIntervalUs = 1_200_000;

    private readonly long _periodUs;
    private readonly long _gapUs;
    private readonly long _forgetUs;
    private readonly long _walkWindowUs;
    private readonly long _maxMovementUs;
    private readonly long _standingForgetUs;
    private readonly int _lyingBlocks;
    private readonly int _lyingFromStandingBlocks;
    private readonly float _smoothAlpha;
    private readonly BlockStatistics _blocks;
    private readonly StepDetector _steps;
    private readonly long[] _stepTimes = new long[StepHistory];
    private readonly long[] _postureUs = new long[6];
    private int _stepCount;
    private long _lastTimeUs;
    private bool _hasLast;
    private float _smooth = 1;
    private bool _smoothPrimed;

    // Smoothed |a| extremes of the block being filled and of the one before it.
    private float _blkMin;
    private float _blkMax;
    private long _blkMinUs;
    private long _blkMaxUs;
    private float _prevBlkMin;
    private float _prevBlkMax;
    private long _prevBlkMinUs;
    private long _prevBlkMaxUs;

    private BlockSummary _prevBlock;
    private bool _hasPrevBlock;

    // The still posture before a movement: direction and resting |a|.
    private bool _refValid;
    private float _refX;
    private float _refY;
    private float _refZ;
    private float _refMag = 1;

    // The movement in progress.
    private bool _moving;
    private long _moveStartUs;
    private float _moveMaxDev;
    private float _moveMax;
    private long _moveMaxUs;
    private float _moveMinBefore;
    private float _moveMinAfter;

    private int _moveStepsAt;
    private bool _moveLooksLikeRise;
    private int _lyingRun;
    private long _lyingRunStartUs;
    private float _lyingTilt;
    private long _sitUpOnsetUs;

    private int _walkRun;
    private int _boutSteps;
    private long _stepsTotal;
    private long _pendingStepStartUs;

    /// <summary>Creates a tracker for one sensor sampling at <paramref name="sampleRateHz"/>.</summary>
    public PostureTracker(int sampleRateHz)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRateHz, 10);
        SampleRateHz = sampleRateHz;
        _periodUs = 1_000_000L / sampleRateHz;
        _gapUs = 5 * _periodUs;
        _forgetUs = (long)(ForgetAfterGapSeconds * 1e6);
        _walkWindowUs = (long)(WalkingWindowSeconds * 1e6);
        _maxMovementUs = (long)(MaxMovementSeconds * 1e6);
        _standingForgetUs = (long)(StandingForgetSeconds * 1e6);
        _lyingBlocks = (int)Math.Round(LyingConfirmSeconds / BlockSeconds);
        _lyingFromStandingBlocks = (int)Math.Round(LyingFromStandingSeconds / BlockSeconds);
        _smoothAlpha = Math.Min(1f, 15f / sampleRateHz);
        _blocks = new BlockStatistics((int)Math.Round(sampleRateHz * BlockSeconds));
        _steps = new StepDetector(sampleRateHz);
        Array.Fill(_stepTimes, long.MinValue / 2);
        ResetBlockExtremes();
    }

    /// <summary>
    /// Tells the tracker what the wearer is doing now when it cannot know yet (Sitting, Standing or Lying):
    /// for example the posture a recording starts in, or the posture before a restart. Ignored once the
    /// tracker has decided a posture of its own.
    /// </summary>
    public void Assume(BodyPosture posture)
    {
        if (posture is not (BodyPosture.Sitting or BodyPosture.Standing or BodyPosture.Lying))
        {
            throw new ArgumentOutOfRangeException(nameof(posture), posture, "only Sitting, Standing or Lying can be assumed");
        }

        if (Posture is BodyPosture.Unknown or BodyPosture.Upright)
        {
            Posture = posture;
            PostureSinceUs = _hasLast ? _lastTimeUs : long.MinValue; // before the first sample: set by the first block
            if (posture == BodyPosture.Lying)
            {
                _lyingTilt = float.NaN; // taken from the first block
            }
        }
    }

    /// <summary>The sample rate the tracker was built for.</summary>
    public int SampleRateHz { get; }

    /// <summary>The current posture.</summary>
    public BodyPosture Posture { get; private set; }

    /// <summary>When the current posture began (device µs).</summary>
    public long PostureSinceUs { get; private set; }

    /// <summary>The upright axis learned so far (shared primitive; the fall detector may read it).</summary>
    public UprightEstimator Upright { get; } = new();

    /// <summary>The last completed block's tilt from upright, degrees.</summary>
    public float LastTiltDegrees { get; private set; }

    /// <summary>Steps counted in walking bouts since the tracker was created.</summary>
    public long Steps => _stepsTotal;

    /// <summary>Gaps seen in the timestamps (including steps backwards).</summary>
    public long Gaps { get; private set; }

    /// <summary>Device time spent in <paramref name="posture"/> since the tracker was created, µs (block resolution).</summary>
    public long TimeInUs(BodyPosture posture) => _postureUs[(int)posture];

    /// <summary>The lower-case name of a posture ("lying", "sitting" ...).</summary>
    public static string Name(BodyPosture posture) => posture switch
    {
        BodyPosture.Unknown => "unknown",
        BodyPosture.Upright => "upright",
        BodyPosture.Sitting => "sitting",
        BodyPosture.Standing => "standing",
        BodyPosture.Walking => "walking",
        BodyPosture.Lying => "lying",
        _ => throw new ArgumentOutOfRangeException(nameof(posture)),
    };

    /// <summary>
    /// Adds one sample (device time µs, acceleration in g). Transitions it completes are appended to
    /// <paramref name="transitions"/>; returns how many.
    /// </summary>
    public int Push(long deviceTimeUs, float x, float y, float z, List<PostureTransition> transitions)
    {
        ArgumentNullException.ThrowIfNull(transitions);
        if (_hasLast)
        {
            var step = deviceTimeUs - _lastTimeUs;
            if (step > _gapUs || step <= 0)
            {
                OnGap(step);
            }
        }

        _hasLast = true;
        _lastTimeUs = deviceTimeUs;
        var m = MathF.Sqrt((x * x) + (y * y) + (z * z));
        if (_steps.Add(deviceTimeUs, m))
        {
            _stepTimes[_stepCount++ % StepHistory] = deviceTimeUs;
            _boutSteps++;
            if (Posture == BodyPosture.Walking)
            {
                _stepsTotal++;
                _boutSteps = 0;
            }
        }

        if (!_smoothPrimed)
        {
            _smooth = m;
            _smoothPrimed = true;
        }

        _smooth += _smoothAlpha * (m - _smooth);
        if (_smooth < _blkMin)
        {
            _blkMin = _smooth;
            _blkMinUs = deviceTimeUs;
        }

        if (_smooth > _blkMax)
        {
            _blkMax = _smooth;
            _blkMaxUs = deviceTimeUs;
        }

        if (!_blocks.Add(deviceTimeUs, _periodUs, x, y, z, m))
        {
            return 0;
        }

        var before = transitions.Count;
        OnBlock(_blocks.Last, transitions);
        return transitions.Count - before;
    }

    /// <summary>
    /// Adds a batch as the wire protocol delivers it: the first sample's time, the sample period and
    /// interleaved x, y, z in g. Returns the number of transitions appended to <paramref name="transitions"/>.
    /// </summary>
    public int PushBatch(long firstSampleUs, long periodUs, ReadOnlySpan<float> xyz, List<PostureTransition> transitions)
    {
        if (xyz.Length % 3 != 0)
        {
            throw new ArgumentException("xyz must hold whole x, y, z triples", nameof(xyz));
        }

        var n = 0;
        for (var i = 0; i < xyz.Length / 3; i++)
        {
            n += Push(firstSampleUs + (i * periodUs), xyz[3 * i], xyz[(3 * i) + 1], xyz[(3 * i) + 2], transitions);
        }

        return n;
    }

    private void OnGap(long step)
    {
        Gaps++;
        _blocks.Reset();
        _steps.Reset();
        _smoothPrimed = false;
        _hasPrevBlock = false;
        _moving = false;
        _refValid = false;
        _lyingRun = 0;
        _walkRun = 0;
        _boutSteps = 0;
        ResetBlockExtremes();
        _prevBlkMin = _blkMin;
        _prevBlkMax = _blkMax;
        if (step <= 0 || step > _forgetUs)
        {
            // A long silence, or the device clock went back (reboot): what it was doing then says nothing now.
            Posture = BodyPosture.Unknown;
        }
        else if (Posture == BodyPosture.Walking)
        {
            Posture = BodyPosture.Standing;
        }
    }

    private void OnBlock(in BlockSummary block, List<PostureTransition> output)
    {
        if (PostureSinceUs == long.MinValue)
        {
            PostureSinceUs = block.StartUs;
        }

        // Walking is rhythmic: the last steps come at a steady pace. Rolling over in bed or fidgeting makes
        // bumps the step detector also fires on, but at irregular intervals.
        var stepsRecent = StepsSince(block.EndUs - _walkWindowUs);
        var rhythmic = stepsRecent >= WalkingSteps && RegularSteps();
        var stepping = rhythmic && _stepTimes[(_stepCount - 1 + StepHistory) % StepHistory] >= block.StartUs - _periodUs;
        Upright.Observe(block, stepping);
        var tilt = Upright.TiltDegrees(block);
        LastTiltDegrees = tilt;
        var still = block.MagnitudeStd < StillStd && (!_hasPrevBlock || block.AngleTo(_prevBlock) < StillDegrees);
        var walkingLike = rhythmic && block.MagnitudeStd >= UprightEstimator.MinActivityStd && tilt < UprightDegrees;

        if (Posture == BodyPosture.Lying)
        {
            OnLyingBlock(block, tilt, still, output);
        }
        else
        {
            OnWalking(block, walkingLike, stepsRecent, output);
            if (!OnLyingCandidate(block, tilt, output) && Posture != BodyPosture.Walking && tilt < LyingDegrees)
            {
                OnUprightBlock(block, tilt, still, walkingLike, output);
            }
        }

        _postureUs[(int)Posture] += block.EndUs - block.StartUs;
        _prevBlock = block;
        _hasPrevBlock = true;
        _prevBlkMin = _blkMin;
        _prevBlkMax = _blkMax;
        _prevBlkMinUs = _blkMinUs;
        _prevBlkMaxUs = _blkMaxUs;
        ResetBlockExtremes();
    }

    private void OnLyingBlock(in BlockSummary block, float tilt, bool still, List<PostureTransition> output)
    {
        if (float.IsNaN(_lyingTilt))
        {
            // Lying was assumed (Assume): this is the first block seen.
            _lyingTilt = Math.Max(tilt, LyingDegrees);
            _sitUpOnsetUs = block.StartUs;
        }

        if (tilt <= UprightDegrees)
        {
            Emit(BodyPosture.Lying, BodyPosture.Sitting, _sitUpOnsetUs, block.EndUs, output);
            _refValid = false;
            _moving = false;
            return;
        }

        if (tilt >= _lyingTilt - 10)
        {
            // Still at the lying tilt: a sit-up starts after this block.
            _sitUpOnsetUs = block.EndUs;
            if (still)
            {
                _lyingTilt += 0.2f * (tilt - _lyingTilt);
            }
        }
    }

    /// <summary>Confirms lying down; true when lying was confirmed by this block.</summary>
    private bool OnLyingCandidate(in BlockSummary block, float tilt, List<PostureTransition> output)
    {
        if (tilt < LyingDegrees)
        {
            _lyingRun = 0;
            return false;
        }

        if (_lyingRun++ == 0)
        {
            _lyingRunStartUs = _moving ? _moveStartUs : block.StartUs;
        }

        var needed = Posture is BodyPosture.Standing or BodyPosture.Walking ? _lyingFromStandingBlocks : _lyingBlocks;
        if (_lyingRun < needed)
        {
            return false;
        }

        var from = Posture switch
        {
            BodyPosture.Standing or BodyPosture.Walking => BodyPosture.Standing,
            BodyPosture.Unknown => BodyPosture.Unknown,
            _ => BodyPosture.Sitting, // lying down is done from sitting; "upright" most likely was
        };
        if (from == BodyPosture.Unknown)
        {
            SetPosture(BodyPosture.Lying, block.EndUs);
        }
        else
        {
            Emit(from, BodyPosture.Lying, _lyingRunStartUs, block.EndUs, output);
        }

        _lyingTilt = tilt;
        _sitUpOnsetUs = block.EndUs;
        _moving = false;
        _refValid = false;
        _walkRun = 0;
        return true;
    }

    private void OnWalking(in BlockSummary block, bool walkingLike, int stepsRecent, List<PostureTransition> output)
    {
        OnWalkingCore(block, walkingLike, stepsRecent, output);

        // Standing still for a minute without a step is unusual; more likely a sit-down straight from walking
        // went unseen. Back to "upright", so the next rise from the chair is still reported.
        if (Posture == BodyPosture.Standing && !_moving && block.EndUs - PostureSinceUs >= _standingForgetUs)
        {
            SetPosture(BodyPosture.Upright, block.EndUs);
        }
    }

    private void OnWalkingCore(in BlockSummary block, bool walkingLike, int stepsRecent, List<PostureTransition> output)
    {
        if (Posture == BodyPosture.Walking)
        {
            if (stepsRecent < 2 || block.MagnitudeStd < StillStd)
            {
                // Walking stopped: the last walking direction is the standing reference, so a sit-down that
                // follows at once is still seen as a movement.
                SetPosture(BodyPosture.Standing, block.EndUs);
                _refValid = true;
                _refMag = block.MeanMagnitude;
                (_refX, _refY, _refZ) = (_prevBlock.MeanX, _prevBlock.MeanY, _prevBlock.MeanZ);
                _moving = false;
                _walkRun = 0;
            }

            return;
        }

        _walkRun = walkingLike ? _walkRun + 1 : 0;
        if (_walkRun == 1)
        {
            // The rise began with the movement in progress, or about a second before the first step.
            _pendingStepStartUs = _moving ? _moveStartUs : FirstStepSince(block.EndUs - _walkWindowUs) - 1_000_000;
        }

        if (_walkRun < 2)
        {
            if (stepsRecent == 0)
            {
                _boutSteps = 0;
            }

            return;
        }

        var from = Posture;
        _stepsTotal += _boutSteps;
        _boutSteps = 0;
        if (from == BodyPosture.Sitting || (from == BodyPosture.Upright && _moving && _moveLooksLikeRise))
        {
            // Walking off from sitting, or right after a movement that looked like rising.
            Emit(BodyPosture.Sitting, BodyPosture.Standing, _pendingStepStartUs, block.EndUs, output);
        }

        SetPosture(BodyPosture.Walking, block.EndUs);
        _moving = false;
        _refValid = false;
        _lyingRun = 0;
    }

    private void OnUprightBlock(in BlockSummary block, float tilt, bool still, bool walkingLike, List<PostureTransition> output)
    {
        if (Posture == BodyPosture.Unknown)
        {
            if (tilt >= UprightDegrees)
            {
                return; // neither clearly upright nor lying yet
            }

            SetPosture(BodyPosture.Upright, block.StartUs);
        }

        if (!_moving)
        {
            if (still)
            {
                var n = block.MeanNorm;
                (_refX, _refY, _refZ) = (block.MeanX / n, block.MeanY / n, block.MeanZ / n);
                _refMag = block.MeanMagnitude;
                _refValid = true;
                return;
            }

            if (!_refValid || walkingLike)
            {
                return;
            }

            _moving = true;
            _moveStartUs = block.StartUs;
            _moveStepsAt = _stepCount;
            _moveLooksLikeRise = false;
            _moveMaxDev = 0;
            _moveMax = float.MinValue;
            _moveMinBefore = float.MaxValue;
            _moveMinAfter = float.MaxValue;
            FoldExtremes(_prevBlkMin, _prevBlkMinUs, _prevBlkMax, _prevBlkMaxUs);
        }

        FoldExtremes(_blkMin, _blkMinUs, _blkMax, _blkMaxUs);
        var dev = Geometry.AngleDegrees(block.MeanX, block.MeanY, block.MeanZ, _refX, _refY, _refZ);
        _moveMaxDev = Math.Max(_moveMaxDev, dev);
        var peak = _moveMax - _refMag;
        var dipBefore = Math.Max(0, _refMag - _moveMinBefore);
        // The resting |a| differs a little between postures (sensor calibration: 0.01-0.04 g), so a dip after
        // the peak is measured against the new resting value once the wearer is still again.
        var afterMag = still ? block.MeanMagnitude : _refMag;
        var dipAfter = _moveMinAfter == float.MaxValue ? 0 : Math.Max(0, afterMag - _moveMinAfter);

        // Rising pushes up first (the |a| peak) and brakes after it (a dip); sitting down drops first (a dip)
        // and lands after it (the peak). Both need a real peak: the push off the seat, or the landing on it.
        var standPattern = dipAfter > dipBefore;
        // A wearer known to be sitting can only stand up (or lean and sit back), so a gentler push is enough there:
        // slow sit-to-stands of older people peak lower. Otherwise a real landing or push is required.
        var minPeak = Posture == BodyPosture.Sitting ? MinPeakFromSittingG : MinPeakG;
        var strong = _moveMaxDev >= MinLeanDegrees && peak >= minPeak && dipAfter + dipBefore >= MinDipG;

        // Steps during the movement: the wearer set off walking (from standing, or after rising): walking
        // decides, not the |a| pattern, which steps would muddle.
        var stepped = _stepCount - _moveStepsAt >= WalkingSteps;

        // Rising can be decided before the wearer is still again (they may walk off at once): once the push
        // and the braking are both in and the trunk is back near its earlier direction.
        var risePattern = strong && dipAfter >= MinDipG && dipBefore < 0.35f * (dipAfter + dipBefore);
        // A rise completed before any stepping began; set once, so the steps that follow cannot undo it.
        _moveLooksLikeRise |= risePattern && _stepCount - _moveStepsAt <= 1;
        var early = risePattern && !stepped && Posture != BodyPosture.Standing && dev <= _moveMaxDev - MinLeanDegrees;
        if (still || early)
        {
            _moving = false;
            if (strong && !stepped)
            {
                var to = standPattern ? BodyPosture.Standing : BodyPosture.Sitting;
                var from = to == BodyPosture.Standing ? BodyPosture.Sitting : BodyPosture.Standing;

                // A sit-down ends near the earlier posture, or with a firm landing: bending over or squatting
                // to pick something up usually ends far from upright and lands on nothing.
                var seated = to != BodyPosture.Sitting || dev < BentDegrees || peak >= FirmLandingG;
                if ((Posture == BodyPosture.Upright || Posture == from) && seated)
                {
                    Emit(from, to, _moveStartUs, block.EndUs, output);
                }
                else if (!seated && Posture == BodyPosture.Upright)
                {
                    // Bent over: only a standing wearer does that, and rising from it is not getting up.
                    SetPosture(BodyPosture.Standing, _moveStartUs);
                }
            }

            _refValid = still;
            if (still)
            {
                var n = block.MeanNorm;
                (_refX, _refY, _refZ) = (block.MeanX / n, block.MeanY / n, block.MeanZ / n);
                _refMag = block.MeanMagnitude;
            }

            return;
        }

        if (block.EndUs - _moveStartUs > _maxMovementUs)
        {
            _moving = false;
            _refValid = false;
        }
    }

    private void Emit(BodyPosture from, BodyPosture to, long startUs, long detectedUs, List<PostureTransition> output)
    {
        output.Add(new PostureTransition(from, to, startUs, detectedUs));
        SetPosture(to, startUs);
    }

    private void SetPosture(BodyPosture posture, long sinceUs)
    {
        if (Posture != posture)
        {
            Posture = posture;
            PostureSinceUs = sinceUs;
        }
    }

    private bool RegularSteps()
    {
        if (_stepCount < WalkingSteps)
        {
            return false;
        }

        long shortest = long.MaxValue, longest = 0;
        for (var i = 1; i < WalkingSteps; i++)
        {
            var interval = _stepTimes[(_stepCount - i + StepHistory) % StepHistory] - _stepTimes[(_stepCount - i - 1 + StepHistory) % StepHistory];
            shortest = Math.Min(shortest, interval);
            longest = Math.Max(longest, interval);
        }

        return longest <= MaxStepIntervalUs && longest <= shortest * 3 / 2;
    }

    private int StepsSince(long fromUs)
    {
        var n = 0;
        var count = Math.Min(_stepCount, StepHistory);
        for (var i = 0; i < count; i++)
        {
            if (_stepTimes[i] >= fromUs)
            {
                n++;
            }
        }

        return n;
    }

    // Folds one block's smoothed-|a| extremes into the movement in time order, keeping the lowest value
    // before the highest peak and the lowest after it.
    private void FoldExtremes(float min, long minUs, float max, long maxUs)
    {
        if (min == float.MaxValue)
        {
            return;
        }

        if (minUs <= maxUs)
        {
            FoldMin(min);
            FoldMax(max, maxUs);
        }
        else
        {
            FoldMax(max, maxUs);
            FoldMin(min);
        }
    }

    private void FoldMin(float value) => _moveMinAfter = Math.Min(_moveMinAfter, value);

    private void FoldMax(float value, long atUs)
    {
        if (value > _moveMax)
        {
            _moveMax = value;
            _moveMaxUs = atUs;
            _moveMinBefore = Math.Min(_moveMinBefore, _moveMinAfter);
            _moveMinAfter = float.MaxValue;
        }
    }

    private long FirstStepSince(long fromUs)
    {
        var first = long.MaxValue;
        foreach (var t in _stepTimes)
        {
            if (t >= fromUs && t < first)
            {
                first = t;
            }
        }

        return first == long.MaxValue ? fromUs : first;
    }

    private void ResetBlockExtremes()
    {
        _blkMin = float.MaxValue;
        _blkMax = float.MinValue;
    }
}
