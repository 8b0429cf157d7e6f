using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using Edge.TestKit;

namespace Edge.Gateway.IntegrationTests;

/// <summary>
/// Broker, pager console, webhook receiver and the gateway (a child process) on loopback. Tier 1 is the pager
/// (ESPA 4.4.4 over TCP, call 101), tier 2 the webhook two minutes later.
/// </summary>
internal sealed class AlertSite : IAsyncDisposable
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _dir;
    private readonly MosquittoBroker _broker;
    private readonly string _config;
    private readonly Func<string, ChildProcess> _startGateway;

    private AlertSite(TempDirectory dir, MosquittoBroker broker, SensorPublisher sensors, ChildProcess pager, WebhookReceiver webhook, string config, Func<string, ChildProcess> startGateway)
    {
        _dir = dir;
        _broker = broker;
        Sensors = sensors;
        Pager = pager;
        Webhook = webhook;
        _config = config;
        _startGateway = startGateway;
    }

    public MosquittoBroker Broker => _broker;

    /// <summary>The gateway's loopback status endpoint (<c>Diagnostics:HttpPort</c>).</summary>
    public HttpClient Http { get; private set; } = null!;

    /// <summary>A scratch folder of the site's (the test's own files).</summary>
    public TempDirectory Dir => _dir;

    public SensorPublisher Sensors { get; }

    public ChildProcess Pager { get; }

    public WebhookReceiver Webhook { get; }

    public ChildProcess Gateway { get; private set; } = null!;

    /// <param name="startGateway">Starts the gateway with the given config file (default: <c>dotnet Edge.Gateway.dll</c>, <see cref="ChildGateway"/>).</param>
    /// <param name="startupWait">How long the gateway may take to start and subscribe (longer under emulation).</param>
    public static async Task<AlertSite> StartAsync(string[]? pagerArgs = null, string? databasePath = null, Func<string, ChildProcess>? startGateway = null, TimeSpan? startupWait = null)
    {
        var wait = startupWait ?? DefaultWait;
        var dir = new TempDirectory("edge-alert-faults");
        var broker = await MosquittoBroker.StartAsync();
        var sensors = await SensorPublisher.ConnectAsync(broker.Host, broker.Port, InProcessGateway.Site);
        var pagerPort = ChildProcess.FreePort();
        var pager = ChildProcess.StartDotnet(typeof(Edge.Alerting.PagerConsole.PagingSystemSimulator).Assembly.Location, ["--listen", $"127.0.0.1:{pagerPort}", .. pagerArgs ?? []]);
        await pager.WaitForLineAsync("listening", wait);
        var webhook = WebhookReceiver.Start();

        await File.WriteAllTextAsync(dir.File("site.json"), InProcessGateway.SiteJson);
        await File.WriteAllTextAsync(dir.File("escalation.json"), """
            { "version": 1, "site": "site1", "timeZone": "Etc/UTC",
              "units": [ { "unit": "u1", "slots": [ { "name": "all day", "from": "00:00", "to": "00:00", "steps": [
                { "after": "00:00:00", "notify": ["espa:101"] },
                { "after": "00:02:00", "notify": ["webhook:duty"] } ] } ] } ] }
            """);
        var settings = InProcessGateway.Settings(broker, dir);
        if (databasePath is not null)
        {
            settings["Storage:DatabasePath"] = databasePath;
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
        var httpPort = ChildProcess.FreePort();
        settings["Diagnostics:HttpPort"] = httpPort.ToString(CultureInfo.InvariantCulture);
        var config = dir.File("gateway.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(RestartTests.Nest(settings)));

        var site = new AlertSite(dir, broker, sensors, pager, webhook, config, startGateway ?? ChildGateway.Start)
        {
            Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/"), Timeout = TimeSpan.FromSeconds(30) },
        };
        site.Gateway = site.StartGateway();
        await site.Gateway.WaitForLineAsync("Ingest started", wait);
        await ChildGateway.WaitSubscribedAsync(site.Gateway, sensors);
        await pager.WaitForLineAsync("connection from", wait);
        return site;
    }

    public ChildProcess StartGateway()
    {
        var gateway = _startGateway(_config);
        Gateway = gateway;
        return gateway;
    }

    public async ValueTask DisposeAsync()
    {
        Gateway.Dispose();
        Http.Dispose();
        Pager.Dispose();
        Webhook.Dispose();
        await Sensors.DisposeAsync();
        await _broker.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}

/// <summary>An HTTP endpoint that records every POST body (the webhook's peer).</summary>
internal sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Lock _lock = new();
    private readonly List<string> _bodies = [];
    private readonly Channel<string> _signal = Channel.CreateUnbounded<string>();

    private WebhookReceiver(string url)
    {
        Url = url;
    }

    public string Url { get; }

    public static WebhookReceiver Start()
    {
        var receiver = new WebhookReceiver($"http://127.0.0.1:{ChildProcess.FreePort()}/hook/");
        receiver._listener.Prefixes.Add(receiver.Url);
        receiver._listener.Start();
        _ = Task.Run(receiver.ServeAsync);
        return receiver;
    }

    public async Task<string> WaitForAsync(Func<string, bool> match, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        lock (_lock)
        {
            if (_bodies.FirstOrDefault(match) is { } seen)
            {
                return seen;
            }
        }

        try
        {
            await foreach (var body in _signal.Reader.ReadAllAsync(cts.Token))
            {
                if (match(body))
                {
                    return body;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        throw new TimeoutException($"no matching webhook call within {timeout}; got: {string.Join(" | ", _bodies)}");
    }

    public void Dispose() => _listener.Close();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            lock (_lock)
            {
                _bodies.Add(body);
            }

            _signal.Writer.TryWrite(body);
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }
}
