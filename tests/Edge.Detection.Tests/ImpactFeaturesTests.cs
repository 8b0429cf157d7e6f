using Edge.Detection.Features;

namespace Edge.Detection.Tests;

public sealed class ImpactFeaturesTests
{
    private const int Pre = 100;
    private const int Post = 75;
    private static readonly DetectorConfig Config = new();

    private static float F(float[] f, string name) => f[ImpactFeatures.Names.ToList().IndexOf(name)];

    /// <summary>A posture history that has seen <paramref name="s"/> (e.g. walking, to learn the body axis).</summary>
    private static PostureHistory History((float[] X, float[] Y, float[] Z) s)
    {
        var h = new PostureHistory(Config);
        for (var i = 0; i < s.X.Length; i++)
        {
            h.Add(s.X[i], s.Y[i], s.Z[i], MathF.Sqrt((s.X[i] * s.X[i]) + (s.Y[i] * s.Y[i]) + (s.Z[i] * s.Z[i])));
        }

        return h;
    }

    private static float[] Compute(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> z, PostureHistory? history = null)
    {
        var f = new float[ImpactFeatures.Count];
        ImpactFeatures.Compute(x, y, z, Pre, 50, history ?? new PostureHistory(Config), Post, Config.BlockSamples, f);
        return f;
    }

    [Fact]
    public void Names_AreUniqueAndMatchCount()
    {
        Assert.Equal(ImpactFeatures.Count, ImpactFeatures.Names.Distinct().Count());
        Assert.Equal(26, ImpactFeatures.Count);
    }

    [Fact]
    public void Compute_StandingStill_NoFallEvidence()
    {
        var n = Pre + 1 + Post;
        var f = Compute(new float[n], Enumerable.Repeat(-1f, n).ToArray(), new float[n]);

        Assert.Equal(1f, F(f, "peak_g"));
        Assert.Equal(1f, F(f, "descent_min_g"));
        Assert.Equal(0f, F(f, "freefall_s"));
        Assert.Equal(0f, F(f, "velocity_drop_gs"));
        Assert.Equal(0f, F(f, "before_std_g"));
        Assert.Equal(0f, F(f, "impact_max_jerk_gps"));
        Assert.Equal(1f, F(f, "after_mean_g"));
        Assert.Equal(0f, F(f, "orientation_change_deg"));
        Assert.Equal(0f, F(f, "pre_tilt_deg"));
        Assert.Equal(0f, F(f, "post_tilt_deg"));
        Assert.Equal(0f, F(f, "activity_ratio_log"));
        Assert.Equal(0f, F(f, "drop_velocity_ms"));
        Assert.Equal(0f, F(f, "drop_height_m"));
        Assert.Equal(0f, F(f, "gravity_velocity_ms"), 4);
        Assert.Equal(0f, F(f, "lying_before_s"));
    }

    [Fact]
    public void Compute_ActiveBeforeStillAfter_PositiveActivityRatio()
    {
        var n = Pre + 1 + Post;
        var y = Enumerable.Range(0, n).Select(i => i < Pre - 60 ? (i % 2 == 0 ? -1.2f : -0.8f) : -1f).ToArray();

        var f = Compute(new float[n], y, new float[n]);

        // before: |a| alternates 1.2 / 0.8 g, std 0.2 g; after: still, std 0.
        Assert.Equal(0.2f, F(f, "before_std_g"), 4);
        Assert.Equal(MathF.Log(0.22f / 0.02f), F(f, "activity_ratio_log"), 3);
    }

    [Fact]
    public void Compute_SyntheticFall_MeasuresFreeFallDropImpactAndNewPosture()
    {
        var (x, y, z, impact) = Signals.Fall(uprightSeconds: 2, lyingSeconds: 2);
        var start = impact - Pre;
        var len = Pre + 1 + Post;

        var f = Compute(x.AsSpan(start, len), y.AsSpan(start, len), z.AsSpan(start, len));

        Assert.Equal(5f, F(f, "peak_g"), 5);
        Assert.Equal(0.3f, F(f, "descent_min_g"), 5);
        Assert.Equal(0.4f, F(f, "freefall_s"), 5);       // 20 samples below 0.6 g
        Assert.Equal(-0.28f, F(f, "velocity_drop_gs"), 4); // 20 × 0.02 s × (0.3 − 1) g
        Assert.Equal(0.02f, F(f, "impact_above2g_s"), 5); // one sample
        Assert.Equal(90f, F(f, "orientation_change_deg"), 3);
        Assert.Equal(0f, F(f, "pre_tilt_deg"), 3);       // upright: gravity along y
        Assert.Equal(90f, F(f, "post_tilt_deg"), 3);     // lying on the side: gravity along x
        // 0.4 s at −0.7 g: −2.75 m/s before the hit, which the 5 g sample mostly takes back.
        Assert.Equal(-0.28f * 9.81f, F(f, "drop_velocity_ms"), 2);
        Assert.True(F(f, "drop_height_m") < -0.5f);
        Assert.True(F(f, "gravity_velocity_ms") < -2f);
        Assert.Equal(MathF.Sqrt(9 + (3.7f * 3.7f)) * 50, F(f, "impact_max_jerk_gps"), 2);
    }

    [Fact]
    public void Compute_AlreadyLyingBeforeTheWindow_CountsTheLyingSeconds()
    {
        var roll = Signals.Roll(lyingSeconds: 6);
        var history = History(roll);
        var n = Pre + 1 + Post;
        var x = new float[n];
        var z = Enumerable.Repeat(1f, n).ToArray();

        var f = Compute(x, new float[n], z, history);

        Assert.InRange(F(f, "lying_before_s"), 9.5f, 10f); // the whole ten seconds before the window
        Assert.Equal(90f, F(f, "upright_before_min_deg"), 1);
        Assert.Equal(90f, F(f, "pre_tilt_deg"), 1);
    }

    [Fact]
    public void Compute_CrookedClipAfterWalking_SameFeaturesAsAStraightOne()
    {
        var (x, y, z, impact) = Signals.Fall(2, 2);
        var start = impact - Pre;
        var len = Pre + 1 + Post;
        var straight = Compute(x.AsSpan(start, len), y.AsSpan(start, len), z.AsSpan(start, len), History(Signals.Walk(20)));

        // The unit turned 30° about x on the belt: the detector learned the body axis while the wearer walked.
        var r = Rotation.AboutX(30);
        var window = Rotation.Apply(r, (x[start..(start + len)], y[start..(start + len)], z[start..(start + len)]));
        var crooked = Compute(window.X, window.Y, window.Z, History(Rotation.Apply(r, Signals.Walk(20))));

        for (var i = 0; i < straight.Length; i++)
        {
            Assert.True(Math.Abs(straight[i] - crooked[i]) <= 0.05f + (0.02f * Math.Abs(straight[i])), $"{ImpactFeatures.Names[i]}: {straight[i]} straight, {crooked[i]} crooked");
        }
    }

    [Fact]
    public void Compute_UpsideDown_SameFeatures()
    {
        var (x, y, z, impact) = Signals.Fall(2, 2);
        var start = impact - Pre;
        var len = Pre + 1 + Post;
        var a = Compute(x.AsSpan(start, len), y.AsSpan(start, len), z.AsSpan(start, len));

        // Clipped upside down: turned 180° about z (x→−x, y→−y).
        var b = Compute(x[start..(start + len)].Select(v => -v).ToArray(), y[start..(start + len)].Select(v => -v).ToArray(), z.AsSpan(start, len));

        for (var i = 0; i < a.Length; i++)
        {
            Assert.Equal(a[i], b[i], 3);
        }
    }

    [Fact]
    public void Compute_BadArguments_Throw()
    {
        var history = new PostureHistory(Config);
        var f = new float[ImpactFeatures.Count];
        Assert.Throws<ArgumentException>(() => ImpactFeatures.Compute(new float[10], new float[9], new float[10], 5, 50, history, 0, 25, f));
        Assert.Throws<ArgumentException>(() => ImpactFeatures.Compute(new float[10], new float[10], new float[10], 10, 50, history, 0, 25, f));
        Assert.Throws<ArgumentException>(() => ImpactFeatures.Compute(new float[10], new float[10], new float[10], 5, 50, history, 0, 25, new float[3]));
    }
}
