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
        $"{_artifact.Directory} ({_artifact.Manifest.Name}, {_artifact.Manifest.SampleRateHz} Hz; impact path sha256 {Short(_artifact.Manifest.Impact.Sha256)} threshold {_artifact.Manifest.Impact.Threshold:F3}; " +
        $"soft path sha256 {Short(_artifact.Manifest.Soft.Sha256)} threshold {_artifact.Manifest.Soft.Threshold:F3}, decides {_artifact.Config.SoftPostSeconds:0.#} s after its anchor)";

    public long PeriodUs => _artifact.Config.PeriodUs;

    public double MinSensitivity => _artifact.Manifest.Sensitivity.Min;

    public double MaxSensitivity => _artifact.Manifest.Sensitivity.Max;

    public FallDetector Create(double sensitivity) => _artifact.CreateDetector(sensitivity);

    private static string Short(string sha256) => sha256[..Math.Min(12, sha256.Length)];
}
