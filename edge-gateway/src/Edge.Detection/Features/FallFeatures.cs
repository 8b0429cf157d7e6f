namespace Edge.Detection.Features;

/// <summary>
/// The feature set <c>waist-impact-v2</c>: cheap statistics of one impact-centred window of a
/// waist-worn accelerometer. The first 17 features are rotation invariant (magnitudes and the angle
/// between mean acceleration vectors). The two posture features (<c>pre_tilt_deg</c>,
/// <c>post_tilt_deg</c>) are the angle between gravity and the device's y axis, which the belt clip
/// fixes along the body (y points down the body when standing, as in SisFall; see
/// <c>hardware/enclosure/README.md</c>): 0° upright, 90° lying. They use |y| only, so they do not
/// change when the unit is turned about y (front or side of the pelvis) or clipped upside down, but
/// they are wrong for a unit mounted with y across the body.
/// </summary>
/// <remarks>
/// Segments, in seconds relative to the impact sample (index <c>pre</c> of the window):
/// <list type="bullet">
/// <item><b>before</b> [−2.0, −1.2): posture and activity before the event (orientation reference).</item>
/// <item><b>descent</b> [−1.0, 0): the fall itself: free fall lowers |a| below 1 g, the vertical speed builds up.</item>
/// <item><b>impact</b> [−0.5, +0.5]: how hard and how abrupt the hit is.</item>
/// <item><b>after</b> [+0.5, +post]: lying still (|a| ≈ 1 g, low jerk) in a changed orientation.</item>
/// </list>
/// </remarks>
public static class FallFeatures
{
    /// <summary>Identifier written to the manifest; a model for any other set is refused.</summary>
    public const string FeatureSetId = "waist-impact-v2";

    /// <summary>Below this magnitude the wearer is taken to be in free fall.</summary>
    public const float FreeFallG = 0.6f;

    /// <summary>Feature names, in the order of the vector.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "peak_g",               // impact magnitude
        "descent_min_g",        // deepest free fall before the impact
        "freefall_s",           // time below 0.6 g before the impact
        "descent_mean_g",       // mean magnitude while falling
        "descent_max_g",        // push-off before a jump, or an earlier hit
        "velocity_drop_gs",     // most negative running integral of (|a| − 1 g) before the impact: vertical speed in g·s
        "before_std_g",         // activity before the event (walking vs sitting)
        "impact_std_g",         // spread of |a| around the impact
        "impact_above2g_s",     // how long the hit lasts above 2 g
        "impact_max_jerk_gps",  // steepest change of the acceleration vector, g/s
        "after_mean_g",         // ≈ 1 g when lying still
        "after_std_g",          // stillness after the impact
        "after_mean_jerk_gps",  // movement after the impact
        "after_max_g",          // new hits or getting straight up
        "orientation_change_deg", // angle between mean acceleration before and after
        "before_mean_jerk_gps", // movement before the event (walking vs lying or sitting)
        "descent_rotation_deg", // angle between mean acceleration before and in the last 0.3 s before the impact
        "pre_tilt_deg",         // posture before: angle of mean acceleration from the y (body) axis, 0° upright, 90° lying
        "post_tilt_deg",        // posture after: the same angle after the impact (lying after a fall)
        "activity_ratio_log",   // ln((before_std + 0.02 g) / (after_std + 0.02 g)): active before, still after
    ];

    /// <summary>Added to both spreads in <c>activity_ratio_log</c> so still-before and still-after stay finite (g).</summary>
    public const float ActivityFloorG = 0.02f;

    /// <summary>Number of features.</summary>
    public static int Count => Names.Count;

    /// <summary>
    /// Computes the features of one window. <paramref name="x"/>, <paramref name="y"/>,
    /// <paramref name="z"/> hold <c>pre + 1 + post</c> contiguous samples in g; the impact is at index
    /// <paramref name="pre"/>.
    /// </summary>
    public static void Compute(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> z, int pre, int sampleRateHz, Span<float> features)
    {
        var n = x.Length;
        if (y.Length != n || z.Length != n || pre < 0 || pre >= n)
        {
            throw new ArgumentException("x, y, z must have equal length and contain the impact index");
        }

        if (features.Length < Count)
        {
            throw new ArgumentException($"features needs room for {Count} values", nameof(features));
        }

        var rate = (float)sampleRateHz;
        var dt = 1f / rate;
        int At(double seconds) => Math.Clamp(pre + (int)Math.Round(seconds * sampleRateHz), 0, n);

        Span<float> mag = n <= 1024 ? stackalloc float[n] : new float[n];
        for (var i = 0; i < n; i++)
        {
            mag[i] = MathF.Sqrt((x[i] * x[i]) + (y[i] * y[i]) + (z[i] * z[i]));
        }

        var peak = mag[pre];

        // descent [-1.0, 0)
        int d0 = At(-1.0), d1 = pre;
        float dMin = float.MaxValue, dMax = 0, dSum = 0, integral = 0, minIntegral = 0;
        var freeFall = 0;
        for (var i = d0; i < d1; i++)
        {
            var m = mag[i];
            dMin = Math.Min(dMin, m);
            dMax = Math.Max(dMax, m);
            dSum += m;
            if (m < FreeFallG)
            {
                freeFall++;
            }

            integral += (m - 1f) * dt;
            minIntegral = Math.Min(minIntegral, integral);
        }

        var dCount = Math.Max(1, d1 - d0);
        if (d1 <= d0)
        {
            dMin = peak;
        }

        // before [-2.0, -1.2)
        int b0 = At(-2.0), b1 = At(-1.2);
        var (_, beforeStd) = MeanStd(mag[b0..b1]);

        // impact [-0.5, +0.5]
        int i0 = At(-0.5), i1 = Math.Min(n, At(0.5) + 1);
        var (_, impactStd) = MeanStd(mag[i0..i1]);
        var above2 = 0;
        for (var i = i0; i < i1; i++)
        {
            if (mag[i] > 2f)
            {
                above2++;
            }
        }

        var maxJerk = 0f;
        for (var i = Math.Max(1, i0); i < i1; i++)
        {
            maxJerk = Math.Max(maxJerk, Jerk(x, y, z, i, rate));
        }

        // after [+0.5, end]
        int a0 = Math.Min(At(0.5), n - 1), a1 = n;
        var (afterMean, afterStd) = MeanStd(mag[a0..a1]);
        float afterMax = 0, jerkSum = 0;
        for (var i = a0; i < a1; i++)
        {
            afterMax = Math.Max(afterMax, mag[i]);
            if (i > 0)
            {
                jerkSum += Jerk(x, y, z, i, rate);
            }
        }

        var orientation = Angle(x, y, z, b0, b1, a0, a1);
        var beforeJerk = 0f;
        for (var i = Math.Max(1, b0); i < b1; i++)
        {
            beforeJerk += Jerk(x, y, z, i, rate);
        }

        var descentRotation = Angle(x, y, z, b0, b1, At(-0.3), pre);

        features[0] = peak;
        features[1] = dMin;
        features[2] = freeFall * dt;
        features[3] = dSum / dCount;
        features[4] = dMax;
        features[5] = minIntegral;
        features[6] = beforeStd;
        features[7] = impactStd;
        features[8] = above2 * dt;
        features[9] = maxJerk;
        features[10] = afterMean;
        features[11] = afterStd;
        features[12] = jerkSum / Math.Max(1, a1 - a0);
        features[13] = afterMax;
        features[14] = orientation;
        features[15] = beforeJerk / Math.Max(1, b1 - Math.Max(1, b0));
        features[16] = descentRotation;
        features[17] = Tilt(x, y, z, b0, b1);
        features[18] = Tilt(x, y, z, a0, a1);
        features[19] = MathF.Log((beforeStd + ActivityFloorG) / (afterStd + ActivityFloorG));
    }

    /// <summary>
    /// Angle in degrees between the mean acceleration over [s0, s1) and the y axis, ignoring its sign:
    /// 0° when gravity is along y (upright), 90° when it is across y (lying). 0 for an empty segment.
    /// </summary>
    private static float Tilt(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> z, int s0, int s1)
    {
        float ax = 0, ay = 0, az = 0;
        for (var i = s0; i < s1; i++)
        {
            ax += x[i];
            ay += y[i];
            az += z[i];
        }

        var norm = MathF.Sqrt((ax * ax) + (ay * ay) + (az * az));
        if (s1 <= s0 || norm < 1e-6f)
        {
            return 0;
        }

        return MathF.Acos(Math.Clamp(MathF.Abs(ay) / norm, 0f, 1f)) * (180f / MathF.PI);
    }

    private static float Jerk(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> z, int i, float rate)
    {
        float dx = x[i] - x[i - 1], dy = y[i] - y[i - 1], dz = z[i] - z[i - 1];
        return MathF.Sqrt((dx * dx) + (dy * dy) + (dz * dz)) * rate;
    }

    private static (float Mean, float Std) MeanStd(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty)
        {
            return (0, 0);
        }

        float sum = 0;
        foreach (var v in values)
        {
            sum += v;
        }

        var mean = sum / values.Length;
        float sq = 0;
        foreach (var v in values)
        {
            sq += (v - mean) * (v - mean);
        }

        return (mean, MathF.Sqrt(sq / values.Length));
    }

    private static float Angle(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> z, int s0, int s1, int t0, int t1)
    {
        if (s1 <= s0 || t1 <= t0)
        {
            return 0;
        }

        float ax = 0, ay = 0, az = 0, bx = 0, by = 0, bz = 0;
        for (var i = s0; i < s1; i++)
        {
            ax += x[i];
            ay += y[i];
            az += z[i];
        }

        for (var i = t0; i < t1; i++)
        {
            bx += x[i];
            by += y[i];
            bz += z[i];
        }

        var na = MathF.Sqrt((ax * ax) + (ay * ay) + (az * az));
        var nb = MathF.Sqrt((bx * bx) + (by * by) + (bz * bz));
        if (na < 1e-6f || nb < 1e-6f)
        {
            return 0;
        }

        var cos = Math.Clamp(((ax * bx) + (ay * by) + (az * bz)) / (na * nb), -1f, 1f);
        return MathF.Acos(cos) * (180f / MathF.PI);
    }
}
