using Edge.Protocol;
using Edge.Site.Inventory;
using Edge.TestKit;

namespace Edge.Provisioning.Tests.Cli;

public sealed class SiteProvisionerTests : IDisposable
{
    private readonly TempDirectory _temp = new("edge-provisioner");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void AddDevices_Bulk_RegistersAllWithOneUniqueCredentialEach()
    {
        string dir = _temp.File("site");
        Assert.Equal(0, Cli.InitSite(dir).ExitCode);
        var provisioner = new SiteProvisioner(dir, TimeProvider.System);

        IReadOnlyList<IssuedDevice> issued = provisioner.AddDevices(
            [.. Enumerable.Range(1, 20).Select(i => new NewDevice($"sim-{i:D3}", $"Resident {i}", $"{i}", "north", DeviceMode.Streaming))]);

        Assert.Equal(20, issued.Select(d => d.Username).Distinct().Count());
        Assert.Equal(22, File.ReadAllLines(provisioner.Layout.PasswordFile).Length); // + gateway + the provisioning tool
        Assert.Equal(20, SiteInventoryJson.Load(provisioner.Layout.Inventory).ActiveDevices.Count());
    }

    [Fact]
    public void AddDevices_OneInvalidEntry_AddsNone()
    {
        string dir = _temp.File("site");
        Assert.Equal(0, Cli.InitSite(dir).ExitCode);
        var provisioner = new SiteProvisioner(dir, TimeProvider.System);
        string passwdBefore = File.ReadAllText(provisioner.Layout.PasswordFile);

        Assert.Throws<ProvisioningException>(() => provisioner.AddDevices(
        [
            new NewDevice("ok-1", "A", "1", null, DeviceMode.Triggered),
            new NewDevice("bad/id", "B", "2", null, DeviceMode.Triggered),
        ]));

        Assert.Equal(passwdBefore, File.ReadAllText(provisioner.Layout.PasswordFile));
        Assert.Empty(SiteInventoryJson.Load(provisioner.Layout.Inventory).Devices);
        Assert.False(File.Exists(provisioner.Layout.DeviceConfig("ok-1")));
    }
}
