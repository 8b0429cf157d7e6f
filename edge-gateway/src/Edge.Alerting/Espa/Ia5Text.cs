using System.Text;

namespace Edge.Alerting.Espa;

/// <summary>
/// Turns arbitrary text into IA5 (ISO 646, 7-bit) display text for 7-bit links: German umlauts become two
/// letters (ä → ae, ß → ss), accented letters lose their accent (é → e), typographic punctuation becomes its
/// ASCII form, whitespace controls become a space, other control characters are removed, and anything else
/// becomes '?'. The result holds only 0x20–0x7E.
/// </summary>
public static class Ia5Text
{
    private static readonly Dictionary<char, string> Map = BuildMap();

    /// <summary>Transliterates <paramref name="text"/> and cuts it to <paramref name="maxLength"/> characters.</summary>
    public static string Transliterate(string text, int maxLength = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        var sb = new StringBuilder(text.Length);
        var lastWasSpace = false;
        foreach (var c in text)
        {
            string? piece;
            if (c is '\t' or '\r' or '\n' or '\v' or '\f' or '\u00A0' or '\u2028' or '\u2029')
            {
                // Collapse runs of whitespace controls into one space so a two-line note stays readable.
                if (!lastWasSpace && sb.Length > 0)
                {
                    sb.Append(' ');
                    lastWasSpace = true;
                }

                continue;
            }
            else if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || char.IsSurrogate(c) && char.IsLowSurrogate(c))
            {
                continue; // control characters (and the second half of a pair already replaced) are removed
            }
            else if (c < 0x7F)
            {
                piece = null;
                sb.Append(c);
            }
            else if (!Map.TryGetValue(c, out piece))
            {
                piece = "?";
            }

            if (piece is not null)
            {
                sb.Append(piece);
            }

            lastWasSpace = c == ' ';
        }

        var result = sb.ToString().Trim();
        if (result.Length > maxLength)
        {
            result = result[..maxLength].TrimEnd();
        }

        return result;
    }

    /// <summary>True when every character is printable IA5 (0x20–0x7E).</summary>
    public static bool IsIa5(string text) => text.All(c => c is >= ' ' and <= '~');

    private static Dictionary<char, string> BuildMap()
    {
        var m = new Dictionary<char, string>
        {
            ['ä'] = "ae", ['ö'] = "oe", ['ü'] = "ue", ['Ä'] = "Ae", ['Ö'] = "Oe", ['Ü'] = "Ue", ['ß'] = "ss",
            ['ẞ'] = "SS", ['æ'] = "ae", ['Æ'] = "AE", ['œ'] = "oe", ['Œ'] = "OE", ['ø'] = "o", ['Ø'] = "O",
            ['å'] = "a", ['Å'] = "A", ['ð'] = "d", ['Ð'] = "D", ['þ'] = "th", ['Þ'] = "Th", ['ł'] = "l", ['Ł'] = "L",
            ['đ'] = "d", ['Đ'] = "D", ['ı'] = "i", ['ĳ'] = "ij", ['Ĳ'] = "IJ",
            ['‘'] = "'", ['’'] = "'", ['‚'] = "'", ['‛'] = "'", ['′'] = "'", ['“'] = "\"", ['”'] = "\"", ['„'] = "\"",
            ['«'] = "\"", ['»'] = "\"", ['‹'] = "'", ['›'] = "'", ['–'] = "-", ['—'] = "-", ['‐'] = "-", ['‑'] = "-",
            ['−'] = "-", ['…'] = "...", ['•'] = "*", ['·'] = ".", ['€'] = "EUR", ['£'] = "GBP", ['°'] = "deg",
            ['×'] = "x", ['÷'] = "/", ['±'] = "+/-", ['©'] = "(c)", ['®'] = "(R)", ['™'] = "TM", ['§'] = "S",
            ['¡'] = "!", ['¿'] = "?", ['²'] = "2", ['³'] = "3", ['¹'] = "1", ['½'] = "1/2", ['¼'] = "1/4", ['¾'] = "3/4",
            ['\u200B'] = "", ['\uFEFF'] = "", ['\u00AD'] = "",
        };

        // Letters with diacritics: base letter only. Listed explicitly (InvariantGlobalization keeps
        // normalisation tables out of the picture, and an explicit table is reviewable).
        AddFamily(m, 'a', "àáâãāăą"); AddFamily(m, 'A', "ÀÁÂÃĀĂĄ");
        AddFamily(m, 'c', "çćĉċč"); AddFamily(m, 'C', "ÇĆĈĊČ");
        AddFamily(m, 'd', "ď"); AddFamily(m, 'D', "Ď");
        AddFamily(m, 'e', "èéêëēĕėęě"); AddFamily(m, 'E', "ÈÉÊËĒĔĖĘĚ");
        AddFamily(m, 'g', "ĝğġģ"); AddFamily(m, 'G', "ĜĞĠĢ");
        AddFamily(m, 'h', "ĥħ"); AddFamily(m, 'H', "ĤĦ");
        AddFamily(m, 'i', "ìíîïĩīĭįİ"); AddFamily(m, 'I', "ÌÍÎÏĨĪĬĮ");
        AddFamily(m, 'j', "ĵ"); AddFamily(m, 'J', "Ĵ");
        AddFamily(m, 'k', "ķ"); AddFamily(m, 'K', "Ķ");
        AddFamily(m, 'l', "ĺļľŀ"); AddFamily(m, 'L', "ĹĻĽĿ");
        AddFamily(m, 'n', "ñńņňŉ"); AddFamily(m, 'N', "ÑŃŅŇ");
        AddFamily(m, 'o', "òóôõōŏő"); AddFamily(m, 'O', "ÒÓÔÕŌŎŐ");
        AddFamily(m, 'r', "ŕŗř"); AddFamily(m, 'R', "ŔŖŘ");
        AddFamily(m, 's', "śŝşšș"); AddFamily(m, 'S', "ŚŜŞŠȘ");
        AddFamily(m, 't', "ţťŧț"); AddFamily(m, 'T', "ŢŤŦȚ");
        AddFamily(m, 'u', "ùúûũūŭůűų"); AddFamily(m, 'U', "ÙÚÛŨŪŬŮŰŲ");
        AddFamily(m, 'w', "ŵ"); AddFamily(m, 'W', "Ŵ");
        AddFamily(m, 'y', "ýÿŷ"); AddFamily(m, 'Y', "ÝŸŶ");
        AddFamily(m, 'z', "źżž"); AddFamily(m, 'Z', "ŹŻŽ");
        return m;
    }

    private static void AddFamily(Dictionary<char, string> map, char baseLetter, string accented)
    {
        foreach (var c in accented)
        {
            map[c] = baseLetter.ToString();
        }
    }
}
