using Edge.Provisioning.Broker;
using Edge.Provisioning.Files;
using Edge.Site.Inventory;

namespace Edge.Provisioning.Tests.Broker;

public sealed class MosquittoFilesTests
{
    private static SiteInventory Inventory()
    {
        var inventory = new SiteInventory
        {
            SiteId = "oak",
            GatewayHosts = ["127.0.0.1"],
            Gateway = new CredentialRecord { Username = "gateway.oak", PasswordHash = "$7$10000$GW$HASH" },
        };
        inventory.Devices.Add(new DeviceRecord { Id = "dev-a", Generation = 1, Credential = new() { Username = "dev-a.1", PasswordHash = "$7$1$A$A" } });
        inventory.Devices.Add(new DeviceRecord { Id = "dev-b", Generation = 3, Credential = new() { Username = "dev-b.3", PasswordHash = "$7$1$B$B" } });
        inventory.Devices.Add(new DeviceRecord { Id = "dev-old", Status = DeviceState.Retired, Credential = new() { Username = "dev-old.1", PasswordHash = "" } });
        return inventory;
    }

    [Fact]
    public void RenderAcl_Device_MayWriteOnlyItsThreeTopicsAndReadOnlyItsConfig()
    {
        string[] lines = MosquittoFiles.RenderAcl(Inventory()).Split('\n');

        int start = Array.IndexOf(lines, "user dev-a.1");
        Assert.True(start >= 0);
        string[] section = lines.Skip(start + 1).TakeWhile(l => l.Length > 0).ToArray();
        Assert.Equal(
            [
                "topic write care/oak/sensors/dev-a/accel",
                "topic write care/oak/sensors/dev-a/status",
                "topic write care/oak/sensors/dev-a/event",
                "topic read care/oak/sensors/dev-a/config",
            ],
            section);
    }

    [Fact]
    public void RenderAcl_Gateway_ReadsItsSiteAndTheDropCounter_WritesConfig_MayWriteAccelAndEventToDeleteRetainedReplays_AndOwnsItsProbe()
    {
        string[] lines = MosquittoFiles.RenderAcl(Inventory()).Split('\n');

        int start = Array.IndexOf(lines, "user gateway.oak");
        string[] section = lines.Skip(start + 1).TakeWhile(l => l.Length > 0).ToArray();
        Assert.Equal(
            [
                "topic read care/oak/sensors/#",
                "topic write care/oak/sensors/+/accel",
                "topic write care/oak/sensors/+/event",
                "topic write care/oak/sensors/+/config",
                "topic read $SYS/broker/publish/messages/dropped",
                "topic readwrite care/oak/gateway/probe",
            ],
            section);
        Assert.Single(lines, l => l.Contains("$SYS", StringComparison.Ordinal) && !l.StartsWith('#'));
        Assert.DoesNotContain(lines, l => l.StartsWith("pattern", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains("readwrite", StringComparison.Ordinal) && !l.StartsWith('#')); // the probe only
        Assert.DoesNotContain("provision.", string.Join('\n', lines), StringComparison.Ordinal); // none on this (older) inventory
    }

    [Fact]
    public void RenderAclAndPasswords_Provisioner_WritesDeviceTopicsOnly_ReadsNothing()
    {
        SiteInventory inventory = Inventory();
        inventory.Provisioner = new CredentialRecord { Username = "provision.oak", PasswordHash = "$7$10000$P$HASH" };

        string[] lines = MosquittoFiles.RenderAcl(inventory).Split('\n');
        string passwd = MosquittoFiles.RenderPasswordFile(inventory);

        int start = Array.IndexOf(lines, "user provision.oak");
        string[] section = lines.Skip(start + 1).TakeWhile(l => l.Length > 0).ToArray();
        Assert.Equal(
            [
                "topic write care/oak/sensors/+/accel",
                "topic write care/oak/sensors/+/status",
                "topic write care/oak/sensors/+/event",
                "topic write care/oak/sensors/+/config",
            ],
            section);
        Assert.Contains("provision.oak:$7$10000$P$HASH\n", passwd, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderPasswordAndAcl_RetiredDevice_IsAbsent()
    {
        SiteInventory inventory = Inventory();

        string passwd = MosquittoFiles.RenderPasswordFile(inventory);
        string acl = MosquittoFiles.RenderAcl(inventory);

        Assert.Equal("gateway.oak:$7$10000$GW$HASH\ndev-a.1:$7$1$A$A\ndev-b.3:$7$1$B$B\n", passwd);
        Assert.DoesNotContain("dev-old", acl, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderConfig_IsTlsOnlyAuthenticatedPersistentAndBounded()
    {
        SiteInventory inventory = Inventory();
        inventory.Broker.Port = 8883;
        var layout = new SiteLayout("/srv/edge/oak");

        string[] lines = MosquittoFiles.RenderConfig(inventory, layout, DateTimeOffset.UnixEpoch).Split('\n');

        Assert.Contains("allow_anonymous false", lines);
        Assert.Contains("persistence true", lines);
        Assert.Contains("password_file /srv/edge/oak/broker/passwd", lines);
        Assert.Contains("acl_file /srv/edge/oak/broker/acl", lines);
        Assert.Contains("tls_version tlsv1.2", lines);
        Assert.Contains("use_username_as_clientid true", lines);
        Assert.Contains("max_queued_messages 33000", lines);
        Assert.Contains("listener 8883", lines);
        Assert.Single(lines, l => l.StartsWith("listener", StringComparison.Ordinal));
        Assert.Contains("certfile /srv/edge/oak/broker/server.crt", lines);
        Assert.Contains("check_retain_source true", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("retain_available", StringComparison.Ordinal)); // status and config need retain
    }

    [Fact]
    public void MaxQueuedMessages_GrowsWithRegisteredDevicesBeyondThePlan()
    {
        SiteInventory inventory = Inventory();
        inventory.Broker.ExpectedDevices = 1;
        Assert.Equal(1320, MosquittoFiles.MaxQueuedMessages(inventory)); // 2 active x 1.1 msg/s x 600 s

        inventory.Broker.ExpectedDevices = 100;
        Assert.Equal(66000, MosquittoFiles.MaxQueuedMessages(inventory));
        Assert.Equal(66000L * 1600, MosquittoFiles.MaxQueuedBytes(inventory));
    }
}
