using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Edge.Alerting.Webhook;

/// <summary><c>{{placeholder}}</c> substitution with JSON-escaped values.</summary>
public static partial class WebhookTemplate
{
    /// <summary>Replaces every placeholder; a value is JSON-string-escaped unless its name is in <paramref name="raw"/>.</summary>
    public static string Render(string template, IReadOnlyDictionary<string, string> values, IReadOnlySet<string>? raw = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(values);
        return PlaceholderRegex().Replace(template, m =>
        {
            var name = m.Groups[1].Value;
            if (!values.TryGetValue(name, out var value))
            {
                throw new KeyNotFoundException($"no value for placeholder {{{{{name}}}}}");
            }

            return raw?.Contains(name) == true ? value : JsonEscape(value);
        });
    }

    /// <summary>Placeholders in the template that are not known.</summary>
    public static IEnumerable<string> UnknownPlaceholders(string template) =>
        PlaceholderRegex().Matches(template ?? "").Select(m => m.Groups[1].Value).Where(n => !WebhookOptions.Placeholders.Contains(n)).Distinct();

    /// <summary>The inside of a JSON string literal for <paramref name="value"/> (quotes, backslashes, controls escaped).</summary>
    public static string JsonEscape(string value)
    {
        var quoted = JsonSerializer.Serialize(value, JsonOptions);
        return quoted[1..^1];
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [GeneratedRegex(@"\{\{\s*([A-Za-z]+)\s*\}\}")]
    private static partial Regex PlaceholderRegex();
}

/// <summary>The HMAC-SHA256 signature scheme of the webhook.</summary>
public static class WebhookSignature
{
    /// <summary><c>sha256=</c> + lowercase hex HMAC-SHA256(secret, timestamp + "." + body).</summary>
    public static string Compute(string secret, string timestamp, string body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return "sha256=" + HmacHex(secret, timestamp + "." + body);
    }

    /// <summary>Lowercase hex HMAC-SHA256 of <paramref name="payload"/> under <paramref name="secret"/> (UTF-8).</summary>
    public static string HmacHex(string secret, string payload) =>
        Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(payload)));

    /// <summary>Verifies a signature in constant time, and that the timestamp is within <paramref name="tolerance"/> of <paramref name="now"/>.</summary>
    public static bool Verify(string secret, string timestamp, string body, string signature, DateTimeOffset now, TimeSpan tolerance)
    {
        if (!long.TryParse(timestamp, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            || (now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > tolerance)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(secret, timestamp, body));
        var actual = Encoding.ASCII.GetBytes(signature ?? "");
        return System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(expected, actual);
    }
}
