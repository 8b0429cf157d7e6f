using Edge.Detection;
using Edge.Detection.Features;
using Edge.Detection.Model;
using Edge.Training.Evaluation;
using Edge.Training.Native;

namespace Edge.Training.Training;

/// <summary>
/// The previous learner (XGBoost 1.7 through its C API, scored by the managed JSON evaluator), trained on
/// exactly the same windows and folds as the ML.NET models, for the comparison table in the model card.
/// Parameters are v2's: binary:logistic, hist, depth 6, eta 0.05, 300 rounds, subsample and colsample 0.8.
/// </summary>
public static class XGBoostComparison
{
    /// <summary>Out-of-fold outcomes with XGBoost models in place of the ML.NET ones.</summary>
    public static TrialOutcome[] OutOfFold(IReadOnlyList<TrialData> data, IReadOnlyList<TrialData> augmented, DetectorConfig config, int seed, Action<int, int, string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(augmented);
        var subjects = data.Select(d => d.Subject).Distinct().Order(StringComparer.Ordinal).ToList();
        var outcomes = new TrialOutcome[data.Count];
        var done = 0;
        Parallel.For(0, subjects.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, k =>
        {
            var subject = subjects[k];
            var train = data.Concat(augmented).Where(d => d.Subject != subject).SelectMany(d => d.Windows).ToList();
            var impact = XGBoostModel.Parse(Train(train.Where(w => w.Path == FallPath.Impact), ImpactFeatures.Count, seed));
            var soft = XGBoostModel.Parse(Train(train.Where(w => w.Path == FallPath.Soft), SoftFeatures.Count, seed));
            foreach (var i in Enumerable.Range(0, data.Count).Where(i => data[i].Subject == subject))
            {
                outcomes[i] = TrialRunner.Run(data[i].Recording, data[i].Catalog, h => new FallDetector(config, impact, soft, 0.5f, 0.5f, h));
            }

            progress?.Invoke(Interlocked.Increment(ref done), subjects.Count, subject);
        });

        return outcomes;
    }

    private static byte[] Train(IEnumerable<CandidateWindow> windows, int columns, int seed)
    {
        var rows = windows.Where(w => w.Label >= 0).ToList();
        var data = new float[rows.Count * columns];
        var labels = new float[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            rows[i].Features.AsSpan(0, columns).CopyTo(data.AsSpan(i * columns));
            labels[i] = rows[i].Label;
        }

        using var matrix = new DMatrix(data, rows.Count, columns, labels);
        using var booster = new Booster(matrix);
        foreach (var (name, value) in new Dictionary<string, string>
        {
            ["objective"] = "binary:logistic", ["eval_metric"] = "logloss", ["tree_method"] = "hist", ["max_depth"] = "6", ["eta"] = "0.05",
            ["subsample"] = "0.8", ["colsample_bytree"] = "0.8", ["min_child_weight"] = "1", ["base_score"] = "0.5",
            ["seed"] = seed.ToString(System.Globalization.CultureInfo.InvariantCulture), ["nthread"] = "1", ["verbosity"] = "1",
        })
        {
            booster.SetParam(name, value);
        }

        for (var round = 0; round < 300; round++)
        {
            booster.UpdateOneIteration(round, matrix);
        }

        return booster.SaveJson();
    }
}
