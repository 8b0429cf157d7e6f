using Edge.Detection.Features;
using Edge.Detection.Model;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace Edge.Detection.Tests;

/// <summary>
/// Small real ML.NET FastTree models with the detector's input schema, trained once per test run on
/// synthetic rows: the impact model learns "peak_g above 3 is a fall", the soft model "peak above 1.6 g
/// and lying (post tilt above 60°) is a fall".
/// </summary>
internal static class TinyModels
{
    private static readonly Lazy<byte[]> ImpactModel = new(() => Train(ImpactFeatures.Count, f => f[0] > 3, (f, r) => f[0] = (float)(r.NextDouble() * 8)));
    private static readonly Lazy<byte[]> SoftModel = new(() => Train(SoftFeatures.Count, f => f[8] > 1.6f && f[2] > 60, (f, r) =>
    {
        f[8] = (float)(r.NextDouble() * 4);
        f[2] = (float)(r.NextDouble() * 90);
    }));

    public static byte[] Impact => ImpactModel.Value;

    public static byte[] Soft => SoftModel.Value;

    private static byte[] Train(int count, Func<float[], bool> label, Action<float[], Random> fill)
    {
        var random = new Random(7);
        var rows = Enumerable.Range(0, 400).Select(_ =>
        {
            var f = new float[count];
            fill(f, random);
            return new Row { Features = f, Label = label(f) };
        }).ToList();
        var ml = new MLContext(seed: 1);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, count);
        var data = ml.Data.LoadFromEnumerable(rows, schema);
        var model = ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options { NumberOfTrees = 20, NumberOfLeaves = 4, MinimumExampleCountPerLeaf = 5, NumberOfThreads = 1 }).Fit(data);
        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        return stream.ToArray();
    }

    private sealed class Row
    {
        [VectorType]
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }
}
