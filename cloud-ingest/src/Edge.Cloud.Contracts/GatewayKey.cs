using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;

namespace Edge.Cloud.Contracts;

/// <summary>
/// The key a gateway authenticates to the cloud with (<c>Authorization: Bearer edgegw_...</c>): "edgegw_" and 32
/// random bytes as unpadded base64url, 43 characters. The cloud issues one (<c>admin create-gateway</c>) or takes one
/// made on site (<c>edge provision init site</c> / <c>cloud-key</c>, then <c>admin rotate-gateway-key --key-file</c>);
/// both sides make and check it here. The cloud stores only its SHA-256 (256 random bits: nothing to guess).
/// </summary>
public static class GatewayKey
{
    private static readonly SearchValues<char> Base64UrlCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    /// <summary>What every gateway key starts with (and what tells it from a user's API token).</summary>
    public const string Prefix = "edgegw_";

    /// <summary>Characters after the prefix: 32 bytes in unpadded base64url.</summary>
    public const int RandomCharacters = 43;

    /// <summary>A new random key.</summary>
    public static string New() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>True for a key in this format (the prefix and 43 base64url characters).</summary>
    public static bool IsWellFormed(string? key) =>
        key is not null && key.Length == Prefix.Length + RandomCharacters && key.StartsWith(Prefix, StringComparison.Ordinal)
        && !key.AsSpan(Prefix.Length).ContainsAnyExcept(Base64UrlCharacters);
}
