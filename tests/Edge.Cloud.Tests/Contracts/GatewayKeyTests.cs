using Edge.Cloud.Contracts;

namespace Edge.Cloud.Tests.Contracts;

/// <summary>The gateway key's one format, made and checked by the cloud and by edge provision alike.</summary>
public sealed class GatewayKeyTests
{
    [Fact]
    public void New_Has256RandomBits_AndIsWellFormed()
    {
        var a = GatewayKey.New();
        var b = GatewayKey.New();

        Assert.Matches("^edgegw_[A-Za-z0-9_-]{43}$", a);
        Assert.NotEqual(a, b);
        Assert.True(GatewayKey.IsWellFormed(a));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("edgegw_short")]
    [InlineData("edgeusr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("edgegw_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("edgegw_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("edgegw_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("edgegw_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")]
    public void IsWellFormed_AnythingElse_IsFalse(string? key)
    {
        Assert.False(GatewayKey.IsWellFormed(key));
    }
}
