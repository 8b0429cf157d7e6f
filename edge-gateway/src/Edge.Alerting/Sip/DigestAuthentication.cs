using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Edge.Alerting.Sip;

/// <summary>A parsed WWW-Authenticate / Proxy-Authenticate Digest challenge.</summary>
/// <param name="Realm">realm.</param>
/// <param name="Nonce">nonce.</param>
/// <param name="Opaque">opaque, or null.</param>
/// <param name="Algorithm">MD5 (default), MD5-sess, SHA-256 or SHA-256-sess.</param>
/// <param name="Qop">"auth" when the server offers it, else null (RFC 2069 compatibility).</param>
/// <param name="Stale">stale=true: the nonce expired, the credentials were fine.</param>
public sealed record DigestChallenge(string Realm, string Nonce, string? Opaque, string Algorithm, string? Qop, bool Stale)
{
    /// <summary>Parses the value of a WWW-Authenticate or Proxy-Authenticate header; null if it is not Digest.</summary>
    public static DigestChallenge? Parse(string header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var trimmed = header.Trim();
        if (!trimmed.StartsWith("Digest", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var p = DigestAuthentication.ParseParameters(trimmed[6..]);
        if (!p.TryGetValue("realm", out var realm) || !p.TryGetValue("nonce", out var nonce))
        {
            return null;
        }

        string? qop = null;
        if (p.TryGetValue("qop", out var offered))
        {
            var options = offered.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            qop = options.Contains("auth", StringComparer.OrdinalIgnoreCase) ? "auth" : null;
            if (qop is null)
            {
                return null; // only auth-int offered: we do not support it
            }
        }

        return new DigestChallenge(
            realm,
            nonce,
            p.GetValueOrDefault("opaque"),
            p.GetValueOrDefault("algorithm") ?? "MD5",
            qop,
            string.Equals(p.GetValueOrDefault("stale"), "true", StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>HTTP Digest access authentication as SIP uses it (RFC 2617, RFC 7616, RFC 3261 §22.4).</summary>
public static class DigestAuthentication
{
    /// <summary>Computes the request-digest ("response") value.</summary>
    public static string ComputeResponse(
        string algorithm, string username, string realm, string password, string method, string digestUri,
        string nonce, string? qop, string? nonceCount, string? cnonce)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        var sess = algorithm.EndsWith("-sess", StringComparison.OrdinalIgnoreCase);
        var baseAlg = sess ? algorithm[..^5] : algorithm;
        Func<string, string> h = baseAlg.ToUpperInvariant() switch
        {
            "MD5" => Md5Hex,
            "SHA-256" => s => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s))),
            _ => throw new NotSupportedException($"digest algorithm {algorithm} is not supported"),
        };

        var ha1 = h($"{username}:{realm}:{password}");
        if (sess)
        {
            ha1 = h($"{ha1}:{nonce}:{cnonce}");
        }

        var ha2 = h($"{method}:{digestUri}");
        return qop is null ? h($"{ha1}:{nonce}:{ha2}") : h($"{ha1}:{nonce}:{nonceCount}:{cnonce}:{qop}:{ha2}");
    }

    /// <summary>Builds the Authorization / Proxy-Authorization header value for a challenge.</summary>
    public static string BuildAuthorization(DigestChallenge challenge, string username, string password, string method, string digestUri, int nonceCount, string cnonce)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        var nc = nonceCount.ToString("x8", CultureInfo.InvariantCulture);
        var response = ComputeResponse(challenge.Algorithm, username, challenge.Realm, password, method, digestUri, challenge.Nonce, challenge.Qop, nc, cnonce);
        var sb = new StringBuilder("Digest ");
        sb.Append(CultureInfo.InvariantCulture, $"username=\"{Escape(username)}\", realm=\"{Escape(challenge.Realm)}\", nonce=\"{Escape(challenge.Nonce)}\", uri=\"{Escape(digestUri)}\", response=\"{response}\", algorithm={challenge.Algorithm}");
        if (challenge.Qop is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $", qop={challenge.Qop}, nc={nc}, cnonce=\"{Escape(cnonce)}\"");
        }

        if (challenge.Opaque is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $", opaque=\"{Escape(challenge.Opaque)}\"");
        }

        return sb.ToString();
    }

    /// <summary>Parses comma-separated <c>name=value</c> / <c>name="quoted, value"</c> pairs.</summary>
    internal static Dictionary<string, string> ParseParameters(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ',' || char.IsWhiteSpace(text[i])))
            {
                i++;
            }

            var eq = text.IndexOf('=', i);
            if (eq < 0)
            {
                break;
            }

            var name = text[i..eq].Trim();
            i = eq + 1;
            string value;
            if (i < text.Length && text[i] == '"')
            {
                var sb = new StringBuilder();
                i++;
                while (i < text.Length && text[i] != '"')
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                    }

                    sb.Append(text[i++]);
                }

                i++;
                value = sb.ToString();
            }
            else
            {
                var end = text.IndexOf(',', i);
                end = end < 0 ? text.Length : end;
                value = text[i..end].Trim();
                i = end;
            }

            result[name] = value;
        }

        return result;
    }

    private static string Escape(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

#pragma warning disable CA5351 // SIP digest authentication is defined over MD5; servers require it.
    private static string Md5Hex(string s) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(s)));
#pragma warning restore CA5351
}
