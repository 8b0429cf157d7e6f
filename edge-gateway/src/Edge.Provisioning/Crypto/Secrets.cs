using System.Security.Cryptography;
using System.Text;

namespace Edge.Provisioning.Crypto;

/// <summary>Random secrets and the technician's claim code.</summary>
public static class Secrets
{
    /// <summary>
    /// A random MQTT password: 18 bytes (144 bits) as unpadded base64url, 24 characters of
    /// A–Z a–z 0–9 '-' '_' (safe in key=value files, shells and URLs).
    /// </summary>
    public static string NewMqttPassword() => Base64Url(RandomNumberGenerator.GetBytes(18));

    /// <summary>Prefix of cloud gateway keys (the cloud's own format, Edge.Cloud.Api.Security.Secrets).</summary>
    public const string CloudKeyPrefix = "edgegw_";

    /// <summary>A random cloud gateway key in the cloud's format: "edgegw_" + 32 random bytes as unpadded base64url.</summary>
    public static string NewCloudKey() => CloudKeyPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>True for a key in the cloud's format (prefix and 43 base64url characters).</summary>
    public static bool IsCloudKey(string? key) =>
        key is not null && key.Length == CloudKeyPrefix.Length + 43 && key.StartsWith(CloudKeyPrefix, StringComparison.Ordinal)
        && key[CloudKeyPrefix.Length..].All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>
    /// A short code for the technician's records, e.g. <c>K7QD-M2XA</c>: the first 40 bits of
    /// SHA-256 over the site, device, user name and password, in RFC 4648 base32. It identifies one
    /// issued credential (it changes on replace) without revealing it: 40 bits of a hash of a 144-bit
    /// random password say nothing usable about the password.
    /// </summary>
    public static string ClaimCode(string site, string deviceId, string username, string password)
    {
        byte[] digest = SHA256.HashData(Encoding.UTF8.GetBytes($"edge-claim-v1\n{site}\n{deviceId}\n{username}\n{password}"));
        string code = Base32(digest.AsSpan(0, 5));
        return code[..4] + "-" + code[4..];
    }

    /// <summary>Unpadded base64url (RFC 4648 §5).</summary>
    public static string Base64Url(ReadOnlySpan<byte> bytes)
    {
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>RFC 4648 base32 without padding.</summary>
    public static string Base32(ReadOnlySpan<byte> bytes)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var sb = new StringBuilder((bytes.Length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        foreach (byte b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                sb.Append(Alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            sb.Append(Alphabet[(buffer << (5 - bits)) & 31]);
        }

        return sb.ToString();
    }
}
