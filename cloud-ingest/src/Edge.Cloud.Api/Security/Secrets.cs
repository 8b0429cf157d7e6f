using System.Security.Cryptography;
using System.Text;

namespace Edge.Cloud.Api.Security;

/// <summary>
/// Gateway keys (their format: <see cref="Edge.Cloud.Contracts.GatewayKey"/>) and user API tokens: 32 random bytes,
/// base64url, with a prefix that says what they are.
/// Only the SHA-256 of a key is stored. A plain hash (no salt, no stretching) is enough because the
/// key has 256 bits of entropy: there is nothing to guess.
/// </summary>
public static class Secrets
{
    public const string UserTokenPrefix = "edgeusr_";

    public static string NewUserToken() => UserTokenPrefix + RandomBase64Url(32);

    /// <summary>A random password for a new user, shown once.</summary>
    public static string NewPassword() => RandomBase64Url(18);

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>A dashboard session id (kept in the protected cookie; only its hash is stored).</summary>
    public static string NewSessionId() => RandomBase64Url(32);

    /// <summary>
    /// The public name of a key or token: the first 6 bytes of its SHA-256, in hex. Administrators list and
    /// revoke keys by this id; it reveals nothing about the key (the key has 256 random bits).
    /// </summary>
    public static string KeyId(byte[] hash) => Convert.ToHexStringLower(hash.AsSpan(0, 6));

    /// <summary>Compares a presented key's hash with the stored one in constant time.</summary>
    public static bool Matches(string presented, byte[] storedHash) =>
        CryptographicOperations.FixedTimeEquals(Hash(presented), storedHash);

    private static string RandomBase64Url(int bytes) =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
