namespace Edge.Detection.Posture;

/// <summary>
/// Statistics of one block of consecutive samples (the posture tracker uses 0.5 s): the mean
/// acceleration vector (gravity plus the slow part of the motion) and the spread of |a| (how much the
/// body moved). All in g.
/// </summary>
/// <param name="StartUs">Device time of the block's first sample, µs.</param>
/// <param name="EndUs">Device time just after the block's last sample (last sample + one period), µs.</param>
/// <param name="Samples">Samples in the block.</param>
/// <param name="MeanX">Mean x acceleration, g.</param>
/// <param name="MeanY">Mean y acceleration, g.</param>
/// <param name="MeanZ">Mean z acceleration, g.</param>
/// <param name="MeanMagnitude">Mean of |a|, g.</param>
/// <param name="MagnitudeStd">Standard deviation of |a| within the block, g (about 0.01 g still, 0.1–0.4 g walking).</param>
public readonly record struct BlockSummary(
    long StartUs, long EndUs, int Samples, float MeanX, float MeanY, float MeanZ, float MeanMagnitude, float MagnitudeStd)
{
    /// <summary>Length of the mean vector, g (about 1 when the block is still; less when the direction turned within it).</summary>
    public float MeanNorm => MathF.Sqrt((MeanX * MeanX) + (MeanY * MeanY) + (MeanZ * MeanZ));

    /// <summary>Angle between this block's mean vector and <paramref name="other"/>'s, degrees (0 when either is zero).</summary>
    public float AngleTo(in BlockSummary other) => Geometry.AngleDegrees(MeanX, MeanY, MeanZ, other.MeanX, other.MeanY, other.MeanZ);
}

/// <summary>
/// Cuts a sample stream into fixed-length blocks and summarises each (<see cref="BlockSummary"/>).
/// Per sample: five additions and two multiplications, no allocation. Not thread-safe: one instance per
/// sensor, fed from one thread.
/// </summary>
/// <remarks>The caller decides what a gap in the stream means; <see cref="Reset"/> drops a partial block.</remarks>
public sealed class BlockStatistics
{
    private int _count;
    private long _startUs;
    private double _sx;
    private double _sy;
    private double _sz;
    private double _sm;
    private double _smm;

    /// <summary>Creates an accumulator for blocks of <paramref name="samplesPerBlock"/> samples.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 2 samples per block.</exception>
    public BlockStatistics(int samplesPerBlock)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samplesPerBlock, 2);
        SamplesPerBlock = samplesPerBlock;
    }

    /// <summary>Samples per block.</summary>
    public int SamplesPerBlock { get; }

    /// <summary>Samples in the block being filled.</summary>
    public int Pending => _count;

    /// <summary>The most recently completed block (default until the first one completes).</summary>
    public BlockSummary Last { get; private set; }

    /// <summary>
    /// Adds one sample (device time µs, acceleration in g, and its magnitude, which the caller usually has
    /// already). Returns true when this sample completed a block; <see cref="Last"/> then holds it.
    /// </summary>
    public bool Add(long timeUs, long periodUs, float x, float y, float z, float magnitude)
    {
        if (_count == 0)
        {
            _startUs = timeUs;
        }

        _sx += x;
        _sy += y;
        _sz += z;
        _sm += magnitude;
        _smm += (double)magnitude * magnitude;
        if (++_count < SamplesPerBlock)
        {
            return false;
        }

        var n = (double)_count;
        var mean = _sm / n;
        var variance = Math.Max(0, (_smm / n) - (mean * mean));
        Last = new BlockSummary(_startUs, timeUs + periodUs, _count, (float)(_sx / n), (float)(_sy / n), (float)(_sz / n), (float)mean, (float)Math.Sqrt(variance));
        Reset();
        return true;
    }

    /// <summary>Drops the partial block (after a gap in the stream).</summary>
    public void Reset()
    {
        _count = 0;
        _sx = _sy = _sz = _sm = _smm = 0;
    }
}

/// <summary>Small vector helpers shared by the posture primitives.</summary>
public static class Geometry
{
    /// <summary>Angle between two vectors in degrees, in [0, 180]; 0 when either is (nearly) zero.</summary>
    public static float AngleDegrees(float ax, float ay, float az, float bx, float by, float bz)
    {
        var na = MathF.Sqrt((ax * ax) + (ay * ay) + (az * az));
        var nb = MathF.Sqrt((bx * bx) + (by * by) + (bz * bz));
        if (na < 1e-6f || nb < 1e-6f)
        {
            return 0;
        }

        var cos = ((ax * bx) + (ay * by) + (az * bz)) / (na * nb);
        return MathF.Acos(Math.Clamp(cos, -1f, 1f)) * (180f / MathF.PI);
    }
}
