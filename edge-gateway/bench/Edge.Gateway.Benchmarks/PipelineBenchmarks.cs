using BenchmarkDotNet.Attributes;
using Edge.Gateway.Detection;
using Edge.Gateway.Diagnostics;
using Edge.Gateway.Incidents;
using Edge.Gateway.Prevention;
using Edge.Gateway.Registry;
using Edge.Gateway.Streams;
using Edge.Protocol;
using Edge.Recordings;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Benchmarks;

/// <summary>
/// The gateway's per-sample path on one thread, with the committed model: wire decode (CRC, bounds),
/// per-device stream state (sequence, reorder window, clock mapping), the shared online detector
/// (posture blocks and the impact candidate stage on every sample; features and ML.NET scoring on every
/// impact candidate, and the soft path's longer look at every impact and every time the body reaches lying).
/// Input: real SisFall trials (every 25th in folder order, falls and daily activities), resampled
/// to 50 Hz and quantised as the wearable sends them, each trial a device, replayed 4 times back to
/// back, batches interleaved across devices as they arrive at the broker. Samples per second =
/// samples per operation (printed at setup) / mean time per operation. The second benchmark adds the
/// posture tracker stage (get-up alerts and mobility trends) that the gateway runs beside detection on
/// every sample; the difference between the two is its cost.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 15)]
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private const int SamplesPerBatch = 25;
    private const int Repeats = 4;

    private byte[][] _messages = [];
    private string[] _deviceOf = [];
    private Dictionary<string, DeviceAssignment> _assignments = [];
    private Dictionary<string, (DeviceStream Stream, DeviceDetection Detection)> _state = [];
    private DetectionStage _detection = null!;
    private GatewayMetrics _metrics = null!;
    private Edge.Gateway.Storage.GatewayDatabase _database = null!;
    private DeviceRegistry _registry = null!;
    private IncidentService _incidents = null!;
    private IncidentRaiser _raiser = null!;
    private PreventionStage _prevention = null!;
    private readonly List<GetUpSignal> _getUps = [];
    private readonly List<StreamBatch> _delivered = [];
    private readonly List<FallAlert> _alerts = [];
    private DateTimeOffset _arrival;

    /// <summary>Samples in one operation (the benchmark reports time per sample).</summary>
    public static int TotalSamples { get; private set; }

    public static int Alerts { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        var repo = FindRepoRoot();
        var dataDir = Environment.GetEnvironmentVariable("EDGE_DATA_DIR") ?? Path.Combine(repo, "..", "shared", "data", "sisfall");
        var trials = SisFallLoader.Discover(dataDir).Where((_, i) => i % 25 == 0).ToList();
        var perDevice = new List<List<byte[]>>();
        var devices = new List<string>();
        var samples = 0;
        foreach (var (trial, index) in trials.Select((t, i) => (t, i)))
        {
            var recording = DeviceRecording.Load(trial);
            var id = $"dev-{index:D3}";
            devices.Add(id);
            var list = new List<byte[]>();
            uint seq = 0;
            long t = 0;
            for (var r = 0; r < Repeats; r++)
            {
                for (var start = 0; start < recording.Length; start += SamplesPerBatch)
                {
                    var n = Math.Min(SamplesPerBatch, recording.Length - start);
                    var counts = new short[3 * n];
                    for (var i = 0; i < n; i++)
                    {
                        counts[3 * i] = DeviceQuantizer.ToCounts(recording.X[start + i], recording.RangeG);
                        counts[(3 * i) + 1] = DeviceQuantizer.ToCounts(recording.Y[start + i], recording.RangeG);
                        counts[(3 * i) + 2] = DeviceQuantizer.ToCounts(recording.Z[start + i], recording.RangeG);
                    }

                    list.Add(WireEncoder.ToBytes(new AccelBatch
                    {
                        DeviceId = id,
                        Sequence = seq++,
                        FirstSampleTimeUs = (ulong)t,
                        SamplePeriodUs = 20_000,
                        RangeG = (byte)recording.RangeG,
                        SampleCount = n,
                        Samples = counts,
                    }));
                    t += n * 20_000L;
                    samples += n;
                }
            }

            perDevice.Add(list);
        }

        // Interleave: one batch from each device in turn.
        var messages = new List<byte[]>();
        var owners = new List<string>();
        for (var k = 0; perDevice.Any(l => k < l.Count); k++)
        {
            for (var d = 0; d < perDevice.Count; d++)
            {
                if (k < perDevice[d].Count)
                {
                    messages.Add(perDevice[d][k]);
                    owners.Add(devices[d]);
                }
            }
        }

        _messages = [.. messages];
        _deviceOf = [.. owners];
        TotalSamples = samples;
        _assignments = devices.ToDictionary(d => d, d => new DeviceAssignment(d, "res-" + d, d, null, null, null, null));
        var factory = new ModelArtifactDetectorFactory(Options.Create(new DetectionOptions { ModelDirectory = Path.Combine(repo, "models", "fall-model") }));
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        _metrics = new GatewayMetrics(meters);
        _database = new Edge.Gateway.Storage.GatewayDatabase(Options.Create(new Edge.Gateway.Storage.StorageOptions { DatabasePath = Path.Combine(Path.GetTempPath(), "edge-bench-unused.db") }),
            NullLogger<Edge.Gateway.Storage.GatewayDatabase>.Instance);
        _registry = new DeviceRegistry(_database, TimeProvider.System, NullLogger<DeviceRegistry>.Instance);

        // The stages raise their own incidents; the benchmark runs their scoring step only, so nothing is ever raised
        // (the incident store is built as the gateway builds it, over a database that is never opened).
        var incidents = new IncidentService(_database, _registry, [], TimeProvider.System, _metrics, new UnstoredAlarms(TimeProvider.System), NullLogger<IncidentService>.Instance);
        _raiser = new IncidentRaiser(incidents, TimeProvider.System, Options.Create(new IncidentRaiserOptions()), NullLogger<IncidentRaiser>.Instance);
        _incidents = incidents;
        _detection = new DetectionStage(factory, _raiser, _metrics, TimeProvider.System, NullLogger<DetectionStage>.Instance);
        _arrival = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        _prevention = CreatePrevention();
        Console.WriteLine($"// {trials.Count} trials as devices, {_messages.Length} batches, {TotalSamples} samples per operation");
    }

    [IterationSetup]
    public void FreshDevices()
    {
        // Each iteration replays the streams from the start: new stream state and detectors.
        _state = _assignments.Keys.ToDictionary(d => d, _ => (new DeviceStream(4, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), 64), new DeviceDetection()));
        _prevention = CreatePrevention();
    }

    [Benchmark(Description = "decode, stream, features, inference: all batches of one replay")]
    public int Pipeline() => Run(posture: false);

    [Benchmark(Description = "the same plus the posture tracker (get-up alerts, mobility trends)")]
    public int PipelineWithPosture() => Run(posture: true);

    private int Run(bool posture)
    {
        var alerts = 0;
        var messages = _messages;
        for (var m = 0; m < messages.Length; m++)
        {
            var result = WireDecoder.Decode(messages[m], 0, messages[m].Length);
            if (!result.IsOk)
            {
                throw new InvalidOperationException(DecodeResult.Name(result.Status));
            }

            var deviceId = _deviceOf[m];
            var (stream, detection) = _state[deviceId];
            _delivered.Clear();
            stream.Push(result.Accel, _arrival, _delivered);
            _alerts.Clear();
            _getUps.Clear();
            foreach (var item in _delivered)
            {
                _detection.Process(_assignments[deviceId], detection, stream.Clock, item, worn: true, _alerts);
                if (posture)
                {
                    _prevention.Process(_assignments[deviceId], stream.Clock, item, worn: true, _getUps);
                }
            }

            alerts += _alerts.Count;
        }

        Alerts = alerts;
        return alerts;
    }

    // The stage as the gateway builds it; nobody flagged (a flag only changes what happens on a transition).
    // Its trend store is only ever added to in memory here: nothing is flushed during the benchmark.
    private PreventionStage CreatePrevention()
    {
        var config = new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build();
        var options = Options.Create(new PreventionOptions());
        var settings = new PreventionSettings(_database, _registry, TimeProvider.System, NullLogger<PreventionSettings>.Instance);
        var clock = new SiteClock(options, new Edge.Gateway.Alerting.EscalationPolicySource(config));
        return new PreventionStage(settings, new MobilityStore(_database, TimeProvider.System), clock, _raiser, _incidents, options, NullLogger<PreventionStage>.Instance);
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Edge.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }
}
