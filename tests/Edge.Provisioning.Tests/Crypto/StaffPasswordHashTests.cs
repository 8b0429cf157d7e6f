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
    [InlineData("Password1234")]
    [InlineData("P@ssw0rd-2024")]
    [InlineData("password!!!!")]
    [InlineData("Summer2025!!")]
    [InlineData("Welcome12345")]
    [InlineData("@dministrator1")]
    [InlineData("qwertyuiop12")]
    [InlineData("1qaz2wsx3edc")]
    [InlineData("123456789012")]
    [InlineData("abcdefghijklm")]
    [InlineData("Carehome2024!")]
    [InlineData("1loveyou2024")]
    [InlineData("correct horse battery staple")]
    [InlineData("abcdeabcdeab")]
    [InlineData("LETMEIN-2024")]
    public void Weakness_CommonPasswordsAndTheirDecoratedForms_AreRefused(string password)
    {
        Assert.Contains("common", StaffPasswordHash.Weakness(password, "alice") ?? "", StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Night-Nurse-Pass-8")]
    [InlineData("Second-Admin-Pass-5")]
    [InlineData("Another-Good-Pass-9")]
    [InlineData("marmalade on toast at 7")]
    [InlineData("Kettle-Tulip-North-93")]
    public void Weakness_LongPasswordsThatOnlyContainACommonWord_AreAccepted(string password)
    {
        Assert.Null(StaffPasswordHash.Weakness(password, "alice"));
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
