using System.Security.Cryptography;
using System.Text;

namespace Edge.Provisioning.Crypto;

/// <summary>
/// Mosquitto 2.0's password-file hash, written and verified by the project itself:
/// <c>$7$&lt;iterations&gt;$&lt;base64 salt&gt;$&lt;base64 hash&gt;</c>, where hash =
/// PBKDF2-HMAC-SHA512(password UTF-8, salt, iterations, 64 bytes) and the salt is 12 random bytes
/// (what <c>mosquitto_passwd</c> 2.0.11 writes; the broker reads any salt length and iteration count).
/// </summary>
public static class MosquittoPasswordHash
{
    /// <summary>The format tag mosquitto uses for PBKDF2-SHA512.</summary>
    public const string Tag = "$7$";

    /// <summary>
    /// Iterations this project writes. mosquitto_passwd's default is 101. All MQTT passwords here are
    /// 144-bit random strings, so iterations add nothing against guessing them; they only slow an
    /// attacker who has the file and hopes a password was reused. The broker pays the cost on every
    /// CONNECT on its single thread: 10,000 iterations took 5-11 ms per check on the 2-core x86_64 dev
    /// machine (Python hashlib / .NET, under load), about 100 times mosquitto's default, and a
    /// reconnect storm of 100 sensors costs the broker about a second (a few on a Raspberry Pi 4).
    /// 100,000 took 170 ms per check: the same storm would stall all sensor traffic for 17 s here and
    /// about a minute on a Pi, during which no fall reaches the gateway. The broker accepts any count
    /// (tested with 10,000 and 200,000).
    /// </summary>
    public const int DefaultIterations = Edge.Site.Inventory.BrokerSettings.DefaultPasswordIterations;

    /// <summary>Salt length mosquitto_passwd uses.</summary>
    public const int SaltBytes = 12;

    /// <summary>PBKDF2 output length (SHA-512 digest size).</summary>
    public const int HashBytes = 64;

    /// <summary>Hashes <paramref name="password"/> with a fresh random salt.</summary>
    public static string Create(string password, int iterations = DefaultIterations)
    {
        return Create(password, iterations, RandomNumberGenerator.GetBytes(SaltBytes));
    }

    /// <summary>Hashes <paramref name="password"/> with the given salt (for test vectors).</summary>
    public static string Create(string password, int iterations, ReadOnlySpan<byte> salt)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        if (salt.Length == 0)
        {
            throw new ArgumentException("The salt must not be empty.", nameof(salt));
        }

        byte[] hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA512, HashBytes);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Tag}{iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>
    /// True when <paramref name="password"/> matches <paramref name="encoded"/> (a <c>$7$</c> hash, as
    /// written by this class or by mosquitto_passwd). False for any other or malformed format.
    /// </summary>
    public static bool Verify(string password, string encoded)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (!TryParse(encoded, out int iterations, out byte[] salt, out byte[] expected))
        {
            return false;
        }

        byte[] actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA512, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Splits a <c>$7$</c> hash into its parts. False when it is not one.</summary>
    public static bool TryParse(string? encoded, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = [];
        hash = [];
        if (encoded is null || !encoded.StartsWith(Tag, StringComparison.Ordinal))
        {
            return false;
        }

        string[] parts = encoded[Tag.Length..].Split('$');
        if (parts.Length != 3
            || !int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out iterations)
            || iterations < 1)
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

        return salt.Length > 0 && hash.Length == HashBytes;
    }
}
