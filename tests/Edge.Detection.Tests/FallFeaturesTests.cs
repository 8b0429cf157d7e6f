using Edge.Detection.Features;

namespace Edge.Detection.Tests;

public sealed class FallFeaturesTests
{
    private const int Pre = 100;
    private const int Post = 75;

    private static float F(float[] f, string name) => f[FallFeatures.Names.ToList().IndexOf(name)];

    [Fact]
    public void Names_AreUniqueAndMatchCount()
    {
        Assert.Equal(FallFeatures.Count, FallFeatures.Names.Distinct().Count());
        Assert.Equal(20, FallFeatures.Count);
    }

    [Fact]
    public void Compute_StandingStill_NoFallEvidence()
    {
        var n = Pre + 1 + Post;
        var x = new float[n];
        var y = Enumerable.Repeat(-1f, n).ToArray();
        var z = new float[n];
        var f = new float[FallFeatures.Count];

        FallFeatures.Compute(x, y, z, Pre, 50, f);

        Assert.Equal(1f, F(f, "peak_g"));
        Assert.Equal(1f, F(f, "descent_min_g"));
        Assert.Equal(0f, F(f, "freefall_s"));
        Assert.Equal(0f, F(f, "velocity_drop_gs"));
        Assert.Equal(0f, F(f, "before_std_g"));
        Assert.Equal(0f, F(f, "impact_std_g"));
        Assert.Equal(0f, F(f, "impact_max_jerk_gps"));
        Assert.Equal(1f, F(f, "after_mean_g"));
        Assert.Equal(0f, F(f, "after_std_g"));
        Assert.Equal(0f, F(f, "orientation_change_deg"));
        Assert.Equal(0f, F(f, "pre_tilt_deg"));
        Assert.Equal(0f, F(f, "post_tilt_deg"));
        Assert.Equal(0f, F(f, "activity_ratio_log"));
    }

    [Fact]
    public void Compute_ActiveBeforeStillAfter_PositiveActivityRatio()
    {
        var n = Pre + 1 + Post;
        var x = new float[n];
        var y = Enumerable.Range(0, n).Select(i => i < Pre - 60 ? (i % 2 == 0 ? -1.2f : -0.8f) : -1f).ToArray();
        var z = new float[n];
        var f = new float[FallFeatures.Count];

        FallFeatures.Compute(x, y, z, Pre, 50, f);

        // before: |a| alternates 1.2 / 0.8 g, std 0.2 g; after: still, std 0.
        Assert.Equal(0.2f, F(f, "before_std_g"), 4);
        Assert.Equal(MathF.Log(0.22f / 0.02f), F(f, "activity_ratio_log"), 3);
    }

    [Fact]
    public void Compute_LyingStill_TiltNinetyBeforeAndAfter()
    {
        var n = Pre + 1 + Post;
        var x = Enumerable.Repeat(0.6f, n).ToArray();
        var y = new float[n];
        var z = Enumerable.Repeat(0.8f, n).ToArray();
        var f = new float[FallFeatures.Count];

        FallFeatures.Compute(x, y, z, Pre, 50, f);

        Assert.Equal(90f, F(f, "pre_tilt_deg"), 3);
        Assert.Equal(90f, F(f, "post_tilt_deg"), 3);
    }

    [Fact]
    public void Compute_SyntheticFall_MeasuresFreeFallImpactAndNewPosture()
    {
        var (x, y, z, impact) = Signals.Fall(uprightSeconds: 2, lyingSeconds: 2);
        var start = impact - Pre;
        var f = new float[FallFeatures.Count];

        FallFeatures.Compute(x.AsSpan(start, Pre + 1 + Post), y.AsSpan(start, Pre + 1 + Post), z.AsSpan(start, Pre + 1 + Post), Pre, 50, f);

        Assert.Equal(5f, F(f, "peak_g"), 5);
        Assert.Equal(0.3f, F(f, "descent_min_g"), 5);
        Assert.Equal(0.4f, F(f, "freefall_s"), 5);       // 20 samples below 0.6 g
        Assert.Equal(-0.28f, F(f, "velocity_drop_gs"), 4); // 20 × 0.02 s × (0.3 − 1) g
        Assert.Equal(1f, F(f, "descent_max_g"), 5);
        Assert.Equal(0.02f, F(f, "impact_above2g_s"), 5); // one sample
        Assert.Equal(1f, F(f, "after_mean_g"), 5);
        Assert.Equal(0f, F(f, "after_std_g"), 5);
        Assert.Equal(0f, F(f, "after_mean_jerk_gps"), 5);
        Assert.Equal(90f, F(f, "orientation_change_deg"), 3);
        Assert.Equal(0f, F(f, "before_std_g"), 5);
        Assert.Equal(0f, F(f, "descent_rotation_deg"), 3); // free fall keeps the direction here
        Assert.Equal(0f, F(f, "pre_tilt_deg"), 3);       // upright: gravity along y
        Assert.Equal(90f, F(f, "post_tilt_deg"), 3);     // lying on the side: gravity along x
        Assert.Equal(0f, F(f, "activity_ratio_log"), 5); // still before and after
        // From 0.3 g down (0,-0.3,0) to (3,-4,0): |(3,-3.7,0)| × 50 Hz.
        Assert.Equal(MathF.Sqrt(9 + (3.7f * 3.7f)) * 50, F(f, "impact_max_jerk_gps"), 2);
    }

    [Fact]
    public void Compute_AnyRotation_AllButThePostureFeaturesInvariant()
    {
        var (x, y, z, impact) = Signals.Fall(2, 2);
        var start = impact - Pre;
        var len = Pre + 1 + Post;
        var a = new float[FallFeatures.Count];
        var b = new float[FallFeatures.Count];
        FallFeatures.Compute(x.AsSpan(start, len), y.AsSpan(start, len), z.AsSpan(start, len), Pre, 50, a);

        // The sensor mounted another way: x→z, y→−x, z→y (y no longer along the body).
        FallFeatures.Compute(y.AsSpan(start, len).ToArray().Select(v => -v).ToArray(), z.AsSpan(start, len), x.AsSpan(start, len), Pre, 50, b);

        var posture = new[] { FallFeatures.Names.ToList().IndexOf("pre_tilt_deg"), FallFeatures.Names.ToList().IndexOf("post_tilt_deg") };
        for (var i = 0; i < a.Length; i++)
        {
            if (!posture.Contains(i))
            {
                Assert.Equal(a[i], b[i], 3);
            }
        }

        // The posture features assume y along the body: with y across it, upright reads 90°.
        Assert.Equal(90f, F(b, "pre_tilt_deg"), 3);
    }

    [Fact]
    public void Compute_TurnedAboutTheBodyAxisOrUpsideDown_AllFeaturesInvariant()
    {
        var (x, y, z, impact) = Signals.Fall(2, 2);
        var start = impact - Pre;
        var len = Pre + 1 + Post;
        var a = new float[FallFeatures.Count];
        FallFeatures.Compute(x.AsSpan(start, len), y.AsSpan(start, len), z.AsSpan(start, len), Pre, 50, a);
        var xs = x.AsSpan(start, len).ToArray();
        var ys = y.AsSpan(start, len).ToArray();
        var zs = z.AsSpan(start, len).ToArray();

        // Side of the pelvis instead of the front: turned 90° about y (x→z, z→−x).
        var side = new float[FallFeatures.Count];
        FallFeatures.Compute(zs.Select(v => -v).ToArray(), ys, xs, Pre, 50, side);

        // Clipped upside down: turned 180° about z (x→−x, y→−y).
        var flipped = new float[FallFeatures.Count];
        FallFeatures.Compute(xs.Select(v => -v).ToArray(), ys.Select(v => -v).ToArray(), zs, Pre, 50, flipped);

        for (var i = 0; i < a.Length; i++)
        {
            Assert.Equal(a[i], side[i], 3);
            Assert.Equal(a[i], flipped[i], 3);
        }
    }

    [Fact]
    public void Compute_BadArguments_Throw()
    {
        var f = new float[FallFeatures.Count];
        Assert.Throws<ArgumentException>(() => FallFeatures.Compute(new float[10], new float[9], new float[10], 5, 50, f));
        Assert.Throws<ArgumentException>(() => FallFeatures.Compute(new float[10], new float[10], new float[10], 10, 50, f));
        Assert.Throws<ArgumentException>(() => FallFeatures.Compute(new float[10], new float[10], new float[10], 5, 50, new float[3]));
    }
}
