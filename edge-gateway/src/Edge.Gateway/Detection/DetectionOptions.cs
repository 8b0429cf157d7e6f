using System.ComponentModel.DataAnnotations;

namespace Edge.Gateway.Detection;

/// <summary>Fall detection settings.</summary>
public sealed class DetectionOptions
{
    public const string SectionName = "Detection";

    /// <summary>The model folder (manifest.json + model file). Relative paths resolve against the working directory.</summary>
    [Required]
    public string ModelDirectory { get; set; } = "models/fall-model";

    /// <summary>The sensors' sample rate; the model must have been trained at this rate (checked at start-up).</summary>
    [Range(10, 1000)]
    public int DeviceSampleRateHz { get; set; } = 50;
}
