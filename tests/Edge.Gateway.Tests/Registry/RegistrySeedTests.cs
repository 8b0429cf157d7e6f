using Edge.Cloud.Contracts;
using Edge.Gateway.Registry;
using Edge.Protocol;
using Edge.Provisioning;
using Edge.Site.Staff;
using Edge.TestKit;
using Microsoft.Extensions.Configuration;

namespace Edge.Gateway.Tests.Registry;

public class RegistrySeedTests
{
    [Fact]
    public void FromInventory_ProvisionedSite_ResidentsRoomsUnitsSensorsInServiceAndEnabledStaff()
    {
        using var dir = new TempDirectory("edge-seed");
        var site = Provision(dir);

        var seed = RegistrySeed.Load(Config(site.Layout.Inventory, site.Layout.StaffStore));

        Assert.NotNull(seed);
        Assert.Empty(seed.Validate());
        Assert.Equal("oak", seed.Site.Id);
        Assert.Equal(["Rowan", "Willow"], seed.Units.Select(u => u.Id).Order());
        Assert.Equal(["101", "201"], seed.Rooms.Select(r => r.Id).Order());
        var ada = Assert.Single(seed.Residents, r => r.Name == "Ada Byrne");
        Assert.Equal("101", ada.Room);
        // dev-b was retired: its resident stays, no sensor of theirs is in service.
        var device = Assert.Single(seed.Devices);
        Assert.Equal("dev-a", device.Id);
        Assert.Equal(ada.Id, device.Resident);
        // 'nina' was disabled: only the administrator and 'sam' can act on incidents.
        Assert.Equal(["admin", "sam"], seed.Staff.Select(s => s.Id).Order());
        Assert.Equal("administrator", Assert.Single(seed.Staff, s => s.Id == "admin").Role);
    }

    [Fact]
    public void Load_SeedFileAndInventory_TheSeedFileWins()
    {
        using var dir = new TempDirectory("edge-seed");
        var site = Provision(dir);
        var file = dir.File("hand-written.json");
        File.WriteAllText(file, """{ "site": { "id": "elm", "name": "Elm" } }""");
        var config = Config(site.Layout.Inventory, null, file);

        Assert.Equal("elm", RegistrySeed.Load(config)!.Site.Id);
    }

    [Fact]
    public void Load_InventoryMissing_ClearErrorNamingTheFile()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}", "site.json");

        var e = Assert.Throws<InvalidDataException>(() => RegistrySeed.Load(Config(missing, null)));

        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NothingConfigured_Null() => Assert.Null(RegistrySeed.Load(Config(null, null)));

    private static SiteProvisioner Provision(TempDirectory dir)
    {
        var site = new SiteProvisioner(dir.File("site"), TimeProvider.System);
        site.InitSite(new InitSiteRequest
        {
            SiteId = "oak",
            GatewayHosts = ["127.0.0.1"],
            AdminUsername = "admin",
            AdminPassword = "Tulip-Kettle-93-north",
            WifiSsid = "sensors",
            WifiPassword = "a long wifi passphrase",
        });
        site.AddDevice("dev-a", "Ada Byrne", "101", "Rowan", DeviceMode.Streaming);
        site.AddDevice("dev-b", "Bill Carter", "201", "Willow", DeviceMode.Streaming);
        site.RetireDevice("dev-b");
        var staff = StaffStore.Load(site.Layout.StaffStore);
        staff.Accounts.Add(new StaffAccount { Username = "sam", PasswordHash = PasswordHash.Create("sam's long password", 1000) });
        staff.Accounts.Add(new StaffAccount { Username = "nina", PasswordHash = PasswordHash.Create("nina's long password", 1000), Enabled = false });
        File.WriteAllText(site.Layout.StaffStore, staff.ToJson());
        return site;
    }

    private static IConfiguration Config(string? inventory, string? staff, string? seedFile = null) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Site:Inventory"] = inventory,
            ["Site:StaffStore"] = staff,
            ["Registry:SeedFile"] = seedFile,
        }).Build();
}
