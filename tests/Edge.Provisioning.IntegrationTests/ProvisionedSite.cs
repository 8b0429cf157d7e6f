using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using Edge.Firmware.Core;
using Edge.Mqtt;
using Edge.Mqtt.Broker;
using Edge.Provision;
using Edge.Provisioning.Files;
using Edge.TestKit;

namespace Edge.Provisioning.IntegrationTests;

/// <summary>MQTT credentials as the CLI issued them.</summary>
internal sealed record Credentials(string Username, string Password);

/// <summary>What the CLI printed.</summary>
internal sealed record CliResult(int ExitCode, string Out, string Error);

/// <summary>
/// A site created by the real CLI (in-process) in a temp folder, listening on a free port on
/// 127.0.0.1, with devices added by the CLI. Credentials are read back the way the devices and the
/// gateway read them: device config files through the firmware's own parser, the gateway's settings
/// file as JSON.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class ProvisionedSite : IDisposable
{
    public const string AdminPassword = "Tulip-Kettle-93-north";

    private readonly TempDirectory _temp;
    private readonly TestEnvironment _env;

    private ProvisionedSite(TestEnvironment env, TempDirectory temp, string siteId, int port)
    {
        _env = env;
        _temp = temp;
        SiteId = siteId;
        Port = port;
        Layout = new SiteLayout(temp.File(siteId));
    }

    public string SiteId { get; }

    public int Port { get; }

    public SiteLayout Layout { get; }

    public string CaFile => Layout.CaCertificate;

    public string TempPath(string name) => _temp.File(name);

    public static ProvisionedSite Create(TestEnvironment env, string siteId, params string[] deviceIds)
    {
        var temp = new TempDirectory("edge-provision-it");
        var site = new ProvisionedSite(env, temp, siteId, FreePort());
        CliResult init = site.Cli(
            $"{AdminPassword}\nwifi-Secret-4711\n",
            "init", "site", "--site", siteId, "--dir", site.Layout.Root, "--gateway-host", "127.0.0.1",
            "--admin", "alice", "--wifi-ssid", "CareNet", "--listen-address", "127.0.0.1",
            "--listen-port", site.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(init.ExitCode == 0, init.Error);
        for (int i = 0; i < deviceIds.Length; i++)
        {
            site.AddDevice(deviceIds[i], $"Resident {i + 1}", $"{i + 1}");
        }

        return site;
    }

    /// <summary>
    /// Creates a site and starts the broker from its generated config. The free port is chosen when the
    /// config is generated; if another process took it meanwhile (tests on this machine run in
    /// parallel), the site is generated again on a new port.
    /// </summary>
    public static async Task<StartedSite> StartAsync(TestEnvironment env, string siteId, params string[] deviceIds)
    {
        for (int attempt = 1; ; attempt++)
        {
            ProvisionedSite site = Create(env, siteId, deviceIds);
            try
            {
                return new StartedSite(site, await MosquittoProcess.StartAsync(site.Layout.BrokerConfig));
            }
            catch (InvalidOperationException ex) when (attempt < 3 && ex.Message.Contains("Address already in use", StringComparison.Ordinal))
            {
                site.Dispose();
            }
        }
    }

    public void AddDevice(string id, string resident, string room)
    {
        CliResult add = Cli("", "add", "device", "--dir", Layout.Root, "--device", id, "--resident", resident, "--room", room, "--mode", "streaming");
        Assert.True(add.ExitCode == 0, add.Error);
    }

    public CliResult Cli(string stdin, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = ProvisionCli.Run(args, new ProvisionConsole(new StringReader(stdin), output, error, isInputRedirected: true, TimeProvider.System));
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>A device's credentials, from its config file as the firmware parses it.</summary>
    public Credentials Device(string deviceId)
    {
        ProvisioningResult parsed = ProvisioningParser.Parse(File.ReadAllText(Layout.DeviceConfig(deviceId)));
        Assert.True(parsed.IsOk, string.Join("; ", parsed.Errors.Select(e => e.ToString())));
        Assert.Equal("127.0.0.1", parsed.Settings.BrokerHost);
        Assert.Equal(Port, parsed.Settings.BrokerPort);
        return new Credentials(parsed.Settings.MqttUsername, parsed.Settings.MqttPassword);
    }

    /// <summary>The gateway's credentials, from gateway/gateway-settings.json.</summary>
    public Credentials Gateway()
    {
        JsonNode mqtt = JsonNode.Parse(File.ReadAllText(Layout.GatewaySettings))!["Mqtt"]!;
        Assert.Equal(Port, mqtt["Port"]!.GetValue<int>());
        return new Credentials(mqtt["Username"]!.GetValue<string>(), mqtt["Password"]!.GetValue<string>());
    }

    /// <summary>
    /// Connects with the project's MQTT transport (Edge.Mqtt, MQTTnet) over TLS, trusting the site CA (or
    /// <paramref name="caFile"/>); the client logs into the test's environment.
    /// </summary>
    public async Task<MqttNetClient> ConnectAsync(Credentials credentials, string? caFile = null, string? clientId = null)
    {
        var client = new MqttNetClient(new MqttClientOptions
        {
            Host = "127.0.0.1",
            Port = Port,
            ClientId = clientId,
            Username = credentials.Username,
            Password = credentials.Password,
            Tls = new MqttTlsOptions { CaFile = caFile ?? CaFile },
            ConnectRetryInitialDelay = TimeSpan.FromMilliseconds(200),
            ConnectRetryMaxDelay = TimeSpan.FromSeconds(1),
        }, _env.Logger<MqttNetClient>());
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await client.ConnectAsync(cts.Token);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    public void Dispose() => _temp.Dispose();

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

/// <summary>A site and the broker running its generated config; disposes both.</summary>
[SupportedOSPlatform("linux")]
internal sealed class StartedSite(ProvisionedSite site, MosquittoProcess broker) : IDisposable
{
    public ProvisionedSite Site { get; } = site;

    public MosquittoProcess Broker { get; } = broker;

    public void Dispose()
    {
        Broker.Dispose();
        Site.Dispose();
    }
}
