using System.Globalization;
using System.Text.Json;
using Edge.Logging;
using Edge.Mqtt.Broker;
using Edge.Provisioning;
using Edge.TestKit;

namespace Edge.Gateway.IntegrationTests;

/// <summary>
/// Issue 15 point 7: the real gateway process started with bad configurations. Every start-up error is one message
/// listing all problems, a non-zero exit code (2 configuration, 3 unreachable), never a stack trace; a broker that
/// refuses the credentials or whose certificate the CA does not sign is fatal; there is no built-in site id.
/// </summary>
public sealed class StartupErrorTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task BadValues_EveryProblemListedInOneMessage_ExitCode2_NoStackTrace()
    {
        using var dir = new TempDirectory("edge-startup-bad");
        var gateway = Start(dir, new()
        {
            ["Ingest:SiteId"] = "site1",
            ["Ingest:ReorderTimeout"] = "-00:00:01",
            ["Supervision:CheckInterval"] = "-00:00:05",
            ["Supervision:StreamingOfflineAfter"] = "-00:01:00",
            ["Mqtt:Port"] = "0",
        });

        var code = await gateway.WaitForExitAsync(Wait);
        var output = string.Join("\n", gateway.Lines);
        Assert.Equal(GatewayExitCodes.Configuration, code);
        Assert.Contains("cannot start: 5 configuration problems", output, StringComparison.Ordinal);
        Assert.Contains("ReorderTimeout", output, StringComparison.Ordinal);
        Assert.Contains("CheckInterval", output, StringComparison.Ordinal);
        Assert.Contains("StreamingOfflineAfter", output, StringComparison.Ordinal);
        Assert.Contains("Mqtt:Port", output, StringComparison.Ordinal);
        AssertNoStackTrace(output);
    }

    [Fact]
    public async Task NoSiteId_IsAConfigurationError_NotSite1()
    {
        using var dir = new TempDirectory("edge-startup-nosite");
        var gateway = Start(dir, []);

        var code = await gateway.WaitForExitAsync(Wait);
        var output = string.Join("\n", gateway.Lines);
        Assert.Equal(GatewayExitCodes.Configuration, code);
        Assert.Contains("Ingest:SiteId is not set", output, StringComparison.Ordinal);
        Assert.DoesNotContain("site1", output, StringComparison.Ordinal);
        AssertNoStackTrace(output);
    }

    [Fact]
    public async Task DatabaseCannotBeCreated_ExitCode3_Unreachable()
    {
        using var dir = new TempDirectory("edge-startup-db");
        var gateway = Start(dir, new() { ["Ingest:SiteId"] = "site1", ["Storage:DatabasePath"] = "/proc/edge-no-such-folder/gateway.db" });

        var code = await gateway.WaitForExitAsync(Wait);
        var output = string.Join("\n", gateway.Lines);
        Assert.Equal(GatewayExitCodes.Unreachable, code);
        Assert.Contains("/proc/edge-no-such-folder/gateway.db cannot be opened or created", output, StringComparison.Ordinal);
        AssertNoStackTrace(output);
    }

    [Fact]
    public async Task ProvisionedSite_RightCredentials_SubscribesToItsOwnSite_WrongPasswordOrWrongCa_IsFatal()
    {
        // The refusals under test, as the MQTT client logs them before the gateway exits.
        _env.ExpectError(EventIds.MqttConnectRefused, "the broker refused the connection: NotAuthorized");
        _env.ExpectError(EventIds.MqttTlsError, "certificate verify failed");
        _env.ExpectError(EventIds.MqttConnectRefused, "certificate verify failed");
        using var dir = new TempDirectory("edge-startup-tls");
        var port = ChildProcess.FreePort();
        var provisioner = new SiteProvisioner(dir.File("oakhouse"), TimeProvider.System);
        provisioner.InitSite(new InitSiteRequest
        {
            SiteId = "oakhouse",
            GatewayHosts = ["127.0.0.1"],
            AdminUsername = "admin",
            AdminPassword = "Tulip-Kettle-93-north",
            WifiSsid = "CareNet",
            WifiPassword = "wifi-Secret-4711",
            ListenAddress = "127.0.0.1",
            ListenPort = port,
        });
        await using var broker = await MosquittoProcess.StartAsync(provisioner.Layout.BrokerConfig, "127.0.0.1", port);
        var other = new SiteProvisioner(dir.File("elsewhere"), TimeProvider.System);
        other.InitSite(new InitSiteRequest
        {
            SiteId = "elsewhere", GatewayHosts = ["127.0.0.1"], AdminUsername = "admin", AdminPassword = "Tulip-Kettle-93-north",
            WifiSsid = "CareNet", WifiPassword = "wifi-Secret-4711", ListenAddress = "127.0.0.1", ListenPort = ChildProcess.FreePort(),
        });

        // As provisioned (no Ingest:SiteId anywhere): the site comes from Site:Id.
        using (var ok = Start(dir, new() { ["Storage:DatabasePath"] = dir.File("ok.db") }, provisioner.Layout.GatewaySettings))
        {
            await ok.WaitForLineAsync("Ingest started for site oakhouse", Wait);
            Assert.Contains(ok.Lines, l => l.Contains("care/oakhouse/sensors/+/accel", StringComparison.Ordinal));
        }

        using var wrongPassword = Start(dir, new() { ["Storage:DatabasePath"] = dir.File("pw.db"), ["Mqtt:Password"] = "not-the-password" }, provisioner.Layout.GatewaySettings);
        Assert.Equal(GatewayExitCodes.Configuration, await wrongPassword.WaitForExitAsync(Wait));
        var pw = string.Join("\n", wrongPassword.Lines);
        Assert.Contains($"the MQTT broker at 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)} refused the gateway", pw, StringComparison.Ordinal);
        AssertNoStackTrace(pw);

        using var wrongCa = Start(dir, new() { ["Storage:DatabasePath"] = dir.File("ca.db"), ["Mqtt:Tls:CaFile"] = other.Layout.CaCertificate }, provisioner.Layout.GatewaySettings);
        Assert.Equal(GatewayExitCodes.Configuration, await wrongCa.WaitForExitAsync(Wait));
        var ca = string.Join("\n", wrongCa.Lines);
        Assert.Contains("refused the gateway", ca, StringComparison.Ordinal);
        Assert.Contains("certificate", ca, StringComparison.OrdinalIgnoreCase);
        AssertNoStackTrace(ca);
    }

    private ChildProcess Start(TempDirectory dir, Dictionary<string, string?> settings, string? baseConfig = null)
    {
        settings.TryAdd("Storage:DatabasePath", dir.File("gateway.db"));
        settings.TryAdd("Detection:ModelDirectory", Path.Combine(TestData.RepoRoot, "models", "fall-model"));
        var config = dir.File($"gateway-{Guid.NewGuid():N}.json");
        File.WriteAllText(config, JsonSerializer.Serialize(GatewayConfig.Nest(settings)));
        string[] args = baseConfig is null ? ["--config", config] : ["--config", baseConfig, .. settings.Select(kv => $"--{kv.Key}={kv.Value}")];
        return _env.Watch(ChildProcess.StartDotnet(typeof(GatewayHost).Assembly.Location, args, dir.Path));
    }

    private static void AssertNoStackTrace(string output)
    {
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception:", output, StringComparison.Ordinal);
    }
}
