using System.Net;
using Edge.Cloud.Api.Admin;
using Edge.Cloud.Api.Security;
using Edge.Cloud.Contracts;
using Edge.Cloud.Data;
using Edge.TestKit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Cloud.IntegrationTests;

/// <summary>
/// Issue 16, point 1: revocation, rotation, expiry and server-side sessions, each an attack replayed against
/// the real service (Kestrel on loopback) over a real database. Runs on SQLite and on PostgreSQL. The clock is
/// a manual one, so lifetimes are moved past without sleeping.
/// </summary>
public abstract class CredentialTests(IDatabaseSource databases) : IAsyncLifetime, IDisposable
{
    private readonly TestEnvironment _env = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private CloudApp? _app;

    private CloudApp App => _app!;

    public async Task InitializeAsync() => _app = await CloudApp.StartAsync(_env, databases.Provider, await databases.NewDatabaseAsync(), time: _time);

    public async Task DisposeAsync()
    {
        try
        {
            if (_app is not null)
            {
                await _app.DisposeAsync();
            }
        }
        finally
        {
            (databases as IDisposable)?.Dispose();
        }
    }

    public void Dispose() => _env.Dispose();

    // ---- gateway keys ----

    [Fact]
    public async Task RevokedGatewayKey_IsRefusedWith401AtTheNextRequest_AndStoresNothing()
    {
        Assert.Equal(HttpStatusCode.OK, await PostAsync(App.GatewayKeys["gw-a1"], "inc-1"));

        Assert.Equal(1, await App.Admin.RevokeGatewayKeysAsync("gw-a1", keyId: null));

        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(App.GatewayKeys["gw-a1"], "inc-2"));
        Assert.Equal(1, await App.Store.CountEventsAsync(default));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(App.GatewayKeys["gw-a2"], "inc-3", "gw-a2", "site-a2"));
        var audit = await App.Admin.ListAuditAsync(TimeSpan.FromDays(1), 10);
        Assert.Contains(audit, e => e is { Action: AuditActions.GatewayKeyRevoked, Target: "gw-a1", Actor: "test-admin" });
    }

    [Fact]
    public async Task RotatedGatewayKey_BothWorkDuringTheOverlap_ThenTheOldOneIs401()
    {
        var old = App.GatewayKeys["gw-a1"];

        var rotated = await App.Admin.RotateGatewayKeyAsync("gw-a1", TimeSpan.FromHours(1));

        Assert.NotNull(rotated.Key);
        Assert.Equal(1, rotated.OldKeys);
        Assert.Equal(HttpStatusCode.OK, await PostAsync(old, "inc-1"));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(rotated.Key, "inc-2"));
        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(old, "inc-3"));

        _time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(old, "inc-4"));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(rotated.Key, "inc-5"));
        Assert.Equal(4, await App.Store.CountEventsAsync(default));
        var keys = await App.Admin.ListGatewayKeysAsync("gw-a1");
        Assert.Equal(2, keys.Count);
        Assert.Single(keys, k => k.IsLive(_time.GetUtcNow()));
        Assert.All(keys, k => Assert.NotNull(k.LastUsedAt));
    }

    [Fact]
    public async Task RevokeOneKeyById_DuringTheOverlap_OnlyThatKeyIs401AtOnce()
    {
        var old = App.GatewayKeys["gw-a1"];
        var rotated = await App.Admin.RotateGatewayKeyAsync("gw-a1", TimeSpan.FromDays(7));

        Assert.Equal(1, await App.Admin.RevokeGatewayKeysAsync("gw-a1", Secrets.KeyId(Secrets.Hash(old))));

        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(old, "inc-1"));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(rotated.Key!, "inc-2"));
        await Assert.ThrowsAsync<ArgumentException>(() => App.Admin.RevokeGatewayKeysAsync("gw-a1", "000000000000"));
        await Assert.ThrowsAsync<ArgumentException>(() => App.Admin.RevokeGatewayKeysAsync("gw-nobody", null));
    }

    // ---- users, tokens, sessions ----

    [Fact]
    public async Task RevokedUserToken_Is401AtOnce_OtherUsersUnaffected()
    {
        Assert.Equal(HttpStatusCode.OK, await GetSitesAsync(App.Users["alice"].ApiToken));

        Assert.Equal(1, await App.Admin.RevokeTokensAsync("alice", tokenId: null));

        Assert.Equal(HttpStatusCode.Unauthorized, await GetSitesAsync(App.Users["alice"].ApiToken));
        Assert.Equal(HttpStatusCode.OK, await GetSitesAsync(App.Users["bob"].ApiToken));
        Assert.Contains(await App.Admin.ListAuditAsync(TimeSpan.FromDays(1), 10), e => e.Action == AuditActions.TokenRevoked);
    }

    [Fact]
    public async Task UserToken_Expires_ThenIs401()
    {
        var token = await App.Admin.IssueTokenAsync("alice", TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.OK, await GetSitesAsync(token.Token));

        _time.Advance(TimeSpan.FromMinutes(61));

        Assert.Equal(HttpStatusCode.Unauthorized, await GetSitesAsync(token.Token));
        // The token made with the user (default 90 days) still works; after 90 days it does not.
        Assert.Equal(HttpStatusCode.OK, await GetSitesAsync(App.Users["alice"].ApiToken));
        _time.Advance(TimeSpan.FromDays(90));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetSitesAsync(App.Users["alice"].ApiToken));
        await Assert.ThrowsAsync<ArgumentException>(() => App.Admin.IssueTokenAsync("alice", TimeSpan.FromDays(400)));
    }

    [Fact]
    public async Task SignOut_ReplayedCookieIsRefused()
    {
        using var browser = new Browser(App.BaseAddress);
        await browser.SignInAsync("alice", App.Users["alice"].Password);
        var stolen = browser.SessionCookie;
        Assert.Equal(HttpStatusCode.OK, await ReplayAsync(stolen, "/api/v1/sites"));

        await browser.SignOutAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, await ReplayAsync(stolen, "/api/v1/sites"));
        Assert.Equal(HttpStatusCode.Redirect, await ReplayAsync(stolen, "/dashboard"));
        Assert.Contains(await App.Admin.ListAuditAsync(TimeSpan.FromDays(1), 10), e => e.Action == AuditActions.SessionEnded);
    }

    [Fact]
    public async Task DisabledUser_SessionAndTokenAre401AtOnce_AndSignInIsRefused()
    {
        using var browser = new Browser(App.BaseAddress);
        await browser.SignInAsync("alice", App.Users["alice"].Password);
        Assert.Equal(HttpStatusCode.OK, await browser.GetAsync("/api/v1/sites"));

        await App.Admin.DisableUserAsync("alice");

        Assert.Equal(HttpStatusCode.Unauthorized, await browser.GetAsync("/api/v1/sites"));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetSitesAsync(App.Users["alice"].ApiToken));
        using var again = new Browser(App.BaseAddress);
        Assert.Equal(HttpStatusCode.Unauthorized, await again.PostLoginAsync("alice", App.Users["alice"].Password));
        Assert.Equal(HttpStatusCode.OK, await GetSitesAsync(App.Users["bob"].ApiToken));
        await Assert.ThrowsAsync<ArgumentException>(() => App.Admin.DisableUserAsync("alice"));
        await Assert.ThrowsAsync<ArgumentException>(() => App.Admin.IssueTokenAsync("alice"));
        Assert.Contains(await App.Admin.ListAuditAsync(TimeSpan.FromDays(1), 10), e => e is { Action: AuditActions.UserDisabled, Target: var t } && t == App.Users["alice"].UserId);
    }

    [Fact]
    public async Task EndSessions_SignsTheUserOutEverywhere()
    {
        using var laptop = new Browser(App.BaseAddress);
        using var phone = new Browser(App.BaseAddress);
        await laptop.SignInAsync("alice", App.Users["alice"].Password);
        await phone.SignInAsync("alice", App.Users["alice"].Password);

        Assert.Equal(2, await App.Admin.EndSessionsAsync("alice"));

        Assert.Equal(HttpStatusCode.Unauthorized, await laptop.GetAsync("/api/v1/sites"));
        Assert.Equal(HttpStatusCode.Unauthorized, await phone.GetAsync("/api/v1/sites"));
        Assert.Equal(HttpStatusCode.OK, await GetSitesAsync(App.Users["alice"].ApiToken));
    }

    [Fact]
    public async Task Session_EndsAfterItsLifetime_EvenWhileInUse()
    {
        using var browser = new Browser(App.BaseAddress);
        await browser.SignInAsync("alice", App.Users["alice"].Password);
        for (var hours = 0; hours < 10; hours += 5)
        {
            _time.Advance(TimeSpan.FromHours(5));
            Assert.Equal(HttpStatusCode.OK, await browser.GetAsync("/api/v1/sites"));
        }

        _time.Advance(TimeSpan.FromHours(2)); // 12 h since sign-in, 2 h since the last request

        Assert.Equal(HttpStatusCode.Unauthorized, await browser.GetAsync("/api/v1/sites"));
    }

    // ---- the administrator's command line ----

    [Fact]
    public async Task AdminCli_RotateListRevoke_WorkAgainstTheServiceDatabase()
    {
        var keyFile = Path.GetTempFileName();
        try
        {
            var onSite = GatewayKey.New();
            await File.WriteAllTextAsync(keyFile, onSite + "\n");

            var (rc, output) = await CliAsync("rotate-gateway-key", "--id", "gw-a1", "--overlap", "0s", "--key-file", keyFile, "--actor", "ops:jo");

            Assert.Equal(0, rc);
            Assert.Contains("1 older key(s) keep working until", output, StringComparison.Ordinal);
            _time.Advance(TimeSpan.FromMinutes(10)); // the command line runs on the system clock: move the service's past its "now"
            Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(App.GatewayKeys["gw-a1"], "inc-1"));
            Assert.Equal(HttpStatusCode.OK, await PostAsync(onSite, "inc-2"));
            (rc, output) = await CliAsync("list-gateway-keys", "--id", "gw-a1");
            Assert.Equal(0, rc);
            Assert.Contains(Secrets.KeyId(Secrets.Hash(onSite)) + "  live", output, StringComparison.Ordinal);

            (rc, output) = await CliAsync("revoke-gateway-key", "--id", "gw-a1", "--key", Secrets.KeyId(Secrets.Hash(onSite)));
            Assert.Equal(0, rc);
            Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(onSite, "inc-3"));
            Assert.DoesNotContain(onSite, output, StringComparison.Ordinal);

            (rc, output) = await CliAsync("issue-token", "--username", "bob", "--expires-in", "7d");
            Assert.Equal(0, rc);
            var token = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last().Trim();
            Assert.Equal(HttpStatusCode.OK, await GetSitesAsync(token));
            (rc, _) = await CliAsync("disable-user", "--username", "bob");
            Assert.Equal(0, rc);
            Assert.Equal(HttpStatusCode.Unauthorized, await GetSitesAsync(token));

            (rc, output) = await CliAsync("audit", "--limit", "20");
            Assert.Equal(0, rc);
            Assert.Contains("ops:jo", output, StringComparison.Ordinal);
            foreach (var action in new[] { AuditActions.GatewayKeyRotated, AuditActions.GatewayKeyRevoked, AuditActions.TokenIssued, AuditActions.UserDisabled })
            {
                Assert.Contains(action, output, StringComparison.Ordinal);
            }

            (rc, output) = await CliAsync("revoke-token", "--username", "alice");
            Assert.Equal(2, rc);
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    private async Task<(int Rc, string Output)> CliAsync(params string[] args)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = App.Provider,
            ["Storage:ConnectionString"] = App.ConnectionString,
        }).Build();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var rc = await AdminCli.RunAsync(args, configuration, output, error);
        return (rc, output + error.ToString());
    }

    private async Task<HttpStatusCode> PostAsync(string key, string incident, string gateway = "gw-a1", string site = "site-a1")
    {
        using var client = App.Client(key);
        using var response = await CloudApp.PostBatchAsync(client, gateway, Events.Raised(gateway, site, incident, Events.Base));
        return response.StatusCode;
    }

    private async Task<HttpStatusCode> GetSitesAsync(string token)
    {
        using var client = App.Client(token);
        using var response = await client.GetAsync(new Uri("/api/v1/sites", UriKind.Relative));
        return response.StatusCode;
    }

    private async Task<HttpStatusCode> ReplayAsync(string cookie, string path)
    {
        using var handler = new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = App.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", "edge.session=" + cookie);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>A cookie-keeping client that signs in through the login form, like a browser.</summary>
    private sealed class Browser : IDisposable
    {
        private readonly HttpClientHandler _handler = new() { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        private readonly HttpClient _client;
        private readonly Uri _base;

        public Browser(Uri baseAddress)
        {
            _base = baseAddress;
            _client = new HttpClient(_handler) { BaseAddress = baseAddress };
        }

        public string SessionCookie => _handler.CookieContainer.GetCookies(_base)["edge.session"]?.Value ?? throw new InvalidOperationException("not signed in");

        public async Task SignInAsync(string user, string password) => Assert.Equal(HttpStatusCode.Redirect, await PostLoginAsync(user, password));

        public async Task<HttpStatusCode> PostLoginAsync(string user, string password)
        {
            using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = user, ["password"] = password });
            using var response = await _client.PostAsync(new Uri("/login", UriKind.Relative), form);
            return response.StatusCode;
        }

        public async Task SignOutAsync()
        {
            using var response = await _client.PostAsync(new Uri("/logout", UriKind.Relative), null);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        }

        public async Task<HttpStatusCode> GetAsync(string path)
        {
            using var response = await _client.GetAsync(new Uri(path, UriKind.Relative));
            return response.StatusCode;
        }

        public void Dispose()
        {
            _client.Dispose();
            _handler.Dispose();
        }
    }
}

public sealed class SqliteCredentialTests() : CredentialTests(new SqliteSource());

[Collection(PostgresCollection.Name)]
public sealed class PostgresCredentialTests(PostgresFixture fixture) : CredentialTests(new PostgresSource(fixture));
