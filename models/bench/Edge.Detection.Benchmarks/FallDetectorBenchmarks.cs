using BenchmarkDotNet.Attributes;
using Edge.Detection.Features;
using Edge.Detection.Model;

namespace Edge.Detection.Benchmarks;

/// <summary>
/// Cost of the expensive stage per window, with the committed model: features of one
/// 3.5 s window at 50 Hz (176 samples) and the managed XGBoost evaluation.
/// </summary>
[MemoryDiagnoser]
public class FallDetectorBenchmarks
{
    private readonly float[] _features = new float[FallFeatures.Count];
    private float[] _x = [];
    private float[] _y = [];
    private float[] _z = [];
    private int _pre;
    private XGBoostModel _model = null!;

    [GlobalSetup]
    public void Setup()
    {
        var artifact = ModelArtifact.Load(FindModelDir(), 50);
        _model = artifact.Model;
        var config = artifact.Config;
        _pre = config.PreSamples;
        var n = config.WindowSamples;
        var random = new Random(1);
        _x = new float[n];
        _y = new float[n];
        _z = new float[n];
        for (var i = 0; i < n; i++)
        {
            // Walking, a fall with an impact at the window's centre, then lying.
            var t = i - _pre;
            _x[i] = t < 0 ? 0.1f * (float)random.NextDouble() : 1f;
            _y[i] = t < 0 ? -1f + (0.3f * MathF.Sin(i * 0.6f)) : 0.05f * (float)random.NextDouble();
            _z[i] = t == 0 ? 5f : 0.05f * (float)random.NextDouble();
        }
    }

    [Benchmark]
    public void Features() => FallFeatures.Compute(_x, _y, _z, _pre, 50, _features);

    [Benchmark]
    public float Inference() => _model.Score(_features);

    [Benchmark]
    public float FeaturesAndInference()
    {
        FallFeatures.Compute(_x, _y, _z, _pre, 50, _features);
        return _model.Score(_features);
    }

    private static string FindModelDir()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Edge.sln")))
            {
                return Path.Combine(dir.FullName, "models", "fall-model");
            }
        }

        throw new DirectoryNotFoundException("run the benchmark from a checkout (Edge.sln not found)");
    }
}
