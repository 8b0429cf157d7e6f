using Edge.Cloud.Api.Admin;
using Edge.Cloud.Api.Security;
using Edge.Cloud.Contracts;

namespace Edge.Cloud.Tests.Security;

public sealed class SecurityTests
{
    [Fact]
    public void GatewayKey_Has256BitsAndMatchesOnlyItsHash()
    {
        var key = GatewayKey.New();
        var other = GatewayKey.New();

        Assert.StartsWith(GatewayKey.Prefix, key, StringComparison.Ordinal);
        Assert.Equal(GatewayKey.Prefix.Length + 43, key.Length); // 32 bytes in base64url
        Assert.NotEqual(key, other);
        Assert.True(Secrets.Matches(key, Secrets.Hash(key)));
        Assert.False(Secrets.Matches(other, Secrets.Hash(key)));
    }

    [Fact]
    public void KeyId_IsTwelveHexDigitsOfTheHash_AndDiffersPerKey()
    {
        var a = GatewayKey.New();
        var b = GatewayKey.New();

        var id = Secrets.KeyId(Secrets.Hash(a));

        Assert.Matches("^[0-9a-f]{12}$", id);
        Assert.Equal(id, Secrets.KeyId(Secrets.Hash(a)));
        Assert.NotEqual(id, Secrets.KeyId(Secrets.Hash(b)));
        Assert.DoesNotContain(id, a, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("90d", 90 * 24 * 60)]
    [InlineData("24h", 24 * 60)]
    [InlineData("30m", 30)]
    [InlineData("0s", 0)]
    [InlineData("1.12:00:00", 36 * 60)]
    public void ParseDuration_AcceptsUnitsAndTimeSpans(string text, int minutes) =>
        Assert.Equal(TimeSpan.FromMinutes(minutes), AdminCli.ParseDuration(text, "x"));

    [Theory]
    [InlineData("")]
    [InlineData("-1d")]
    [InlineData("tomorrow")]
    [InlineData("5y")]
    public void ParseDuration_RefusesWhatIsNotADuration(string text) =>
        Assert.Throws<ArgumentException>(() => AdminCli.ParseDuration(text, "x"));
}
