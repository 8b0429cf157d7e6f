using System.Text.Json;
using System.Text.Json.Serialization;

namespace Edge.Detection.Model;

/// <summary>
/// <c>manifest.json</c> beside a fall model: what the model needs (feature set, rate, window) and what
/// it was measured to do (cross-validated metrics). Written by Edge.Training, checked by
/// <see cref="ModelArtifact.Load"/>.
/// </summary>
public sealed class ModelManifest
{
    /// <summary>File name of the manifest in a model folder.</summary>
    public const string FileName = "manifest.json";

    /// <summary>Schema version of this file.</summary>
    public int FormatVersion { get; set; } = 1;

    /// <summary>Model file name, relative to the manifest.</summary>
    public string ModelFile { get; set; } = "model.json";

    /// <summary>Lower-case hex SHA-256 of the model file.</summary>
    public string Sha256 { get; set; } = "";

    /// <summary>Feature set id (<see cref="Features.FallFeatures.FeatureSetId"/>).</summary>
    public string FeatureSet { get; set; } = "";

    /// <summary>Feature names in vector order.</summary>
    public List<string> Features { get; set; } = [];

    /// <summary>Device sample rate the model expects, Hz.</summary>
    public int SampleRateHz { get; set; }

    /// <summary>Device full-scale range used in training, g.</summary>
    public int RangeG { get; set; }

    /// <summary>Window geometry and candidate stage.</summary>
    public WindowSection Window { get; set; } = new();

    /// <summary>Operating probability threshold (chosen on out-of-fold scores).</summary>
    public float Threshold { get; set; }

    /// <summary>Refractory period after an alert, seconds.</summary>
    public double RefractorySeconds { get; set; }

    /// <summary>Range of the per-resident sensitivity multiplier the model card supports.</summary>
    public SensitivityBounds Sensitivity { get; set; } = new();

    /// <summary>XGBoost library version used for training.</summary>
    public string XGBoostVersion { get; set; } = "";

    /// <summary>Random seed of the training run.</summary>
    public int Seed { get; set; }

    /// <summary>XGBoost parameters, as passed to the library.</summary>
    public Dictionary<string, string> Parameters { get; set; } = [];

    /// <summary>What the model was trained on.</summary>
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
        RefractorySeconds = RefractorySeconds,
        GapPeriods = Window.GapPeriods,
    };

    /// <summary>Window geometry.</summary>
    public sealed class WindowSection
    {
        /// <summary>Seconds before the impact.</summary>
        public double PreImpactSeconds { get; set; }

        /// <summary>Seconds after the impact (wait before deciding).</summary>
        public double PostImpactSeconds { get; set; }

        /// <summary>Peak search half-width, seconds.</summary>
        public double PeakSearchSeconds { get; set; }

        /// <summary>Candidate impact threshold, g.</summary>
        public double CandidateThresholdG { get; set; }

        /// <summary>Gap limit, in sample periods.</summary>
        public double GapPeriods { get; set; }

        /// <summary>How windows advance (documentation for readers).</summary>
        public string Hop { get; set; } = "";
    }

    /// <summary>Sensitivity multiplier bounds: effective logit threshold = logit(threshold) − ln(sensitivity).</summary>
    public sealed class SensitivityBounds
    {
        /// <summary>Least sensitive setting allowed.</summary>
        public double Min { get; set; } = 1;

        /// <summary>Most sensitive setting allowed.</summary>
        public double Max { get; set; } = 1;
    }

    /// <summary>Training-data summary.</summary>
    public sealed class TrainingDataSummary
    {
        /// <summary>Dataset description and citation.</summary>
        public string Source { get; set; } = "";

        /// <summary>Subjects used.</summary>
        public int Subjects { get; set; }

        /// <summary>Subject ids (SisFall folder names) the model was trained on.</summary>
        public List<string> SubjectIds { get; set; } = [];

        /// <summary>Young-adult subjects.</summary>
        public int YoungSubjects { get; set; }

        /// <summary>Older-adult subjects.</summary>
        public int OlderSubjects { get; set; }

        /// <summary>Fall trials.</summary>
        public int FallTrials { get; set; }

        /// <summary>ADL trials.</summary>
        public int AdlTrials { get; set; }

        /// <summary>Hours of ADL.</summary>
        public double AdlHours { get; set; }

        /// <summary>Positive training windows.</summary>
        public int PositiveWindows { get; set; }

        /// <summary>Negative training windows.</summary>
        public int NegativeWindows { get; set; }

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

        /// <summary>Metrics per group (all, young, older).</summary>
        public Dictionary<string, GroupMetrics> Groups { get; set; } = [];
    }

    /// <summary>Per-trial metrics for one group of subjects.</summary>
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

        /// <summary>Median seconds from impact (peak magnitude) to alert.</summary>
        public double LatencyMedianSeconds { get; set; }

        /// <summary>95th percentile seconds from impact to alert.</summary>
        public double LatencyP95Seconds { get; set; }
    }
}
