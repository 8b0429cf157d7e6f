using Edge.Gateway.Registry;
using Microsoft.Extensions.Configuration;

namespace Edge.Gateway.Tests.Registry;

public class SiteIdentityTests
{
    private static SiteIdentity From(params (string Key, string? Value)[] settings) =>
        SiteIdentity.From(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, s.Value))).Build());

    [Fact]
    public void From_IngestSiteIdSet_IsThatSite()
    {
        var site = From(("Ingest:SiteId", "oakhouse"), ("Site:Id", "elsewhere"));

        Assert.Equal("oakhouse", site.Id);
        Assert.True(site.IsKnown);
    }

    [Fact]
    public void From_OnlyTheProvisionedSiteId_IsThatSite()
    {
        Assert.Equal("oakhouse", From(("Site:Id", "oakhouse")).Id);
        Assert.Equal("oakhouse", From(("Ingest:SiteId", ""), ("Site:Id", "oakhouse")).Id);
    }

    [Fact]
    public void From_Neither_IsUnknown_NoBuiltInSite()
    {
        var site = From();

        Assert.Equal("", site.Id);
        Assert.False(site.IsKnown);
    }
}
