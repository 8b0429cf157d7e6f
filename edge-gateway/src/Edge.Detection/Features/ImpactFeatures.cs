namespace Edge.Detection.Features;

/// <summary>
/// The feature set <c>waist-impact-v3</c>: cheap statistics of one impact-centred window of a
/// waist-worn accelerometer, plus the wearer's state before it. Magnitudes, jerks and the angles between
/// mean acceleration vectors are rotation invariant. The posture features measure tilt from the upright
/// axis that <see cref="PostureHistory"/> learns from walking (0° upright, 90° lying), so a crooked or
/// upside-down clip changes them little once the wearer has walked.
/// </summary>
/// <remarks>
/// Segments, in seconds relative to the impact sample (index <c>pre</c> of the window):
/// <list type="bullet">
/// <item><b>before</b> [−2.0, −1.2): posture and activity before the event.</item>
/// <item><b>descent</b> [−1.0, 0): free fall lowers |a| below 1 g, the downward speed builds up.</item>
/// <item><b>impact</b> [−0.5, +0.5]: how hard and how abrupt the hit is.</item>
/// <item><b>after</b> [+0.5, +post]: lying still (|a| ≈ 1 g, low jerk) in a changed orientation.</item>
/// <item><b>history</b>: the ten seconds of posture blocks before the window (was the wearer already
/// lying: rolling over in bed starts and ends lying).</item>
/// </list>
/// </remarks>
public static class ImpactFeatures
{
    /// <summary>Identifier written to the manifest; a model for any other set is refused.</summary>
    public const string FeatureSetId = "waist-impact-v3";

    /// <summary>Below this magnitude the wearer is taken to be in free fall.</summary>
    public const float FreeFallG = 0.6f;

    /// <summary>Added to both spreads in <c>activity_ratio_log</c> so still-before and still-after stay finite (g).</summary>
    public const float ActivityFloorG = 0.02f;

    /// <summary>Seconds of posture history before the window that the history features look at.</summary>
    public const double HistorySeconds = 10;

    /// <summary>Feature names, in the order of the vector.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "peak_g",                 // impact magnitude
        "descent_min_g",          // deepest free fall before the impact
        "freefall_s",             // time below 0.6 g before the impact
        "descent_mean_g",         // mean magnitude while falling
        "descent_max_g",          // push-off before a jump, or an earlier hit
        "velocity_drop_gs",       // most negative running integral of (|a| − 1 g) before the impact, g·s
        "before_std_g",           // activity before the event (walking vs sitting)
        "impact_std_g",           // spread of |a| around the impact
        "impact_above2g_s",       // how long the hit lasts above 2 g
        "impact_max_jerk_gps",    // steepest change of the acceleration vector, g/s
        "after_mean_g",           // ≈ 1 g when lying still
        "after_std_g",            // stillness after the impact
        "after_mean_jerk_gps",    // movement after the impact
        "after_max_g",            // new hits or getting straight up
        "orientation_change_deg", // angle between mean acceleration before and after
        "before_mean_jerk_gps",   // movement before the event (walking vs lying or sitting)
        "descent_rotation_deg",   // angle between mean acceleration before and in the last 0.3 s before the impact
        "pre_tilt_deg",           // posture before: tilt from the learned upright axis, 0° upright, 90° lying
        "post_tilt_deg",          // posture after
        "activity_ratio_log",     // ln((before_std + 0.02 g) / (after_std + 0.02 g)): active before, still after
        "lying_before_s",         // seconds lying in the 10 s before the window (already lying: in bed)
        "upright_before_min_deg", // least tilt in the 10 s before the window (was the wearer up recently)
        "drop_velocity_ms",       // most negative vertical velocity from ∫(|a| − 1 g) over [−1.5, +0.5] s, m/s
        "drop_height_m",          // most negative vertical displacement from the same integral, m
        "gravity_velocity_ms",    // the same in the gravity frame (a moving estimate of up) over [−1.2, +0.3] s
        "gravity_height_m",
    ];

    /// <summary>Number of features.</summary>
    public static int Count => Names.Count;

    /// <summary>
    /// Computes the features of one window. <paramref name="x"/>, <paramref name="y"/>,
    /// <paramref name="z"/> hold <c>pre + 1 + post</c> contiguous samples in g; the impact is at index
    /// <paramref name="pre"/>. <paramref name="posture"/> is the wearer's history as of the newest sample,
    /// which is <paramref name="samplesSinceImpact"/> samples after the impact.
    /// </summary>
    public static void Compute(
        ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> z, int pre, int sampleRateHz,
        PostureHistory posture, int samplesSinceImpact, int blockSamples, Span<float> features)
    {
        ArgumentNullException.ThrowIfNull(posture);
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

        if (d1 <= d0)
        {
            dMin = peak;
        }

        // before [-2.0, -1.2)
        int b0 = At(-2.0), b1 = At(-1.2);
        var (_, beforeStd) = SignalMath.MeanStd(mag[b0..b1]);

        // impact [-0.5, +0.5]
        int i0 = At(-0.5), i1 = Math.Min(n, At(0.5) + 1);
        var (_, impactStd) = SignalMath.MeanStd(mag[i0..i1]);
        var above2 = 0;
        var maxJerk = 0f;
        for (var i = i0; i < i1; i++)
        {
            if (mag[i] > 2f)
            {
                above2++;
            }

            if (i > 0)
            {
                maxJerk = Math.Max(maxJerk, SignalMath.Jerk(x, y, z, i, rate));
            }
        }

        // after [+0.5, end]
        int a0 = Math.Min(At(0.5), n - 1), a1 = n;
        var (afterMean, afterStd) = SignalMath.MeanStd(mag[a0..a1]);
        float afterMax = 0, afterJerk = 0;
        for (var i = a0; i < a1; i++)
        {
            afterMax = Math.Max(afterMax, mag[i]);
            if (i > 0)
            {
                afterJerk += SignalMath.Jerk(x, y, z, i, rate);
            }
        }

        var before = SignalMath.MeanVector(x, y, z, b0, b1);
        var after = SignalMath.MeanVector(x, y, z, a0, a1);
        var lastDescent = SignalMath.MeanVector(x, y, z, At(-0.3), pre);
        var beforeJerk = 0f;
        for (var i = Math.Max(1, b0); i < b1; i++)
        {
            beforeJerk += SignalMath.Jerk(x, y, z, i, rate);
        }

        features[0] = peak;
        features[1] = dMin;
        features[2] = freeFall * dt;
        features[3] = dSum / Math.Max(1, d1 - d0);
        features[4] = dMax;
        features[5] = minIntegral;
        features[6] = beforeStd;
        features[7] = impactStd;
        features[8] = above2 * dt;
        features[9] = maxJerk;
        features[10] = afterMean;
        features[11] = afterStd;
        features[12] = afterJerk / Math.Max(1, a1 - a0);
        features[13] = afterMax;
        features[14] = SignalMath.Angle(before, after);
        features[15] = beforeJerk / Math.Max(1, b1 - Math.Max(1, b0));
        features[16] = SignalMath.Angle(before, lastDescent);
        features[17] = posture.Tilt(before.X, before.Y, before.Z);
        features[18] = posture.Tilt(after.X, after.Y, after.Z);
        features[19] = MathF.Log((beforeStd + ActivityFloorG) / (afterStd + ActivityFloorG));

        // History: the first stored block that ended before the window started, and the ten seconds before it.
        var firstAgo = (samplesSinceImpact + pre + blockSamples - 1) / blockSamples;
        var historyBlocks = (int)Math.Round(HistorySeconds * sampleRateHz / blockSamples);
        features[20] = posture.LyingSeconds(firstAgo, firstAgo + historyBlocks - 1);
        features[21] = posture.MinTilt(firstAgo, firstAgo + historyBlocks - 1, features[17]);

        var (dropV, dropH) = SignalMath.MagnitudeIntegrals(mag, At(-1.5), At(0.5), dt);
        features[22] = dropV;
        features[23] = dropH;
        var (gravityV, gravityH) = SignalMath.GravityFrameIntegrals(x, y, z, At(-1.2), At(0.3), sampleRateHz / 2, dt);
        features[24] = gravityV;
        features[25] = gravityH;
    }
}
