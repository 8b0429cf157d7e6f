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
/// A verified model folder: <c>manifest.json</c> plus the XGBoost JSON model it names. Loading refuses
/// a model whose hash, feature set or sample rate does not match, so the gateway fails at start-up
/// rather than scoring with the wrong model.
/// </summary>
public sealed class ModelArtifact
{
    private ModelArtifact(string directory, ModelManifest manifest, XGBoostModel model)
    {
        Directory = directory;
        Manifest = manifest;
        Model = model;
        Config = manifest.ToDetectorConfig();
    }

    /// <summary>Folder the artifact was loaded from.</summary>
    public string Directory { get; }

    /// <summary>The manifest.</summary>
    public ModelManifest Manifest { get; }

    /// <summary>The managed model.</summary>
    public XGBoostModel Model { get; }

    /// <summary>The detector geometry from the manifest.</summary>
    public DetectorConfig Config { get; }

    /// <summary>
    /// Loads and verifies a model folder for a gateway whose sensors run at <paramref name="deviceRateHz"/>.
    /// </summary>
    /// <exception cref="ModelArtifactException">The folder is incomplete or does not match.</exception>
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

        if (manifest.FormatVersion != 1)
        {
            throw new ModelArtifactException($"Fall model manifest format {manifest.FormatVersion} is not supported (expected 1): {manifestPath}");
        }

        var modelPath = Path.Combine(directory, manifest.ModelFile);
        if (string.IsNullOrEmpty(manifest.ModelFile) || !File.Exists(modelPath))
        {
            throw new ModelArtifactException($"Fall model file '{manifest.ModelFile}' named in {manifestPath} does not exist");
        }

        var bytes = File.ReadAllBytes(modelPath);
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.Equals(actual, manifest.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelArtifactException(
                $"Fall model hash mismatch: {modelPath} has sha256 {actual}, the manifest says {manifest.Sha256}. " +
                "The model file was changed or belongs to another manifest.");
        }

        if (manifest.FeatureSet != FallFeatures.FeatureSetId || !manifest.Features.SequenceEqual(FallFeatures.Names))
        {
            throw new ModelArtifactException(
                $"Fall model uses an unknown feature set '{manifest.FeatureSet}' [{string.Join(", ", manifest.Features)}]; " +
                $"this detector computes '{FallFeatures.FeatureSetId}' [{string.Join(", ", FallFeatures.Names)}].");
        }

        if (manifest.SampleRateHz != deviceRateHz)
        {
            throw new ModelArtifactException(
                $"Fall model was trained at {manifest.SampleRateHz} Hz but the sensors run at {deviceRateHz} Hz. " +
                "Train a model for this rate (edge train --rate N) or configure the sensors to the model's rate.");
        }

        if (manifest.Threshold is <= 0 or >= 1)
        {
            throw new ModelArtifactException($"Fall model threshold {manifest.Threshold} is not in (0, 1)");
        }

        if (manifest.Sensitivity.Min <= 0 || manifest.Sensitivity.Min > 1 || manifest.Sensitivity.Max < 1)
        {
            throw new ModelArtifactException(
                $"Fall model sensitivity bounds [{manifest.Sensitivity.Min}, {manifest.Sensitivity.Max}] must contain 1 and be positive");
        }

        XGBoostModel model;
        try
        {
            model = XGBoostModel.Parse(bytes);
        }
        catch (InvalidDataException ex)
        {
            throw new ModelArtifactException($"{modelPath}: {ex.Message}", ex);
        }

        if (model.FeatureCount != FallFeatures.Count)
        {
            throw new ModelArtifactException($"Fall model expects {model.FeatureCount} features; the feature set has {FallFeatures.Count}");
        }

        try
        {
            manifest.ToDetectorConfig().Validate();
        }
        catch (ArgumentException ex)
        {
            throw new ModelArtifactException($"Fall model window in {manifestPath} is invalid: {ex.Message}", ex);
        }

        return new ModelArtifact(Path.GetFullPath(directory), manifest, model);
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

        return new FallDetector(Config, Model, EffectiveThreshold(Manifest.Threshold, sensitivity), onScored);
    }
}
