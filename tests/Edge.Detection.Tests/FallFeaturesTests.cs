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
        Assert.Equal(17, FallFeatures.Count);
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
        // From 0.3 g down (0,-0.3,0) to (3,-4,0): |(3,-3.7,0)| × 50 Hz.
        Assert.Equal(MathF.Sqrt(9 + (3.7f * 3.7f)) * 50, F(f, "impact_max_jerk_gps"), 2);
    }

    [Fact]
    public void Compute_IsRotationInvariant()
    {
        var (x, y, z, impact) = Signals.Fall(2, 2);
        var start = impact - Pre;
        var len = Pre + 1 + Post;
        var a = new float[FallFeatures.Count];
        var b = new float[FallFeatures.Count];
        FallFeatures.Compute(x.AsSpan(start, len), y.AsSpan(start, len), z.AsSpan(start, len), Pre, 50, a);

        // The sensor clipped on another way round: x→z, y→−x, z→y.
        FallFeatures.Compute(y.AsSpan(start, len).ToArray().Select(v => -v).ToArray(), z.AsSpan(start, len), x.AsSpan(start, len), Pre, 50, b);

        for (var i = 0; i < a.Length; i++)
        {
            Assert.Equal(a[i], b[i], 3);
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
