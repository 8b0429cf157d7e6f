using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Edge.Cloud.Contracts;

/// <summary>
/// Hashes of people's passwords, the one hasher for the staff page's accounts (the site's staff store) and the cloud
/// dashboard's users: PBKDF2-HMAC-SHA256 with a 16-byte random salt, written as
/// <c>$pbkdf2-sha256$i=&lt;iterations&gt;$&lt;base64 salt&gt;$&lt;base64 hash&gt;</c>. The iteration count travels with
/// the hash, so it can rise and old hashes still verify (<see cref="NeedsRehash"/>). The cloud's earlier form,
/// <c>pbkdf2-sha256$&lt;iterations&gt;$&lt;salt&gt;$&lt;hash&gt;</c>, still verifies: cloud databases hold it.
/// Here because both the gateway and the cloud reference this library.
/// </summary>
public static class PasswordHash
{
    /// <summary>
    /// OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256. People choose these passwords, so the work factor matters:
    /// one verification took 0.55 s on the 2-core x86_64 dev machine (more on a Pi); sign-ins are rare and both the
    /// staff page and the dashboard rate-limit them.
    /// </summary>
    public const int DefaultIterations = 600_000;

    /// <summary>Salt length in bytes.</summary>
    public const int SaltBytes = 16;

    /// <summary>Derived key length in bytes.</summary>
    public const int HashBytes = 32;

    private const string Tag = "$pbkdf2-sha256$i=";
    private const string CloudTag = "pbkdf2-sha256$";

    // Verifying against this when there is no account keeps the time the same either way.
    private static readonly Lazy<string> NoAccount = new(() => Create("not a password " + Guid.NewGuid().ToString("N")));

    /// <summary>Hashes <paramref name="password"/> with a fresh salt.</summary>
    public static string Create(string password, int iterations = DefaultIterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        byte[] salt = RandomNumberGenerator.GetBytes(SaltBytes);
        byte[] hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Create(CultureInfo.InvariantCulture, $"{Tag}{iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>
    /// True when the password matches the stored hash; false for a mismatch, a malformed hash, or none (null: no such
    /// account, checked against a stand-in so that takes as long as a wrong password).
    /// </summary>
    public static bool Verify(string password, string? encoded)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (!TryParse(encoded ?? NoAccount.Value, out int iterations, out byte[] salt, out byte[] expected))
        {
            return false;
        }

        byte[] actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected) && encoded is not null;
    }

    /// <summary>True when the stored hash is not in the current form or uses fewer than <see cref="DefaultIterations"/>.</summary>
    public static bool NeedsRehash(string? encoded) =>
        encoded is null || !encoded.StartsWith(Tag, StringComparison.Ordinal) || !TryParse(encoded, out int iterations, out _, out _) || iterations < DefaultIterations;

    private static bool TryParse(string encoded, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = [];
        hash = [];
        string rest = encoded.StartsWith(Tag, StringComparison.Ordinal) ? encoded[Tag.Length..]
            : encoded.StartsWith(CloudTag, StringComparison.Ordinal) ? encoded[CloudTag.Length..]
            : "";
        string[] parts = rest.Split('$');
        if (parts.Length != 3 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out iterations) || iterations < 1)
        {
            return false;
        }

        salt = FromBase64(parts[1]) ?? [];
        hash = FromBase64(parts[2]) ?? [];
        return salt.Length >= 8 && hash.Length >= 16;
    }

    private static byte[]? FromBase64(string text)
    {
        var bytes = new byte[text.Length];
        return Convert.TryFromBase64String(text, bytes, out int written) ? bytes[..written] : null;
    }
}
