using System.Text.Json;
using Edge.Alerting.Webhook;

namespace Edge.Alerting.Tests.Webhook;

public class WebhookTests
{
    private static WebhookOptions Options(string? template = null) => new()
    {
        Url = new Uri("https://sms.example.org/hook"),
        Secret = "0123456789abcdef-secret",
        BodyTemplate = template ?? WebhookOptions.DefaultBodyTemplate,
    };

    [Fact]
    public void HmacHex_Rfc4231TestCase2_MatchesVector()
    {
        Assert.Equal("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", WebhookSignature.HmacHex("Jefe", "what do ya want for nothing?"));
    }

    [Fact]
    public void Compute_SignsTimestampDotBody()
    {
        Assert.Equal("sha256=" + WebhookSignature.HmacHex("k", "1700000000.{\"a\":1}"), WebhookSignature.Compute("k", "1700000000", "{\"a\":1}"));
    }

    [Fact]
    public void Verify_TamperedBodyOrOldTimestamp_Rejected()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var sig = WebhookSignature.Compute("secret", "1700000000", "body");
        Assert.True(WebhookSignature.Verify("secret", "1700000000", "body", sig, now, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("secret", "1700000000", "body!", sig, now, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("secret", "1700000000", "body", sig, now.AddMinutes(6), TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void Render_ValuesWithQuotesAndNewlines_JsonEscaped()
    {
        var rendered = WebhookTemplate.Render("{\"t\":\"{{text}}\",\"n\":{{ urgent }}}", new Dictionary<string, string> { ["text"] = "Say \"hi\"\n\\ Müller </script>", ["urgent"] = "true" }, new HashSet<string> { "urgent" });
        using var doc = JsonDocument.Parse(rendered);
        Assert.Equal("Say \"hi\"\n\\ Müller </script>", doc.RootElement.GetProperty("t").GetString());
        Assert.True(doc.RootElement.GetProperty("n").GetBoolean());
    }

    [Fact]
    public void RenderBody_DefaultTemplate_IsValidJsonWithEveryField()
    {
        using var http = new HttpClient();
        var channel = new WebhookChannel(http, Options());
        var body = channel.RenderBody(new AlertMessage("inc-\"1\"", ["+4915112345678", "duty\\nurse"], "Sturz: \"Zimmer 12\"", AlertPriority.Alarm, AlertKind.Fall), "alert", "d1", DateTimeOffset.FromUnixTimeSeconds(0));
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        Assert.Equal("alert", root.GetProperty("event").GetString());
        Assert.Equal("inc-\"1\"", root.GetProperty("incidentId").GetString());
        Assert.Equal("Fall", root.GetProperty("kind").GetString());
        Assert.True(root.GetProperty("urgent").GetBoolean());
        Assert.Equal("Sturz: \"Zimmer 12\"", root.GetProperty("text").GetString());
        Assert.Equal(["+4915112345678", "duty\\nurse"], root.GetProperty("recipients").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("d1", root.GetProperty("deliveryId").GetString());
    }

    [Fact]
    public void Validate_UnknownPlaceholderHttpAndShortSecret_ReportsEveryError()
    {
        var o = new WebhookOptions { Url = new Uri("http://x/"), Secret = "short", BodyTemplate = "{{nope}} {{text}}", MaxAttempts = 0 };
        var errors = o.Validate();
        Assert.Equal(4, errors.Count);
        Assert.Contains(errors, e => e.Contains("{{nope}}", StringComparison.Ordinal));
    }
}
