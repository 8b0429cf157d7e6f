namespace Edge.Protocol.Tests;

/// <summary>
/// Hand-made frames for the decode tests. The CRC here is a bit-by-bit implementation written from the
/// CRC-32/ISO-HDLC definition, independent of the table-driven <see cref="Crc32"/> under test.
/// </summary>
public static class Frames
{
    public static uint ReferenceCrc(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFF_FFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1;
            }
        }

        return ~crc;
    }

    /// <summary>Appends a correct little-endian CRC-32 trailer.</summary>
    public static byte[] WithCrc(IEnumerable<byte> withoutCrc)
    {
        byte[] body = withoutCrc.ToArray();
        uint crc = ReferenceCrc(body);
        return [.. body, (byte)crc, (byte)(crc >> 8), (byte)(crc >> 16), (byte)(crc >> 24)];
    }

    /// <summary>
    /// A golden vector with <paramref name="edit"/> applied to its bytes before the CRC, re-sealed with a
    /// correct CRC, so the decoder gets past the CRC check to the check under test.
    /// </summary>
    public static byte[] Edited(string hex, Action<List<byte>> edit)
    {
        List<byte> bytes = [.. Codec.FromHex(hex)];
        bytes.RemoveRange(bytes.Count - 4, 4);
        edit(bytes);
        return WithCrc(bytes);
    }

    /// <summary>Offset of the body (B in the spec) for the golden vectors' 7-character id.</summary>
    public const int B = 3 + 7;

    public static string Hex(string vectorName) => GoldenVectors.All().Single(v => v.Name == vectorName).Hex;
}
