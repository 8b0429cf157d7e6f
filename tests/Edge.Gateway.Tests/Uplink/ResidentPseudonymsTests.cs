using Edge.Gateway.Storage;
using Edge.Gateway.Uplink;
using Edge.TestKit;
using Edge.Uplink;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Tests.Uplink;

public sealed class ResidentPseudonymsTests
{
    private static readonly byte[] Key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    [Fact]
    public void Pseudonym_IsStablePerResidentAndSite_AndShowsNothingOfTheId()
    {
        var bob = ResidentPseudonyms.Pseudonym(Key, "oak", "bob-smith");

        Assert.Equal(bob, ResidentPseudonyms.Pseudonym(Key, "oak", "bob-smith"));
        Assert.Matches("^r-[a-z2-7]{20}$", bob);
        Assert.DoesNotContain("bob", bob, StringComparison.Ordinal);
        Assert.NotEqual(bob, ResidentPseudonyms.Pseudonym(Key, "oak", "mary-jones"));
        Assert.NotEqual(bob, ResidentPseudonyms.Pseudonym(Key, "elm", "bob-smith"));
        Assert.NotEqual(bob, ResidentPseudonyms.Pseudonym([.. Key.Reverse()], "oak", "bob-smith"));
    }

    [Fact]
    public async Task WithoutAConfiguredKey_TheGatewayMakesOne_AndKeepsItAcrossRestarts()
    {
        using var dir = new TempDirectory("edge-pseudonym");
        string first;
        {
            var pseudonyms = Create(dir.File("gateway.db"), key: null);
            await pseudonyms.StartAsync(CancellationToken.None);
            first = (await pseudonyms.ForAsync("bob-smith", null, CancellationToken.None))!;
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var restarted = Create(dir.File("gateway.db"), key: null);
        await restarted.StartAsync(CancellationToken.None);

        Assert.Equal(first, await restarted.ForAsync("bob-smith", null, CancellationToken.None));
        Assert.Null(await restarted.ForAsync(null, null, CancellationToken.None));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task AConfiguredKey_IsUsed()
    {
        using var dir = new TempDirectory("edge-pseudonym");
        var pseudonyms = Create(dir.File("gateway.db"), Convert.ToBase64String(Key));

        var reference = await pseudonyms.ForAsync("bob-smith", null, CancellationToken.None);

        Assert.Equal(ResidentPseudonyms.Pseudonym(Key, "site-1", "bob-smith"), reference);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    private static ResidentPseudonyms Create(string databasePath, string? key) => new(
        new GatewayDatabase(Options.Create(new StorageOptions { DatabasePath = databasePath }), NullLogger<GatewayDatabase>.Instance),
        Options.Create(new ResidentPseudonymOptions { ResidentPseudonymKey = key }),
        Options.Create(new UplinkOptions { SiteId = "site-1", GatewayId = "gw-1" }));
}
