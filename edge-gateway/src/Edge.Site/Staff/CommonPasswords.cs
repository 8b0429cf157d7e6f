using System.Text;

namespace Edge.Site.Staff;

/// <summary>
/// Refuses passwords people pick first (NIST SP 800-63B §5.1.1.2: check against commonly used and expected
/// values). The list (<c>common-passwords.txt</c>, embedded) holds common passwords and stems; a password is
/// common when, lower-cased and with look-alike characters read as letters (<c>@</c>→a, <c>0</c>→o,
/// <c>1</c>→i, <c>3</c>→e, <c>4</c>→a, <c>5</c>/<c>$</c>→s, <c>7</c>→t, <c>!</c>→i), it is on the list, or
/// its core without the digits and symbols around it is (so <c>Password1234</c>, <c>P@ssw0rd-2024</c> and
/// <c>Summer2025!!</c> are refused), or it runs along the keyboard or the alphabet (<c>1qaz2wsx3edc</c>), or
/// it is one short piece repeated (<c>abcdeabcdeab</c>).
/// </summary>
public static class CommonPasswords
{
    private static readonly HashSet<string> List = Load();

    // Strings a password may not simply be a piece of: digit and letter runs and keyboard rows and columns.
    private static readonly string[] Sequences =
    [
        "01234567890123456789", "98765432109876543210", "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz", "zyxwvutsrqponmlkjihgfedcba",
        "qwertyuiopasdfghjklzxcvbnm", "qwertyuiopqwertyuiop", "asdfghjklasdfghjkl", "zxcvbnmzxcvbnm", "poiuytrewqlkjhgfdsamnbvcxz",
        "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p", "zaq1xsw2cde3vfr4bgt5nhy6mju7", "qazwsxedcrfvtgbyhnujmikolp", "1q2w3e4r5t6y7u8i9o0p",
    ];

    /// <summary>Why <paramref name="password"/> is too common, or null when it is not.</summary>
    public static string? Reason(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        string lower = password.ToLowerInvariant();
        if (Sequences.Any(s => s.Contains(lower, StringComparison.Ordinal)))
        {
            return "the password is too common: it runs along the keyboard or the alphabet";
        }

        if (IsRepeatedPiece(lower))
        {
            return "the password is too common: it repeats one short piece";
        }

        // Digits and symbols around a stem are trimmed first (Password1234 -> password), then look-alikes inside
        // it are read as letters (p@ssw0rd -> password); symbols that stand for letters are read before the
        // trim too (@dmin2024 -> admin).
        string[] cores = [TrimNonLetters(lower), TrimNonLetters(Unleet(lower, symbolsOnly: true))];
        var candidates = new HashSet<string>(StringComparer.Ordinal) { lower };
        foreach (string core in cores)
        {
            foreach (string reading in new[] { core, Unleet(core, symbolsOnly: false) })
            {
                candidates.Add(reading);
                candidates.Add(new string([.. reading.Where(char.IsLetter)]));
            }
        }

        return candidates.Any(List.Contains)
            ? "the password is too common: it is one of the most common passwords, or one with digits or symbols added"
            : null;
    }

    private static string TrimNonLetters(string s)
    {
        int start = 0;
        int end = s.Length;
        while (start < end && !char.IsLetter(s[start]))
        {
            start++;
        }

        while (end > start && !char.IsLetter(s[end - 1]))
        {
            end--;
        }

        return s[start..end];
    }

    private static bool IsRepeatedPiece(string s)
    {
        for (int piece = 1; piece <= 6 && piece * 2 <= s.Length; piece++)
        {
            bool repeats = true;
            for (int i = piece; i < s.Length && repeats; i++)
            {
                repeats = s[i] == s[i % piece];
            }

            if (repeats)
            {
                return true;
            }
        }

        return false;
    }

    private static string Unleet(string s, bool symbolsOnly)
    {
        var b = new StringBuilder(s.Length);
        foreach (char c in s)
        {
            b.Append(c switch
            {
                '@' => 'a',
                '$' => 's',
                '!' or '|' => 'i',
                '+' => 't',
                _ when symbolsOnly => c,
                '4' => 'a',
                '0' => 'o',
                '1' => 'i',
                '3' => 'e',
                '5' => 's',
                '7' => 't',
                '8' => 'b',
                '9' => 'g',
                _ => c,
            });
        }

        return b.ToString();
    }

    private static HashSet<string> Load()
    {
        using Stream stream = typeof(CommonPasswords).Assembly.GetManifestResourceStream("Edge.Site.common-passwords.txt")
            ?? throw new InvalidOperationException("common-passwords.txt is not embedded in Edge.Site");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var list = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            line = line.Trim();
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                list.Add(line.ToLowerInvariant());
            }
        }

        return list;
    }
}
