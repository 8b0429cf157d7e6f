using Edge.Cloud.Api.Security;

namespace Edge.Cloud.Tests.Security;

public sealed class SecurityTests
{
    [Fact]
    public void PasswordHash_VerifiesOnlyTheRightPassword()
    {
        var hash = PasswordHasher.Hash("correct horse", 1000);

        Assert.StartsWith("pbkdf2-sha256$1000$", hash, StringComparison.Ordinal);
        Assert.True(PasswordHasher.Verify("correct horse", hash));
        Assert.False(PasswordHasher.Verify("correct horsE", hash));
        Assert.False(PasswordHasher.Verify("correct horse", null));
        Assert.False(PasswordHasher.Verify("x", "garbage"));
    }

    [Fact]
    public void PasswordHash_SamePasswordTwice_DifferentSalt() =>
        Assert.NotEqual(PasswordHasher.Hash("p", 1000), PasswordHasher.Hash("p", 1000));

    [Fact]
    public void GatewayKey_Has256BitsAndMatchesOnlyItsHash()
    {
        var key = Secrets.NewGatewayKey();
        var other = Secrets.NewGatewayKey();

        Assert.StartsWith(Secrets.GatewayKeyPrefix, key, StringComparison.Ordinal);
        Assert.Equal(Secrets.GatewayKeyPrefix.Length + 43, key.Length); // 32 bytes in base64url
        Assert.NotEqual(key, other);
        Assert.True(Secrets.Matches(key, Secrets.Hash(key)));
        Assert.False(Secrets.Matches(other, Secrets.Hash(key)));
    }
}
