using System.Runtime.Versioning;
using Edge.Logging;
using Edge.Mqtt;
using Edge.Mqtt.Broker;
using Edge.Protocol;
using Edge.Provisioning.Crypto;
using Edge.Provisioning.Files;
using Edge.TestKit;

namespace Edge.Provisioning.IntegrationTests;

/// <summary>Who the broker lets in: TLS only, the site CA, valid and current credentials.</summary>
[SupportedOSPlatform("linux")]
public sealed class CredentialTests : IDisposable
{
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    private static string T(string device, TopicKind kind) => Topics.For("oak", device, kind);

    [Fact]
    public async Task PasswordFileWrittenByOurCode_IsAcceptedByTheBroker_ForGatewayAndDevices()
    {
        using StartedSite started = await ProvisionedSite.StartAsync(_env, "oak", "dev-a");
        (ProvisionedSite site, MosquittoProcess broker) = (started.Site, started.Broker);

        Assert.All(File.ReadAllLines(site.Layout.PasswordFile), l => Assert.Contains(":$7$10000$", l, StringComparison.Ordinal));
        await using var gateway = await site.ConnectAsync(site.Gateway());
        await using var device = await site.ConnectAsync(site.Device("dev-a"));
        Assert.True(gateway.IsConnected);
        Assert.True(device.IsConnected);
    }

    [Fact]
    public async Task WrongPasswordAndAnonymous_AreRefused()
    {
        // The refusals are what the test checks, as the client logs them.
        _env.ExpectError(EventIds.MqttConnectRefused, "the broker refused the connection: NotAuthorized");
        using StartedSite started = await ProvisionedSite.StartAsync(_env, "oak", "dev-a");
        (ProvisionedSite site, MosquittoProcess broker) = (started.Site, started.Broker);
        Credentials good = site.Device("dev-a");

        var wrong = await Assert.ThrowsAsync<MqttConnectException>(() => site.ConnectAsync(good with { Password = good.Password[..^1] + (good.Password[^1] == 'x' ? "y" : "x") }));
        Assert.Contains("refused", wrong.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<MqttConnectException>(() => site.ConnectAsync(good with { Username = "dev-a.2" }));

        // Two settings refuse it: allow_anonymous false, and use_username_as_clientid (no user name,
        // no client id). Flipping only the first still refuses; MosquittoFilesTests pins both lines.
        var anonymous = await Tool.PublishAsync(site.Port, site.CaFile, null, T("dev-a", TopicKind.Accel));
        Assert.Equal(5, anonymous.ExitCode); // MQTT CONNACK 5: not authorised
        Assert.Contains("not authorised", anonymous.Output, StringComparison.Ordinal);

        var control = await Tool.PublishAsync(site.Port, site.CaFile, good, T("dev-a", TopicKind.Accel));
        Assert.True(control.ExitCode == 0, control.Output);
    }

    [Fact]
    public async Task PlainTcpToTheTlsListener_IsRefused()
    {
        using StartedSite started = await ProvisionedSite.StartAsync(_env, "oak", "dev-a");
        (ProvisionedSite site, MosquittoProcess broker) = (started.Site, started.Broker);
        Credentials good = site.Device("dev-a");

        var plain = await Tool.PublishAsync(site.Port, caFile: null, good, T("dev-a", TopicKind.Accel));
        var tls = await Tool.PublishAsync(site.Port, site.CaFile, good, T("dev-a", TopicKind.Accel));

        Assert.NotEqual(0, plain.ExitCode);
        Assert.True(tls.ExitCode == 0, tls.Output);
        Assert.DoesNotContain(File.ReadAllLines(site.Layout.BrokerConfig), l => l.StartsWith("listener", StringComparison.Ordinal) && !l.Contains($" {site.Port} ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ClientTrustingAnotherCa_CannotConnect()
    {
        // The foreign CA is the fault under test: the client says why it cannot connect.
        _env.ExpectError(EventIds.MqttTlsError, "certificate verify failed");
        _env.ExpectError(EventIds.MqttConnectRefused, "certificate verify failed");
        using StartedSite started = await ProvisionedSite.StartAsync(_env, "oak", "dev-a");
        (ProvisionedSite site, MosquittoProcess broker) = (started.Site, started.Broker);
        Credentials good = site.Device("dev-a");
        string otherCa = site.TempPath("other-ca.pem");
        File.WriteAllText(otherCa, SiteCertificates.CreateCa("rogue", DateTimeOffset.UtcNow).CertificatePem);

        var tool = await Tool.PublishAsync(site.Port, otherCa, good, T("dev-a", TopicKind.Accel));
        Assert.NotEqual(0, tool.ExitCode);
        Assert.Contains("TLS", tool.Output, StringComparison.Ordinal);

        // The project's own transport fails the same way (a TLS error, not a hang).
        await Assert.ThrowsAsync<MqttConnectException>(() => site.ConnectAsync(good, otherCa));
    }

    [Fact]
    public async Task RetireDevice_WithReloadPid_DisconnectsTheDeviceAtOnceAndRefusesItsCredentials()
    {
        // The retired credentials are refused: what the test checks, as the client logs it.
        _env.ExpectError(EventIds.MqttConnectRefused, "the broker refused the connection: NotAuthorized");
        using StartedSite started = await ProvisionedSite.StartAsync(_env, "oak", "dev-a", "dev-c");
        (ProvisionedSite site, MosquittoProcess broker) = (started.Site, started.Broker);
        Credentials retired = site.Device("dev-c");
        await using var device = await site.ConnectAsync(retired);
        var disconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        device.ConnectionChanged += (_, e) =>
        {
            if (e.Kind == MqttConnectionEventKind.Disconnected)
            {
                disconnected.TrySetResult();
            }
        };

        int after = broker.LogCount;
        CliResult r = site.Cli("", "retire", "device", "--dir", site.Layout.Root, "--device", "dev-c", "--reload-pid", broker.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(r.ExitCode == 0, r.Error);
        await broker.WaitForLogAsync("Reloading config", TimeSpan.FromSeconds(15), after);

        await disconnected.Task.WaitAsync(TimeSpan.FromSeconds(15));
        var again = await Tool.PublishAsync(site.Port, site.CaFile, retired, T("dev-c", TopicKind.Accel));
        Assert.Equal(5, again.ExitCode);
        await Assert.ThrowsAsync<MqttConnectException>(() => site.ConnectAsync(retired));

        // The other device is untouched.
        var other = await Tool.PublishAsync(site.Port, site.CaFile, site.Device("dev-a"), T("dev-a", TopicKind.Accel));
        Assert.True(other.ExitCode == 0, other.Output);
    }

    [Fact]
    public async Task ReplaceDevice_AfterReload_OldHardwareIsRefusedAndNewAccepted()
    {
        using StartedSite started = await ProvisionedSite.StartAsync(_env, "oak", "dev-d");
        (ProvisionedSite site, MosquittoProcess broker) = (started.Site, started.Broker);
        Credentials old = site.Device("dev-d");
        var before = await Tool.PublishAsync(site.Port, site.CaFile, old, T("dev-d", TopicKind.Accel));
        Assert.True(before.ExitCode == 0, before.Output);

        CliResult r = site.Cli("", "replace", "device", "--dir", site.Layout.Root, "--device", "dev-d");
        Assert.True(r.ExitCode == 0, r.Error);
        await broker.ReloadAsync(); // what 'systemctl reload mosquitto' does

        Credentials replacement = site.Device("dev-d");
        Assert.NotEqual(old.Username, replacement.Username);
        var oldAfter = await Tool.PublishAsync(site.Port, site.CaFile, old, T("dev-d", TopicKind.Accel));
        var newAfter = await Tool.PublishAsync(site.Port, site.CaFile, replacement, T("dev-d", TopicKind.Accel));
        Assert.Equal(5, oldAfter.ExitCode);
        Assert.True(newAfter.ExitCode == 0, newAfter.Output);
    }

    [Fact]
    public async Task AddDevice_WhileTheBrokerRuns_IsAcceptedAfterReload()
    {
        using StartedSite started = await ProvisionedSite.StartAsync(_env, "oak", "dev-a");
        (ProvisionedSite site, MosquittoProcess broker) = (started.Site, started.Broker);
        site.AddDevice("dev-new", "New Resident", "99");
        Credentials added = site.Device("dev-new");

        var beforeReload = await Tool.PublishAsync(site.Port, site.CaFile, added, T("dev-new", TopicKind.Accel));
        await broker.ReloadAsync();
        var afterReload = await Tool.PublishAsync(site.Port, site.CaFile, added, T("dev-new", TopicKind.Accel));

        Assert.Equal(5, beforeReload.ExitCode);
        Assert.True(afterReload.ExitCode == 0, afterReload.Output);
    }

    [Fact]
    public async Task HashWrittenByMosquittoPasswd_IsVerifiedByOurCode()
    {
        using var temp = new Edge.TestKit.TempDirectory("edge-passwd");
        string file = temp.File("passwd");

        var created = await Tool.RunAsync("mosquitto_passwd", "-c", "-b", file, "nurse", "Pa55-word:with$signs");
        Assert.True(created.ExitCode == 0, created.Output);
        string line = File.ReadAllLines(file).Single();
        string hash = line["nurse:".Length..];

        Assert.StartsWith("nurse:$7$", line, StringComparison.Ordinal);
        Assert.True(MosquittoPasswordHash.Verify("Pa55-word:with$signs", hash));
        Assert.False(MosquittoPasswordHash.Verify("Pa55-word:with$sign", hash));
    }
}
