using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.Gateway.Incidents;
using Edge.TestKit;

namespace Edge.Gateway.IntegrationTests.StaffPage;

/// <summary>The staff page's HTTP contract, checked with a plain HttpClient: sessions, CSRF, auth on every API.</summary>
public sealed class StaffPageHttpTests : IDisposable
{
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task Api_WithoutSession_Is401()
    {
        await using var gw = await StaffPageGateway.StartAsync(_env);
        using var http = new HttpClient { BaseAddress = gw.Url };

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(new Uri("/api/incidents", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(new Uri("/api/events", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(new Uri("/api/me", UriKind.Relative))).StatusCode);
        var page = await http.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_SetsAnHttpOnlySameSiteStrictCookie_AndPostsNeedTheCsrfToken()
    {
        await using var gw = await StaffPageGateway.StartAsync(_env);
        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer() };
        using var http = new HttpClient(handler) { BaseAddress = gw.Url };
        var credentials = new { username = StaffPageGateway.User, password = StaffPageGateway.Password };

        // Without the antiforgery token even a correct password is refused.
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync("/api/signin", credentials)).StatusCode);

        var token = await TokenAsync(http);
        using var signIn = new HttpRequestMessage(HttpMethod.Post, "/api/signin") { Content = JsonContent.Create(credentials) };
        signIn.Headers.Add("X-CSRF-TOKEN", token);
        var response = await http.SendAsync(signIn);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("edge-staff=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        // Signed in: an accept without the (user-bound) token is refused; with it, it is audited as this carer.
        var id = (await gw.RaiseFallAsync()).Incident.Id;
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsync(new Uri($"/api/incidents/{id}/accept", UriKind.Relative), null)).StatusCode);
        Assert.Equal(IncidentState.Raised, (await gw.Incidents.GetAsync(id))!.State);
        using var accept = new HttpRequestMessage(HttpMethod.Post, $"/api/incidents/{id}/accept");
        accept.Headers.Add("X-CSRF-TOKEN", await TokenAsync(http));
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(accept)).StatusCode);
        Assert.Equal("sam", (await gw.Incidents.GetAsync(id))!.AcceptedBy);
    }

    private static async Task<string> TokenAsync(HttpClient http)
    {
        using var doc = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/csrf", UriKind.Relative)));
        return doc.RootElement.GetProperty("token").GetString()!;
    }
}
