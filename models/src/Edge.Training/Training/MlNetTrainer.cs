using System.Globalization;
using System.IO.Compression;
using Edge.Detection.Model;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace Edge.Training.Training;

/// <summary>The ML.NET gradient-boosted tree trainers compared for the fall models.</summary>
public enum TreeTrainer
{
    /// <summary>ML.NET's own boosted trees (managed training and scoring): the shipped models.</summary>
    FastTree,

    /// <summary>LightGBM through ML.NET (native training on x64; ML.NET scores the converted trees).</summary>
    LightGbm,
}

/// <summary>Boosting settings. Fixed, not tuned per subject.</summary>
public sealed record TrainingSettings
{
    /// <summary>Random seed.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>The trainer.</summary>
    public TreeTrainer Trainer { get; init; } = TreeTrainer.FastTree;

    /// <summary>Boosting rounds.</summary>
    public int Trees { get; init; } = 300;

    /// <summary>Leaves per tree.</summary>
    public int Leaves { get; init; } = 20;

    /// <summary>Learning rate.</summary>
    public double LearningRate { get; init; } = 0.05;

    /// <summary>Fewest training windows in a leaf.</summary>
    public int MinLeafWindows { get; init; } = 10;

    /// <summary>Parameters as written to the manifest.</summary>
    public Dictionary<string, string> ToParameters() => new()
    {
        ["trainer"] = Trainer.ToString(),
        ["trees"] = Trees.ToString(CultureInfo.InvariantCulture),
        ["leaves"] = Leaves.ToString(CultureInfo.InvariantCulture),
        ["learningRate"] = LearningRate.ToString("R", CultureInfo.InvariantCulture),
        ["minLeafWindows"] = MinLeafWindows.ToString(CultureInfo.InvariantCulture),
        ["featureFraction"] = Trainer == TreeTrainer.FastTree ? "0.8" : "1",
        ["threads"] = "1",
        ["seed"] = Seed.ToString(CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// Trains one path's binary classifier with ML.NET and returns the model file's bytes. Training is
/// single-threaded and seeded, and the zip is rewritten with fixed entry times, so the same windows and
/// settings give a byte-identical file.
/// </summary>
public static class MlNetTrainer
{
    /// <summary>The ML.NET package version the models are trained and scored with.</summary>
    public static string LibraryVersion => "Microsoft.ML " + PackageVersion(typeof(MLContext).Assembly);

    // ML.NET's assembly version is 1.0.0.0 for every release; the informational version carries the package's.
    private static string PackageVersion(System.Reflection.Assembly assembly)
    {
        var informational = assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "?";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? informational : informational[..plus];
    }

    /// <summary>Trains on the labelled windows (label 0 or 1), in order.</summary>
    public static byte[] Train(IEnumerable<CandidateWindow> windows, int featureCount, TrainingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(settings);
        var rows = windows.Where(w => w.Label >= 0).Select(w => new Row { Features = w.Features, Label = w.Label == 1 }).ToList();
        if (rows.Count == 0 || rows.All(r => r.Label == rows[0].Label))
        {
            throw new InvalidOperationException("training needs both fall and ADL windows");
        }

        if (rows.Any(r => r.Features.Length != featureCount))
        {
            throw new InvalidOperationException($"every window must have {featureCount} features");
        }

        var ml = new MLContext(seed: settings.Seed);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
        var data = ml.Data.LoadFromEnumerable(rows, schema);
        ITransformer model = settings.Trainer switch
        {
            TreeTrainer.FastTree => ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
            {
                NumberOfTrees = settings.Trees,
                NumberOfLeaves = settings.Leaves,
                LearningRate = settings.LearningRate,
                MinimumExampleCountPerLeaf = settings.MinLeafWindows,
                FeatureFraction = 0.8,
                NumberOfThreads = 1,
                Seed = settings.Seed,
            }).Fit(data),
            TreeTrainer.LightGbm => ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
            {
                NumberOfIterations = settings.Trees,
                NumberOfLeaves = settings.Leaves,
                LearningRate = settings.LearningRate,
                MinimumExampleCountPerLeaf = settings.MinLeafWindows,
                NumberOfThreads = 1,
                Seed = settings.Seed,
                Deterministic = true,
                Silent = true,
                Verbose = false,
            }).Fit(data),
            _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Trainer, "unknown trainer"),
        };

        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        return Canonical(stream.ToArray());
    }

    /// <summary>A scorer for model bytes from <see cref="Train"/>.</summary>
    public static MlNetScorer Scorer(byte[] model, int featureCount) => MlNetScorer.Load(model, featureCount);

    // ML.NET stamps the zip entries with the current time; rewrite them with a fixed time (same order,
    // same contents) so the file depends only on the model.
    private static byte[] Canonical(byte[] zip)
    {
        var fixedTime = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var input = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        using var output = new MemoryStream();
        using (var archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in input.Entries)
            {
                var copy = archive.CreateEntry(entry.FullName, CompressionLevel.Optimal);
                copy.LastWriteTime = fixedTime;
                using var from = entry.Open();
                using var to = copy.Open();
                from.CopyTo(to);
            }
        }

        return output.ToArray();
    }

    private sealed class Row
    {
        [VectorType]
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }
}
