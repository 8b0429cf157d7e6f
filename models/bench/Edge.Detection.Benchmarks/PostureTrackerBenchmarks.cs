using BenchmarkDotNet.Attributes;
using Edge.Detection.Posture;

namespace Edge.Detection.Benchmarks;

/// <summary>
/// The posture tracker's cost per sample (it runs on every sample of every worn sensor): one operation pushes
/// 10 minutes of 50 Hz waist motion (walking, standing, sitting down and up, lying, turning over, sitting up)
/// in 25-sample batches through one tracker. Time per sample = time per operation / <see cref="Samples"/>.
/// </summary>
[MemoryDiagnoser]
public class PostureTrackerBenchmarks
{
    /// <summary>Samples per operation.</summary>
    public const int Samples = 10 * 60 * 50;

    private readonly List<PostureTransition> _found = new(64);
    private float[] _xyz = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(3);
        _xyz = new float[3 * Samples];
        for (var i = 0; i < Samples; i++)
        {
            var t = i / 50f;
            var phase = (int)(t / 30) % 5; // 30 s each: walk, stand, sit (with the move), lie (with turns), sit up
            float x = 0, y = -1, z = 0;
            switch (phase)
            {
                case 0:
                    y = -1 - (0.25f * MathF.Sin(2 * MathF.PI * 1.7f * t));
                    x = 0.08f * MathF.Sin(MathF.PI * 1.7f * t);
                    break;
                case 2:
                    var lean = t % 30 < 2 ? MathF.Sin(MathF.PI * (t % 30) / 2) * 0.5f : 0.2f;
                    z = lean;
                    y = -MathF.Sqrt(1 - (lean * lean));
                    break;
                case 3:
                    var roll = MathF.PI / 2 * MathF.Sin(2 * MathF.PI * t / 15);
                    x = MathF.Sin(roll);
                    z = MathF.Cos(roll);
                    y = 0.1f;
                    break;
            }

            _xyz[3 * i] = x + (0.01f * (float)random.NextDouble());
            _xyz[(3 * i) + 1] = y + (0.01f * (float)random.NextDouble());
            _xyz[(3 * i) + 2] = z + (0.01f * (float)random.NextDouble());
        }
    }

    [Benchmark(Description = "posture tracker, 10 min at 50 Hz (30,000 samples) in 25-sample batches")]
    public int TenMinutes()
    {
        var tracker = new PostureTracker(50);
        var transitions = 0;
        for (var start = 0; start < Samples; start += 25)
        {
            _found.Clear();
            transitions += tracker.PushBatch(1_000_000L + (start * 20_000L), 20_000, _xyz.AsSpan(3 * start, 75), _found);
        }

        return transitions;
    }
}
