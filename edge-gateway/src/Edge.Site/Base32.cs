using System.Text;

namespace Edge.Site;

/// <summary>
/// RFC 4648 base32 without padding: the technician's claim codes (edge provision) and the residents' pseudonyms the
/// gateway sends to the cloud are written with it.
/// </summary>
public static class Base32
{
    /// <summary>Encodes <paramref name="bytes"/> (A–Z, 2–7; no padding).</summary>
    public static string Encode(ReadOnlySpan<byte> bytes)
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
