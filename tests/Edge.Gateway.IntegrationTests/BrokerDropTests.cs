using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Firmware.Core;
using Edge.Logging;
using Edge.Mqtt;
using Edge.Mqtt.Broker;
using Edge.Protocol;
using Edge.Provisioning;
using Edge.TestKit;
using Xunit.Abstractions;

namespace Edge.Gateway.IntegrationTests;

/// <summary>
/// Issue 16.5 / 13.6: on a provisioned site (TLS, password file, the generated ACL) the gateway reads the
/// broker's drop counter, and a real drop (its own session's queue overflowing) raises a gateway fault; its session
/// probe (SessionLagTests) goes round through the same ACL.
/// </summary>
public sealed class BrokerDropTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task ProvisionedSite_BrokerDropsMessagesForTheGateway_GatewayFaultSaysSo()
    {
        // The drops are the fault under test: the gateway reports them as an error and as a gateway fault.
        _env.ExpectError(EventIds.BrokerDroppedMessages, "The broker dropped");
        _env.ExpectError(EventIds.GatewayFault, "Gateway fault: broker-drops:");
        using var dir = new TempDirectory("edge-drop-fault");
        var provisioner = new SiteProvisioner(dir.File("oakhouse"), TimeProvider.System);
        provisioner.InitSite(new InitSiteRequest
        {
            SiteId = "oakhouse",
            GatewayHosts = ["127.0.0.1"],
            AdminUsername = "manager",
            AdminPassword = "Tulip-Kettle-93-north",
            WifiSsid = "CareNet",
            WifiPassword = "wifi-Secret-4711",
            ListenAddress = "127.0.0.1",
            ListenPort = ChildProcess.FreePort(),
            ExpectedDevices = 1, // queues sized for one sensor: max_queued_messages 1000
        });
        provisioner.AddDevices([new NewDevice("m5-0001", "Mary Smith", "12", "north", DeviceMode.Streaming)]);
        WritePolicyAndWebhook(provisioner);
        var config = File.ReadAllLines(provisioner.Layout.BrokerConfig);
        var queued = int.Parse(config.Single(l => l.StartsWith("max_queued_messages ", StringComparison.Ordinal))["max_queued_messages ".Length..], CultureInfo.InvariantCulture);
        var port = int.Parse(config.Single(l => l.StartsWith("listener ", StringComparison.Ordinal)).Split(' ')[1], CultureInfo.InvariantCulture);
        await using var broker = await MosquittoProcess.StartAsync(provisioner.Layout.BrokerConfig, "127.0.0.1", port);

        var http = ChildProcess.FreePort();
        using var gateway = _env.Watch(ChildProcess.StartDotnet(typeof(GatewayHost).Assembly.Location,
        [
            "--config", provisioner.Layout.GatewaySettings,
            $"--Storage:DatabasePath={dir.File("gateway.db")}",
            $"--Detection:ModelDirectory={Path.Combine(TestData.RepoRoot, "models", "fall-model")}",
            $"--Diagnostics:HttpPort={http.ToString(CultureInfo.InvariantCulture)}",
            "--Supervision:CheckInterval=00:00:00.500",
            "--Mqtt:ReceiveMaximum=10", // a small window, so the broker's queue for the gateway fills quickly
            "--Supervision:ProbeInterval=00:00:00.200",
        ], dir.Path));
        try
        {
            await gateway.WaitForLineAsync("Ingest started for site oakhouse", Wait);

            // The device floods its event topic while the gateway is frozen (SIGSTOP: its socket stays
            // open, it reads nothing): 10 in flight + max_queued_messages queued, the rest dropped.
            var device = DeviceCredentials(provisioner, "m5-0001");
            var sensorOptions = new MqttClientOptions
            {
                Host = "127.0.0.1",
                Port = port,
                ClientId = device.Username,
                Username = device.Username,
                Password = device.Password,
                Tls = new MqttTlsOptions { CaFile = provisioner.Layout.CaCertificate },
                MaxInflightMessages = 100,
            };
            await using var sensor = new MqttNetClient(sensorOptions, _env.Logger<MqttNetClient>());
            using (var connect = new CancellationTokenSource(Wait))
            {
                await sensor.ConnectAsync(connect.Token);
            }

            // The session probe goes round through the provisioned ACL (care/oakhouse/gateway/probe) before the fault.
            using var status = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http.ToString(CultureInfo.InvariantCulture)}/") };
            await UntilAsync(async () => await ProbesReturnedAsync(status) >= 3, "three probes back through the gateway's session");
            await gateway.FreezeAsync();
            var topic = Topics.For("oakhouse", "m5-0001", TopicKind.Event);
            var flood = queued + 10 + 500;
            for (var i = 0; i < flood; i++)
            {
                await sensor.PublishAsync(topic, "not-a-wire-message"u8.ToArray(), MqttQos.AtLeastOnce, false, CancellationToken.None);
            }

            await UntilAsync(() => sensor.GetStatistics().OutgoingQueued == 0, "every flood message acknowledged by the broker");
            await broker.WaitForLogAsync("Outgoing messages are being dropped", Wait);
            await gateway.ThawAsync();

            // Within one sys_interval (10 s) the broker publishes its counter; the ACL lets the gateway read it.
            await gateway.WaitForLineAsync("The broker dropped", Wait);
            var fault = await gateway.WaitForLineAsync(l => l.Contains("Gateway fault:", StringComparison.Ordinal) && l.Contains("broker-drops:", StringComparison.Ordinal), "the gateway fault", Wait);
            output.WriteLine(fault);
            Assert.Contains("the broker dropped", fault, StringComparison.Ordinal);
        }
        catch
        {
            output.WriteLine(string.Join('\n', gateway.Lines));
            throw;
        }
    }

    private static (string Username, string Password) DeviceCredentials(SiteProvisioner provisioner, string deviceId)
    {
        var parsed = ProvisioningParser.Parse(File.ReadAllText(provisioner.Layout.DeviceConfig(deviceId)));
        Assert.True(parsed.IsOk, string.Join("; ", parsed.Errors.Select(e => e.ToString())));
        return (parsed.Settings.MqttUsername, parsed.Settings.MqttPassword);
    }

    // What a technician writes before the gateway may start (it refuses a unit nobody is paged for).
    private static void WritePolicyAndWebhook(SiteProvisioner provisioner)
    {
        File.WriteAllText(provisioner.Layout.EscalationPolicy, """
            {
              "version": 1, "site": "oakhouse", "timeZone": "Etc/UTC",
              "units": [ { "unit": "north", "slots": [ { "name": "all day", "from": "00:00", "to": "00:00",
                "steps": [ { "after": "00:00:00", "notify": ["webhook:on-call"] } ] } ] } ]
            }
            """);
        var settings = JsonNode.Parse(File.ReadAllText(provisioner.Layout.GatewaySettings))!;
        settings["Alerting"] = new JsonObject
        {
            ["Webhook"] = new JsonObject
            {
                ["Url"] = "http://127.0.0.1:9/on-call",
                ["AllowInsecureHttp"] = true,
                ["Secret"] = "drop-test-webhook-secret-0123456789",
            },
        };
        File.WriteAllText(provisioner.Layout.GatewaySettings, settings.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    private static async Task<long> ProbesReturnedAsync(HttpClient status)
    {
        try
        {
            using var doc = JsonDocument.Parse(await status.GetStringAsync(new Uri("api/ingest", UriKind.Relative)));
            return doc.RootElement.GetProperty("session").GetProperty("probesReturned").GetInt64();
        }
        catch (HttpRequestException)
        {
            return 0; // the endpoint is not up yet
        }
    }

    private static Task UntilAsync(Func<bool> condition, string what) => UntilAsync(() => Task.FromResult(condition()), what);

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        using var cts = new CancellationTokenSource(Wait);
        while (!await condition())
        {
            try
            {
                await timer.WaitForNextTickAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Timed out after {Wait} waiting for {what}.");
            }
        }
    }
}
