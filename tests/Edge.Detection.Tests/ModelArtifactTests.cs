using System.Security.Cryptography;
using System.Text.Json;
using Edge.Detection.Features;
using Edge.Detection.Model;
using Edge.TestKit;

namespace Edge.Detection.Tests;

public sealed class ModelArtifactTests
{
    private static ModelManifest WriteArtifact(string dir, Action<ModelManifest>? change = null)
    {
        var impact = TinyModels.Impact;
        var soft = TinyModels.Soft;
        File.WriteAllBytes(Path.Combine(dir, "impact.zip"), impact);
        File.WriteAllBytes(Path.Combine(dir, "soft.zip"), soft);
        var manifest = new ModelManifest
        {
            Name = "test",
            RangeG = 16,
            Impact = new() { ModelFile = "impact.zip", Sha256 = Convert.ToHexStringLower(SHA256.HashData(impact)), FeatureSet = ImpactFeatures.FeatureSetId, Features = [.. ImpactFeatures.Names], Threshold = 0.9f },
            Soft = new() { ModelFile = "soft.zip", Sha256 = Convert.ToHexStringLower(SHA256.HashData(soft)), FeatureSet = SoftFeatures.FeatureSetId, Features = [.. SoftFeatures.Names], Threshold = 0.95f },
            Sensitivity = new() { Min = 0.5, Max = 2 },
        };
        manifest.SetDetectorConfig(new DetectorConfig());
        change?.Invoke(manifest);
        File.WriteAllText(Path.Combine(dir, ModelManifest.FileName), JsonSerializer.Serialize(manifest, ModelManifest.JsonOptions));
        return manifest;
    }

    [Fact]
    public void Load_ValidArtifact_GivesDetectorWithManifestGeometryAndThresholds()
    {
        using var dir = new TempDirectory();
        WriteArtifact(dir.Path);

        var artifact = ModelArtifact.Load(dir.Path, 50);
        var detector = artifact.CreateDetector();

        Assert.Equal(new DetectorConfig(), detector.Config);
        Assert.Equal(0.9f, detector.ImpactThreshold, 6);
        Assert.Equal(0.95f, detector.SoftThreshold, 6);
    }

    [Fact]
    public void Load_ModelFileChanged_RefusesWithHashMismatch()
    {
        using var dir = new TempDirectory();
        WriteArtifact(dir.Path);
        File.WriteAllBytes(Path.Combine(dir.Path, "soft.zip"), TinyModels.Impact);

        var ex = Assert.Throws<ModelArtifactException>(() => ModelArtifact.Load(dir.Path, 50));
        Assert.Contains("soft model", ex.Message, StringComparison.Ordinal);
        Assert.Contains("sha256", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_OtherFeatureSet_Refuses()
    {
        using var dir = new TempDirectory();
        WriteArtifact(dir.Path, m => m.Impact.FeatureSet = "waist-impact-v2");

        var ex = Assert.Throws<ModelArtifactException>(() => ModelArtifact.Load(dir.Path, 50));
        Assert.Contains("waist-impact-v2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DifferentDeviceRate_Refuses()
    {
        using var dir = new TempDirectory();
        WriteArtifact(dir.Path);

        var ex = Assert.Throws<ModelArtifactException>(() => ModelArtifact.Load(dir.Path, 100));
        Assert.Contains("50 Hz", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SeveralProblems_NamesThemAllInOneMessage()
    {
        using var dir = new TempDirectory();
        WriteArtifact(dir.Path, m =>
        {
            m.Soft.Threshold = 1.5f;
            m.Sensitivity.Max = 0.8;
            m.Window.SoftPostSeconds = 0.5;
        });

        var ex = Assert.Throws<ModelArtifactException>(() => ModelArtifact.Load(dir.Path, 100));
        Assert.Contains("Hz", ex.Message, StringComparison.Ordinal);
        Assert.Contains("soft threshold", ex.Message, StringComparison.Ordinal);
        Assert.Contains("sensitivity bounds", ex.Message, StringComparison.Ordinal);
        Assert.Contains("soft window", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FormatOneModel_RefusedWithAdviceToRetrain()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir.Path, ModelManifest.FileName), """{ "formatVersion": 1, "modelFile": "model.json" }""");

        var ex = Assert.Throws<ModelArtifactException>(() => ModelArtifact.Load(dir.Path, 50));
        Assert.Contains("format 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("edge train", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoManifest_Refuses()
    {
        using var dir = new TempDirectory();

        Assert.Throws<ModelArtifactException>(() => ModelArtifact.Load(dir.Path, 50));
    }

    [Fact]
    public void Load_ModelFileIsNotAnMlNetModel_Refuses()
    {
        using var dir = new TempDirectory();
        WriteArtifact(dir.Path, m =>
        {
            var junk = "not a zip"u8.ToArray();
            File.WriteAllBytes(Path.Combine(dir.Path, "impact.zip"), junk);
            m.Impact.Sha256 = Convert.ToHexStringLower(SHA256.HashData(junk));
        });

        var ex = Assert.Throws<ModelArtifactException>(() => ModelArtifact.Load(dir.Path, 50));
        Assert.Contains("not an ML.NET model", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateDetector_SensitivityOutsideBounds_Throws()
    {
        using var dir = new TempDirectory();
        WriteArtifact(dir.Path);
        var artifact = ModelArtifact.Load(dir.Path, 50);

        Assert.Throws<ArgumentOutOfRangeException>(() => artifact.CreateDetector(0.4));
        Assert.Throws<ArgumentOutOfRangeException>(() => artifact.CreateDetector(2.1));
        Assert.True(artifact.CreateDetector(2).SoftThreshold < artifact.CreateDetector(1).SoftThreshold);
    }

    [Fact]
    public void EffectiveThreshold_ScalesOdds()
    {
        Assert.Equal(0.5f, ModelArtifact.EffectiveThreshold(0.5f, 1), 6);
        Assert.Equal(1f / 3, ModelArtifact.EffectiveThreshold(0.5f, 2), 6); // odds 1 → 1/2
        Assert.Equal(2f / 3, ModelArtifact.EffectiveThreshold(0.5f, 0.5), 6);
    }

    [Fact]
    public void Load_CommittedModel_PassesValidationAt50Hz()
    {
        var dir = Path.Combine(TestData.RepoRoot, "models", "fall-model");

        var artifact = ModelArtifact.Load(dir, 50);

        Assert.Equal(ImpactFeatures.FeatureSetId, artifact.Manifest.Impact.FeatureSet);
        Assert.Equal(SoftFeatures.FeatureSetId, artifact.Manifest.Soft.FeatureSet);
        Assert.InRange(artifact.Manifest.Impact.Threshold, 0.01f, 0.999999f);
        Assert.InRange(artifact.Manifest.Soft.Threshold, 0.01f, 0.999999f);
        Assert.Equal(ImpactFeatures.Count, artifact.ImpactModel.FeatureCount);
        Assert.Equal(SoftFeatures.Count, artifact.SoftModel.FeatureCount);
    }
}
