using System.Runtime.Versioning;
using Edge.Mqtt;
using Edge.Mqtt.Broker;
using Edge.Protocol;
using Edge.Provisioning.Files;
using Edge.TestKit;

namespace Edge.Provisioning.IntegrationTests;

/// <summary>What each credential may publish and read, enforced by the real broker from the generated ACL.</summary>
[SupportedOSPlatform("linux")]
public sealed class AclEnforcementTests : IDisposable
{
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    private const string DropCounter = "$SYS/broker/publish/messages/dropped";

    private static string T(string device, TopicKind kind) => Topics.For("oak", device, kind);

    // The broker republishes its counters every sys_interval, so the drop counter may come again.
    private static void AssertOnlyDropCounter(List<MqttMessage> received) => Assert.All(received, m => Assert.Equal(DropCounter, m.Topic));

    [Fact]
    public async Task Device_PublishesOnItsOwnTopics_GatewayReceivesThem()
    {
        using StartedSite started = await ProvisionedSite.StartAsync(_env, "oak", "dev-a");
        (ProvisionedSite site, MosquittoProcess broker) = (started.Site, started.Broker);
        await using var gateway = await site.ConnectAsync(site.Gateway());
        await using var device = await site.ConnectAsync(site.Device("dev-a"));
        gateway.Subscribe("care/oak/sensors/#", MqttQos.AtLeastOnce);
        await Sync.MarkerAsync(gateway, T("dev-a", TopicKind.Config), gateway); // subscription active

        await Sync.PublishAsync(device, T("dev-a", TopicKind.Accel), "a");
        await Sync.PublishAsync(device, T("dev-a", TopicKind.Status), "s");
        List<MqttMessage> received = await Sync.MarkerAsync(device, T("dev-a", TopicKind.Event), gateway);

        Assert.Equal([T("dev-a", TopicKind.Accel), T("dev-a", TopicKind.Status)], received.Select(m => m.Topic));
    }

    [Fact]
    public async Task Device_PublishAsAnotherDeviceOrOnItsConfigTopic_IsDropped()
    {
        using StartedSite started = await ProvisionedSite.StartAsync(_env, "oak", "dev-a", "dev-b");
        (ProvisionedSite site, MosquittoProcess broker) = (started.Site, started.Broker);
        await using var gateway = await site.ConnectAsync(site.Gateway());
        await using var deviceA = await site.ConnectAsync(site.Device("dev-a"));
        gateway.Subscribe("care/oak/sensors/#", MqttQos.AtLeastOnce);
        await Sync.MarkerAsync(gateway, T("dev-a", TopicKind.Config), gateway);

        // A cloned or compromised dev-a pretends to be dev-b (a fall batch, a call button) and
        // tries to rewrite its own settings.
        await Sync.PublishAsync(deviceA, T("dev-b", TopicKind.Accel), "spoof");
        await Sync.PublishAsync(deviceA, T("dev-b", TopicKind.Event), "spoof");
        await Sync.PublishAsync(deviceA, T("dev-b", TopicKind.Status), "spoof");
        await Sync.PublishAsync(deviceA, T("dev-a", TopicKind.Config), "spoof");
        await Sync.PublishAsync(deviceA, "care/oak/sensors/dev-a/accel/extra", "spoof");
        List<MqttMessage> received = await Sync.MarkerAsync(deviceA, T("dev-a", TopicKind.Accel), gateway);

        Assert.Empty(received);
    }

    [Fact]
    public async Task Device_SubscriptionsBeyondItsConfigTopic_DeliverNothingElse()
    {
        using StartedSite started = await ProvisionedSite.StartAsync(_env, "oak", "dev-a", "dev-b");
        (ProvisionedSite site, MosquittoProcess broker) = (started.Site, started.Broker);
        await using var gateway = await site.ConnectAsync(site.Gateway());
        await using var deviceB = await site.ConnectAsync(site.Device("dev-b"));
        gateway.Subscribe("care/oak/sensors/#", MqttQos.AtLeastOnce);
        await Sync.MarkerAsync(gateway, T("dev-a", TopicKind.Config), gateway);
        await Sync.PublishAsync(gateway, T("dev-b", TopicKind.Config), "retained-config-b", retain: true);
        await Sync.PublishAsync(deviceB, T("dev-b", TopicKind.Status), "retained-status-b", retain: true);

        await using var deviceA = await site.ConnectAsync(site.Device("dev-a"));
        foreach (string filter in new[] { "#", "care/oak/sensors/#", "care/oak/sensors/dev-b/#", "care/oak/sensors/+/config", "care/+/sensors/+/accel", "$SYS/#" })
        {
            deviceA.Subscribe(filter, MqttQos.AtLeastOnce);
        }

        deviceA.Subscribe(T("dev-a", TopicKind.Config), MqttQos.AtLeastOnce);
        // dev-a's subscriptions are processed before its own later publish reaches the gateway.
        await Sync.MarkerAsync(deviceA, T("dev-a", TopicKind.Accel), gateway);
        await Sync.MarkerAsync(deviceB, T("dev-b", TopicKind.Accel), gateway);
        await Sync.PublishAsync(gateway, T("dev-b", TopicKind.Config), "config-b");
        List<MqttMessage> received = await Sync.MarkerAsync(gateway, T("dev-a", TopicKind.Config), deviceA);

        // Only its own config topic (the retained gateway marker, possibly once per matching filter).
        Assert.All(received, m => Assert.Equal(T("dev-a", TopicKind.Config), m.Topic));
    }

    [Fact]
    public async Task Gateway_ReadsEveryDeviceOfItsSite_NothingOfAnotherSite_AndOfSysOnlyTheDropCounter()
    {
        // Two sites' credentials on one broker (the oak config with the password file and ACL of both
        // sites merged into a temp folder): the nearest thing to "another site" a single broker has.
        using var oak = ProvisionedSite.Create(_env, "oak", "dev-a", "dev-b");
        using var elm = ProvisionedSite.Create(_env, "elm", "dev-e");
        string passwd = oak.TempPath("merged-passwd");
        string acl = oak.TempPath("merged-acl");
        string config = oak.TempPath("merged-mosquitto.conf");
        UnixAccount? brokerUser = UnixFiles.IsRoot ? UnixFiles.FindAccount("mosquitto") : null;
        UnixFiles.WriteText(passwd, File.ReadAllText(oak.Layout.PasswordFile) + File.ReadAllText(elm.Layout.PasswordFile), UnixFiles.Secret, brokerUser);
        UnixFiles.WriteText(acl, File.ReadAllText(oak.Layout.AclFile) + "\n" + File.ReadAllText(elm.Layout.AclFile), UnixFiles.Secret, brokerUser);
        File.WriteAllLines(config, File.ReadAllLines(oak.Layout.BrokerConfig).Select(l =>
            l.StartsWith("password_file ", StringComparison.Ordinal) ? "password_file " + passwd
            : l.StartsWith("acl_file ", StringComparison.Ordinal) ? "acl_file " + acl
            : l));
        using var broker = await MosquittoProcess.StartAsync(config);

        await using var oakGateway = await oak.ConnectAsync(oak.Gateway());
        await using var elmGateway = await oak.ConnectAsync(elm.Gateway());
        await using var oakA = await oak.ConnectAsync(oak.Device("dev-a"));
        await using var oakB = await oak.ConnectAsync(oak.Device("dev-b"));
        await using var elmE = await oak.ConnectAsync(elm.Device("dev-e"));
        foreach (string filter in new[] { "#", "care/+/sensors/#", "care/elm/sensors/#", "$SYS/#" })
        {
            oakGateway.Subscribe(filter, MqttQos.AtLeastOnce);
        }

        elmGateway.Subscribe("care/elm/sensors/#", MqttQos.AtLeastOnce);

        // Of $SYS the gateway gets exactly the broker's drop counter (retained, so at once), nothing else.
        List<MqttMessage> sys = await Sync.ReceiveUntilAsync(oakGateway, m => m.Topic == DropCounter);
        Assert.Empty(sys);
        AssertOnlyDropCounter(await Sync.MarkerAsync(oakGateway, T("dev-a", TopicKind.Config), oakGateway));
        Assert.Empty(await Sync.MarkerAsync(elmGateway, Topics.For("elm", "dev-e", TopicKind.Config), elmGateway));

        // Every oak device reaches the oak gateway (the marker is the device's own message).
        Assert.Empty(await Sync.MarkerAsync(oakA, T("dev-a", TopicKind.Accel), oakGateway));
        Assert.Empty(await Sync.MarkerAsync(oakB, T("dev-b", TopicKind.Status), oakGateway));

        // The elm device's message is really published (the elm gateway gets it) ...
        List<MqttMessage> elmSeen = await Sync.MarkerAsync(elmE, Topics.For("elm", "dev-e", TopicKind.Event), elmGateway);
        Assert.Empty(elmSeen);

        // ... but the oak gateway, subscribed to everything, sees nothing of elm and of $SYS only the drop counter.
        // It also cannot write another site's topics or a sensor's status. (It may write its own site's accel
        // and event topics, only to delete retained replays there: Mosquitto cannot refuse retain per topic.)
        await Sync.PublishAsync(oakGateway, Topics.For("elm", "dev-e", TopicKind.Config), "cross-site");
        await Sync.PublishAsync(oakGateway, Topics.For("elm", "dev-e", TopicKind.Event), "cross-site");
        await Sync.PublishAsync(oakGateway, T("dev-a", TopicKind.Status), "gateway-spoof");
        List<MqttMessage> afterward = await Sync.MarkerAsync(oakGateway, T("dev-b", TopicKind.Config), oakGateway);
        AssertOnlyDropCounter(afterward);
        List<MqttMessage> elmAfterward = await Sync.MarkerAsync(elmGateway, Topics.For("elm", "dev-e", TopicKind.Config), elmGateway);
        Assert.Empty(elmAfterward);
    }

    [Fact]
    public async Task Device_ClaimingAnotherDevicesClientId_DoesNotTakeOverItsSession()
    {
        using StartedSite started = await ProvisionedSite.StartAsync(_env, "oak", "dev-a", "dev-b");
        (ProvisionedSite site, MosquittoProcess broker) = (started.Site, started.Broker);
        await using var gateway = await site.ConnectAsync(site.Gateway());
        gateway.Subscribe("care/oak/sensors/#", MqttQos.AtLeastOnce);
        await Sync.MarkerAsync(gateway, T("dev-a", TopicKind.Config), gateway);
        Credentials b = site.Device("dev-b");
        await using var deviceB = await site.ConnectAsync(b, clientId: b.Username);
        int disconnects = 0;
        deviceB.ConnectionChanged += (_, e) =>
        {
            if (e.Kind == MqttConnectionEventKind.Disconnected)
            {
                Interlocked.Increment(ref disconnects);
            }
        };

        // dev-a connects claiming dev-b's client id; without use_username_as_clientid the broker
        // would disconnect dev-b (MQTT session takeover), silencing another resident's sensor.
        await using var deviceA = await site.ConnectAsync(site.Device("dev-a"), clientId: b.Username);
        await Sync.MarkerAsync(deviceA, T("dev-a", TopicKind.Accel), gateway);
        await Sync.MarkerAsync(deviceB, T("dev-b", TopicKind.Accel), gateway);

        Assert.Equal(0, Volatile.Read(ref disconnects));
        Assert.True(deviceB.IsConnected);
    }
}
