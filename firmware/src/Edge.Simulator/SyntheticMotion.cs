using Edge.Recordings;

namespace Edge.Simulator;

/// <summary>
/// Synthetic body-worn acceleration for endless runs and machines without the recordings, in the
/// SisFall axis convention (waist, upright: y ≈ −1 g). Activities: idle (standing), walking,
/// sitting, lying, a fall (free fall, impact, then stillness at a new orientation), and the slow
/// turns of getting into and out of bed: sit-up (from the current posture to sitting over 2.5 s)
/// and lie-down (to lying). These are
/// plausible shapes for load and plumbing tests, not a model of human motion; detection quality is
/// judged on the recordings.
/// </summary>
public sealed class SyntheticMotion
{
    /// <summary>Activity names a scenario may use.</summary>
    public static readonly string[] Activities = ["idle", "walking", "sitting", "lying", "fall", "sit-up", "lie-down"];

    private const float TurnSeconds = 2.5f;

    private readonly Random _rng;
    private readonly int _rateHz;
    private string _activity = "idle";
    private int _n;
    private (float X, float Y, float Z) _hold = (0, -1, 0);
    private (float X, float Y, float Z) _fallFrom;
    private (float X, float Y, float Z) _fallTo;
    private (float X, float Y, float Z) _turnFrom;

    /// <summary>Creates a generator at <paramref name="rateHz"/> with its own random stream.</summary>
    public SyntheticMotion(int rateHz, int seed)
    {
        _rateHz = rateHz;
        _rng = new Random(seed);
    }

    /// <summary>The current activity ("after-fall" once a fall has landed).</summary>
    public string Activity => _activity;

    /// <summary>True for a name in <see cref="Activities"/>.</summary>
    public static bool IsActivity(string? name) => name is not null && Activities.Contains(name, StringComparer.Ordinal);

    /// <summary>Switches activity; a fall starts from the current posture.</summary>
    public void Set(string activity)
    {
        if (!IsActivity(activity))
        {
            throw new ArgumentException($"unknown activity '{activity}'", nameof(activity));
        }

        if (activity is "sit-up" or "lie-down")
        {
            _turnFrom = _activity is "hold" or "after-fall" ? _hold : Posture(_activity);
        }

        if (activity == "fall")
        {
            _fallFrom = Posture(_activity);
            var side = _rng.Next(3);
            _fallTo = side switch { 0 => (1f, 0f, 0f), 1 => (-1f, 0f, 0f), _ => (0f, 0f, 1f) };
        }

        _activity = activity;
        _n = 0;
    }

    /// <summary>Holds a fixed orientation (e.g. where a replayed recording ended) with sensor noise.</summary>
    public void Hold(float x, float y, float z)
    {
        _hold = (x, y, z);
        _activity = "hold";
        _n = 0;
    }

    /// <summary>The next sample, in g.</summary>
    public (float X, float Y, float Z) Next()
    {
        var t = (float)_n / _rateHz;
        _n++;
        (float X, float Y, float Z) g;
        switch (_activity)
        {
            case "walking":
                {
                    var step = 2 * MathF.PI * 1.8f * t;
                    g = (0.10f * MathF.Sin(step / 2), -1 - (0.28f * MathF.Sin(step)), 0.15f * MathF.Sin(step + 0.8f));
                    return Noise(g, 0.03f);
                }

            case "fall":
                g = Fall(t);
                return Noise(g, 0.02f);

            case "sit-up":
            case "lie-down":
                {
                    var to = Posture(_activity == "sit-up" ? "sitting" : "lying");
                    if (t >= TurnSeconds)
                    {
                        _activity = _activity == "sit-up" ? "sitting" : "lying";
                        return Noise(to, 0.004f);
                    }

                    // Cosine ease between the two readings: a person sitting up or lying down, not a jump.
                    var k = 0.5f - (0.5f * MathF.Cos(MathF.PI * t / TurnSeconds));
                    var x = _turnFrom.X + (k * (to.X - _turnFrom.X));
                    var y = _turnFrom.Y + (k * (to.Y - _turnFrom.Y));
                    var z = _turnFrom.Z + (k * (to.Z - _turnFrom.Z));
                    var n = MathF.Sqrt((x * x) + (y * y) + (z * z));
                    return Noise((x / n, y / n, z / n), 0.01f);
                }

            case "hold":
            case "after-fall":
                return Noise(_hold, 0.004f);

            default:
                {
                    var p = Posture(_activity);
                    var breathing = _activity == "lying" ? 0.01f * MathF.Sin(2 * MathF.PI * 0.25f * t) : 0;
                    return Noise((p.X, p.Y, p.Z + breathing), 0.004f);
                }
        }
    }

    /// <summary>The next sample as raw counts at <paramref name="rangeG"/>.</summary>
    public (short X, short Y, short Z) NextCounts(int rangeG)
    {
        var (x, y, z) = Next();
        return (DeviceQuantizer.ToCounts(x, rangeG), DeviceQuantizer.ToCounts(y, rangeG), DeviceQuantizer.ToCounts(z, rangeG));
    }

    private static (float X, float Y, float Z) Posture(string activity) => activity switch
    {
        "sitting" => (0f, -0.87f, 0.5f),
        "lying" => (0f, 0f, 1f),
        _ => (0f, -1f, 0f),
    };

    // 0-0.15 s stumble, 0.15-0.55 s free fall (to ~0.15 g), 0.55-0.61 s impact (~4-6 g),
    // 0.61-1.2 s damped rebound, then still at the new orientation.
    private (float X, float Y, float Z) Fall(float t)
    {
        if (t < 0.15f)
        {
            return (_fallFrom.X + 0.3f, _fallFrom.Y - 0.3f, _fallFrom.Z + 0.2f);
        }

        if (t < 0.55f)
        {
            var k = 1 - ((t - 0.15f) / 0.4f * 0.85f);
            return (_fallFrom.X * k, _fallFrom.Y * k, _fallFrom.Z * k);
        }

        if (t < 0.61f)
        {
            var peak = 4f + (2f * (float)_rng.NextDouble());
            return (_fallTo.X * peak * 0.6f, -peak * 0.7f, (_fallTo.Z * peak * 0.5f) + 0.5f);
        }

        if (t < 1.2f)
        {
            var decay = MathF.Exp(-(t - 0.61f) * 8) * MathF.Sin(2 * MathF.PI * 6 * t);
            return (_fallTo.X + decay, _fallTo.Y + (0.5f * decay), _fallTo.Z + decay);
        }

        _hold = _fallTo;
        _activity = "after-fall";
        return _fallTo;
    }

    private (float X, float Y, float Z) Noise((float X, float Y, float Z) g, float sigma) =>
        (g.X + Gauss(sigma), g.Y + Gauss(sigma), g.Z + Gauss(sigma));

    private float Gauss(float sigma)
    {
        // Box–Muller.
        var u1 = 1.0 - _rng.NextDouble();
        var u2 = _rng.NextDouble();
        return sigma * (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }
}
