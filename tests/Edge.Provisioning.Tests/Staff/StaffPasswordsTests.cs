using Edge.Site.Staff;

namespace Edge.Provisioning.Tests.Staff;

/// <summary>The staff store's password rules (Edge.Site); the hashing is Edge.Cloud.Contracts.PasswordHash (Edge.Cloud.Tests).</summary>
public sealed class StaffPasswordsTests
{
    [Theory]
    [InlineData("short1!", "alice")]
    [InlineData("alice-is-my-password", "alice")]
    [InlineData("aaaaaaaaaaaaaaaa", "bob")]
    public void Weakness_PoorPasswords_AreExplained(string password, string user)
    {
        Assert.NotNull(StaffPasswords.Weakness(password, user));
    }

    [Fact]
    public void Weakness_LongVariedPassword_IsAccepted()
    {
        Assert.Null(StaffPasswords.Weakness("tulip-Kettle-93-north", "alice"));
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
        Assert.Contains("common", StaffPasswords.Weakness(password, "alice") ?? "", StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Night-Nurse-Pass-8")]
    [InlineData("Second-Admin-Pass-5")]
    [InlineData("Another-Good-Pass-9")]
    [InlineData("marmalade on toast at 7")]
    [InlineData("Kettle-Tulip-North-93")]
    public void Weakness_LongPasswordsThatOnlyContainACommonWord_AreAccepted(string password)
    {
        Assert.Null(StaffPasswords.Weakness(password, "alice"));
    }
}
