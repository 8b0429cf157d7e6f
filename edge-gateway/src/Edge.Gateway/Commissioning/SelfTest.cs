using Edge.Detection;
using Edge.Gateway.Detection;
using Edge.Gateway.Ingest;

namespace Edge.Gateway.Commissioning;

/// <summary>
/// The gateway's end-to-end self-test, run on a schedule (monthly) and on request: a synthetic fall through
/// the loaded model with the same <see cref="FallDetector"/> the pipeline builds per device, the broker
/// connection, and a write/read of the database (the run's own row). Returns the failing checks.
/// <para>
/// Not covered here (say so, do not pretend): a loopback through the broker needs a publish path the
/// gateway's MQTT credential is not allowed (its ACL writes only sensors' config topics) and a second
/// connection would take over its session (use_username_as_clientid); the commissioning test of a real
/// device covers sensor → broker → gateway instead.
/// </para>
/// </summary>
internal sealed class SelfTest(IFallDetectorFactory detectors, ISensorMessageSource source)
{
    public IReadOnlyList<string> Run()
    {
        var failures = new List<string>();
        try
        {
            var detector = detectors.Create(1.0);
            var alerts = new List<AlertEvent>();
            var samples = SyntheticFall.Samples(1000 / (int)(detectors.PeriodUs / 1000));
            for (var i = 0; i + 3 <= samples.Length; i += 3 * 25)
            {
                var n = Math.Min(25, (samples.Length - i) / 3);
                detector.PushBatch(1_000_000 + (i / 3 * detectors.PeriodUs), detectors.PeriodUs, samples.AsSpan(i, 3 * n), alerts);
            }

            if (alerts.Count == 0)
            {
                failures.Add($"detector: the synthetic fall was not detected by {detectors.ModelDescription}");
            }
        }
#pragma warning disable CA1031 // Any failure of the detector path is a failed self-test, reported as such.
        catch (Exception e)
#pragma warning restore CA1031
        {
            failures.Add($"detector: {e.GetType().Name}: {e.Message}");
        }

        if (!source.IsConnected)
        {
            failures.Add("broker: the gateway is not connected to the MQTT broker");
        }

        return failures;
    }
}

/// <summary>
/// A waist-worn fall in the SisFall axis convention (standing: y ≈ −1 g): standing, a stumble, free fall,
/// an impact of about 5 g, a damped rebound, then lying still on the side. Deterministic (fixed seed).
/// The same shape as the simulator's synthetic fall; a plumbing check, not a model of human motion.
/// </summary>
internal static class SyntheticFall
{
    /// <summary>Interleaved x,y,z in g at <paramref name="rateHz"/>: 10 s standing, the fall, 12 s lying.</summary>
    public static float[] Samples(int rateHz)
    {
        var rng = new Random(20261122);
        var list = new List<float>();
        void Add(float x, float y, float z, float sigma)
        {
            list.Add(x + Gauss(rng, sigma));
            list.Add(y + Gauss(rng, sigma));
            list.Add(z + Gauss(rng, sigma));
        }

        for (var i = 0; i < 10 * rateHz; i++)
        {
            Add(0, -1, 0, 0.01f);
        }

        for (var i = 0; i < (int)(1.2f * rateHz); i++)
        {
            var t = (float)i / rateHz;
            if (t < 0.15f)
            {
                Add(0.3f, -1.3f, 0.2f, 0.02f);
            }
            else if (t < 0.55f)
            {
                var k = 1 - ((t - 0.15f) / 0.4f * 0.85f);
                Add(0, -k, 0, 0.02f);
            }
            else if (t < 0.61f)
            {
                Add(5f * 0.6f, -5f * 0.7f, 0.5f, 0.02f);
            }
            else
            {
                var decay = MathF.Exp(-(t - 0.61f) * 8) * MathF.Sin(2 * MathF.PI * 6 * t);
                Add(1 + decay, 0.5f * decay, decay, 0.02f);
            }
        }

        for (var i = 0; i < 12 * rateHz; i++)
        {
            Add(1, 0, 0, 0.004f);
        }

        return [.. list];
    }

    private static float Gauss(Random rng, float sigma)
    {
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return sigma * (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }
}
