using Edge.Gateway.Registry;
using Edge.TestKit;

namespace Edge.Gateway.Tests.Registry;

public class SiteFileTests
{
    [Fact]
    public void Load_BrokenReferences_ListsEveryProblem()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("site.json"), """
            {
              "site": { "id": "site1", "name": "Rose House" },
              "units": [ { "id": "u1", "name": "Ground" } ],
              "rooms": [ { "id": "r1", "unit": "u9", "name": "Room 1" } ],
              "residents": [ { "id": "res1", "name": "Alice", "room": "r7" } ],
              "devices": [ { "id": "dev/1", "resident": "res1" }, { "id": "dev2", "resident": "nobody" } ]
            }
            """);

        var e = Assert.Throws<InvalidDataException>(() => SiteFile.Load(dir.File("site.json")));

        Assert.Contains("unit 'u9'", e.Message, StringComparison.Ordinal);
        Assert.Contains("room 'r7'", e.Message, StringComparison.Ordinal);
        Assert.Contains("device id 'dev/1'", e.Message, StringComparison.Ordinal);
        Assert.Contains("resident 'nobody'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownProperty_IsRefused()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("site.json"), """{ "site": { "id": "s1", "name": "x" }, "resident": [] }""");

        Assert.Throws<InvalidDataException>(() => SiteFile.Load(dir.File("site.json")));
    }

    [Fact]
    public async Task ImportAsync_Twice_IsIdempotentAndDeactivatesRemovedDevices()
    {
        await using var gw = await TestGateway.CreateAsync();
        var site = TestGateway.Site();
        site.Devices.RemoveAt(2);

        await gw.Registry.ImportAsync(site, "test");
        await gw.Registry.ImportAsync(site, "test");

        Assert.Equal(2, gw.Registry.Assignments.Count);
        Assert.False(gw.Registry.TryGetAssignment("dev3", out _));
        Assert.True(gw.Registry.TryGetAssignment("dev1", out var a));
        Assert.Equal(("res1", "Alice", "Room 1", "u1"), (a.ResidentId, a.ResidentName, a.RoomName, a.UnitId));
    }
}
