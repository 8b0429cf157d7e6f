using Edge.Cloud.Contracts;

namespace Edge.Cloud.Tests.Contracts;

/// <summary>
/// The one password hasher of the staff page and the cloud dashboard. The stored hashes below were written before the
/// two hashers became one (the staff store's form and the cloud's own form, checked against the old code when it was
/// replaced): every existing account must still sign in.
/// </summary>
public sealed class PasswordHashTests
{
    [Theory]
    [InlineData("correct horse battery staple", "$pbkdf2-sha256$i=600000$AAECAwQFBgcICQoLDA0ODw==$7xdxRO7JQgy8EJPSqLNEqSvFBtDU7JwCjdGfgyTYweY=")]
    [InlineData("Kensington-Ward-7", "$pbkdf2-sha256$i=1000$ZGVmZ2hpamtsbW5vcHFycw==$R6+ciX1HfB+Eenr47e47zTjcvDWNpddvVmOY291+MqM=")]
    [InlineData("correct horse battery staple", "pbkdf2-sha256$600000$AAECAwQFBgcICQoLDA0ODw==$7xdxRO7JQgy8EJPSqLNEqSvFBtDU7JwCjdGfgyTYweY=")]
    [InlineData("Kensington-Ward-7", "pbkdf2-sha256$1000$ZGVmZ2hpamtsbW5vcHFycw==$R6+ciX1HfB+Eenr47e47zTjcvDWNpddvVmOY291+MqM=")]
    public void Verify_HashesStoredBeforeTheMerge_StillVerify(string password, string stored)
    {
        Assert.True(PasswordHash.Verify(password, stored));
        Assert.False(PasswordHash.Verify(password + "!", stored));
        Assert.False(PasswordHash.Verify(password.ToUpperInvariant(), stored));
    }

    [Fact]
    public void Create_ThenVerify_AcceptsOnlyTheSamePassword()
    {
        var hash = PasswordHash.Create("Correct-Horse-42", iterations: 1000);

        Assert.StartsWith("$pbkdf2-sha256$i=1000$", hash, StringComparison.Ordinal);
        Assert.True(PasswordHash.Verify("Correct-Horse-42", hash));
        Assert.False(PasswordHash.Verify("correct-Horse-42", hash));
        Assert.False(PasswordHash.Verify("", hash));
    }

    [Fact]
    public void Create_Default_RecordsTheHighIterationCountAndAFreshSalt()
    {
        var a = PasswordHash.Create("Correct-Horse-42");
        var b = PasswordHash.Create("Correct-Horse-42");

        Assert.StartsWith("$pbkdf2-sha256$i=600000$", a, StringComparison.Ordinal);
        Assert.NotEqual(a, b);
        Assert.False(PasswordHash.NeedsRehash(a));
        Assert.True(PasswordHash.NeedsRehash(PasswordHash.Create("Correct-Horse-42", iterations: 1000)));
        Assert.True(PasswordHash.NeedsRehash("pbkdf2-sha256$600000$AAECAwQFBgcICQoLDA0ODw==$7xdxRO7JQgy8EJPSqLNEqSvFBtDU7JwCjdGfgyTYweY="));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("$pbkdf2-sha256$i=abc$AAAA$BBBB")]
    [InlineData("pbkdf2-sha256$0$AAECAwQFBgcICQoLDA0ODw==$7xdxRO7JQgy8EJPSqLNEqSvFBtDU7JwCjdGfgyTYweY=")]
    [InlineData("$7$101$gU5/lEcDFbLRxxZ4$AaFh")]
    public void Verify_NoOrMalformedHash_ReturnsFalse(string? stored)
    {
        Assert.False(PasswordHash.Verify("whatever", stored));
    }
}
