using System.Security.Cryptography;
using System.Text.Json;
using Edge.Detection.Features;

namespace Edge.Detection.Model;

/// <summary>Thrown when a model folder does not match what this build of the detector runs.</summary>
public sealed class ModelArtifactException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelArtifactException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    public ModelArtifactException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ModelArtifactException()
    {
    }
}

/// <summary>
/// A verified model folder: <c>manifest.json</c> plus the two ML.NET models it names (impact and soft
/// path). Loading refuses a folder whose hashes, feature sets, sample rate or geometry do not match this
/// build of the detector, so the gateway fails at start-up rather than scoring with the wrong model.
/// </summary>
public sealed class ModelArtifact
{
    private ModelArtifact(string directory, ModelManifest manifest, MlNetScorer impact, MlNetScorer soft)
    {
        Directory = directory;
        Manifest = manifest;
        ImpactModel = impact;
        SoftModel = soft;
        Config = manifest.ToDetectorConfig();
    }

    /// <summary>Folder the artifact was loaded from.</summary>
    public string Directory { get; }

    /// <summary>The manifest.</summary>
    public ModelManifest Manifest { get; }

    /// <summary>The impact path's model.</summary>
    public MlNetScorer ImpactModel { get; }

    /// <summary>The soft path's model.</summary>
    public MlNetScorer SoftModel { get; }

    /// <summary>The detector geometry from the manifest.</summary>
    public DetectorConfig Config { get; }

    /// <summary>
    /// Loads and verifies a model folder for a gateway whose sensors run at <paramref name="deviceRateHz"/>.
    /// </summary>
    /// <exception cref="ModelArtifactException">The folder is incomplete or does not match; the message names every problem found.</exception>
    public static ModelArtifact Load(string directory, int deviceRateHz)
    {
        var manifestPath = Path.Combine(directory, ModelManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            throw new ModelArtifactException($"Fall model manifest not found: {manifestPath}");
        }

        ModelManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ModelManifest>(File.ReadAllBytes(manifestPath), ModelManifest.JsonOptions)
                ?? throw new ModelArtifactException($"Fall model manifest is empty: {manifestPath}");
        }
        catch (JsonException ex)
        {
            throw new ModelArtifactException($"Fall model manifest is not valid JSON: {manifestPath}: {ex.Message}", ex);
        }

        if (manifest.FormatVersion != ModelManifest.CurrentFormatVersion)
        {
            throw new ModelArtifactException(
                $"Fall model manifest format {manifest.FormatVersion} is not supported (expected {ModelManifest.CurrentFormatVersion}): {manifestPath}. " +
                "Models from before the two-path detector (format 1, XGBoost) cannot be used; train a new one with ./edge train.");
        }

        var problems = new List<string>();
        if (manifest.SampleRateHz != deviceRateHz)
        {
            problems.Add($"the models were trained at {manifest.SampleRateHz} Hz but the sensors run at {deviceRateHz} Hz " +
                "(train models for this rate with edge train --rate N, or configure the sensors to the models' rate)");
        }

        if (manifest.Sensitivity.Min <= 0 || manifest.Sensitivity.Min > 1 || manifest.Sensitivity.Max < 1)
        {
            problems.Add($"sensitivity bounds [{manifest.Sensitivity.Min}, {manifest.Sensitivity.Max}] must contain 1 and be positive");
        }

        try
        {
            manifest.ToDetectorConfig().Validate();
        }
        catch (ArgumentException ex)
        {
            problems.Add(ex.Message);
        }

        var impact = LoadPath(directory, "impact", manifest.Impact, ImpactFeatures.FeatureSetId, ImpactFeatures.Names, problems);
        var soft = LoadPath(directory, "soft", manifest.Soft, SoftFeatures.FeatureSetId, SoftFeatures.Names, problems);
        if (problems.Count > 0 || impact is null || soft is null)
        {
            throw new ModelArtifactException($"Fall model in {Path.GetFullPath(directory)} cannot be used: " + string.Join("; ", problems));
        }

        return new ModelArtifact(Path.GetFullPath(directory), manifest, impact, soft);
    }

    /// <summary>
    /// The threshold for a sensitivity multiplier <paramref name="sensitivity"/>: in log-odds,
    /// <c>logit(t) − ln(sensitivity)</c>. 1 is the validated operating point; above 1 alerts more.
    /// </summary>
    public static float EffectiveThreshold(float threshold, double sensitivity)
    {
        if (sensitivity <= 0 || double.IsNaN(sensitivity))
        {
            throw new ArgumentOutOfRangeException(nameof(sensitivity), sensitivity, "sensitivity must be positive");
        }

        var logit = Math.Log(threshold / (1.0 - threshold)) - Math.Log(sensitivity);
        return (float)(1.0 / (1.0 + Math.Exp(-logit)));
    }

    /// <summary>Creates a detector for one sensor at a sensitivity within the manifest's bounds.</summary>
    public FallDetector CreateDetector(double sensitivity = 1.0, ScoredWindowHandler? onScored = null)
    {
        if (sensitivity < Manifest.Sensitivity.Min || sensitivity > Manifest.Sensitivity.Max)
        {
            throw new ArgumentOutOfRangeException(
                nameof(sensitivity), sensitivity,
                $"sensitivity must be within the model card's bounds [{Manifest.Sensitivity.Min}, {Manifest.Sensitivity.Max}]");
        }

        return new FallDetector(
            Config, ImpactModel, SoftModel,
            EffectiveThreshold(Manifest.Impact.Threshold, sensitivity),
            EffectiveThreshold(Manifest.Soft.Threshold, sensitivity),
            onScored);
    }

    private static MlNetScorer? LoadPath(string directory, string path, ModelManifest.PathModel model, string featureSet, IReadOnlyList<string> features, List<string> problems)
    {
        var before = problems.Count;
        if (model.FeatureSet != featureSet || !model.Features.SequenceEqual(features))
        {
            problems.Add($"the {path} model uses feature set '{model.FeatureSet}' ({model.Features.Count} features); this detector computes '{featureSet}' ({features.Count} features)");
        }

        if (model.Threshold is <= 0 or >= 1 || float.IsNaN(model.Threshold))
        {
            problems.Add($"the {path} threshold {model.Threshold} is not in (0, 1)");
        }

        var file = Path.Combine(directory, model.ModelFile);
        if (string.IsNullOrEmpty(model.ModelFile) || !File.Exists(file))
        {
            problems.Add($"the {path} model file '{model.ModelFile}' does not exist");
            return null;
        }

        var bytes = File.ReadAllBytes(file);
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.Equals(actual, model.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"the {path} model {file} has sha256 {actual} but the manifest says {model.Sha256}: the file was changed or belongs to another manifest");
            return null;
        }

        if (problems.Count > before)
        {
            return null;
        }

        try
        {
            return MlNetScorer.Load(bytes, features.Count);
        }
        catch (InvalidDataException ex)
        {
            problems.Add($"the {path} model {file}: {ex.Message}");
            return null;
        }
    }
}
