using Edge.Detection;
using Edge.Recordings;
using Edge.Training.Data;

namespace Edge.Training.Training;

/// <summary>
/// Extra training recordings made from the training folds' own recordings, never evaluated:
/// <list type="bullet">
/// <item><b>Mounting</b>: every recording turned by a random rotation of up to
/// <see cref="MaxRotationDegrees"/> about a random axis, a third of them also upside down (the clip worn
/// crooked or the other way up).</item>
/// <item><b>Older-adult-like falls</b>: each fall recording, <see cref="SoftCopies"/> times, slowed down
/// (time stretched by 1.2–1.8) and softened (the movement around a 1-s moving estimate of gravity scaled
/// by 0.5–0.85), then turned as above. A copy whose peak falls below <see cref="MinSoftPeakG"/> is dropped:
/// a fall to the floor still hits it.</item>
/// </list>
/// Every copy's random numbers come from the seed and the recording's position, so the same data and
/// seed give the same copies.
/// </summary>
public static class Augmentation
{
    /// <summary>Largest mounting rotation, degrees.</summary>
    public const double MaxRotationDegrees = 30;

    /// <summary>Share of rotated copies that are also upside down.</summary>
    public const double UpsideDownShare = 0.3;

    /// <summary>Softened copies per fall recording.</summary>
    public const int SoftCopies = 2;

    /// <summary>Softened copies below this peak magnitude are dropped, g.</summary>
    public const float MinSoftPeakG = 1.6f;

    /// <summary>What the augmentation does, for the manifest.</summary>
    public static string Description => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"inside each training fold only: every recording once rotated by up to {MaxRotationDegrees}° about a random axis ({UpsideDownShare:P0} also upside down); " +
        $"every fall recording {SoftCopies} times slowed (×1.2–1.8) and softened (movement about a 1-s gravity estimate ×0.5–0.85), then rotated; softened copies with a peak below {MinSoftPeakG} g dropped");

    /// <summary>Makes the augmented copies of <paramref name="data"/> (in parallel, deterministic order).</summary>
    public static IReadOnlyList<TrialData> Make(IReadOnlyList<TrialData> data, DetectorConfig config, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        var jobs = new List<(int Index, int Copy)>();
        for (var i = 0; i < data.Count; i++)
        {
            jobs.Add((i, 0));
            if (data[i].Trial.Label == TrialLabel.Fall)
            {
                for (var k = 1; k <= SoftCopies; k++)
                {
                    jobs.Add((i, k));
                }
            }
        }

        var result = new TrialData?[jobs.Count];
        Parallel.For(0, jobs.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, j =>
        {
            var (index, copy) = jobs[j];
            var source = data[index];
            var rnd = new Random(Seed(seed, index, copy));
            var recording = source.Recording;
            if (copy > 0)
            {
                recording = Soften(recording, 1.2 + (0.6 * rnd.NextDouble()), 0.5 + (0.35 * rnd.NextDouble()));
                if (Evaluation.TrialRunner.Peak(recording).PeakG < MinSoftPeakG)
                {
                    return;
                }
            }

            recording = Rotate(recording, RandomRotation(rnd, MaxRotationDegrees), rnd.NextDouble() < UpsideDownShare);
            result[j] = new TrialData(recording, source.Catalog, TrialDataLoader.ExtractWindows(recording, config), Augmented: true);
        });
        return [.. result.Where(r => r is not null).Select(r => r!)];
    }

    /// <summary>
    /// A seed for one copy, the same in every process (<see cref="HashCode"/> is randomised per process, so
    /// it must not be used here): a fixed mix of the run's seed, the recording's position and the copy.
    /// </summary>
    public static int Seed(int seed, int index, int copy)
    {
        unchecked
        {
            var h = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL;
            h ^= ((ulong)(uint)index + 0x632BE59BD9B4E019UL) * 0xBF58476D1CE4E5B9UL;
            h ^= ((ulong)(uint)copy + 0x1B873593UL) * 0x94D049BB133111EBUL;
            h ^= h >> 31;
            return (int)(h & int.MaxValue);
        }
    }

    /// <summary>Turns every sample by <paramref name="rotation"/> (row-major 3×3), then optionally upside down (180° about z), re-quantised.</summary>
    public static DeviceRecording Rotate(DeviceRecording recording, double[,] rotation, bool upsideDown)
    {
        ArgumentNullException.ThrowIfNull(recording);
        ArgumentNullException.ThrowIfNull(rotation);
        var n = recording.Length;
        var x = new float[n];
        var y = new float[n];
        var z = new float[n];
        var flip = upsideDown ? -1 : 1;
        for (var i = 0; i < n; i++)
        {
            double a = flip * recording.X[i], b = flip * recording.Y[i], c = recording.Z[i];
            x[i] = Quantise((rotation[0, 0] * a) + (rotation[0, 1] * b) + (rotation[0, 2] * c), recording.RangeG);
            y[i] = Quantise((rotation[1, 0] * a) + (rotation[1, 1] * b) + (rotation[1, 2] * c), recording.RangeG);
            z[i] = Quantise((rotation[2, 0] * a) + (rotation[2, 1] * b) + (rotation[2, 2] * c), recording.RangeG);
        }

        return recording with { X = x, Y = y, Z = z };
    }

    /// <summary>A rotation by an angle uniform in [0, <paramref name="maxDegrees"/>] about a uniformly random axis.</summary>
    public static double[,] RandomRotation(Random rnd, double maxDegrees)
    {
        ArgumentNullException.ThrowIfNull(rnd);
        double ux, uy, uz, norm;
        do
        {
            ux = (rnd.NextDouble() * 2) - 1;
            uy = (rnd.NextDouble() * 2) - 1;
            uz = (rnd.NextDouble() * 2) - 1;
            norm = Math.Sqrt((ux * ux) + (uy * uy) + (uz * uz));
        }
        while (norm is < 1e-3 or > 1);

        return AxisAngle(ux / norm, uy / norm, uz / norm, rnd.NextDouble() * maxDegrees);
    }

    /// <summary>Rotation matrix for a unit axis and an angle in degrees (Rodrigues).</summary>
    public static double[,] AxisAngle(double ux, double uy, double uz, double degrees)
    {
        var angle = degrees * Math.PI / 180;
        double c = Math.Cos(angle), s = Math.Sin(angle), t = 1 - c;
        return new[,]
        {
            { c + (ux * ux * t), (ux * uy * t) - (uz * s), (ux * uz * t) + (uy * s) },
            { (uy * ux * t) + (uz * s), c + (uy * uy * t), (uy * uz * t) - (ux * s) },
            { (uz * ux * t) - (uy * s), (uz * uy * t) + (ux * s), c + (uz * uz * t) },
        };
    }

    /// <summary>
    /// An older-adult-like copy: time stretched by <paramref name="stretch"/> (linear interpolation) and the
    /// movement around a centred 1-s moving mean (gravity) scaled by <paramref name="soften"/>.
    /// </summary>
    public static DeviceRecording Soften(DeviceRecording recording, double stretch, double soften)
    {
        ArgumentNullException.ThrowIfNull(recording);
        var n = recording.Length;
        var m = (int)(n * stretch);
        float[] Stretch(float[] a)
        {
            var r = new float[m];
            for (var i = 0; i < m; i++)
            {
                var p = i / stretch;
                var k = (int)p;
                var f = (float)(p - k);
                r[i] = k + 1 < n ? (a[k] * (1 - f)) + (a[k + 1] * f) : a[n - 1];
            }

            return r;
        }

        var x = Stretch(recording.X);
        var y = Stretch(recording.Y);
        var z = Stretch(recording.Z);
        var half = recording.SampleRateHz / 2;
        var gx = MovingMean(x, half);
        var gy = MovingMean(y, half);
        var gz = MovingMean(z, half);
        for (var i = 0; i < m; i++)
        {
            x[i] = Quantise(gx[i] + (soften * (x[i] - gx[i])), recording.RangeG);
            y[i] = Quantise(gy[i] + (soften * (y[i] - gy[i])), recording.RangeG);
            z[i] = Quantise(gz[i] + (soften * (z[i] - gz[i])), recording.RangeG);
        }

        return recording with { X = x, Y = y, Z = z };
    }

    private static float[] MovingMean(float[] a, int half)
    {
        var r = new float[a.Length];
        double sum = 0;
        int lo = 0, hi = -1;
        for (var i = 0; i < a.Length; i++)
        {
            var newLo = Math.Max(0, i - half);
            var newHi = Math.Min(a.Length - 1, i + half);
            while (hi < newHi)
            {
                sum += a[++hi];
            }

            while (lo < newLo)
            {
                sum -= a[lo++];
            }

            r[i] = (float)(sum / (hi - lo + 1));
        }

        return r;
    }

    private static float Quantise(double g, int rangeG) => DeviceQuantizer.ToG(DeviceQuantizer.ToCounts((float)g, rangeG), rangeG);
}
