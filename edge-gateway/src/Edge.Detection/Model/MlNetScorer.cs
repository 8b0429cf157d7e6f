using Microsoft.ML;
using Microsoft.ML.Data;

namespace Edge.Detection.Model;

/// <summary>
/// Scores feature vectors with an ML.NET binary classifier (a FastTree model saved with
/// <c>MLContext.Model.Save</c>) through ML.NET's managed prediction engine: no native library, so it runs
/// on linux-arm64. Prediction engines are not thread-safe, so each call borrows one from a small pool; the
/// input and output objects are reused, so scoring allocates nothing once the pool is warm.
/// </summary>
public sealed class MlNetScorer : IFallScorer
{
    private readonly MLContext _ml = new(seed: 0);
    private readonly ITransformer _model;
    private readonly SchemaDefinition _schema;
    private readonly Stack<Engine> _pool = new();
    private readonly Lock _gate = new();

    private MlNetScorer(ITransformer model, int featureCount)
    {
        _model = model;
        FeatureCount = featureCount;
        _schema = InputSchema(featureCount);
        _pool.Push(CreateEngine()); // fails here, at load time, if the model does not fit the schema
    }

    /// <summary>Length of the feature vector the model was trained on.</summary>
    public int FeatureCount { get; }

    /// <summary>The input schema of the models: one vector column <c>Features</c> of <paramref name="featureCount"/> floats.</summary>
    public static SchemaDefinition InputSchema(int featureCount)
    {
        var schema = SchemaDefinition.Create(typeof(Input));
        schema[nameof(Input.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
        return schema;
    }

    /// <summary>
    /// Loads a model from the bytes of its file (the caller has verified their hash).
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not an ML.NET model, or it does not take a vector of <paramref name="featureCount"/> floats named <c>Features</c>.</exception>
    public static MlNetScorer Load(byte[] modelBytes, int featureCount)
    {
        ArgumentNullException.ThrowIfNull(modelBytes);
        ITransformer model;
        DataViewSchema inputSchema;
        try
        {
            using var stream = new MemoryStream(modelBytes, writable: false);
            model = new MLContext(seed: 0).Model.Load(stream, out inputSchema);
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or InvalidDataException or ArgumentException or IOException or NotSupportedException)
        {
            throw new InvalidDataException($"not an ML.NET model: {ex.Message}", ex);
        }

        var column = inputSchema.GetColumnOrNull(nameof(Input.Features));
        if (column is null || column.Value.Type is not VectorDataViewType vector || vector.ItemType != NumberDataViewType.Single || vector.Size != featureCount)
        {
            var found = column is null ? "no 'Features' column" : $"'Features' is {column.Value.Type}";
            throw new InvalidDataException($"the model must take a vector of {featureCount} floats named 'Features'; it has {found}");
        }

        try
        {
            return new MlNetScorer(model, featureCount);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            throw new InvalidDataException($"the model cannot score a vector of {featureCount} features: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public float Score(ReadOnlySpan<float> features)
    {
        if (features.Length != FeatureCount)
        {
            throw new ArgumentException($"expected {FeatureCount} features, got {features.Length}", nameof(features));
        }

        Engine engine;
        lock (_gate)
        {
            engine = _pool.Count > 0 ? _pool.Pop() : CreateEngine();
        }

        try
        {
            features.CopyTo(engine.Input.Features);
            engine.Predictor.Predict(engine.Input, ref engine.Output);
            return engine.Output.Probability;
        }
        finally
        {
            lock (_gate)
            {
                _pool.Push(engine);
            }
        }
    }

    private Engine CreateEngine()
    {
        var predictor = _ml.Model.CreatePredictionEngine<Input, Output>(_model, ignoreMissingColumns: true, inputSchemaDefinition: _schema);
        return new Engine(predictor, new Input { Features = new float[FeatureCount] });
    }

    /// <summary>The model's input row.</summary>
    public sealed class Input
    {
        /// <summary>The feature vector.</summary>
        [VectorType]
        public float[] Features { get; set; } = [];
    }

    /// <summary>The model's output row (the calibrated probability).</summary>
    public sealed class Output
    {
        /// <summary>Fall probability.</summary>
        public float Probability { get; set; }
    }

    private sealed class Engine(PredictionEngine<Input, Output> predictor, Input input)
    {
        public PredictionEngine<Input, Output> Predictor { get; } = predictor;

        public Input Input { get; } = input;

#pragma warning disable SA1401, CA1051 // passed by reference to Predict so the output object is reused
        public Output Output = new();
#pragma warning restore SA1401, CA1051
    }
}
