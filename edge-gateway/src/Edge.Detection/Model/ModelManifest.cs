using System.Text.Json;
using System.Text.Json.Serialization;

namespace Edge.Detection.Model;

/// <summary>
/// <c>manifest.json</c> beside the fall models: what the detector needs (the two paths' model files,
/// feature sets and thresholds, the rate and the window geometry) and what it was measured to do
/// (cross-validated metrics). Written by Edge.Training, checked by <see cref="ModelArtifact.Load"/>.
/// </summary>
public sealed class ModelManifest
{
    /// <summary>File name of the manifest in a model folder.</summary>
    public const string FileName = "manifest.json";

    /// <summary>The schema version this build reads and writes.</summary>
    public const int CurrentFormatVersion = 2;

    /// <summary>Schema version of this file.</summary>
    public int FormatVersion { get; set; } = CurrentFormatVersion;

    /// <summary>Model name, e.g. <c>waist-v3</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary>Device sample rate the models expect, Hz.</summary>
    public int SampleRateHz { get; set; }

    /// <summary>Device full-scale range used in training, g.</summary>
    public int RangeG { get; set; }

    /// <summary>Window geometry, candidate stages and posture thresholds.</summary>
    public WindowSection Window { get; set; } = new();

    /// <summary>The impact path's model.</summary>
    public PathModel Impact { get; set; } = new();

    /// <summary>The soft path's model.</summary>
    public PathModel Soft { get; set; } = new();

    /// <summary>Refractory period after an alert, seconds (shared by both paths).</summary>
    public double RefractorySeconds { get; set; }

    /// <summary>Range of the per-resident sensitivity multiplier the model card supports.</summary>
    public SensitivityBounds Sensitivity { get; set; } = new();

    /// <summary>How the models were trained (library, trainer, seed, parameters).</summary>
    public TrainingSection Training { get; set; } = new();

    /// <summary>What the models were trained on.</summary>
    public TrainingDataSummary TrainingData { get; set; } = new();

    /// <summary>Grouped cross-validation results.</summary>
    public CrossValidationSummary CrossValidation { get; set; } = new();

    /// <summary>Serializer options for this file (camelCase, indented, stable order).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The detector geometry this manifest describes.</summary>
    public DetectorConfig ToDetectorConfig() => new()
    {
        SampleRateHz = SampleRateHz,
        PreImpactSeconds = Window.PreImpactSeconds,
        PostImpactSeconds = Window.PostImpactSeconds,
        PeakSearchSeconds = Window.PeakSearchSeconds,
        CandidateThresholdG = Window.CandidateThresholdG,
        SoftPreSeconds = Window.SoftPreSeconds,
        SoftPostSeconds = Window.SoftPostSeconds,
        BlockSeconds = Window.BlockSeconds,
        LyingDegrees = Window.LyingDegrees,
        UprightDegrees = Window.UprightDegrees,
        TransitionSeconds = Window.TransitionSeconds,
        SoftSpacingSeconds = Window.SoftSpacingSeconds,
        RefractorySeconds = RefractorySeconds,
        GapPeriods = Window.GapPeriods,
    };

    /// <summary>Writes the geometry of <paramref name="config"/> into <see cref="Window"/> and <see cref="RefractorySeconds"/>.</summary>
    public void SetDetectorConfig(DetectorConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        SampleRateHz = config.SampleRateHz;
        RefractorySeconds = config.RefractorySeconds;
        Window = new WindowSection
        {
            PreImpactSeconds = config.PreImpactSeconds,
            PostImpactSeconds = config.PostImpactSeconds,
            PeakSearchSeconds = config.PeakSearchSeconds,
            CandidateThresholdG = config.CandidateThresholdG,
            SoftPreSeconds = config.SoftPreSeconds,
            SoftPostSeconds = config.SoftPostSeconds,
            BlockSeconds = config.BlockSeconds,
            LyingDegrees = config.LyingDegrees,
            UprightDegrees = config.UprightDegrees,
            TransitionSeconds = config.TransitionSeconds,
            SoftSpacingSeconds = config.SoftSpacingSeconds,
            GapPeriods = config.GapPeriods,
        };
    }

    /// <summary>Window geometry.</summary>
    public sealed class WindowSection
    {
        /// <summary>Seconds before the impact.</summary>
        public double PreImpactSeconds { get; set; }

        /// <summary>Seconds after the impact (impact path's wait before deciding).</summary>
        public double PostImpactSeconds { get; set; }

        /// <summary>Peak search half-width, seconds.</summary>
        public double PeakSearchSeconds { get; set; }

        /// <summary>Candidate impact threshold, g.</summary>
        public double CandidateThresholdG { get; set; }

        /// <summary>Seconds before a soft anchor.</summary>
        public double SoftPreSeconds { get; set; }

        /// <summary>Seconds after a soft anchor (soft path's wait before deciding).</summary>
        public double SoftPostSeconds { get; set; }

        /// <summary>Posture block length, seconds.</summary>
        public double BlockSeconds { get; set; }

        /// <summary>Lying: at least this tilt, degrees.</summary>
        public double LyingDegrees { get; set; }

        /// <summary>Upright or seated: at most this tilt, degrees.</summary>
        public double UprightDegrees { get; set; }

        /// <summary>A posture-transition candidate: lying reached within this many seconds of upright.</summary>
        public double TransitionSeconds { get; set; }

        /// <summary>Minimum spacing of a posture-transition candidate after another soft candidate, seconds.</summary>
        public double SoftSpacingSeconds { get; set; }

        /// <summary>Gap limit, in sample periods.</summary>
        public double GapPeriods { get; set; }
    }

    /// <summary>One path's model file, features and operating threshold.</summary>
    public sealed class PathModel
    {
        /// <summary>Model file name, relative to the manifest (an ML.NET model zip).</summary>
        public string ModelFile { get; set; } = "";

        /// <summary>Lower-case hex SHA-256 of the model file.</summary>
        public string Sha256 { get; set; } = "";

        /// <summary>Feature set id.</summary>
        public string FeatureSet { get; set; } = "";

        /// <summary>Feature names in vector order.</summary>
        public List<string> Features { get; set; } = [];

        /// <summary>Operating probability threshold (chosen on out-of-fold scores).</summary>
        public float Threshold { get; set; }
    }

    /// <summary>Sensitivity multiplier bounds: effective logit threshold = logit(threshold) − ln(sensitivity), for both paths.</summary>
    public sealed class SensitivityBounds
    {
        /// <summary>Least sensitive setting allowed.</summary>
        public double Min { get; set; } = 1;

        /// <summary>Most sensitive setting allowed.</summary>
        public double Max { get; set; } = 1;
    }

    /// <summary>Training library and settings.</summary>
    public sealed class TrainingSection
    {
        /// <summary>Library and version, e.g. <c>Microsoft.ML 6.0.0</c>.</summary>
        public string Library { get; set; } = "";

        /// <summary>Trainer, e.g. <c>FastTree</c>.</summary>
        public string Trainer { get; set; } = "";

        /// <summary>Random seed of the training run.</summary>
        public int Seed { get; set; }

        /// <summary>Trainer parameters.</summary>
        public Dictionary<string, string> Parameters { get; set; } = [];

        /// <summary>Augmentation applied inside the training folds only.</summary>
        public string Augmentation { get; set; } = "";

        /// <summary>How the operating thresholds were chosen.</summary>
        public string OperatingPoint { get; set; } = "";
    }

    /// <summary>Training-data summary.</summary>
    public sealed class TrainingDataSummary
    {
        /// <summary>Datasets and citations.</summary>
        public List<string> Sources { get; set; } = [];

        /// <summary>Subjects used.</summary>
        public int Subjects { get; set; }

        /// <summary>Subject ids (folder names) the models were trained on.</summary>
        public List<string> SubjectIds { get; set; } = [];

        /// <summary>Fall trials.</summary>
        public int FallTrials { get; set; }

        /// <summary>ADL trials.</summary>
        public int AdlTrials { get; set; }

        /// <summary>Hours of ADL.</summary>
        public double AdlHours { get; set; }

        /// <summary>Training windows per path and label (original recordings, before augmentation).</summary>
        public Dictionary<string, int> Windows { get; set; } = [];

        /// <summary>How windows were labelled.</summary>
        public string Labelling { get; set; } = "";
    }

    /// <summary>Cross-validation summary.</summary>
    public sealed class CrossValidationSummary
    {
        /// <summary>Scheme, e.g. leave-one-subject-out.</summary>
        public string Scheme { get; set; } = "";

        /// <summary>Number of folds.</summary>
        public int Folds { get; set; }

        /// <summary>Metrics per group (all, per dataset, per age group, soft falls).</summary>
        public Dictionary<string, GroupMetrics> Groups { get; set; } = [];

        /// <summary>The same with each subject's thresholds chosen without that subject (nested estimate).</summary>
        public Dictionary<string, GroupMetrics> Nested { get; set; } = [];
    }

    /// <summary>Per-trial metrics for one group of trials.</summary>
    public sealed class GroupMetrics
    {
        /// <summary>Fall trials.</summary>
        public int FallTrials { get; set; }

        /// <summary>ADL trials.</summary>
        public int AdlTrials { get; set; }

        /// <summary>Fraction of fall trials with an alert (NaN when there are none).</summary>
        public double Sensitivity { get; set; }

        /// <summary>Fraction of ADL trials without an alert.</summary>
        public double Specificity { get; set; }

        /// <summary>Alerts during ADL per hour of ADL.</summary>
        public double FalseAlertsPerHour { get; set; }

        /// <summary>Median seconds from the impact (peak magnitude) to an impact-path alert.</summary>
        public double ImpactLatencyMedianSeconds { get; set; }

        /// <summary>Median seconds from the peak magnitude to a soft-path alert.</summary>
        public double SoftLatencyMedianSeconds { get; set; }

        /// <summary>Falls first alerted by the soft path.</summary>
        public int SoftPathAlerts { get; set; }
    }
}
