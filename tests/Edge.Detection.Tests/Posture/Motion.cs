using System.Numerics;
using Edge.Detection.Posture;

namespace Edge.Detection.Tests.Posture;

/// <summary>
/// Synthetic waist acceleration at 50 Hz for the posture tests: still postures, smooth rotations,
/// walking, sit-to-stand and stand-to-sit with the |a| shapes the body makes, rolling over in bed. The
/// sensor frame is arbitrary: <see cref="Up"/>, <see cref="Forward"/> and <see cref="Side"/> say where the
/// body's axes point in it, so a crooked or upside-down clip is a different frame, not different code.
/// </summary>
internal sealed class Motion
{
    public const int Rate = 50;
    public const long PeriodUs = 20_000;

    private readonly Random _rng;
    private readonly List<Vector3> _samples = [];

    public Motion(Vector3 up, Vector3 forward, int seed = 1)
    {
        Up = Vector3.Normalize(up);
        Forward = Vector3.Normalize(forward - (Vector3.Dot(forward, Up) * Up));
        Side = Vector3.Cross(Up, Forward);
        _rng = new Random(seed);
    }

    /// <summary>The SisFall frame: upright reads y = −1 (so "up" is −y), z forward.</summary>
    public static Motion SisFallFrame(int seed = 1) => new(new Vector3(0, -1, 0), new Vector3(0, 0, 1), seed);

    /// <summary>A clip worn <paramref name="degrees"/> crooked (rotated about the forward axis) in the SisFall frame.</summary>
    public static Motion Crooked(float degrees, int seed = 1)
    {
        var r = Quaternion.CreateFromAxisAngle(Vector3.UnitZ, degrees * MathF.PI / 180);
        return new Motion(Vector3.Transform(new Vector3(0, -1, 0), r), Vector3.UnitZ, seed);
    }

    public Vector3 Up { get; }

    public Vector3 Forward { get; }

    public Vector3 Side { get; }

    /// <summary>Gravity direction (what the sensor reads at rest) with the trunk leaning forward by <paramref name="forwardDegrees"/>.</summary>
    public Vector3 Leaning(float forwardDegrees) => Tilted(Forward, forwardDegrees);

    /// <summary>Lying on the back (the front faces up).</summary>
    public Vector3 OnBack => Forward;

    /// <summary>Lying on the right side.</summary>
    public Vector3 OnSide => Side;

    /// <summary>Samples so far.</summary>
    public int Count => _samples.Count;

    /// <summary>Time of the next sample, s.</summary>
    public double Now => _samples.Count / (double)Rate;

    public Motion Still(Vector3 reading, double seconds, float noise = 0.004f)
    {
        for (var i = 0; i < N(seconds); i++)
        {
            Add(reading, noise);
        }

        return this;
    }

    /// <summary>Turns the reading from <paramref name="from"/> to <paramref name="to"/> smoothly (cosine ease) in <paramref name="seconds"/>.</summary>
    public Motion Rotate(Vector3 from, Vector3 to, double seconds, float noise = 0.01f)
    {
        var n = N(seconds);
        for (var i = 0; i < n; i++)
        {
            var k = 0.5f - (0.5f * MathF.Cos(MathF.PI * (i + 1) / n));
            Add(Slerp(from, to, k), noise);
        }

        return this;
    }

    /// <summary>Walking: |a| along the upright axis swings ±<paramref name="amplitude"/> g at <paramref name="cadence"/> steps/min, with some sway.</summary>
    public Motion Walk(double seconds, double cadence = 100, float amplitude = 0.25f)
    {
        var f = cadence / 60.0;
        for (var i = 0; i < N(seconds); i++)
        {
            var t = i / (double)Rate;
            var vertical = amplitude * (float)Math.Sin(2 * Math.PI * f * t);
            var sway = 0.08f * (float)Math.Sin(Math.PI * f * t);
            var surge = 0.1f * (float)Math.Sin((2 * Math.PI * f * t) + 0.8);
            _samples.Add((Up * (1 + vertical)) + (Side * sway) + (Forward * surge) + Noise(0.03f));
        }

        return this;
    }

    /// <summary>
    /// Rising from a chair: the trunk leans forward (peak lean 30°), the body pushes up (|a| +0.3 g at 40 %)
    /// and brakes (−0.2 g at 70 %), ending at <paramref name="to"/>.
    /// </summary>
    public Motion SitToStand(Vector3 from, Vector3 to, double seconds = 2) => Transfer(from, to, seconds, first: 0.3f, second: -0.2f);

    /// <summary>Sitting down: lean forward, drop (|a| −0.2 g at 40 %), land on the seat (+0.35 g at 70 %).</summary>
    public Motion StandToSit(Vector3 from, Vector3 to, double seconds = 2) => Transfer(from, to, seconds, first: -0.2f, second: 0.35f);

    /// <summary>Rolling over in bed: the reading turns about the body's long axis, staying horizontal, with the bumps of the roll.</summary>
    public Motion Roll(Vector3 from, Vector3 to, double seconds = 2)
    {
        var n = N(seconds);
        for (var i = 0; i < n; i++)
        {
            var k = 0.5f - (0.5f * MathF.Cos(MathF.PI * (i + 1) / n));
            var bump = 0.15f * MathF.Sin(2 * MathF.PI * 2.5f * i / Rate);
            _samples.Add((Slerp(from, to, k) * (1 + bump)) + Noise(0.02f));
        }

        return this;
    }

    /// <summary>Feeds everything to <paramref name="tracker"/> in 25-sample batches (as the wearable sends them), starting at <paramref name="startUs"/>.</summary>
    public List<PostureTransition> Play(PostureTracker tracker, long startUs = 1_000_000_000)
    {
        var found = new List<PostureTransition>();
        var xyz = new float[75];
        for (var start = 0; start < _samples.Count; start += 25)
        {
            var n = Math.Min(25, _samples.Count - start);
            for (var i = 0; i < n; i++)
            {
                var s = _samples[start + i];
                xyz[3 * i] = s.X;
                xyz[(3 * i) + 1] = s.Y;
                xyz[(3 * i) + 2] = s.Z;
            }

            tracker.PushBatch(startUs + (start * PeriodUs), PeriodUs, xyz.AsSpan(0, 3 * n), found);
        }

        return found;
    }

    /// <summary>Seconds from the start of the recording of a device time played from <see cref="Play"/>'s default start.</summary>
    public static double Seconds(long deviceUs, long startUs = 1_000_000_000) => (deviceUs - startUs) / 1e6;

    private Motion Transfer(Vector3 from, Vector3 to, double seconds, float first, float second)
    {
        var n = N(seconds);
        for (var i = 0; i < n; i++)
        {
            var k = (i + 1) / (float)n;
            var lean = 30f * MathF.Sin(MathF.PI * k);
            var dir = Tilted(Slerp(from, to, k), lean, Forward);
            var bump = (first * Bell(k, 0.4f)) + (second * Bell(k, 0.7f));
            _samples.Add((dir * (1 + bump)) + Noise(0.02f));
        }

        return this;
    }

    private static float Bell(float k, float at) => MathF.Exp(-MathF.Pow((k - at) / 0.08f, 2));

    private Vector3 Tilted(Vector3 axis, float degrees) => Tilted(Up, degrees, axis);

    // Turns `reading` towards `towards` by `degrees` (a lean of the trunk in that direction).
    private Vector3 Tilted(Vector3 reading, float degrees, Vector3 towards)
    {
        var rad = degrees * MathF.PI / 180;
        var t = Vector3.Normalize(towards - (Vector3.Dot(towards, reading) * reading));
        return (reading * MathF.Cos(rad)) + (t * MathF.Sin(rad));
    }

    private static Vector3 Slerp(Vector3 a, Vector3 b, float k)
    {
        var dot = Math.Clamp(Vector3.Dot(Vector3.Normalize(a), Vector3.Normalize(b)), -1f, 1f);
        var angle = MathF.Acos(dot);
        if (angle < 1e-4f)
        {
            return Vector3.Normalize(a);
        }

        return Vector3.Normalize((MathF.Sin((1 - k) * angle) * a) + (MathF.Sin(k * angle) * b));
    }

    private void Add(Vector3 reading, float noise) => _samples.Add(Vector3.Normalize(reading) + Noise(noise));

    private Vector3 Noise(float sigma) => new(Gauss(sigma), Gauss(sigma), Gauss(sigma));

    private float Gauss(float sigma)
    {
        var u1 = 1.0 - _rng.NextDouble();
        var u2 = _rng.NextDouble();
        return sigma * (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }

    private static int N(double seconds) => (int)Math.Round(seconds * Rate);
}
