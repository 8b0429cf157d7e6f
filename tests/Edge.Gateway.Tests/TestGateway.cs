using Edge.Detection;
using Edge.Gateway;
using Edge.Gateway.Detection;
using Edge.Gateway.Incidents;
using Edge.Gateway.Ingest;
using Edge.Gateway.Registry;
using Edge.Gateway.Supervision;
using Edge.TestKit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;


namespace Edge.Gateway.Tests;

/// <summary>
/// The real gateway composition (GatewayHost.CreateBuilder) over a temp SQLite file, a fake clock and
/// an in-memory message source; the host is built but not started, so tests drive each step.
/// Detection uses the real FallDetector with a fixed-probability scorer (the model is the
/// integration tests' business).
/// </summary>
internal sealed class TestGateway : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private TestGateway(TempDirectory dir, GatewayTestClock time, IHost host)
    {
        Dir = dir;
        Time = time;
        Host = host;
    }

    public TempDirectory Dir { get; }

    public GatewayTestClock Time { get; }

    public IHost Host { get; }

    public ChannelSensorMessageSource Source => (ChannelSensorMessageSource)Host.Services.GetRequiredService<ISensorMessageSource>();

    public IncidentService Incidents => Host.Services.GetRequiredService<IncidentService>();

    public IncidentRaiser Raiser => Host.Services.GetRequiredService<IncidentRaiser>();

    public DeviceRegistry Registry => Host.Services.GetRequiredService<DeviceRegistry>();

    public IngestPipeline Pipeline => Host.Services.GetRequiredService<IngestPipeline>();

    public DeviceSupervisor Supervisor => Host.Services.GetRequiredService<DeviceSupervisor>();

    public UnprotectedTimeStore Unprotected => Host.Services.GetRequiredService<UnprotectedTimeStore>();

    public static async Task<TestGateway> CreateAsync(Dictionary<string, string?>? settings = null, float score = 0.95f, Action<IServiceCollection>? services = null)
    {
        var dir = new TempDirectory("edge-gw-unit");
        var time = new GatewayTestClock(Start);
        var config = new Dictionary<string, string?>
        {
            ["Ingest:SiteId"] = "site1",
            ["Storage:DatabasePath"] = dir.File("gateway.db"),
            ["Detection:ModelDirectory"] = dir.Path,
        };
        foreach (var (k, v) in settings ?? [])
        {
            config[k] = v;
        }

        var builder = GatewayHost.CreateBuilder([], b =>
        {
            b.Configuration.AddInMemoryCollection(config);
            b.Services.AddSingleton<TimeProvider>(time);
            b.Services.AddSingleton<ISensorMessageSource>(new ChannelSensorMessageSource());
            b.Services.AddSingleton<IFallDetectorFactory>(new FixedScoreDetectorFactory(score));
            services?.Invoke(b.Services);
        });
        var host = builder.Build();
        var gateway = new TestGateway(dir, time, host);
        await gateway.Registry.ImportAsync(Site(), "test");
        host.Services.GetRequiredService<ModelHealth>().Loaded = true;
        await gateway.Supervisor.ResumeAsync(CancellationToken.None);
        return gateway;
    }

    public static SiteFile Site() => new()
    {
        Site = new() { Id = "site1", Name = "Rose House" },
        Units = [new() { Id = "u1", Name = "Ground floor" }],
        Rooms = [new() { Id = "r1", Unit = "u1", Name = "Room 1" }, new() { Id = "r2", Unit = "u1", Name = "Room 2" }, new() { Id = "r3", Unit = "u1", Name = "Room 3" }],
        Residents = [new() { Id = "res1", Name = "Alice", Room = "r1" }, new() { Id = "res2", Name = "Bob", Room = "r2" }, new() { Id = "res3", Name = "Carol", Room = "r3" }],
        Staff = [new() { Id = "s1", Name = "Sam Carer" }],
        Devices = [new() { Id = "dev1", Resident = "res1" }, new() { Id = "dev2", Resident = "res2" }, new() { Id = "dev3", Resident = "res3" }],
    };

    /// <summary>Runs the worker until nothing is ready.</summary>
    public async Task DrainAsync()
    {
        while (await Pipeline.ProcessNextAsync(CancellationToken.None))
        {
        }
    }

    public OfferOutcome Offer(string deviceId, string leaf, byte[] payload) =>
        Pipeline.Offer(new SensorMessage($"care/site1/sensors/{deviceId}/{leaf}", payload));

    public async ValueTask DisposeAsync()
    {
        Host.Dispose();
        await Task.Yield();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Dir.Dispose();
    }

    /// <summary>Builds the real FallDetector with a scorer that returns a fixed probability.</summary>
    private sealed class FixedScoreDetectorFactory(float score) : IFallDetectorFactory
    {
        public string ModelDescription => $"fixed score {score}";

        public long PeriodUs => 20_000;

        public double MinSensitivity => 0.5;

        public double MaxSensitivity => 2;

        public FallDetector Create(double sensitivity)
        {
            var threshold = Edge.Detection.Model.ModelArtifact.EffectiveThreshold(0.5f, sensitivity);
            return new(new DetectorConfig(), new FixedScorer(score), new FixedScorer(score), threshold, threshold);
        }
    }
}
