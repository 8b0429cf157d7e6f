using System.Threading.Channels;
using Edge.Gateway.Incidents;
using Edge.Gateway.Ingest;
using Edge.Logging;
using Edge.Protocol;
using Edge.TestKit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Edge.Gateway.IntegrationTests;

/// <summary>
/// The real gateway host (GatewayHost.CreateBuilder, the same composition as Program.cs) against a
/// private Mosquitto, with a SQLite file in a temp folder and the committed model. Its logs go to the test's
/// <see cref="TestEnvironment"/> (as the source <see cref="Source"/>), which fails the test on an unexpected Error.
/// </summary>
internal sealed class InProcessGateway : IAsyncDisposable
{
    public const string Site = "site1";

    private static int _started;
    private readonly TempDirectory _dir;
    private readonly TestEnvironment _env;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<IncidentChange> _changes = [];
    private readonly Channel<IncidentChange> _changeSignal = Channel.CreateUnbounded<IncidentChange>();
    private Task? _watch;

    private InProcessGateway(TempDirectory dir, IHost host, TestEnvironment env, string source)
    {
        _dir = dir;
        Host = host;
        _env = env;
        Source = source;
    }

    public IHost Host { get; }

    /// <summary>The name this gateway's log entries carry in the test's environment.</summary>
    public string Source { get; }

    /// <summary>This gateway's log entries so far.</summary>
    public IReadOnlyList<LogEntry> Logs => [.. _env.Entries.Where(e => e.Source == Source)];

    public IIncidentService Incidents => Host.Services.GetRequiredService<IIncidentService>();

    public IngestPipeline Pipeline => Host.Services.GetRequiredService<IngestPipeline>();

    public string DatabasePath => _dir.File("gateway.db");

    /// <summary>The site file: residents Alice, Bob, Carol, Dan in rooms 1-4 wearing dev-a ... dev-d.</summary>
    public const string SiteJson = """
        {
          "site": { "id": "site1", "name": "Rose House" },
          "units": [ { "id": "u1", "name": "Ground floor" } ],
          "rooms": [
            { "id": "r1", "unit": "u1", "name": "Room 1" }, { "id": "r2", "unit": "u1", "name": "Room 2" },
            { "id": "r3", "unit": "u1", "name": "Room 3" }, { "id": "r4", "unit": "u1", "name": "Room 4" }
          ],
          "residents": [
            { "id": "res-alice", "name": "Alice", "room": "r1" }, { "id": "res-bob", "name": "Bob", "room": "r2" },
            { "id": "res-carol", "name": "Carol", "room": "r3" }, { "id": "res-dan", "name": "Dan", "room": "r4" }
          ],
          "staff": [ { "id": "carer-1", "name": "Sam", "role": "carer" } ],
          "devices": [
            { "id": "dev-a", "resident": "res-alice" }, { "id": "dev-b", "resident": "res-bob" },
            { "id": "dev-c", "resident": "res-carol" }, { "id": "dev-d", "resident": "res-dan" }
          ]
        }
        """;

    public static Dictionary<string, string?> Settings(MosquittoBroker broker, TempDirectory dir) => GatewayConfig.Base(broker.Host, broker.Port, dir);

    public static async Task<InProcessGateway> StartAsync(TestEnvironment env, MosquittoBroker broker, SensorPublisher sensors, Dictionary<string, string?>? extra = null, Action<IServiceCollection>? services = null)
    {
        ArgumentNullException.ThrowIfNull(env);
        var dir = new TempDirectory("edge-gw-int");
        await File.WriteAllTextAsync(dir.File("site.json"), SiteJson);
        var settings = Settings(broker, dir);
        foreach (var (k, v) in extra ?? [])
        {
            settings[k] = v;
        }

        var source = "gateway-" + Interlocked.Increment(ref _started).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var host = GatewayHost.CreateBuilder([], b =>
        {
            b.Configuration.AddInMemoryCollection(settings);
            env.Capture(b.Logging, source);
            services?.Invoke(b.Services);
        }).Build();
        var gateway = new InProcessGateway(dir, host, env, source);
        await host.StartAsync();
        gateway._watch = Task.Run(gateway.WatchAsync);
        await env.WaitForAsync(e => e.Source == source && e.EventId == EventIds.IngestStarted, "ingest started", TimeSpan.FromSeconds(30));
        await gateway.WaitUntilSubscribedAsync(sensors);
        return gateway;
    }

    /// <summary>Waits for the first change (past or future) that matches.</summary>
    public async Task<IncidentChange> WaitForChangeAsync(Func<IncidentChange, bool> match, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        lock (_changes)
        {
            var seen = _changes.FirstOrDefault(match);
            if (seen is not null)
            {
                return seen;
            }
        }

        await foreach (var change in _changeSignal.Reader.ReadAllAsync(cts.Token))
        {
            if (match(change))
            {
                return change;
            }
        }

        throw new TimeoutException();
    }

    public IReadOnlyList<IncidentChange> Changes()
    {
        lock (_changes)
        {
            return [.. _changes];
        }
    }

    /// <summary>Waits until the gateway has handled everything the publisher sent (a signal, not a sleep).</summary>
    public Task SettledAsync(SensorPublisher sensors, TimeSpan timeout) =>
        Pipeline.WhenHandledAsync(_handledBefore + sensors.Published, new CancellationTokenSource(timeout).Token);

    private long _handledBefore;

    /// <summary>Waits for an entry of this gateway (past or future) with the event id.</summary>
    public Task<LogEntry> WaitForEventAsync(int eventId, TimeSpan timeout) =>
        _env.WaitForAsync(e => e.Source == Source && e.EventId == eventId, $"event {eventId} from {Source}", timeout);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await Host.StopAsync(cts.Token);
        }

        if (_watch is not null)
        {
            await _watch;
        }

        Host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
        _stop.Dispose();
    }

    // The subscription is in place once a probe from an unregistered device is counted.
    private async Task WaitUntilSubscribedAsync(SensorPublisher sensors)
    {
        var probe = WireEncoder.ToBytes(new DeviceEvent { DeviceId = "probe", Sequence = 1, Kind = EventKind.TestPress, DeviceTimeUs = 1 });
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var before = Pipeline.Handled;
            await sensors.PublishAsync(Topics.For(Site, "probe", TopicKind.Event), probe);
            try
            {
                // Long enough that a probe is not published again while the first is merely slow (on a loaded
                // machine): a second probe handled after _handledBefore is taken would settle tests one early.
                // The gateway's connect returns after the SUBACK, so the first probe normally arrives.
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await Pipeline.WhenHandledAsync(before + 1, wait.Token);
                break;
            }
            catch (OperationCanceledException)
            {
                // not subscribed yet; publish again
            }
        }

        // Probes from before the subscription may still arrive; count from what is known now.
        _handledBefore = Pipeline.Handled - sensors.Published;
    }

    private async Task WatchAsync()
    {
        try
        {
            await foreach (var change in Incidents.WatchAsync(_stop.Token))
            {
                lock (_changes)
                {
                    _changes.Add(change);
                }

                _changeSignal.Writer.TryWrite(change);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
