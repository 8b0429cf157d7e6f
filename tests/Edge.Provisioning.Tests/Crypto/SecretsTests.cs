using System.Text;
using Edge.Provisioning.Crypto;
using Edge.Site;

namespace Edge.Provisioning.Tests.Crypto;

public sealed class SecretsTests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("f", "MY")]
    [InlineData("fo", "MZXQ")]
    [InlineData("foo", "MZXW6")]
    [InlineData("foob", "MZXW6YQ")]
    [InlineData("fooba", "MZXW6YTB")]
    [InlineData("foobar", "MZXW6YTBOI")]
    public void Base32_Rfc4648Vectors_MatchWithoutPadding(string input, string expected)
    {
        Assert.Equal(expected, Base32.Encode(Encoding.ASCII.GetBytes(input)));
    }

    [Fact]
    public void NewMqttPassword_IsLongRandomAndSafeInConfigFiles()
    {
        var seen = new HashSet<string>();
        for (int i = 0; i < 1000; i++)
        {
            string p = Secrets.NewMqttPassword();
            Assert.Equal(24, p.Length);
            Assert.All(p, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_', $"unexpected '{c}'"));
            Assert.True(seen.Add(p));
        }
    }

    [Fact]
    public void ClaimCode_IsShortStableAndChangesWithTheCredential()
    {
        string a = Secrets.ClaimCode("oak", "dev-01", "dev-01.1", "pw-one");

        Assert.Matches("^[A-Z2-7]{4}-[A-Z2-7]{4}$", a);
        Assert.Equal(a, Secrets.ClaimCode("oak", "dev-01", "dev-01.1", "pw-one"));
        Assert.NotEqual(a, Secrets.ClaimCode("oak", "dev-01", "dev-01.1", "pw-two"));
        Assert.NotEqual(a, Secrets.ClaimCode("oak", "dev-01", "dev-01.2", "pw-one"));
    }
}
