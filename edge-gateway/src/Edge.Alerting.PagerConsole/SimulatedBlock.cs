using System.Text;

namespace Edge.Alerting.PagerConsole;

/// <summary>A block as a simulator received or builds it. Parsing and BCC here are independent of Edge.Alerting.</summary>
public sealed record SimulatedBlock(char Header, IReadOnlyList<KeyValuePair<char, string>> Records, byte[] Raw, byte Bcc, bool BccValid, bool HadRsBeforeEtx)
{
    private const byte Soh = 0x01, Stx = 0x02, Etx = 0x03, Rs = 0x1E, Us = 0x1F;

    /// <summary>The first record with the id, or null.</summary>
    public string? this[char id] => Records.FirstOrDefault(r => r.Key == id).Value;

    /// <summary>XOR of the bytes after SOH through ETX.</summary>
    public static byte Xor(IEnumerable<byte> afterSohThroughEtx) => afterSohThroughEtx.Aggregate((byte)0, (a, b) => (byte)(a ^ b));

    /// <summary>Builds the bytes of a block, optionally with a stray RS before ETX.</summary>
    public static byte[] Build(char header, IEnumerable<KeyValuePair<char, string>> records, bool rsBeforeEtx = false)
    {
        var body = new List<byte> { (byte)header, Stx };
        var first = true;
        foreach (var (id, data) in records)
        {
            if (!first)
            {
                body.Add(Rs);
            }

            first = false;
            body.Add((byte)id);
            body.Add(Us);
            body.AddRange(Encoding.ASCII.GetBytes(data));
        }

        if (rsBeforeEtx)
        {
            body.Add(Rs);
        }

        body.Add(Etx);
        var bytes = new List<byte> { Soh };
        bytes.AddRange(body);
        bytes.Add(Xor(body));
        return [.. bytes];
    }

    /// <summary>Parses SOH … ETX (raw, without BCC) leniently; null if it is not a block.</summary>
    public static SimulatedBlock? Parse(byte[] raw, byte bcc)
    {
        if (raw.Length < 4 || raw[0] != Soh || raw[2] != Stx || raw[^1] != Etx)
        {
            return null;
        }

        var valid = Xor(raw.Skip(1)) == bcc;
        var text = Encoding.ASCII.GetString(raw, 3, raw.Length - 4);
        var rsBeforeEtx = text.EndsWith((char)Rs);
        if (rsBeforeEtx)
        {
            text = text[..^1];
        }

        var records = new List<KeyValuePair<char, string>>();
        foreach (var part in text.Split((char)Rs, StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.Length >= 2 && part[1] == (char)Us)
            {
                records.Add(new(part[0], part[2..]));
            }
        }

        return new SimulatedBlock((char)raw[1], records, raw, bcc, valid, rsBeforeEtx);
    }

    /// <inheritdoc />
    public override string ToString() => $"[{Header}] " + string.Join(" | ", Records.Select(r => $"{r.Key}={r.Value}"));
}
