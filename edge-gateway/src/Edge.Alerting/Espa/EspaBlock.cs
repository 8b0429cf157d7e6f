using System.Text;

namespace Edge.Alerting.Espa;

/// <summary>One record: an identifier and its data (IA5 text without control characters).</summary>
/// <param name="Id">The record id character ('1' call address ... '8' system status).</param>
/// <param name="Data">The record's data.</param>
public readonly record struct EspaRecord(char Id, string Data);

/// <summary>An ESPA 4.4.4 block: <c>SOH header STX id US data RS id US data … ETX BCC</c>.</summary>
/// <param name="Header">The header character ('1' call to pager, '2' status information, …).</param>
/// <param name="Records">The records in order.</param>
public sealed record EspaBlock(char Header, IReadOnlyList<EspaRecord> Records)
{
    /// <summary>Returns the data of the first record with <paramref name="id"/>, or null.</summary>
    public string? Get(char id)
    {
        foreach (var r in Records)
        {
            if (r.Id == id)
            {
                return r.Data;
            }
        }

        return null;
    }

    /// <summary>Encodes the block with its BCC. Throws if any field holds a control or non-IA5 character.</summary>
    public byte[] Encode()
    {
        var size = 5;
        foreach (var r in Records)
        {
            size += r.Data.Length + 3;
        }

        var bytes = new byte[size];
        var n = 0;
        bytes[n++] = EspaControl.Soh;
        bytes[n++] = CheckedChar(Header, "header");
        bytes[n++] = EspaControl.Stx;
        for (var i = 0; i < Records.Count; i++)
        {
            if (i > 0)
            {
                bytes[n++] = EspaControl.Rs;
            }

            bytes[n++] = CheckedChar(Records[i].Id, "record id");
            bytes[n++] = EspaControl.Us;
            foreach (var c in Records[i].Data)
            {
                bytes[n++] = CheckedChar(c, "record data");
            }
        }

        bytes[n++] = EspaControl.Etx;
        bytes[n] = EspaBcc.Compute(bytes.AsSpan(0, n));
        return bytes.AsSpan(0, n + 1).ToArray();
    }

    /// <summary>
    /// Parses a frame from SOH through ETX (without the BCC). Accepts a stray RS before ETX, as some senders
    /// put one there. Returns false with a reason when the frame is malformed.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> frame, out EspaBlock? block, out string error)
    {
        block = null;
        if (frame.Length < 4 || frame[0] != EspaControl.Soh || frame[^1] != EspaControl.Etx)
        {
            error = "frame must run from SOH to ETX";
            return false;
        }

        var stx = frame.IndexOf(EspaControl.Stx);
        if (stx != 2)
        {
            error = "header must be one character between SOH and STX";
            return false;
        }

        var header = (char)frame[1];
        var body = frame[(stx + 1)..^1];
        if (body.Length > 0 && body[^1] == EspaControl.Rs)
        {
            body = body[..^1]; // lenient: "RS ETX"
        }

        var records = new List<EspaRecord>();
        while (body.Length > 0)
        {
            var rs = body.IndexOf(EspaControl.Rs);
            var rec = rs < 0 ? body : body[..rs];
            if (rec.Length < 2 || rec[1] != EspaControl.Us)
            {
                error = $"record {records.Count + 1} lacks 'id US'";
                return false;
            }

            var data = rec[2..];
            foreach (var b in data)
            {
                if (b < 0x20 || b > 0x7E)
                {
                    error = $"record {(char)rec[0]} holds control or non-IA5 byte 0x{b:X2}";
                    return false;
                }
            }

            records.Add(new EspaRecord((char)rec[0], Encoding.ASCII.GetString(data)));
            body = rs < 0 ? [] : body[(rs + 1)..];
        }

        block = new EspaBlock(header, records);
        error = "";
        return true;
    }

    private static byte CheckedChar(char c, string what)
    {
        if (c < 0x20 || c > 0x7E)
        {
            throw new ArgumentException($"ESPA {what} holds U+{(int)c:X4}, which is not a printable IA5 character; transliterate first.");
        }

        return (byte)c;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"[{Header}] " + string.Join(" | ", Records.Select(r => $"{r.Id}={r.Data}"));
}
