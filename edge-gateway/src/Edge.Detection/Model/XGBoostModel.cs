using System.Globalization;
using System.Text.Json;

namespace Edge.Detection.Model;

/// <summary>
/// Managed evaluator of an XGBoost JSON model (<c>binary:logistic</c>, <c>gbtree</c>), so the gateway
/// needs no native library. It reproduces XGBoost's CPU predictor: a feature goes left when
/// <c>value &lt; split_condition</c>, a missing (NaN) value follows <c>default_left</c>, leaf values
/// (stored in <c>split_conditions</c> for leaves) are added in float in tree order to the base margin,
/// and the probability is <c>1 / (1 + exp(−margin))</c>.
/// </summary>
public sealed class XGBoostModel : IFallScorer
{
    private readonly Node[] _nodes;
    private readonly int[] _roots;
    private readonly float _baseMargin;

    private XGBoostModel(Node[] nodes, int[] roots, float baseMargin, int featureCount, string version)
    {
        _nodes = nodes;
        _roots = roots;
        _baseMargin = baseMargin;
        FeatureCount = featureCount;
        Version = version;
    }

    /// <summary>Number of input features the model was trained with.</summary>
    public int FeatureCount { get; }

    /// <summary>Number of trees.</summary>
    public int TreeCount => _roots.Length;

    /// <summary>XGBoost version that wrote the model, e.g. <c>1.7.4</c>.</summary>
    public string Version { get; }

    /// <summary>Parses a model file; throws <see cref="InvalidDataException"/> on anything it does not support.</summary>
    public static XGBoostModel Load(string path) => Parse(File.ReadAllBytes(path));

    /// <summary>Parses XGBoost JSON (as written by <c>XGBoosterSaveModel</c> to a <c>.json</c> file).</summary>
    public static XGBoostModel Parse(ReadOnlySpan<byte> json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"XGBoost model is not valid JSON: {ex.Message}", ex);
        }

        using (doc)
        {
            return Parse(doc.RootElement);
        }
    }

    /// <summary>Probability of the positive class for one feature vector.</summary>
    public float Score(ReadOnlySpan<float> features) => Sigmoid(Margin(features));

    /// <summary>Raw margin (log-odds) for one feature vector.</summary>
    public float Margin(ReadOnlySpan<float> features)
    {
        if (features.Length < FeatureCount)
        {
            throw new ArgumentException($"the model needs {FeatureCount} features, got {features.Length}", nameof(features));
        }

        var nodes = _nodes;
        var margin = _baseMargin;
        foreach (var root in _roots)
        {
            var i = root;
            while (nodes[i].Left >= 0)
            {
                ref readonly var node = ref nodes[i];
                var value = features[node.Feature];
                i = float.IsNaN(value)
                    ? (node.DefaultLeft ? node.Left : node.Right)
                    : (value < node.Value ? node.Left : node.Right);
            }

            margin += nodes[i].Value;
        }

        return margin;
    }

    private static float Sigmoid(float margin) => 1f / (1f + MathF.Exp(-margin));

    private static XGBoostModel Parse(JsonElement root)
    {
        var version = Required(root, "version", "root");
        if (version.ValueKind != JsonValueKind.Array || version.GetArrayLength() < 2)
        {
            throw new InvalidDataException("XGBoost model: 'version' must be an array like [1, 7, 4]");
        }

        var parts = version.EnumerateArray().Select(v => v.GetInt32()).ToArray();
        if (parts[0] < 1 || (parts[0] == 1 && parts[1] < 6))
        {
            throw new InvalidDataException($"XGBoost model version {string.Join('.', parts)} is not supported (need ≥ 1.6)");
        }

        var learner = Required(root, "learner", "root");
        var objective = Required(Required(learner, "objective", "learner"), "name", "learner.objective").GetString();
        if (objective != "binary:logistic")
        {
            throw new InvalidDataException($"XGBoost model objective is '{objective}'; only 'binary:logistic' is supported");
        }

        var param = Required(learner, "learner_model_param", "learner");
        var numClass = ParseInt(Required(param, "num_class", "learner_model_param"));
        if (numClass > 1)
        {
            throw new InvalidDataException($"XGBoost model is multi-class (num_class={numClass}); only binary models are supported");
        }

        if (param.TryGetProperty("num_target", out var targets) && ParseInt(targets) > 1)
        {
            throw new InvalidDataException("XGBoost model has several targets; only one is supported");
        }

        var featureCount = ParseInt(Required(param, "num_feature", "learner_model_param"));
        var baseScore = ParseFloat(Required(param, "base_score", "learner_model_param"));
        if (baseScore is <= 0 or >= 1)
        {
            throw new InvalidDataException($"XGBoost model base_score {baseScore} is not a probability");
        }

        var booster = Required(learner, "gradient_booster", "learner");
        var boosterName = Required(booster, "name", "gradient_booster").GetString();
        if (boosterName != "gbtree")
        {
            throw new InvalidDataException($"XGBoost booster '{boosterName}' is not supported; only 'gbtree'");
        }

        var model = Required(booster, "model", "gradient_booster");
        var nodes = new List<Node>();
        var roots = new List<int>();
        var treeIndex = 0;
        foreach (var tree in Required(model, "trees", "gradient_booster.model").EnumerateArray())
        {
            roots.Add(nodes.Count);
            ParseTree(tree, treeIndex++, featureCount, nodes);
        }

        if (model.TryGetProperty("tree_info", out var info) && info.EnumerateArray().Any(g => g.GetInt32() != 0))
        {
            throw new InvalidDataException("XGBoost model has trees for more than one output group");
        }

        var baseMargin = -MathF.Log((1f / baseScore) - 1f);
        return new XGBoostModel([.. nodes], [.. roots], baseMargin, featureCount, string.Join('.', parts));
    }

    private static void ParseTree(JsonElement tree, int index, int featureCount, List<Node> nodes)
    {
        var where = $"tree {index}";
        var left = Ints(Required(tree, "left_children", where));
        var right = Ints(Required(tree, "right_children", where));
        var features = Ints(Required(tree, "split_indices", where));
        var conditions = Required(tree, "split_conditions", where).EnumerateArray().Select(e => e.GetSingle()).ToArray();
        var defaultLeft = Required(tree, "default_left", where).EnumerateArray()
            .Select(e => e.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => e.GetInt32() != 0,
            }).ToArray();
        if (tree.TryGetProperty("split_type", out var splitTypes) && splitTypes.EnumerateArray().Any(t => t.GetInt32() != 0))
        {
            throw new InvalidDataException($"XGBoost model {where} has categorical splits; only numerical splits are supported");
        }

        if (tree.TryGetProperty("categories_nodes", out var categorical) && categorical.GetArrayLength() > 0)
        {
            throw new InvalidDataException($"XGBoost model {where} has categorical splits; only numerical splits are supported");
        }

        var n = left.Length;
        if (n == 0 || right.Length != n || features.Length != n || conditions.Length != n || defaultLeft.Length != n)
        {
            throw new InvalidDataException($"XGBoost model {where}: node arrays are empty or of different lengths");
        }

        var offset = nodes.Count;
        for (var i = 0; i < n; i++)
        {
            var isLeaf = left[i] == -1;
            if (!isLeaf && (left[i] <= i || left[i] >= n || right[i] <= i || right[i] >= n || features[i] < 0 || features[i] >= featureCount))
            {
                throw new InvalidDataException($"XGBoost model {where} node {i}: child or feature index out of range");
            }

            nodes.Add(new Node(
                isLeaf ? -1 : features[i],
                conditions[i],
                isLeaf ? -1 : left[i] + offset,
                isLeaf ? -1 : right[i] + offset,
                defaultLeft[i]));
        }
    }

    private static JsonElement Required(JsonElement element, string name, string where)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
        {
            throw new InvalidDataException($"XGBoost model: '{name}' is missing in {where}");
        }

        return value;
    }

    private static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();

    // XGBoost writes learner_model_param values as strings ("0", "5E-1").
    private static int ParseInt(JsonElement e) =>
        e.ValueKind == JsonValueKind.String ? int.Parse(e.GetString()!, CultureInfo.InvariantCulture) : e.GetInt32();

    private static float ParseFloat(JsonElement e) =>
        e.ValueKind == JsonValueKind.String ? float.Parse(e.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture) : e.GetSingle();

    private readonly record struct Node(int Feature, float Value, int Left, int Right, bool DefaultLeft);
}
