using Edge.Provisioning.Crypto;

namespace Edge.Provisioning.Tests.Crypto;

public sealed class StaffPasswordHashTests
{
    [Fact]
    public void Create_ThenVerify_AcceptsOnlyTheSamePassword()
    {
        string hash = StaffPasswordHash.Create("Correct-Horse-42", iterations: 1000);

        Assert.True(StaffPasswordHash.Verify("Correct-Horse-42", hash));
        Assert.False(StaffPasswordHash.Verify("correct-Horse-42", hash));
        Assert.False(StaffPasswordHash.Verify("", hash));
    }

    [Fact]
    public void Create_Default_RecordsTheHighIterationCountAndASalt()
    {
        string a = StaffPasswordHash.Create("Correct-Horse-42");
        string b = StaffPasswordHash.Create("Correct-Horse-42");

        Assert.StartsWith("$pbkdf2-sha256$i=600000$", a, StringComparison.Ordinal);
        Assert.NotEqual(a, b);
        Assert.False(StaffPasswordHash.NeedsRehash(a));
        Assert.True(StaffPasswordHash.NeedsRehash(StaffPasswordHash.Create("Correct-Horse-42", iterations: 1000)));
    }

    [Theory]
    [InlineData("short1!", "alice")]
    [InlineData("alice-is-my-password", "alice")]
    [InlineData("aaaaaaaaaaaaaaaa", "bob")]
    public void Weakness_PoorPasswords_AreExplained(string password, string user)
    {
        Assert.NotNull(StaffPasswordHash.Weakness(password, user));
    }

    [Fact]
    public void Weakness_LongVariedPassword_IsAccepted()
    {
        Assert.Null(StaffPasswordHash.Weakness("tulip-Kettle-93-north", "alice"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("$pbkdf2-sha256$i=abc$AAAA$BBBB")]
    [InlineData("$7$101$gU5/lEcDFbLRxxZ4$AaFh")]
    public void Verify_MalformedHash_ReturnsFalse(string encoded)
    {
        Assert.False(StaffPasswordHash.Verify("whatever", encoded));
    }
}
