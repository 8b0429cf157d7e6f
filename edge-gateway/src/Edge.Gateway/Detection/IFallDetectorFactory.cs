using Edge.Detection;
using Edge.Detection.Model;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Detection;

/// <summary>
/// Creates the shared online detector (<see cref="FallDetector"/> from Edge.Detection, the same class
/// training and evaluation run) for one sensor. Production: <see cref="ModelArtifactDetectorFactory"/>.
/// </summary>
public interface IFallDetectorFactory
{
    /// <summary>Short description of the loaded model, for logs.</summary>
    string ModelDescription { get; }

    /// <summary>Sample period the model expects, µs. Batches at another rate are not scored.</summary>
    long PeriodUs { get; }

    /// <summary>Least sensitive per-resident setting the model card allows.</summary>
    double MinSensitivity { get; }

    /// <summary>Most sensitive per-resident setting the model card allows.</summary>
    double MaxSensitivity { get; }

    /// <summary>A detector for one sensor at <paramref name="sensitivity"/> (1 = validated operating point).</summary>
    FallDetector Create(double sensitivity);
}

/// <summary>Loads and validates the committed model folder once (at start-up, through <see cref="ModelLoader"/>).</summary>
public sealed class ModelArtifactDetectorFactory : IFallDetectorFactory
{
    private readonly ModelArtifact _artifact;

    /// <exception cref="ModelArtifactException">The model folder is missing, changed, or does not match this detector.</exception>
    public ModelArtifactDetectorFactory(IOptions<DetectionOptions> options)
    {
        var o = options.Value;
        _artifact = ModelArtifact.Load(Path.GetFullPath(o.ModelDirectory), o.DeviceSampleRateHz);
    }

    public string ModelDescription =>
        $"{_artifact.Directory} (sha256 {_artifact.Manifest.Sha256[..Math.Min(12, _artifact.Manifest.Sha256.Length)]}, {_artifact.Manifest.SampleRateHz} Hz, threshold {_artifact.Manifest.Threshold:F3}, {_artifact.Model.TreeCount} trees)";

    public long PeriodUs => _artifact.Config.PeriodUs;

    public double MinSensitivity => _artifact.Manifest.Sensitivity.Min;

    public double MaxSensitivity => _artifact.Manifest.Sensitivity.Max;

    public FallDetector Create(double sensitivity) => _artifact.CreateDetector(sensitivity);
}
