namespace Edge.Detection.Posture;

/// <summary>
/// Where "upright" points in the sensor's own frame, learned from walking. A clip is rarely worn
/// straight (residents wear it crooked, on a belt or a waistband, sometimes upside down), so the
/// device's y axis is only the starting guess. While the wearer walks, gravity's direction averaged over
/// a stride is the trunk's upright axis; each such block is blended in.
/// </summary>
/// <remarks>
/// <para><b>What counts as walking</b>: a block (<see cref="BlockSummary"/>) with moderate movement
/// (std of |a| within [<see cref="MinActivityStd"/>, <see cref="MaxActivityStd"/>]), a mean
/// vector near 1 g, the caller's word that steps are being taken, and a mean direction that stayed
/// within <see cref="StableDegrees"/> of its average over the last <see cref="StableBlocks"/> blocks
/// (2 s at 0.5 s blocks). Sitting, lying, rolling over and bending never qualify.</para>
/// <para><b>Blending</b>: the first walking blocks are averaged (weight 1/n), then each new one moves
/// the axis by <see cref="BlendWeight"/>. Before any walking the axis is ±y and its sign is unknown, so
/// <see cref="TiltDegrees(in BlockSummary)"/> folds to [0°, 90°] and an upside-down clip reads upright. Walking fixes the
/// sign, after which tilt runs [0°, 180°]. When walking keeps disagreeing with the axis by more than
/// <see cref="ReseedDegrees"/> (the clip was put on differently), the axis is replaced.</para>
/// <para>Cost: nothing per sample; a few multiplications per block. No allocation after construction.
/// Not thread-safe: one instance per sensor.</para>
/// </remarks>
public sealed class UprightEstimator
{
    /// <summary>Least std of |a| for a walking block, g.</summary>
    public const float MinActivityStd = 0.04f;

    /// <summary>Most std of |a| for a walking block, g (above: running, jumping, a fall).</summary>
    public const float MaxActivityStd = 0.6f;

    /// <summary>Largest distance of the block's mean |vector| from 1 g.</summary>
    public const float MaxNormError = 0.2f;

    /// <summary>Consecutive walking blocks whose mean directions must agree.</summary>
    public const int StableBlocks = 4;

    /// <summary>How far each of those blocks may point from their average, degrees.</summary>
    public const float StableDegrees = 12f;

    /// <summary>Weight of one walking block once the first ones are averaged.</summary>
    public const float BlendWeight = 0.05f;

    /// <summary>Walking this far from the axis counts as disagreement, degrees.</summary>
    public const float ReseedDegrees = 30f;

    /// <summary>Disagreeing walking blocks in a row that replace the axis.</summary>
    public const int ReseedBlocks = 8;

    private readonly float[] _dx = new float[StableBlocks];
    private readonly float[] _dy = new float[StableBlocks];
    private readonly float[] _dz = new float[StableBlocks];
    private int _run;
    private int _disagree;
    private float _ux;
    private float _uy = 1;
    private float _uz;

    /// <summary>The upright axis in the device frame (unit vector; the direction the accelerometer reads while standing still).</summary>
    public (float X, float Y, float Z) Axis => (_ux, _uy, _uz);

    /// <summary>True once walking has shown which way is up (before that the axis is ±y).</summary>
    public bool SignKnown { get; private set; }

    /// <summary>Walking blocks learned from since the axis was last (re)seeded.</summary>
    public long WalkingBlocks { get; private set; }

    /// <summary>What has been learned, to keep across a restart or to start another tracker from.</summary>
    public UprightState Snapshot() => new(_ux, _uy, _uz, SignKnown, WalkingBlocks);

    /// <summary>Continues from a <see cref="Snapshot"/> (a zero or non-finite axis is refused and leaves the estimator unchanged).</summary>
    /// <returns>True when the state was taken.</returns>
    public bool Restore(UprightState state)
    {
        var n = MathF.Sqrt((state.X * state.X) + (state.Y * state.Y) + (state.Z * state.Z));
        if (!float.IsFinite(n) || n < 0.5f || n > 1.5f)
        {
            return false;
        }

        (_ux, _uy, _uz) = (state.X / n, state.Y / n, state.Z / n);
        SignKnown = state.SignKnown;
        WalkingBlocks = Math.Max(0, state.WalkingBlocks);
        _run = 0;
        _disagree = 0;
        return true;
    }

    /// <summary>Forgets everything learned (another wearer, another clip position): back to ±y.</summary>
    public void Reset()
    {
        (_ux, _uy, _uz) = (0, 1, 0);
        SignKnown = false;
        WalkingBlocks = 0;
        _run = 0;
        _disagree = 0;
    }

    /// <summary>
    /// Offers one block. <paramref name="stepping"/> is the caller's step detector saying the wearer took
    /// steps during it. Returns true when the block was learned from.
    /// </summary>
    public bool Observe(in BlockSummary block, bool stepping)
    {
        var norm = block.MeanNorm;
        if (!stepping || block.MagnitudeStd < MinActivityStd || block.MagnitudeStd > MaxActivityStd || MathF.Abs(norm - 1) > MaxNormError)
        {
            _run = 0;
            return false;
        }

        var slot = _run % StableBlocks;
        _dx[slot] = block.MeanX / norm;
        _dy[slot] = block.MeanY / norm;
        _dz[slot] = block.MeanZ / norm;
        _run++;
        if (_run < StableBlocks)
        {
            return false;
        }

        float ax = 0, ay = 0, az = 0;
        for (var i = 0; i < StableBlocks; i++)
        {
            ax += _dx[i];
            ay += _dy[i];
            az += _dz[i];
        }

        for (var i = 0; i < StableBlocks; i++)
        {
            if (Geometry.AngleDegrees(_dx[i], _dy[i], _dz[i], ax, ay, az) > StableDegrees)
            {
                return false;
            }
        }

        var an = MathF.Sqrt((ax * ax) + (ay * ay) + (az * az));
        ax /= an;
        ay /= an;
        az /= an;
        var dot = (ax * _ux) + (ay * _uy) + (az * _uz);
        if (!SignKnown && dot < 0)
        {
            // The clip is upside down relative to the starting guess: walking says which way is up.
            (_ux, _uy, _uz) = (-_ux, -_uy, -_uz);
            dot = -dot;
        }

        if (WalkingBlocks > 0 && MathF.Acos(Math.Clamp(dot, -1f, 1f)) * (180f / MathF.PI) > ReseedDegrees)
        {
            if (++_disagree < ReseedBlocks)
            {
                return false;
            }

            (_ux, _uy, _uz) = (ax, ay, az);
            WalkingBlocks = 1;
            _disagree = 0;
            SignKnown = true;
            return true;
        }

        _disagree = 0;
        SignKnown = true;
        var w = Math.Max(BlendWeight, 1f / (WalkingBlocks + 1));
        var nx = _ux + (w * (ax - _ux));
        var ny = _uy + (w * (ay - _uy));
        var nz = _uz + (w * (az - _uz));
        var nn = MathF.Sqrt((nx * nx) + (ny * ny) + (nz * nz));
        (_ux, _uy, _uz) = (nx / nn, ny / nn, nz / nn);
        WalkingBlocks++;
        return true;
    }

    /// <summary>
    /// Tilt of a block's mean vector from upright, degrees: 0 upright, 90 lying. [0, 90] while the sign
    /// is unknown (folded), [0, 180] once walking has fixed it.
    /// </summary>
    public float TiltDegrees(in BlockSummary block) => TiltDegrees(block.MeanX, block.MeanY, block.MeanZ);

    /// <summary>Tilt of any acceleration vector from upright, degrees (see <see cref="TiltDegrees(in BlockSummary)"/>).</summary>
    public float TiltDegrees(float x, float y, float z)
    {
        var angle = Geometry.AngleDegrees(x, y, z, _ux, _uy, _uz);
        return SignKnown ? angle : MathF.Min(angle, 180 - angle);
    }
}

/// <summary>What an <see cref="UprightEstimator"/> has learned: the axis (unit vector, device frame), whether its sign is known, and from how many walking blocks.</summary>
/// <param name="X">Axis x.</param>
/// <param name="Y">Axis y.</param>
/// <param name="Z">Axis z.</param>
/// <param name="SignKnown">True once walking has fixed which way is up.</param>
/// <param name="WalkingBlocks">Walking blocks learned from.</param>
public readonly record struct UprightState(float X, float Y, float Z, bool SignKnown, long WalkingBlocks);
