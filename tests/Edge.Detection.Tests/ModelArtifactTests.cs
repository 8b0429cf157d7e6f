using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Edge.Detection.Features;
using Edge.Detection.Model;
using Edge.TestKit;

namespace Edge.Detection.Tests;

public sealed class ModelArtifactTests
{
    private static ModelManifest WriteArtifact(string dir, Action<ModelManifest>? change = null)
    {
        var model = Encoding.UTF8.GetBytes(HandModel.Json(FallFeatures.Count));
        File.WriteAllBytes(Path.Combine(dir, "model.json"), model);
        var manifest = new ModelManifest
        {
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(model)),
            FeatureSet = FallFeatures.FeatureSetId,
            Features = [.. FallFeatures.Names],
            SampleRateHz = 50,
            RangeG = 16,
            Window = new() { PreImpactSeconds = 2, PostImpactSeconds = 1.5, PeakSearchSeconds = 0.5, CandidateThresholdG = 1.5, GapPeriods = 1.5 },
            Threshold = 0.5f,
            RefractorySeconds = 30,
            Sensitivity = new() { Min = 0.5, Max = 2 },
        };
        change?.Invoke(manifest);
        File.WriteAllText(Path.Combine(dir, ModelManifest.FileName), JsonSerializer.Serialize(manifest, ModelManifest.JsonOptions));
        return manifest;
    }

    [Fact]
    public void Load_ValidArtifact_GivesDetectorWithManifestGeometry()
    {
        using var dir = new TempDirectory();
        WriteArtifact(dir.Path);

        var artifact = ModelArtifact.Load(dir.Path, 50);
        var detector = artifact.CreateDetector();

        Assert.Equal(75, detector.Config.PostSamples);
        Assert.Equal(0.5f, detector.Threshold);
        Assert.Equal(FallFeatures.Count, artifact.Model.FeatureCount);
    }

    [Fact]
    public void Load_ModelFileChanged_RefusesWithHashMismatch()
    {
        using var dir = new TempDirectory();
        WriteArtifact(dir.Path);
        File.AppendAllText(Path.Combine(dir.Path, "model.json"), " ");

        var ex = Assert.Throws<ModelArtifactException>(() => ModelArtifact.Load(dir.Path, 50));

        Assert.Contains("hash mismatch", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownFeatureSet_Refuses()
    {
        using var dir = new TempDirectory();
        WriteArtifact(dir.Path, m => m.Features[3] = "spectral_entropy");

        var ex = Assert.Throws<ModelArtifactException>(() => ModelArtifact.Load(dir.Path, 50));

        Assert.Contains("unknown feature set", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_OtherFeatureSetId_Refuses()
    {
        using var dir = new TempDirectory();
        WriteArtifact(dir.Path, m => m.FeatureSet = "wrist-v2");

        Assert.Contains("unknown feature set", Assert.Throws<ModelArtifactException>(() => ModelArtifact.Load(dir.Path, 50)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DifferentDeviceRate_Refuses()
    {
        using var dir = new TempDirectory();
        WriteArtifact(dir.Path);

        var ex = Assert.Throws<ModelArtifactException>(() => ModelArtifact.Load(dir.Path, 100));

        Assert.Contains("trained at 50 Hz but the sensors run at 100 Hz", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoManifest_Refuses()
    {
        using var dir = new TempDirectory();

        Assert.Contains("manifest not found", Assert.Throws<ModelArtifactException>(() => ModelArtifact.Load(dir.Path, 50)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateDetector_SensitivityOutsideBounds_Throws()
    {
        using var dir = new TempDirectory();
        WriteArtifact(dir.Path);
        var artifact = ModelArtifact.Load(dir.Path, 50);

        Assert.Throws<ArgumentOutOfRangeException>(() => artifact.CreateDetector(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => artifact.CreateDetector(0.25));
        Assert.True(artifact.CreateDetector(2).Threshold < artifact.CreateDetector(1).Threshold);
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

        Assert.Equal(FallFeatures.FeatureSetId, artifact.Manifest.FeatureSet);
        Assert.InRange(artifact.Manifest.Threshold, 0.01f, 0.99f);
        Assert.True(artifact.Model.TreeCount > 0);
    }
}
