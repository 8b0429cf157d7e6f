using Edge.Detection.Features;

namespace Edge.Detection.Tests;

public sealed class SoftFeaturesTests
{
    private static readonly DetectorConfig Config = new();

    private static float F(float[] f, string name) => f[SoftFeatures.Names.ToList().IndexOf(name)];

    private static float[] Compute((float[] X, float[] Y, float[] Z) s, int anchor, bool isImpact)
    {
        var history = new PostureHistory(Config);
        var end = anchor + Config.SoftPostSamples;
        for (var i = 0; i <= end; i++)
        {
            history.Add(s.X[i], s.Y[i], s.Z[i], MathF.Sqrt((s.X[i] * s.X[i]) + (s.Y[i] * s.Y[i]) + (s.Z[i] * s.Z[i])));
        }

        var start = anchor - Config.SoftPreSamples;
        var len = Config.SoftWindowSamples;
        var f = new float[SoftFeatures.Count];
        SoftFeatures.Compute(
            s.X.AsSpan(start, len), s.Y.AsSpan(start, len), s.Z.AsSpan(start, len), Config.SoftPreSamples, Config.PreSamples, Config.PostSamples, 50,
            history, Config.SoftPostSamples, Config.BlockSamples, isImpact, f);
        return f;
    }

    [Fact]
    public void Names_AreUniqueAndHoldTheImpactFeaturesAtTheEnd()
    {
        Assert.Equal(SoftFeatures.Count, SoftFeatures.Names.Distinct().Count());
        Assert.Equal(SoftFeatures.OwnCount + ImpactFeatures.Count, SoftFeatures.Count);
        Assert.Equal("impact_peak_g", SoftFeatures.Names[SoftFeatures.OwnCount]);
    }

    [Fact]
    public void Compute_SlowFallToTheFloor_UprightToLyingAndStillAfter()
    {
        var fall = Signals.SlowFall(uprightSeconds: 5, lyingSeconds: 8);

        var f = Compute((fall.X, fall.Y, fall.Z), fall.Lying, isImpact: false);

        Assert.Equal(1f, F(f, "anchor_kind"));
        Assert.InRange(F(f, "pre_tilt_deg"), 0, 40);
        Assert.InRange(F(f, "post_tilt_deg"), 85, 90);
        Assert.InRange(F(f, "upright_to_lying_s"), 0.5f, 2f);
        Assert.Equal(0f, F(f, "after_std_g"), 3);
        Assert.Equal(0f, F(f, "lying_before_s"));
        Assert.InRange(F(f, "peak_g"), 1f, 1.31f);
    }

    [Fact]
    public void Compute_HardFall_CarriesTheImpactFeaturesOfTheAnchor()
    {
        var fall = Signals.Fall(uprightSeconds: 4, lyingSeconds: 6);

        var f = Compute((fall.X, fall.Y, fall.Z), fall.Impact, isImpact: true);

        Assert.Equal(0f, F(f, "anchor_kind"));
        Assert.Equal(5f, F(f, "impact_peak_g"), 4);
        Assert.Equal(5f, F(f, "peak_g"), 4);
        Assert.InRange(F(f, "min_g"), 0.29f, 0.31f);
        Assert.Equal(90f, F(f, "rotation_deg"), 1);
    }
}
