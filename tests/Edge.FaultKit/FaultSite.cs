using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.Gateway;
using Edge.Protocol;
using Edge.TestKit;

namespace Edge.FaultKit;

/// <summary>What a scratch site runs with.</summary>
public sealed class FaultSiteOptions
{
    /// <summary>Residents of unit u1, in rooms 1, 2 ... wearing dev-a, dev-b ... (<see cref="GatewayConfig.SiteJson"/>).</summary>
    public IReadOnlyList<string> Residents { get; init; } = ["Alice", "Bob", "Carol", "Dan"];

    /// <summary>Arguments for the pager console (its faults, e.g. <c>--ignore-selects N</c>).</summary>
    public IReadOnlyList<string> PagerArgs { get; init; } = [];

    /// <summary>The gateway database (e.g. on a small tmpfs); default in the site's folder.</summary>
    public string? DatabasePath { get; init; }

    /// <summary>When the escalation's second step (the webhook) is due; the first is the pager (ESPA address 101) at once.</summary>
    public TimeSpan WebhookAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>A cloud process to send the uplink to (null: no uplink).</summary>
    public CloudProcess? Cloud { get; init; }

    /// <summary>More gateway settings (flat <c>Section:Key</c>), applied last.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>
    /// Starts the gateway process with a config file (default: <c>dotnet Edge.Gateway.dll --config FILE</c>); the
    /// arm64 test passes its published build under qemu.
    /// </summary>
    public Func<string, ChildProcess>? StartGateway { get; init; }

    /// <summary>How long the gateway may take to start, subscribe and answer (longer under emulation).</summary>
    public TimeSpan StartupWait { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A test's harness: it reads the console of every gateway process and of the pager console (an Error there fails
    /// the test unless the test declared it), and takes the logs of the site's in-process parts (the sensors' MQTT
    /// client). Null for <c>./edge drill</c>, which reports by its own checks.
    /// </summary>
    public TestEnvironment? Environment { get; init; }
}

/// <summary>
/// A scratch site of real processes on loopback, as the fault tests and <c>./edge drill</c> run it: a private
/// Mosquitto broker, the simulated ESPA paging system (Edge.Alerting.PagerConsole) as its own process, a webhook
/// receiver, simulated sensors (real wire protocol over a real MQTT client), the gateway as its own process
/// (<c>dotnet Edge.Gateway.dll --config FILE</c>, so it can be killed with SIGKILL), and optionally the cloud.
/// </summary>
public sealed class FaultSite : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir;
    private readonly Dictionary<string, string?> _settings;
    private readonly List<ChildProcess> _gateways = [];

    private readonly Func<string, ChildProcess>? _startGateway;
    private readonly TimeSpan _startupWait;
    private readonly TestEnvironment? _environment;

    private FaultSite(TempDirectory dir, MosquittoBroker broker, SensorPublisher sensors, ChildProcess pager, WebhookReceiver webhook, Dictionary<string, string?> settings, FaultSiteOptions options)
    {
        _dir = dir;
        _startGateway = options.StartGateway;
        _startupWait = options.StartupWait;
        _environment = options.Environment;
        Broker = broker;
        Sensors = sensors;
        Pager = pager;
        Webhook = webhook;
        _settings = settings;
        ConfigFile = dir.File("gateway.json");
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{settings["Diagnostics:HttpPort"]}/"), Timeout = options.StartupWait > Wait ? TimeSpan.FromSeconds(30) : TimeSpan.FromSeconds(10) };
    }

    /// <summary>The gateway's loopback status endpoint (read-only).</summary>
    public HttpClient Http { get; }

    public MosquittoBroker Broker { get; }

    public SensorPublisher Sensors { get; }

    /// <summary>The simulated paging system; every page it receives is a line with <c>| CALL</c>, <c>| FALL</c> ... and the text.</summary>
    public ChildProcess Pager { get; }

    public WebhookReceiver Webhook { get; }

    /// <summary>The gateway process started last.</summary>
    public ChildProcess Gateway { get; private set; } = null!;

    /// <summary>Every gateway process started, in order (their output, e.g. for a drill's logs).</summary>
    public IReadOnlyList<ChildProcess> Gateways => _gateways;

    public string ConfigFile { get; }

    public string DatabasePath => _settings["Storage:DatabasePath"]!;

    /// <summary>The site's scratch folder.</summary>
    public string Folder => _dir.Path;

    public static async Task<FaultSite> StartAsync(FaultSiteOptions? options = null)
    {
        options ??= new FaultSiteOptions();
        var dir = new TempDirectory("edge-fault-site");
        var broker = await MosquittoBroker.StartAsync();
        var sensors = await SensorPublisher.ConnectAsync(broker.Host, broker.Port, GatewayConfig.Site, loggers: options.Environment?.LoggerFactory);
        var pagerPort = ChildProcess.FreePort();
        var pager = ChildProcess.StartDotnet(typeof(Edge.Alerting.PagerConsole.PagingSystemSimulator).Assembly.Location, ["--listen", $"127.0.0.1:{pagerPort}", .. options.PagerArgs]);
        options.Environment?.Watch(pager);
        await pager.WaitForLineAsync("listening", Wait);
        var webhook = WebhookReceiver.Start();

        await File.WriteAllTextAsync(dir.File("site.json"), GatewayConfig.SiteJson(options.Residents));
        await File.WriteAllTextAsync(dir.File("escalation.json"), GatewayConfig.Policy("espa:101", options.WebhookAfter, "webhook:duty"));
        var settings = GatewayConfig.Base(broker.Host, broker.Port, dir);
        if (options.DatabasePath is not null)
        {
            settings["Storage:DatabasePath"] = options.DatabasePath;
        }

        settings["Alerting:Escalation:PolicyFile"] = dir.File("escalation.json");
        settings["Alerting:Espa:Name"] = "pager";
        settings["Alerting:Espa:Transport"] = "Tcp";
        settings["Alerting:Espa:TcpHost"] = "127.0.0.1";
        settings["Alerting:Espa:TcpPort"] = pagerPort.ToString(CultureInfo.InvariantCulture);
        settings["Alerting:Webhook:Name"] = "hook";
        settings["Alerting:Webhook:Url"] = webhook.Url;
        settings["Alerting:Webhook:AllowInsecureHttp"] = "true";
        settings["Alerting:Webhook:Secret"] = "a-test-secret-of-32-characters!!";
        if (options.Cloud is { } cloud)
        {
            settings["Uplink:Enabled"] = "true";
            settings["Uplink:CloudUrl"] = cloud.Url;
            settings["Uplink:GatewayId"] = cloud.GatewayId;
            settings["Uplink:SiteId"] = cloud.SiteId;
            settings["Uplink:GatewayKey"] = cloud.GatewayKey;
            settings["Uplink:PollInterval"] = "00:00:00.500";
            settings["Uplink:InitialBackoff"] = "00:00:01";
            settings["Uplink:MaxBackoff"] = "00:00:05";
        }

        var httpPort = ChildProcess.FreePort();
        settings["Diagnostics:HttpPort"] = httpPort.ToString(CultureInfo.InvariantCulture);
        foreach (var (k, v) in options.Settings)
        {
            settings[k] = v;
        }

        var site = new FaultSite(dir, broker, sensors, pager, webhook, settings, options);
        await GatewayConfig.WriteAsync(site.ConfigFile, settings);
        site.StartGateway();
        await site.WaitReadyAsync();
        await pager.WaitForLineAsync("connection from", options.StartupWait);
        return site;
    }

    /// <summary>Starts the gateway process (again, e.g. after a kill) with the current settings.</summary>
    public ChildProcess StartGateway()
    {
        Gateway = _startGateway is { } start ? start(ConfigFile) : ChildProcess.StartDotnet(typeof(GatewayHost).Assembly.Location, ["--config", ConfigFile], _dir.Path);
        _environment?.Watch(Gateway);
        _gateways.Add(Gateway);
        return Gateway;
    }

    /// <summary>Changes gateway settings for its next start.</summary>
    public Task ReconfigureAsync(IReadOnlyDictionary<string, string?> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        foreach (var (k, v) in changes)
        {
            _settings[k] = v;
        }

        return GatewayConfig.WriteAsync(ConfigFile, _settings);
    }

    /// <summary>Waits until the gateway runs and its subscriptions are in place.</summary>
    public async Task WaitReadyAsync()
    {
        await Gateway.WaitForLineAsync("Ingest started", _startupWait);
        await WaitSubscribedAsync(Gateway, Sensors, "probe-" + Guid.NewGuid().ToString("N")[..6]);
    }

    /// <summary>
    /// The gateway's subscriptions are in place once a probe from an unregistered device is logged. The gateway logs
    /// each unknown device once a minute, so each wait needs its own <paramref name="probeId"/>.
    /// </summary>
    public static async Task WaitSubscribedAsync(ChildProcess gateway, SensorPublisher sensors, string probeId = "probe")
    {
        ArgumentNullException.ThrowIfNull(gateway);
        ArgumentNullException.ThrowIfNull(sensors);
        var probe = WireEncoder.ToBytes(new DeviceEvent { DeviceId = probeId, Sequence = 1, Kind = EventKind.TestPress, DeviceTimeUs = 1 });
        var line = $"unknown device {probeId} ";
        var seen = gateway.CountLines(line);
        for (var i = 0; i < 100; i++)
        {
            await sensors.PublishAsync(Topics.For(GatewayConfig.Site, probeId, TopicKind.Event), probe);
            try
            {
                await gateway.WaitForLineCountAsync(line, seen + 1, TimeSpan.FromSeconds(2));
                return;
            }
            catch (TimeoutException)
            {
            }
        }

        throw new TimeoutException("the gateway never subscribed");
    }

    /// <summary>Waits for a page on the pager whose line contains <paramref name="text"/> and the kind (e.g. <c>CALL</c>, <c>FALL</c>).</summary>
    public Task<string> WaitForPageAsync(string kind, string text, TimeSpan timeout) =>
        Pager.WaitForLineAsync(l => l.Contains("| " + kind, StringComparison.Ordinal) && l.Contains(text, StringComparison.Ordinal), $"a {kind} page with '{text}'", timeout);

    /// <summary>Batches the gateway's stream has delivered for <paramref name="deviceId"/> (0 before the first).</summary>
    public Task<long> DeliveredAsync(string deviceId) => DeliveredAsync(Http, deviceId);

    /// <summary>Batches a gateway's stream has delivered for <paramref name="deviceId"/>, from its status endpoint <paramref name="http"/> (0 before the first).</summary>
    public static async Task<long> DeliveredAsync(HttpClient http, string deviceId)
    {
        ArgumentNullException.ThrowIfNull(http);
        var ingest = await http.GetFromJsonAsync<JsonElement>("api/ingest");
        foreach (var device in ingest.GetProperty("devices").EnumerateArray())
        {
            if (device.GetProperty("deviceId").GetString() == deviceId)
            {
                return device.GetProperty("batchesDelivered").GetInt64();
            }
        }

        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        foreach (var gateway in _gateways)
        {
            gateway.Dispose();
        }

        Pager.Dispose();
        Webhook.Dispose();
        await Sensors.DisposeAsync();
        await Broker.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
