using System.Net;
using System.Net.Http.Json;
using Edge.Gateway.Incidents;
using Edge.TestKit;

namespace Edge.Gateway.IntegrationTests.StaffPage;

/// <summary>
/// Issue 16, points 2, 3 and 6 on the staff page, each an attack against the real gateway host over HTTP on
/// loopback: a cookie replayed after sign-out, a guesser trying to lock a carer out, DNS rebinding, HSTS,
/// an oversized note. Other machines are played by other loopback addresses (127.0.0.2 ...).
/// </summary>
public sealed class StaffPageSecurityTests : IDisposable
{
    private const string Attacker = "127.0.0.2";
    private const string NewTablet = "127.0.0.3";
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task SignOut_ACopiedCookieAndTokenReplayedAfterwards_CannotAcceptAnIncident()
    {
        await using var gw = await StaffPageGateway.StartAsync(_env);
        using var carer = new StaffClient(gw.Url);
        Assert.Equal(HttpStatusCode.NoContent, (await carer.SignInAsync(StaffPageGateway.User, StaffPageGateway.Password)).Status);
        // What someone who copied the requests (shared computer, proxy log) holds: the cookies and a CSRF token.
        var cookies = carer.Cookies.GetCookieHeader(gw.Url);
        var token = await carer.CsrfAsync();
        var id = (await gw.RaiseFallAsync()).Incident.Id;
        Assert.Equal(HttpStatusCode.OK, await ReplayAsync(gw.Url, cookies, token, HttpMethod.Get, "/api/incidents"));

        using (var signOut = await carer.PostJsonAsync("/api/signout", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await ReplayAsync(gw.Url, cookies, token, HttpMethod.Post, $"/api/incidents/{id}/accept"));
        Assert.Equal(HttpStatusCode.Unauthorized, await ReplayAsync(gw.Url, cookies, token, HttpMethod.Get, "/api/incidents"));
        Assert.Equal(IncidentState.Raised, (await gw.Incidents.GetAsync(id))!.State);
    }

    [Fact]
    public async Task SignOut_EndsTheSessionsLiveStream()
    {
        await using var gw = await StaffPageGateway.StartAsync(_env);
        using var carer = new StaffClient(gw.Url);
        Assert.Equal(HttpStatusCode.NoContent, (await carer.SignInAsync(StaffPageGateway.User, StaffPageGateway.Password)).Status);
        using var stream = await carer.Http.GetAsync(new Uri("/api/events", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        await using var body = await stream.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(body);
        Assert.StartsWith("event: incidents", await reader.ReadLineAsync());

        using (var signOut = await carer.PostJsonAsync("/api/signout", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        }

        // The server closes the stream: reading reaches its end (a signal with a timeout, not a sleep).
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await reader.ReadLineAsync(timeout.Token) is not null)
        {
        }
    }

    [Fact]
    public async Task Session_EndsAfterItsIdleTimeAndItsMaximumLifetime()
    {
        await using var gw = await StaffPageGateway.StartAsync(_env, new Dictionary<string, string?>
        {
            ["StaffPage:SessionLifetime"] = "02:00:00",
            ["StaffPage:SessionMaxLifetime"] = "05:00:00",
        });
        using var idle = new StaffClient(gw.Url);
        using var busy = new StaffClient(gw.Url);
        Assert.Equal(HttpStatusCode.NoContent, (await idle.SignInAsync(StaffPageGateway.User, StaffPageGateway.Password)).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await busy.SignInAsync(StaffPageGateway.User, StaffPageGateway.Password)).Status);

        for (var hour = 1; hour <= 4; hour++)
        {
            gw.Time.Advance(TimeSpan.FromHours(1));
            Assert.Equal(HttpStatusCode.OK, await busy.GetStatusAsync("/api/me"));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await idle.GetStatusAsync("/api/me")); // 4 h without a request
        gw.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.Unauthorized, await busy.GetStatusAsync("/api/me")); // 5 h after sign-in
    }

    [Fact]
    public async Task WrongPasswordsFromAnotherMachine_NeverLockTheCarerOut_TheWaitGrowsForTheGuesser()
    {
        await using var gw = await StaffPageGateway.StartAsync(_env);
        using var phone = new StaffClient(gw.Url);
        Assert.Equal(HttpStatusCode.NoContent, (await phone.SignInAsync(StaffPageGateway.User, StaffPageGateway.Password)).Status);
        using (var signOut = await phone.PostJsonAsync("/api/signout", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        }

        // The guesser: five free failures, then each failure doubles the wait, and early attempts are refused
        // without a password check.
        using var attacker = new StaffClient(gw.Url, Attacker);
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await attacker.SignInAsync(StaffPageGateway.User, $"guess number {i}")).Status);
        }

        var waits = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            var (status, retryAfter) = await attacker.SignInAsync(StaffPageGateway.User, "another guess");
            Assert.Equal(HttpStatusCode.TooManyRequests, status);
            waits.Add(retryAfter);
            gw.Time.Advance(TimeSpan.FromSeconds(retryAfter));
            Assert.Equal(HttpStatusCode.Unauthorized, (await attacker.SignInAsync(StaffPageGateway.User, "one more guess")).Status);
        }

        Assert.Equal([1, 2, 4, 8], waits);

        // The carer's phone signed in before: it is not kept waiting by the guesser, with the right password at once.
        Assert.Equal(HttpStatusCode.NoContent, (await phone.SignInAsync(StaffPageGateway.User, StaffPageGateway.Password)).Status);

        // A tablet never used before is not held by the guesser either, even when its user mistypes twice.
        using var tablet = new StaffClient(gw.Url, NewTablet);
        Assert.Equal(HttpStatusCode.Unauthorized, (await tablet.SignInAsync(StaffPageGateway.User, "correct horse battery stapler")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await tablet.SignInAsync(StaffPageGateway.User, "correct horse batery staple")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await tablet.SignInAsync(StaffPageGateway.User, StaffPageGateway.Password)).Status);

        // Meanwhile the guesser still waits: 1 + 4 failures later, 16 s.
        Assert.Equal((HttpStatusCode.TooManyRequests, 16), await attacker.SignInAsync(StaffPageGateway.User, "yet another guess"));
    }

    [Fact]
    public async Task ParallelBogusSignInsFromOneSource_OnlyTwoReachThePasswordCheck()
    {
        await using var gw = await StaffPageGateway.StartAsync(_env);
        using var attacker = new StaffClient(gw.Url, Attacker);
        var token = await attacker.CsrfAsync();

        var statuses = await Task.WhenAll(Enumerable.Range(0, 16).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/signin") { Content = JsonContent.Create(new { username = $"nobody{i}", password = "not a password" }) };
            request.Headers.Add("X-CSRF-TOKEN", token);
            using var response = await attacker.Http.SendAsync(request);
            return response.StatusCode;
        }));

        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, s.ToString()));
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.Unauthorized), 1, 16);
    }

    [Fact]
    public async Task HostHeader_OnlyTheGatewaysNamesAndAddresses_AreAnswered()
    {
        await using var gw = await StaffPageGateway.StartAsync(_env, new Dictionary<string, string?> { ["StaffPage:AllowedHosts:0"] = "gateway.oakhouse.lan" });
        using var http = new HttpClient { BaseAddress = gw.Url };
        (string Host, HttpStatusCode Expected)[] cases =
        [
            ("evil.example", HttpStatusCode.MisdirectedRequest),
            ("rebind.attacker.test:8080", HttpStatusCode.MisdirectedRequest),
            ("gateway.oakhouse.lan.evil.example", HttpStatusCode.MisdirectedRequest),
            ("gateway.oakhouse.lan", HttpStatusCode.OK),
            ("GATEWAY.oakhouse.lan.", HttpStatusCode.OK),
            ("127.0.0.1", HttpStatusCode.OK),
            ("192.168.1.20:8443", HttpStatusCode.OK),
            ("[::1]", HttpStatusCode.OK),
            ("localhost", HttpStatusCode.OK),
        ];

        foreach (var (host, expected) in cases)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/csrf");
            request.Headers.Host = host;
            using var response = await http.SendAsync(request);
            Assert.True(expected == response.StatusCode, $"Host: {host} answered {response.StatusCode}, expected {expected}");
        }
    }

    [Fact]
    public async Task Https_SendsHsts_AndTheSessionCookieIsSecure_PlainHttpSendsNoHsts()
    {
        using var dir = new TempDirectory("edge-staffpage-tls");
        var certs = await TestCertificates.CreateAsync(dir.Path);
        await using var gw = await StaffPageGateway.StartAsync(_env, new Dictionary<string, string?>
        {
            ["StaffPage:Url"] = "https://127.0.0.1:0",
            ["StaffPage:CertificateFile"] = certs.ServerCert,
            ["StaffPage:CertificateKeyFile"] = certs.ServerKey,
        });
        using var handler = new HttpClientHandler
        {
            CookieContainer = new CookieContainer(),
            ServerCertificateCustomValidationCallback = (_, _, _, _) => true, // the test CA is not in the system store
        };
        using var https = new HttpClient(handler) { BaseAddress = gw.Url };
        Assert.Equal("https", gw.Url.Scheme);

        using var page = await https.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal("max-age=31536000", page.Headers.GetValues("Strict-Transport-Security").Single());
        await using var plain = await StaffPageGateway.StartAsync(_env);
        using var http = new HttpClient { BaseAddress = plain.Url };
        using var plainPage = await http.GetAsync(new Uri("/", UriKind.Relative));
        Assert.False(plainPage.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task ResolveNote_OverTheLimitOrHuge_IsRefusedAndNothingIsStored()
    {
        await using var gw = await StaffPageGateway.StartAsync(_env);
        using var carer = new StaffClient(gw.Url);
        Assert.Equal(HttpStatusCode.NoContent, (await carer.SignInAsync(StaffPageGateway.User, StaffPageGateway.Password)).Status);
        var id = (await gw.RaiseFallAsync()).Incident.Id;

        // 5 MB: Kestrel answers 413 and closes the connection while the client is still sending, so the client
        // sees either the 413 or a broken pipe. Either way nothing may be stored.
        HttpStatusCode? huge;
        try
        {
            using var response = await carer.PostJsonAsync($"/api/incidents/{id}/resolve", new { outcome = "no_fall", note = new string('x', 5 * 1024 * 1024) });
            huge = response.StatusCode;
        }
        catch (HttpRequestException)
        {
            huge = null;
        }

        using var long1 = await carer.PostJsonAsync($"/api/incidents/{id}/resolve", new { outcome = "no_fall", note = new string('x', 2001) });

        Assert.True(huge is null or HttpStatusCode.RequestEntityTooLarge, $"a 5 MB note answered {huge}");
        Assert.Equal(HttpStatusCode.BadRequest, long1.StatusCode);
        Assert.Equal(IncidentState.Raised, (await gw.Incidents.GetAsync(id))!.State);
        using var fine = await carer.PostJsonAsync($"/api/incidents/{id}/resolve", new { outcome = "no_fall", note = new string('x', 2000) });
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
        Assert.Equal(2000, (await gw.Incidents.GetAsync(id))!.Note!.Length);
    }

    private static async Task<HttpStatusCode> ReplayAsync(Uri baseAddress, string cookies, string token, HttpMethod method, string path)
    {
        using var handler = new HttpClientHandler { UseCookies = false };
        using var http = new HttpClient(handler) { BaseAddress = baseAddress };
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Cookie", cookies);
        request.Headers.Add("X-CSRF-TOKEN", token);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
