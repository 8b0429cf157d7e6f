using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Edge.Provisioning.Crypto;

/// <summary>
/// Password hashes for staff-page accounts: PBKDF2-HMAC-SHA256 with a 16-byte random salt, stored as
/// <c>$pbkdf2-sha256$i=&lt;iterations&gt;$&lt;base64 salt&gt;$&lt;base64 hash&gt;</c>. The gateway verifies
/// logins with <see cref="Verify"/>; the iteration count travels with the hash, so it can be raised
/// later and old hashes still verify (<see cref="NeedsRehash"/>).
/// </summary>
public static class StaffPasswordHash
{
    /// <summary>Format tag.</summary>
    public const string Tag = "$pbkdf2-sha256$i=";

    /// <summary>
    /// OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256. Staff passwords are chosen by people, so
    /// unlike the MQTT passwords the work factor matters here. One verification took 0.55 s on the
    /// 2-core x86_64 dev machine (more on a Pi); logins are rare, and the gateway must rate-limit them.
    /// </summary>
    public const int DefaultIterations = 600_000;

    /// <summary>Salt length in bytes.</summary>
    public const int SaltBytes = 16;

    /// <summary>Derived key length in bytes.</summary>
    public const int HashBytes = 32;

    /// <summary>Shortest staff password accepted (NIST SP 800-63B asks for at least 8; we ask 12).</summary>
    public const int MinimumLength = 12;

    /// <summary>Hashes <paramref name="password"/> with a fresh salt.</summary>
    public static string Create(string password, int iterations = DefaultIterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        byte[] salt = RandomNumberGenerator.GetBytes(SaltBytes);
        byte[] hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Create(CultureInfo.InvariantCulture, $"{Tag}{iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>True when the password matches the stored hash; false for a mismatch or a malformed hash.</summary>
    public static bool Verify(string password, string encoded)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (!TryParse(encoded, out int iterations, out byte[] salt, out byte[] expected))
        {
            return false;
        }

        byte[] actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>True when the stored hash uses fewer iterations than <see cref="DefaultIterations"/>.</summary>
    public static bool NeedsRehash(string encoded)
    {
        return !TryParse(encoded, out int iterations, out _, out _) || iterations < DefaultIterations;
    }

    /// <summary>
    /// Why <paramref name="password"/> is unacceptable for <paramref name="username"/>, or null when it is
    /// acceptable. There is never a default password: the technician or staff member sets it.
    /// </summary>
    public static string? Weakness(string password, string username)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (password.Length < MinimumLength)
        {
            return $"the password must be at least {MinimumLength} characters long";
        }

        if (password.Contains(username, StringComparison.OrdinalIgnoreCase))
        {
            return "the password must not contain the user name";
        }

        if (password.Distinct().Count() < 5)
        {
            return "the password must use at least 5 different characters";
        }

        return CommonPasswords.Reason(password);
    }

    private static bool TryParse(string? encoded, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = [];
        hash = [];
        if (encoded is null || !encoded.StartsWith(Tag, StringComparison.Ordinal))
        {
            return false;
        }

        string[] parts = encoded[Tag.Length..].Split('$');
        if (parts.Length != 3 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out iterations) || iterations < 1)
        {
            return false;
        }

        try
        {
            salt = Convert.FromBase64String(parts[1]);
            hash = Convert.FromBase64String(parts[2]);
        }
        catch (FormatException)
        {
            return false;
        }

        return salt.Length >= 8 && hash.Length >= 16;
    }
}
