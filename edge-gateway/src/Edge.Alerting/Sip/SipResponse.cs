using System.Globalization;
using System.Text;

namespace Edge.Alerting.Sip;

/// <summary>The parts of a SIP response the MESSAGE client needs.</summary>
internal sealed record SipResponse(int StatusCode, string Reason, string? Branch, string? CSeqMethod, IReadOnlyDictionary<string, string> Headers)
{
    private static readonly Dictionary<string, string> Compact = new(StringComparer.OrdinalIgnoreCase)
    {
        ["v"] = "via", ["i"] = "call-id", ["f"] = "from", ["t"] = "to", ["l"] = "content-length", ["c"] = "content-type",
    };

    /// <summary>Parses a datagram; null if it is not a SIP response.</summary>
    public static SipResponse? Parse(ReadOnlySpan<byte> datagram)
    {
        var text = Encoding.UTF8.GetString(datagram);
        var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = headerEnd < 0 ? text : text[..headerEnd];
        var lines = head.Split("\r\n");
        var status = lines[0].Split(' ', 3);
        if (status.Length < 2 || status[0] != "SIP/2.0" || !int.TryParse(status[1], NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            return null;
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon].Trim();
            name = Compact.GetValueOrDefault(name) ?? name;
            var value = line[(colon + 1)..].Trim();
            if (!headers.ContainsKey(name))
            {
                headers[name] = value; // first occurrence: the topmost Via is ours
            }
        }

        string? branch = null;
        if (headers.TryGetValue("via", out var via))
        {
            foreach (var param in via.Split(';').Skip(1))
            {
                var kv = param.Split('=', 2);
                if (kv.Length == 2 && kv[0].Trim().Equals("branch", StringComparison.OrdinalIgnoreCase))
                {
                    branch = kv[1].Trim().Split(',')[0];
                }
            }
        }

        var cseqMethod = headers.TryGetValue("cseq", out var cseq) ? cseq.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() : null;
        return new SipResponse(code, status.Length > 2 ? status[2] : "", branch, cseqMethod, headers);
    }
}
