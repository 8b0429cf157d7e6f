using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using Edge.TestKit;

namespace Edge.Gateway.IntegrationTests;

/// <summary>
/// Issue 15 point 4 with real processes: the gateway, a Mosquitto broker and the simulated paging system each run
/// as their own process, and a webhook receiver listens in the test. Tier 1 is the pager, tier 2 the webhook two
/// minutes later: an alert that cannot reach the pager must not wait for tier 2.
/// </summary>
public sealed class AlertFaultTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task HungPager_CallReachesTheNextTierWithinSeconds_AndThePagerGetsItWhenItReturns()
    {
        await using var site = await AlertSite.StartAsync();
        await site.Sensors.ButtonAsync("dev-a");
        await site.Pager.WaitForLineAsync(l => l.Contains("| CALL", StringComparison.Ordinal) && l.Contains("Alice", StringComparison.Ordinal), "Alice's call", Wait);

        await site.Pager.FreezeAsync(); // SIGSTOP: the TCP link stays open, nothing answers
        var pressed = Stopwatch.StartNew();
        await site.Sensors.ButtonAsync("dev-b");
        var hook = await site.Webhook.WaitForAsync(b => b.Contains("Bob", StringComparison.Ordinal), TimeSpan.FromSeconds(90));
        var took = pressed.Elapsed;
        Assert.True(took < TimeSpan.FromSeconds(40), $"the call reached the webhook {took.TotalSeconds:F1} s after the press (tier 2 is due at 120 s)");
        Assert.Contains("CALL", hook, StringComparison.Ordinal);
        await site.Gateway.WaitForLineAsync("failover from pager", Wait);

        // The paging system comes back: the open call is paged on it again.
        await site.Pager.ThawAsync();
        await site.Pager.WaitForLineAsync(l => l.Contains("| CALL", StringComparison.Ordinal) && l.Contains("Bob", StringComparison.Ordinal), "Bob's call on the pager", TimeSpan.FromSeconds(90));
    }

    [Fact]
    public async Task GatewayKilledDuringAPage_UnconfirmedPageIsSentAgainAfterTheRestart()
    {
        await using var site = await AlertSite.StartAsync(pagerArgs: ["--ignore-selects", "100000"]);
        await site.Sensors.ButtonAsync("dev-a");
        await site.Gateway.WaitForLineAsync("tier 1 of 2 on pager to 101", Wait); // on the wire, unanswered
        await site.Gateway.KillAsync();

        await site.Pager.WriteLineAsync("ignore 0");
        var restarted = Stopwatch.StartNew();
        using var second = site.StartGateway();
        await second.WaitForLineAsync("sending it again", Wait);
        await site.Pager.WaitForLineAsync(l => l.Contains("| CALL", StringComparison.Ordinal) && l.Contains("Alice", StringComparison.Ordinal), "Alice's call", Wait);
        Assert.True(restarted.Elapsed < TimeSpan.FromSeconds(45), $"the page came {restarted.Elapsed.TotalSeconds:F1} s after the restart (tier 2 is due at 120 s)");
    }

    [Fact]
    public async Task DiskFull_CallIsPagedAtOnceFromMemory_WithAFaultThatSaysWhy_AndStoredOnceTheDiskHasRoom()
    {
        using var disk = TmpfsMount.Create(sizeMiB: 8);
        await using var site = await AlertSite.StartAsync(databasePath: disk.File("gateway.db"));
        var filler = disk.Fill();

        var pressed = Stopwatch.StartNew();
        await site.Sensors.ButtonAsync("dev-a");
        await site.Pager.WaitForLineAsync(l => l.Contains("| CALL", StringComparison.Ordinal) && l.Contains("Alice", StringComparison.Ordinal), "Alice's call", TimeSpan.FromSeconds(30));
        Assert.True(pressed.Elapsed < TimeSpan.FromSeconds(15), $"the call was paged {pressed.Elapsed.TotalSeconds:F1} s after the press with the disk full");
        await site.Pager.WaitForLineAsync(l => l.Contains("database cannot", StringComparison.Ordinal), "the storage fault", Wait);
        await site.Gateway.WaitForLineAsync("ALARM NOT YET STORED", Wait);

        // Storing is retried every sweep (0.5 s); the log says so once, not on every retry. Ten failed
        // supervision passes (0.2 s apart, they cannot store their disk fault either) let several retries happen.
        var passes = 0;
        await site.Gateway.WaitForLineAsync(l => l.Contains("Supervision pass failed", StringComparison.Ordinal) && ++passes >= 10, "ten failed supervision passes", Wait);
        File.Delete(filler);
        await site.Gateway.WaitForLineAsync("stores incidents again", Wait);
        await site.Gateway.WaitForLineAsync(l => l.Contains("INCIDENT #", StringComparison.Ordinal) && l.Contains("Alice", StringComparison.Ordinal), "Alice's stored incident", Wait);
        Assert.Equal(1, site.Gateway.Lines.Count(l => l.Contains("ALARM NOT YET STORED", StringComparison.Ordinal)));
    }

    /// <summary>Broker, pager console, webhook receiver and the gateway (a child process) on loopback.</summary>
    private sealed class AlertSite : IAsyncDisposable
    {
        private readonly TempDirectory _dir;
        private readonly MosquittoBroker _broker;
        private readonly string _config;

        private AlertSite(TempDirectory dir, MosquittoBroker broker, SensorPublisher sensors, ChildProcess pager, WebhookReceiver webhook, string config)
        {
            _dir = dir;
            _broker = broker;
            Sensors = sensors;
            Pager = pager;
            Webhook = webhook;
            _config = config;
        }

        public SensorPublisher Sensors { get; }

        public ChildProcess Pager { get; }

        public WebhookReceiver Webhook { get; }

        public ChildProcess Gateway { get; private set; } = null!;

        public static async Task<AlertSite> StartAsync(string[]? pagerArgs = null, string? databasePath = null)
        {
            var dir = new TempDirectory("edge-alert-faults");
            var broker = await MosquittoBroker.StartAsync();
            var sensors = await SensorPublisher.ConnectAsync(broker.Host, broker.Port, InProcessGateway.Site);
            var pagerPort = ChildProcess.FreePort();
            var pager = ChildProcess.StartDotnet(typeof(Edge.Alerting.PagerConsole.PagingSystemSimulator).Assembly.Location, ["--listen", $"127.0.0.1:{pagerPort}", .. pagerArgs ?? []]);
            await pager.WaitForLineAsync("listening", Wait);
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
            var config = dir.File("gateway.json");
            await File.WriteAllTextAsync(config, JsonSerializer.Serialize(RestartTests.Nest(settings)));

            var site = new AlertSite(dir, broker, sensors, pager, webhook, config);
            site.Gateway = site.StartGateway();
            await site.Gateway.WaitForLineAsync("Ingest started", Wait);
            await ChildGateway.WaitSubscribedAsync(site.Gateway, sensors);
            await pager.WaitForLineAsync("connection from", Wait);
            return site;
        }

        public ChildProcess StartGateway()
        {
            var gateway = ChildGateway.Start(_config);
            Gateway = gateway;
            return gateway;
        }

        public async ValueTask DisposeAsync()
        {
            Gateway.Dispose();
            Pager.Dispose();
            Webhook.Dispose();
            await Sensors.DisposeAsync();
            await _broker.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            _dir.Dispose();
        }
    }

    /// <summary>An HTTP endpoint that records every POST body (the webhook's peer).</summary>
    private sealed class WebhookReceiver : IDisposable
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
}
