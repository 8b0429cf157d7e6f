using System.Text.RegularExpressions;
using Edge.Provisioning.Crypto;

namespace Edge.Provisioning.Tests.Crypto;

public sealed partial class MosquittoPasswordHashTests
{
    // Written by mosquitto_passwd 2.0.11 (Debian 12): mosquitto_passwd -c -b pw alice s3cret
    private const string MosquittoPasswdAliceS3cret =
        "$7$101$gU5/lEcDFbLRxxZ4$AaFhcu+y6bPBQj+kdsQvdT1MsiKvTanqTVSIXIN/1e3prPoOXIIxI2/Gd6d9dzfiyYbrYx70BtgHFQ2FC/LEvg==";

    // Written by mosquitto_passwd 2.0.11 with -I 50000: mosquitto_passwd -b -I 50000 pw bob x
    private const string MosquittoPasswdBobX50000 =
        "$7$50000$lcBgMxaOb/rtk6kW$Ji4WsllRPxbFqHw4pNbWRHiW5ZfQhIuAljS/UFtzUKOVkCrrYMCkySS+O1HGeLqisSlftGu2Oy7oTcyiqaDuKQ==";

    [GeneratedRegex(@"^\$7\$10000\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$")]
    private static partial Regex MosquittoFormat();

    [Fact]
    public void Verify_HashWrittenByMosquittoPasswd_Matches()
    {
        Assert.True(MosquittoPasswordHash.Verify("s3cret", MosquittoPasswdAliceS3cret));
        Assert.True(MosquittoPasswordHash.Verify("x", MosquittoPasswdBobX50000));
    }

    [Fact]
    public void Verify_WrongPasswordAgainstMosquittoPasswdHash_Fails()
    {
        Assert.False(MosquittoPasswordHash.Verify("s3cret!", MosquittoPasswdAliceS3cret));
        Assert.False(MosquittoPasswordHash.Verify("", MosquittoPasswdAliceS3cret));
    }

    [Fact]
    public void Create_WithMosquittosSaltAndIterations_ReproducesMosquittoPasswdHashExactly()
    {
        Assert.True(MosquittoPasswordHash.TryParse(MosquittoPasswdAliceS3cret, out int iterations, out byte[] salt, out _));

        Assert.Equal(MosquittoPasswdAliceS3cret, MosquittoPasswordHash.Create("s3cret", iterations, salt));
    }

    [Fact]
    public void Create_Default_HasMosquitto20LayoutWith12ByteSaltAnd64ByteHash()
    {
        string hash = MosquittoPasswordHash.Create("some password");

        Assert.Matches(MosquittoFormat(), hash);
        Assert.True(MosquittoPasswordHash.Verify("some password", hash));
        Assert.False(MosquittoPasswordHash.Verify("some passwore", hash));
    }

    [Fact]
    public void Create_SamePasswordTwice_UsesDifferentSalts()
    {
        Assert.NotEqual(MosquittoPasswordHash.Create("same"), MosquittoPasswordHash.Create("same"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("$6$abc$def")]
    [InlineData("$7$x$gU5/lEcDFbLRxxZ4$AaFh")]
    [InlineData("$7$101$not base64!$AaFh")]
    [InlineData("$7$101$gU5/lEcDFbLRxxZ4$QUJD")]
    [InlineData("$7$0$gU5/lEcDFbLRxxZ4$AaFhcu+y6bPBQj+kdsQvdT1MsiKvTanqTVSIXIN/1e3prPoOXIIxI2/Gd6d9dzfiyYbrYx70BtgHFQ2FC/LEvg==")]
    public void Verify_MalformedHash_ReturnsFalse(string encoded)
    {
        Assert.False(MosquittoPasswordHash.Verify("s3cret", encoded));
    }
}
