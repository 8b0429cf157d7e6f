using BenchmarkDotNet.Attributes;
using Edge.Detection.Features;
using Edge.Detection.Model;

namespace Edge.Detection.Benchmarks;

/// <summary>
/// Cost per candidate, with the committed models: the impact path's features of one 3.5 s window at
/// 50 Hz (176 samples) and its ML.NET FastTree score; the soft path's features of one 6 s window (301
/// samples, its own 25 features plus the impact features of the anchor) and its score. Each runs once
/// per candidate (at most one impact per 0.5 s per sensor, a soft look at each impact and each time the
/// body reaches lying), not per sample.
/// </summary>
[MemoryDiagnoser]
public class FallDetectorBenchmarks
{
    private readonly float[] _impactFeatures = new float[ImpactFeatures.Count];
    private readonly float[] _softFeatures = new float[SoftFeatures.Count];
    private float[] _x = [];
    private float[] _y = [];
    private float[] _z = [];
    private DetectorConfig _config = new();
    private PostureHistory _posture = null!;
    private MlNetScorer _impact = null!;
    private MlNetScorer _soft = null!;

    [GlobalSetup]
    public void Setup()
    {
        var artifact = ModelArtifact.Load(FindModelDir(), 50);
        _impact = artifact.ImpactModel;
        _soft = artifact.SoftModel;
        _config = artifact.Config;
        _posture = new PostureHistory(_config);
        var n = _config.SoftWindowSamples;
        var pre = _config.SoftPreSamples;
        var random = new Random(1);
        _x = new float[n];
        _y = new float[n];
        _z = new float[n];
        for (var i = 0; i < n; i++)
        {
            // Walking, a fall with an impact at the anchor, then lying.
            var t = i - pre;
            _x[i] = t < 0 ? 0.1f * (float)random.NextDouble() : 1f;
            _y[i] = t < 0 ? -1f + (0.3f * MathF.Sin(i * 0.6f)) : 0.05f * (float)random.NextDouble();
            _z[i] = t == 0 ? 5f : 0.05f * (float)random.NextDouble();
            _posture.Add(_x[i], _y[i], _z[i], MathF.Sqrt((_x[i] * _x[i]) + (_y[i] * _y[i]) + (_z[i] * _z[i])));
        }

        SoftFeaturesOnly();
        ImpactFeaturesOnly();
    }

    [Benchmark]
    public void ImpactFeaturesOnly()
    {
        var offset = _config.SoftPreSamples - _config.PreSamples;
        var length = _config.WindowSamples;
        ImpactFeatures.Compute(_x.AsSpan(offset, length), _y.AsSpan(offset, length), _z.AsSpan(offset, length), _config.PreSamples, 50, _posture, _config.PostSamples, _config.BlockSamples, _impactFeatures);
    }

    [Benchmark]
    public float ImpactScore() => _impact.Score(_impactFeatures);

    [Benchmark]
    public float ImpactFeaturesAndScore()
    {
        ImpactFeaturesOnly();
        return _impact.Score(_impactFeatures);
    }

    [Benchmark]
    public void SoftFeaturesOnly() =>
        SoftFeatures.Compute(_x, _y, _z, _config.SoftPreSamples, _config.PreSamples, _config.PostSamples, 50, _posture, _config.SoftPostSamples, _config.BlockSamples, anchorIsImpact: true, _softFeatures);

    [Benchmark]
    public float SoftScore() => _soft.Score(_softFeatures);

    [Benchmark]
    public float SoftFeaturesAndScore()
    {
        SoftFeaturesOnly();
        return _soft.Score(_softFeatures);
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
