using System.Security.Cryptography;
using System.Text;
using Edge.Site;

namespace Edge.Provisioning.Crypto;

/// <summary>Random secrets and the technician's claim code.</summary>
public static class Secrets
{
    /// <summary>
    /// A random MQTT password: 18 bytes (144 bits) as unpadded base64url, 24 characters of
    /// A–Z a–z 0–9 '-' '_' (safe in key=value files, shells and URLs).
    /// </summary>
    public static string NewMqttPassword() => Base64Url(RandomNumberGenerator.GetBytes(18));

    /// <summary>
    /// A short code for the technician's records, e.g. <c>K7QD-M2XA</c>: the first 40 bits of
    /// SHA-256 over the site, device, user name and password, in RFC 4648 base32. It identifies one
    /// issued credential (it changes on replace) without revealing it: 40 bits of a hash of a 144-bit
    /// random password say nothing usable about the password.
    /// </summary>
    public static string ClaimCode(string site, string deviceId, string username, string password)
    {
        byte[] digest = SHA256.HashData(Encoding.UTF8.GetBytes($"edge-claim-v1\n{site}\n{deviceId}\n{username}\n{password}"));
        string code = Base32.Encode(digest.AsSpan(0, 5));
        return code[..4] + "-" + code[4..];
    }

    /// <summary>Unpadded base64url (RFC 4648 §5).</summary>
    public static string Base64Url(ReadOnlySpan<byte> bytes)
    {
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
