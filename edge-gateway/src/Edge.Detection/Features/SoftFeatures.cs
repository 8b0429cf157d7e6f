namespace Edge.Detection.Features;

/// <summary>
/// The feature set <c>waist-soft-v3</c> of the soft path: a longer look around an anchor (an impact, or
/// the moment the body reached lying from upright or seated) that includes what the wearer does in the
/// seconds after it. Slow, soft falls (fainting, sliding down a wall, falling from a chair) have little
/// impact but end lying and still; lying down in bed ends lying too but without a descent of the hips,
/// free fall or hit, and often starts from lying already. The vector is these 25 features followed by the
/// <see cref="ImpactFeatures"/> of the impact window centred on the anchor.
/// </summary>
/// <remarks>
/// Segments, in seconds relative to the anchor (index <c>pre</c> of the window):
/// <list type="bullet">
/// <item><b>before</b> [−pre, −1.2): posture and activity before.</item>
/// <item><b>event</b> [−1.2, +1.0): the descent and any hit.</item>
/// <item><b>after</b> [+1.5, +post]: posture and stillness; <b>late</b> [+3.0, +post]: the last second.</item>
/// </list>
/// </remarks>
public static class SoftFeatures
{
    /// <summary>Identifier written to the manifest; a model for any other set is refused.</summary>
    public const string FeatureSetId = "waist-soft-v3";

    /// <summary>Below this magnitude a sample counts as "light" (partial free fall) in <c>below08_s</c>.</summary>
    public const float LightG = 0.8f;

    /// <summary>Value of <c>upright_to_lying_s</c> when the window does not go from upright to lying.</summary>
    public const float NoTransitionSeconds = 10f;

    private static readonly string[] OwnNames =
    [
        "anchor_kind",            // 0 an impact, 1 the body reached lying
        "pre_tilt_deg",           // posture before (tilt from the learned upright axis)
        "post_tilt_deg",          // posture after
        "post_tilt_min_deg",      // least tilt over 1-s pieces after (did the wearer sit or get up again)
        "tilt_change_deg",        // post − pre
        "rotation_deg",           // angle between mean acceleration before and after
        "lying_before_s",         // seconds lying in the 10 s before the window (already in bed)
        "upright_to_lying_s",     // time from the last upright 0.5-s piece to the first lying one (10 when none)
        "peak_g",                 // largest |a| in the event
        "min_g",                  // least |a| in the event (free fall)
        "below08_s",              // time below 0.8 g in the event
        "event_std_g",            // spread of |a| in the event
        "max_jerk_gps",           // steepest change of the acceleration vector in the event, g/s
        "drop_velocity_ms",       // most negative ∫(|a| − 1 g) over the event, m/s
        "drop_height_m",          // most negative displacement from it, m
        "gravity_velocity_ms",    // the same in the gravity frame (moving estimate of up)
        "gravity_height_m",
        "before_std_g",           // activity before
        "before_jerk_gps",
        "after_std_g",            // stillness after
        "after_jerk_gps",
        "after_max_g",            // hits or getting up after
        "activity_ratio_log",     // ln((before_std + 0.02) / (after_std + 0.02))
        "late_std_g",             // stillness in the last second
        "late_tilt_deg",          // posture in the last second
    ];

    /// <summary>Number of soft-specific features (the impact features follow them).</summary>
    public static int OwnCount => OwnNames.Length;

    /// <summary>Feature names, in the order of the vector.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. OwnNames, .. ImpactFeatures.Names.Select(n => "impact_" + n)];

    /// <summary>Number of features.</summary>
    public static int Count => Names.Count;

    /// <summary>
    /// Computes the features of one soft window: <c>pre + 1 + post</c> contiguous samples in g with the
    /// anchor at index <paramref name="pre"/>; <paramref name="impactPre"/> and <paramref name="impactPost"/>
    /// give the impact window inside it. <paramref name="posture"/> is the wearer's history as of the newest
    /// sample, <paramref name="samplesSinceAnchor"/> samples after the anchor.
    /// </summary>
    public static void Compute(
        ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> z, int pre, int impactPre, int impactPost,
        int sampleRateHz, PostureHistory posture, int samplesSinceAnchor, int blockSamples, bool anchorIsImpact, Span<float> features)
    {
        ArgumentNullException.ThrowIfNull(posture);
        var n = x.Length;
        if (y.Length != n || z.Length != n || pre < impactPre || pre + impactPost >= n)
        {
            throw new ArgumentException("x, y, z must have equal length and contain the impact window around the anchor");
        }

        if (features.Length < Count)
        {
            throw new ArgumentException($"features needs room for {Count} values", nameof(features));
        }

        var rate = (float)sampleRateHz;
        var dt = 1f / rate;
        int At(double seconds) => Math.Clamp(pre + (int)Math.Round(seconds * sampleRateHz), 0, n);

        Span<float> mag = n <= 2048 ? stackalloc float[n] : new float[n];
        for (var i = 0; i < n; i++)
        {
            mag[i] = MathF.Sqrt((x[i] * x[i]) + (y[i] * y[i]) + (z[i] * z[i]));
        }

        int b0 = 0, b1 = At(-1.2), e0 = At(-1.2), e1 = At(1.0), a0 = At(1.5), a1 = n, l0 = At(3.0);
        var before = SignalMath.MeanVector(x, y, z, b0, b1);
        var after = SignalMath.MeanVector(x, y, z, a0, a1);
        var late = SignalMath.MeanVector(x, y, z, l0, n);
        features[0] = anchorIsImpact ? 0 : 1;
        features[1] = posture.Tilt(before.X, before.Y, before.Z);
        features[2] = posture.Tilt(after.X, after.Y, after.Z);
        var minTilt = 90f;
        for (var s = a0; s + sampleRateHz <= n; s += sampleRateHz)
        {
            var m = SignalMath.MeanVector(x, y, z, s, s + sampleRateHz);
            minTilt = Math.Min(minTilt, posture.Tilt(m.X, m.Y, m.Z));
        }

        features[3] = minTilt;
        features[4] = features[2] - features[1];
        features[5] = SignalMath.Angle(before, after);
        var firstAgo = (samplesSinceAnchor + pre + blockSamples - 1) / blockSamples;
        var historyBlocks = (int)Math.Round(ImpactFeatures.HistorySeconds * sampleRateHz / blockSamples);
        features[6] = posture.LyingSeconds(firstAgo, firstAgo + historyBlocks - 1);

        // Upright -> lying over the window's own 0.5-s pieces (block-aligned to the window start).
        int lastUpright = -1, firstLying = -1;
        for (var s = 0; s + blockSamples <= n; s += blockSamples)
        {
            var m = SignalMath.MeanVector(x, y, z, s, s + blockSamples);
            var tilt = posture.Tilt(m.X, m.Y, m.Z);
            if (firstLying < 0 && tilt <= UprightOrSeatedDegrees)
            {
                lastUpright = s;
            }

            if (firstLying < 0 && lastUpright >= 0 && tilt >= LyingDegreesForTransition)
            {
                firstLying = s;
            }
        }

        features[7] = lastUpright >= 0 && firstLying >= 0 ? (firstLying - lastUpright) * dt : NoTransitionSeconds;

        float peak = 0, min = float.MaxValue, maxJerk = 0;
        var light = 0;
        for (var i = e0; i < e1; i++)
        {
            peak = Math.Max(peak, mag[i]);
            min = Math.Min(min, mag[i]);
            if (mag[i] < LightG)
            {
                light++;
            }

            if (i > 0)
            {
                maxJerk = Math.Max(maxJerk, SignalMath.Jerk(x, y, z, i, rate));
            }
        }

        features[8] = peak;
        features[9] = e1 > e0 ? min : 0;
        features[10] = light * dt;
        features[11] = SignalMath.MeanStd(mag[e0..e1]).Std;
        features[12] = maxJerk;
        var (dropV, dropH) = SignalMath.MagnitudeIntegrals(mag, e0, e1, dt);
        features[13] = dropV;
        features[14] = dropH;
        var (gravityV, gravityH) = SignalMath.GravityFrameIntegrals(x, y, z, e0, e1, sampleRateHz / 2, dt);
        features[15] = gravityV;
        features[16] = gravityH;

        var (_, beforeStd) = SignalMath.MeanStd(mag[b0..b1]);
        float jerk = 0;
        for (var i = Math.Max(1, b0); i < b1; i++)
        {
            jerk += SignalMath.Jerk(x, y, z, i, rate);
        }

        features[17] = beforeStd;
        features[18] = jerk / Math.Max(1, b1 - Math.Max(1, b0));
        var (_, afterStd) = SignalMath.MeanStd(mag[a0..a1]);
        jerk = 0;
        float afterMax = 0;
        for (var i = a0; i < a1; i++)
        {
            jerk += SignalMath.Jerk(x, y, z, i, rate);
            afterMax = Math.Max(afterMax, mag[i]);
        }

        features[19] = afterStd;
        features[20] = jerk / Math.Max(1, a1 - a0);
        features[21] = afterMax;
        features[22] = MathF.Log((beforeStd + ImpactFeatures.ActivityFloorG) / (afterStd + ImpactFeatures.ActivityFloorG));
        features[23] = SignalMath.MeanStd(mag[l0..n]).Std;
        features[24] = posture.Tilt(late.X, late.Y, late.Z);

        var offset = pre - impactPre;
        var length = impactPre + 1 + impactPost;
        ImpactFeatures.Compute(
            x.Slice(offset, length), y.Slice(offset, length), z.Slice(offset, length), impactPre, sampleRateHz,
            posture, samplesSinceAnchor, blockSamples, features[OwnCount..]);
    }

    // The transition feature uses fixed angles (as trained), not the configurable candidate thresholds.
    private const float UprightOrSeatedDegrees = 40f;
    private const float LyingDegreesForTransition = 60f;
}
