namespace Edge.Detection.Features;

/// <summary>
/// One wearer's posture over the last half minute, in blocks (<see cref="DetectorConfig.BlockSeconds"/>):
/// each block's mean acceleration vector (gravity while still) and spread of |a|. It also learns which
/// way is "up" on this wearer: residents wear clips crooked, so the body axis is estimated from walking
/// (the mean acceleration over two seconds of steady stepping points along the trunk) instead of being
/// assumed to be the device's y axis. Until the wearer has walked, the y axis is used.
/// </summary>
/// <remarks>
/// Tilt is the angle between a block's mean acceleration and the upright axis, ignoring its sign (0°
/// upright or seated, 90° lying), so a unit clipped upside down reads the same. Allocation-free; one
/// instance per sensor, fed from one thread.
/// </remarks>
public sealed class PostureHistory
{
    /// <summary>Blocks kept (32 s at 0.5-s blocks).</summary>
    public const int Capacity = 64;

    /// <summary>Consecutive blocks that must look like walking before the upright axis is updated.</summary>
    public const int WalkingBlocks = 4;

    /// <summary>Weight of one walking span in the running upright estimate.</summary>
    public const float UprightLearningRate = 0.25f;

    // Walking: every block's spread of |a| within these bounds (g), the span's mean magnitude near 1 g,
    // and every block's mean direction within ~20° of the span's.
    private const float WalkingStdMinG = 0.08f;
    private const float WalkingStdMaxG = 0.8f;
    private const float WalkingMeanMinG = 0.8f;
    private const float WalkingMeanMaxG = 1.25f;
    private const float WalkingDirectionCos = 0.94f;

    private readonly int _blockSamples;
    private readonly float _blockSeconds;
    private readonly float _lyingDegrees;
    private readonly float _uprightDegrees;
    private readonly int _transitionBlocks;
    private readonly float[] _tilt = new float[Capacity];
    private readonly float[] _std = new float[Capacity];
    private readonly float[] _mx = new float[Capacity];
    private readonly float[] _my = new float[Capacity];
    private readonly float[] _mz = new float[Capacity];
    private double _sx;
    private double _sy;
    private double _sz;
    private double _sm;
    private double _sm2;
    private int _n;
    private int _skip;

    /// <summary>Creates an empty history for the given geometry.</summary>
    public PostureHistory(DetectorConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        _blockSamples = config.BlockSamples;
        _blockSeconds = (float)config.BlockSeconds;
        _lyingDegrees = (float)config.LyingDegrees;
        _uprightDegrees = (float)config.UprightDegrees;
        _transitionBlocks = (int)Math.Round(config.TransitionSeconds / config.BlockSeconds);
    }

    /// <summary>Blocks completed since the last <see cref="Reset"/>.</summary>
    public long Blocks { get; private set; }

    /// <summary>Upright axis in the device frame (unit vector; its sign carries no meaning).</summary>
    public (float X, float Y, float Z) Upright => (_ux, _uy, _uz);

    /// <summary>Walking spans that have updated <see cref="Upright"/>.</summary>
    public long UprightUpdates { get; private set; }

    private float _ux;
    private float _uy = 1;
    private float _uz;

    /// <summary>
    /// Forgets the blocks (after a gap the recent posture is unknown). The upright axis is kept: it
    /// belongs to how the unit sits on this wearer, not to the stream. The next
    /// <paramref name="skipSamples"/> samples are not used, so that blocks start on the same grid of
    /// device time as before the gap (a triggered window then has the same blocks as the full stream).
    /// </summary>
    public void Reset(int skipSamples = 0)
    {
        _n = 0;
        _sx = _sy = _sz = _sm = _sm2 = 0;
        Blocks = 0;
        _skip = Math.Max(0, skipSamples);
    }

    /// <summary>
    /// Samples to skip after a sample at <paramref name="timeUs"/> starts a run, so blocks begin at a
    /// multiple of the block length in device time.
    /// </summary>
    public int AlignmentSkip(long timeUs, long periodUs)
    {
        var blockUs = _blockSamples * periodUs;
        var intoBlock = ((timeUs % blockUs) + blockUs) % blockUs;
        return intoBlock == 0 ? 0 : (int)Math.Round((blockUs - intoBlock) / (double)periodUs) % _blockSamples;
    }

    /// <summary>Forgets the upright axis too (the unit was re-fitted or given to another wearer).</summary>
    public void ResetUpright()
    {
        (_ux, _uy, _uz) = (0, 1, 0);
        UprightUpdates = 0;
    }

    /// <summary>Adds a sample; returns true when it completed a block.</summary>
    public bool Add(float x, float y, float z, float magnitude)
    {
        if (_skip > 0)
        {
            _skip--;
            return false;
        }

        _sx += x;
        _sy += y;
        _sz += z;
        _sm += magnitude;
        _sm2 += magnitude * magnitude;
        if (++_n < _blockSamples)
        {
            return false;
        }

        var k = (int)(Blocks % Capacity);
        _mx[k] = (float)(_sx / _n);
        _my[k] = (float)(_sy / _n);
        _mz[k] = (float)(_sz / _n);
        var mean = _sm / _n;
        _std[k] = (float)Math.Sqrt(Math.Max(0, (_sm2 / _n) - (mean * mean)));
        Blocks++;
        _n = 0;
        _sx = _sy = _sz = _sm = _sm2 = 0;
        LearnUprightFromWalking();
        _tilt[k] = Tilt(_mx[k], _my[k], _mz[k]);
        return true;
    }

    /// <summary>Tilt of a vector from the upright axis, degrees in [0, 90] (0 for a zero vector).</summary>
    public float Tilt(float x, float y, float z)
    {
        var norm = MathF.Sqrt((x * x) + (y * y) + (z * z));
        if (norm < 1e-6f)
        {
            return 0;
        }

        var cos = MathF.Abs((x * _ux) + (y * _uy) + (z * _uz)) / norm;
        return MathF.Acos(Math.Clamp(cos, 0f, 1f)) * SignalMath.Degrees;
    }

    /// <summary>True when the block <paramref name="blocksAgo"/> blocks before the newest exists.</summary>
    public bool Has(int blocksAgo) => blocksAgo >= 0 && blocksAgo < Blocks && blocksAgo < Capacity;

    /// <summary>Tilt of a stored block (0 = the newest).</summary>
    public float TiltAgo(int blocksAgo) => _tilt[(int)((Blocks - 1 - blocksAgo) % Capacity)];

    /// <summary>
    /// True when the newest block is lying, the one before was not, and a block within
    /// <see cref="DetectorConfig.TransitionSeconds"/> before was upright or seated: the body has just
    /// gone down.
    /// </summary>
    public bool JustReachedLying()
    {
        if (!Has(1) || TiltAgo(0) < _lyingDegrees || TiltAgo(1) >= _lyingDegrees)
        {
            return false;
        }

        for (var i = 1; i <= _transitionBlocks && Has(i); i++)
        {
            if (TiltAgo(i) <= _uprightDegrees)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Seconds lying among the stored blocks from <paramref name="fromAgo"/> to <paramref name="toAgo"/> blocks ago.</summary>
    public float LyingSeconds(int fromAgo, int toAgo)
    {
        var seconds = 0f;
        for (var i = fromAgo; i <= toAgo && Has(i); i++)
        {
            if (TiltAgo(i) >= _lyingDegrees)
            {
                seconds += _blockSeconds;
            }
        }

        return seconds;
    }

    /// <summary>Least tilt among the stored blocks in the range, or <paramref name="fallback"/> when none is stored.</summary>
    public float MinTilt(int fromAgo, int toAgo, float fallback)
    {
        var min = float.MaxValue;
        for (var i = fromAgo; i <= toAgo && Has(i); i++)
        {
            min = Math.Min(min, TiltAgo(i));
        }

        return min == float.MaxValue ? fallback : min;
    }

    // Walking: the last WalkingBlocks blocks all moderately active, their mean magnitude near 1 g and their
    // mean directions together; the span's mean direction is then the trunk axis.
    private void LearnUprightFromWalking()
    {
        if (Blocks < WalkingBlocks)
        {
            return;
        }

        float ax = 0, ay = 0, az = 0;
        for (var i = 0; i < WalkingBlocks; i++)
        {
            var k = (int)((Blocks - 1 - i) % Capacity);
            if (_std[k] is < WalkingStdMinG or > WalkingStdMaxG)
            {
                return;
            }

            ax += _mx[k];
            ay += _my[k];
            az += _mz[k];
        }

        var norm = MathF.Sqrt((ax * ax) + (ay * ay) + (az * az));
        if (norm / WalkingBlocks is < WalkingMeanMinG or > WalkingMeanMaxG)
        {
            return;
        }

        ax /= norm;
        ay /= norm;
        az /= norm;
        for (var i = 0; i < WalkingBlocks; i++)
        {
            var k = (int)((Blocks - 1 - i) % Capacity);
            var nk = MathF.Sqrt((_mx[k] * _mx[k]) + (_my[k] * _my[k]) + (_mz[k] * _mz[k]));
            if (nk < 1e-6f || ((_mx[k] * ax) + (_my[k] * ay) + (_mz[k] * az)) / nk < WalkingDirectionCos)
            {
                return;
            }
        }

        if ((ax * _ux) + (ay * _uy) + (az * _uz) < 0)
        {
            (ax, ay, az) = (-ax, -ay, -az);
        }

        const float w = UprightLearningRate;
        _ux = ((1 - w) * _ux) + (w * ax);
        _uy = ((1 - w) * _uy) + (w * ay);
        _uz = ((1 - w) * _uz) + (w * az);
        var un = MathF.Sqrt((_ux * _ux) + (_uy * _uy) + (_uz * _uz));
        _ux /= un;
        _uy /= un;
        _uz /= un;
        UprightUpdates++;
    }
}
