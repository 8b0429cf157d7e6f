// Over 400 lines on purpose: one test class for the cloud API over a real server, one scenario per method.
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Edge.Cloud.Api.Query;
using Edge.Cloud.Api.Reporting;
using Edge.Cloud.Contracts;
using Edge.TestKit;

namespace Edge.Cloud.IntegrationTests;

/// <summary>The API suite; runs once on SQLite and once on PostgreSQL (see the derived classes).</summary>
public abstract class CloudApiTests(IDatabaseSource databases) : IAsyncLifetime, IDisposable
{
    private readonly TestEnvironment _env = new();
    private CloudApp? _app;

    protected CloudApp App => _app!;

    public async Task InitializeAsync() => _app = await CloudApp.StartAsync(_env, databases.Provider, await databases.NewDatabaseAsync());

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

    private static readonly DateTimeOffset T0 = Events.Base;

    // ---- accepted / duplicate / rejected ----

    [Fact]
    public async Task PostEvents_NewEvents_AcceptedAndStored()
    {
        var result = await App.PostOkAsync("gw-a1",
            Events.Raised("gw-a1", "site-a1", "inc-1", T0),
            Events.Accepted("gw-a1", "site-a1", "inc-1", T0.AddSeconds(95)));

        Assert.Equal(2, result.Accepted);
        Assert.All(result.Results, r => Assert.Equal(UplinkEventStatus.Accepted, r.Status));
        var stored = await App.Store.GetEventsAsync("site-a1", default);
        Assert.Equal(["gw-a1:inc-1:1", "gw-a1:inc-1:2"], stored.Select(e => e.IdempotencyKey));
    }

    [Fact]
    public async Task PostEvents_SameBatchTwice_SecondIsAllDuplicatesAndStoresNothing()
    {
        var batch = new[] { Events.Raised("gw-a1", "site-a1", "inc-1", T0), Events.Accepted("gw-a1", "site-a1", "inc-1", T0.AddSeconds(30)) };
        await App.PostOkAsync("gw-a1", batch);

        var again = await App.PostOkAsync("gw-a1", batch);

        Assert.Equal(0, again.Accepted);
        Assert.Equal(2, again.Duplicates);
        Assert.All(again.Results, r => Assert.Equal(UplinkEventStatus.Duplicate, r.Status));
        Assert.Equal(2, await App.Store.CountEventsAsync(default));
    }

    [Fact]
    public async Task PostEvents_SameKeyTwiceInOneBatch_SecondIsDuplicate()
    {
        var e = Events.Raised("gw-a1", "site-a1", "inc-1", T0);

        var result = await App.PostOkAsync("gw-a1", e, e);

        Assert.Equal([UplinkEventStatus.Accepted, UplinkEventStatus.Duplicate], result.Results.Select(r => r.Status));
        Assert.Equal(1, await App.Store.CountEventsAsync(default));
    }

    [Fact]
    public async Task PostEvents_SameKeyFromAnotherGateway_IsNotADuplicate()
    {
        await App.PostOkAsync("gw-a1", Events.Raised("gw-a1", "site-a1", "inc-1", T0, key: "k-1"));

        var result = await App.PostOkAsync("gw-a2", Events.Raised("gw-a2", "site-a2", "inc-1", T0, key: "k-1"));

        Assert.Equal(1, result.Accepted);
        Assert.Equal(2, await App.Store.CountEventsAsync(default));
    }

    [Fact]
    public async Task PostEvents_UnknownEventType_RejectedWithReasonOthersAccepted()
    {
        var unknown = Events.Raised("gw-a1", "site-a1", "inc-9", T0, key: "k-unknown") with { Type = "incident.exploded" };

        var result = await App.PostOkAsync("gw-a1", Events.Raised("gw-a1", "site-a1", "inc-1", T0), unknown);

        Assert.Equal(UplinkEventStatus.Accepted, result.Results[0].Status);
        Assert.Equal(UplinkEventStatus.Rejected, result.Results[1].Status);
        Assert.Contains("unknown event type", result.Results[1].Reason, StringComparison.Ordinal);
        var stored = await App.Store.GetEventsAsync("site-a1", default);
        Assert.DoesNotContain(stored, e => e.IdempotencyKey == "k-unknown");
        Assert.Single(stored);
    }

    [Theory]
    [InlineData("no-sequence")]
    [InlineData("no-incident-id")]
    [InlineData("resolved-without-outcome")]
    [InlineData("wrong-payload")]
    [InlineData("future")]
    [InlineData("bad-key")]
    [InlineData("health-unprotected-beyond-period")]
    public async Task PostEvents_InvalidEvent_RejectedAndNotStored(string defect)
    {
        var good = Events.Raised("gw-a1", "site-a1", "inc-1", T0, key: "k-bad");
        var bad = defect switch
        {
            "no-sequence" => good with { Sequence = null },
            "no-incident-id" => good with { IncidentId = null },
            "resolved-without-outcome" => Events.Resolved("gw-a1", "site-a1", "inc-1", T0) with { IdempotencyKey = "k-bad", Incident = new IncidentPayload() },
            "wrong-payload" => good with { Incident = null, Device = new DeviceHealthPayload { DeviceId = "d", State = DeviceStates.Offline } },
            "future" => good with { OccurredAt = DateTimeOffset.UtcNow.AddHours(1) },
            "bad-key" => good with { IdempotencyKey = "has space" },
            "health-unprotected-beyond-period" => Events.Health("gw-a1", "site-a1", T0, TimeSpan.FromHours(1), "k-bad", ("d1", DeviceStates.Offline, 7200)),
            _ => throw new ArgumentOutOfRangeException(nameof(defect)),
        };

        var result = await App.PostOkAsync("gw-a1", bad);

        Assert.Equal(1, result.Rejected);
        Assert.False(string.IsNullOrEmpty(result.Results[0].Reason));
        Assert.Equal(0, await App.Store.CountEventsAsync(default));
    }

    // ---- bad input: whole batch refused, nothing stored ----

    [Fact]
    public async Task PostEvents_WrongKey_Unauthorized_NothingStored()
    {
        using var client = App.Client("edgegw_" + new string('A', 43));
        using var response = await CloudApp.PostBatchAsync(client, "gw-a1", Events.Raised("gw-a1", "site-a1", "inc-1", T0));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await App.Store.CountEventsAsync(default));
    }

    [Fact]
    public async Task PostEvents_NoKey_Unauthorized()
    {
        using var client = App.Client();
        using var response = await CloudApp.PostBatchAsync(client, "gw-a1", Events.Raised("gw-a1", "site-a1", "inc-1", T0));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await App.Store.CountEventsAsync(default));
    }

    [Fact]
    public async Task PostEvents_AnotherSitesGatewayKeyOnThisGatewaysRoute_Forbidden_NothingStored()
    {
        using var client = App.GatewayClient("gw-b1");
        using var response = await CloudApp.PostBatchAsync(client, "gw-a1", Events.Raised("gw-a1", "site-a1", "inc-1", T0));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await App.Store.CountEventsAsync(default));
    }

    [Fact]
    public async Task PostEvents_EventsForAnotherSite_Forbidden_NothingStored()
    {
        using var client = App.GatewayClient("gw-a1");
        using var response = await CloudApp.PostBatchAsync(client, "gw-a1",
            Events.Raised("gw-a1", "site-a1", "inc-1", T0),
            Events.Raised("gw-a1", "site-b1", "inc-2", T0));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, await App.Store.CountEventsAsync(default));
    }

    [Fact]
    public async Task PostEvents_UserToken_Forbidden()
    {
        using var client = App.UserClient("alice");
        using var response = await CloudApp.PostBatchAsync(client, "gw-a1", Events.Raised("gw-a1", "site-a1", "inc-1", T0));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, await App.Store.CountEventsAsync(default));
    }

    [Theory]
    [InlineData("{\"events\":[", "Malformed JSON")]
    [InlineData("not json at all", "Malformed JSON")]
    [InlineData("{\"events\":[{\"idempotencyKey\":\"k\",\"gatewayId\":\"gw-a1\",\"siteId\":\"site-a1\",\"type\":\"incident.raised\"}]}", "Malformed JSON")]
    [InlineData("{\"events\":[{\"idempotencyKey\":\"k\",\"gatewayId\":\"gw-a1\",\"siteId\":\"site-a1\",\"type\":\"incident.raised\",\"occurredAt\":\"2026-01-01T00:00:00Z\",\"incidentId\":\"i\",\"sequence\":1,\"incident\":{},\"samples\":[0.1,0.2,9.8]}]}", "Malformed JSON")]
    [InlineData("{\"events\":[]}", "One or more validation errors occurred.")]
    [InlineData("{}", "Malformed JSON")]
    public async Task PostEvents_BadBody_BadRequestProblem_NothingStored(string body, string title)
    {
        using var client = App.GatewayClient("gw-a1");
        using var response = await client.PostAsync("/api/v1/gateways/gw-a1/events", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(title, problem.RootElement.GetProperty("title").GetString());
        Assert.Equal(0, await App.Store.CountEventsAsync(default));
    }

    [Fact]
    public async Task PostEvents_TooManyEvents_BadRequest_NothingStored()
    {
        var events = Enumerable.Range(0, ContractLimits.MaxEventsPerBatch + 1)
            .Select(i => Events.Raised("gw-a1", "site-a1", $"i{i}", T0) with { Incident = null, Type = UplinkEventTypes.DeviceHealth, Device = new DeviceHealthPayload { DeviceId = "d", State = "offline" } })
            .ToArray();
        using var client = App.GatewayClient("gw-a1");
        using var response = await CloudApp.PostBatchAsync(client, "gw-a1", events);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await App.Store.CountEventsAsync(default));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task PostEvents_OversizeBody_PayloadTooLarge_NothingStored(bool chunked)
    {
        // A well-formed batch just over 1 MiB: long (valid) labels on few events.
        var big = Enumerable.Range(0, 60)
            .Select(i => Events.Raised("gw-a1", "site-a1", $"inc-{i}", T0) with { Incident = new IncidentPayload { Room = new string('r', 190), Unit = new string('u', 190), Kind = "fall" } })
            .ToList();
        var json = JsonSerializer.SerializeToUtf8Bytes(new UplinkBatch { Events = big }, UplinkJsonContext.Default.UplinkBatch);
        var padded = Encoding.UTF8.GetString(json).Insert(1, new string(' ', (int)ContractLimits.MaxBatchBytes - json.Length + 10));
        HttpContent content = chunked
            ? new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(padded)))
            : new StringContent(padded, Encoding.UTF8, "application/json");
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        if (chunked)
        {
            content.Headers.ContentLength = null;
        }

        using var client = App.GatewayClient("gw-a1");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/gateways/gw-a1/events") { Content = content };
        if (chunked)
        {
            request.Headers.TransferEncodingChunked = true;
        }

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, await App.Store.CountEventsAsync(default));
    }

    [Fact]
    public async Task PostEvents_NotJson_UnsupportedMediaType()
    {
        using var client = App.GatewayClient("gw-a1");
        using var response = await client.PostAsync("/api/v1/gateways/gw-a1/events", new StringContent("events", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(0, await App.Store.CountEventsAsync(default));
    }

    [Fact]
    public async Task PostEvents_OverTheGatewaysRateLimit_TooManyRequests_RejectedBatchesNotStored()
    {
        await using var app = await CloudApp.StartAsync(_env, databases.Provider, await databases.NewDatabaseAsync(),
            new Dictionary<string, string?> { ["Ingest:RequestsPerSecond"] = "1", ["Ingest:Burst"] = "1" });
        using var client = app.GatewayClient("gw-a1");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await CloudApp.PostBatchAsync(client, "gw-a1", Events.Raised("gw-a1", "site-a1", $"inc-{i}", T0));
            statuses.Add(response.StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Equal(statuses.Count(s => s == HttpStatusCode.OK), await app.Store.CountEventsAsync(default));

        // Another gateway has its own bucket.
        using var other = app.GatewayClient("gw-a2");
        using var otherResponse = await CloudApp.PostBatchAsync(other, "gw-a2", Events.Raised("gw-a2", "site-a2", "inc-x", T0));
        Assert.Equal(HttpStatusCode.OK, otherResponse.StatusCode);
    }

    // ---- query API ----

    [Fact]
    public async Task GetIncidents_AcceptedAndResolved_ReportsTimeToAcceptAndResolve()
    {
        await App.PostOkAsync("gw-a1",
            Events.Raised("gw-a1", "site-a1", "inc-1", T0),
            Events.Accepted("gw-a1", "site-a1", "inc-1", T0.AddSeconds(90)),
            Events.Resolved("gw-a1", "site-a1", "inc-1", T0.AddMinutes(12), IncidentOutcomes.NoFall));

        using var client = App.UserClient("alice");
        var incidents = await client.GetFromJsonAsync<List<IncidentDto>>("/api/v1/sites/site-a1/incidents");

        var incident = Assert.Single(incidents!);
        Assert.Equal(90, incident.TimeToAcceptSeconds);
        Assert.Equal(720, incident.TimeToResolveSeconds);
        Assert.Equal(IncidentOutcomes.NoFall, incident.Outcome);
        Assert.Equal("East", incident.Unit);
    }

    [Fact]
    public async Task GetIncidents_EventsArriveOutOfOrder_SameIncidentAsInOrder()
    {
        await App.PostOkAsync("gw-a1", Events.Resolved("gw-a1", "site-a1", "inc-1", T0.AddMinutes(5)));
        await App.PostOkAsync("gw-a1", Events.Accepted("gw-a1", "site-a1", "inc-1", T0.AddMinutes(1)));
        await App.PostOkAsync("gw-a1", Events.Raised("gw-a1", "site-a1", "inc-1", T0));

        using var client = App.UserClient("alice");
        var incident = Assert.Single((await client.GetFromJsonAsync<List<IncidentDto>>("/api/v1/sites/site-a1/incidents"))!);

        Assert.Equal(60, incident.TimeToAcceptSeconds);
        Assert.Equal(300, incident.TimeToResolveSeconds);
        Assert.Equal("fall", incident.Kind);
    }

    [Fact]
    public async Task OrganisationUsers_SeeOnlyTheirOwnSites()
    {
        await App.PostOkAsync("gw-a1", Events.Raised("gw-a1", "site-a1", "inc-a", T0));
        await App.PostOkAsync("gw-b1", Events.Raised("gw-b1", "site-b1", "inc-b", T0));
        using var alice = App.UserClient("alice");
        using var bob = App.UserClient("bob");

        var aliceSites = await alice.GetFromJsonAsync<List<SiteDto>>("/api/v1/sites");
        var bobSites = await bob.GetFromJsonAsync<List<SiteDto>>("/api/v1/sites");
        using var bobReadsA = await bob.GetAsync("/api/v1/sites/site-a1/incidents");
        using var bobReadsADevices = await bob.GetAsync("/api/v1/sites/site-a1/devices");
        var bobReport = await bob.GetFromJsonAsync<ResponseReport>("/api/v1/reports/response-times");

        Assert.Equal(["site-a2", "site-a1"], aliceSites!.Select(s => s.SiteId)); // ordered by name: Elm Court, Oak House
        Assert.Equal(["site-b1"], bobSites!.Select(s => s.SiteId));
        Assert.Equal(HttpStatusCode.NotFound, bobReadsA.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, bobReadsADevices.StatusCode);
        Assert.Equal(["site-b1"], bobReport!.BySite.Select(r => r.SiteId));
        Assert.Equal(1, bobReport.BySite[0].Incidents);
    }

    [Fact]
    public async Task QueryApi_WithoutCredentialsOrWithGatewayKey_Refused()
    {
        using var anonymous = App.Client();
        using var gateway = App.GatewayClient("gw-a1");

        using var a = await anonymous.GetAsync("/api/v1/sites");
        using var g = await gateway.GetAsync("/api/v1/sites");
        using var bad = await App.Client("edgeusr_" + new string('x', 43)).GetAsync("/api/v1/sites");

        Assert.Equal(HttpStatusCode.Unauthorized, a.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, g.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
    }

    [Fact]
    public async Task GetDevices_HealthSummaries_SumUnprotectedTimeOnceEvenWhenResent()
    {
        var hour = TimeSpan.FromHours(1);
        var first = Events.Health("gw-a1", "site-a1", T0, hour, "h-1", ("dev-1", DeviceStates.Protected, 0), ("dev-2", DeviceStates.Docked, 1800));
        var second = Events.Health("gw-a1", "site-a1", T0 + hour, hour, "h-2", ("dev-1", DeviceStates.Offline, 600), ("dev-2", DeviceStates.Protected, 900));
        await App.PostOkAsync("gw-a1", first, second);
        await App.PostOkAsync("gw-a1", first);                               // resent: duplicate
        await App.PostOkAsync("gw-a1", first with { IdempotencyKey = "h-1-again" }); // same period under a new key

        using var alice = App.UserClient("alice");
        var devices = (await alice.GetFromJsonAsync<List<DeviceDto>>("/api/v1/sites/site-a1/devices"))!.ToDictionary(d => d.DeviceId);
        var report = await alice.GetFromJsonAsync<ResponseReport>("/api/v1/reports/response-times");

        Assert.Equal(600, devices["dev-1"].UnprotectedSeconds);
        Assert.Equal(2700, devices["dev-2"].UnprotectedSeconds);
        Assert.Equal(DeviceStates.Offline, devices["dev-1"].State);
        Assert.Equal(DeviceStates.Protected, devices["dev-2"].State);
        var site = report!.Health.Single(h => h.SiteId == "site-a1");
        Assert.Equal(3300 / 3600.0, site.UnprotectedResidentHours, 6);
    }

    [Fact]
    public async Task ResponseReport_KnownTimes_MedianAndP95PerSiteUnitAndShift()
    {
        // Five incidents at site-a1 (unit East), accepted after 60..300 s, one a false alarm.
        var events = new List<UplinkEvent>();
        for (var i = 1; i <= 5; i++)
        {
            var raised = T0.AddMinutes(i);
            events.Add(Events.Raised("gw-a1", "site-a1", $"inc-{i}", raised));
            events.Add(Events.Accepted("gw-a1", "site-a1", $"inc-{i}", raised.AddSeconds(60 * i)));
            events.Add(Events.Resolved("gw-a1", "site-a1", $"inc-{i}", raised.AddSeconds(600 * i), i == 5 ? IncidentOutcomes.NoFall : IncidentOutcomes.Fall));
        }

        await App.PostOkAsync("gw-a1", [.. events]);
        using var alice = App.UserClient("alice");
        var report = await alice.GetFromJsonAsync<ResponseReport>("/api/v1/reports/response-times?days=2");

        var site = report!.BySite.Single(r => r.SiteId == "site-a1");
        Assert.Equal(5, site.Incidents);
        Assert.Equal(180, site.AcceptMedianSeconds);
        Assert.Equal(288, site.AcceptP95Seconds!.Value, 6);     // 240 + 0.8 * 60 (linear between ranks)
        Assert.Equal(1800, site.ResolveMedianSeconds);
        Assert.Equal(0.2, site.FalseAlarmShare!.Value, 6);
        Assert.Equal("East", Assert.Single(report.ByUnit, r => r.SiteId == "site-a1").Group);
        Assert.Equal(5, report.ByShift.Where(r => r.SiteId == "site-a1").Sum(r => r.Incidents));
        Assert.Equal(0, report.BySite.Single(r => r.SiteId == "site-a2").Incidents);
    }

    // ---- dashboard and OpenAPI ----

    [Fact]
    public async Task Dashboard_SignedInManager_ShowsOpenIncidentsOfOwnSitesWithCharts()
    {
        await App.PostOkAsync("gw-a1", Events.Raised("gw-a1", "site-a1", "inc-open", T0, unit: "West Wing"));
        await App.PostOkAsync("gw-a2", Events.Raised("gw-a2", "site-a2", "inc-done", T0), Events.Resolved("gw-a2", "site-a2", "inc-done", T0.AddMinutes(3)));
        await App.PostOkAsync("gw-b1", Events.Raised("gw-b1", "site-b1", "inc-other-org", T0));
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true };
        using var browser = new HttpClient(handler) { BaseAddress = App.BaseAddress };

        using var login = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "alice",
            ["password"] = App.Users["alice"].Password,
        }));
        using var page = await browser.GetAsync("/dashboard");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("default-src 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("data-incident=\"inc-open\"", html, StringComparison.Ordinal);
        Assert.Contains("West Wing", html, StringComparison.Ordinal);
        Assert.DoesNotContain("inc-done", html, StringComparison.Ordinal);
        Assert.DoesNotContain("inc-other-org", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Birch Lodge", html, StringComparison.Ordinal);
        Assert.True(html.Split("<svg").Length - 1 >= 4, "four inline SVG charts");
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_WrongPasswordOrNotSignedIn_NoData()
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var browser = new HttpClient(handler) { BaseAddress = App.BaseAddress };

        using var login = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "alice", ["password"] = "guess" }));
        using var page = await browser.GetAsync("/dashboard");

        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/login", page.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_Served_DescribesIngestAndQueryEndpoints()
    {
        using var client = App.Client();
        using var doc = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));

        var paths = doc.RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/gateways/{gatewayId}/events", out _));
        Assert.True(paths.TryGetProperty("/api/v1/sites/{siteId}/incidents", out _));
        Assert.True(paths.TryGetProperty("/api/v1/reports/response-times", out _));
    }
}

public sealed class SqliteCloudApiTests() : CloudApiTests(new SqliteSource());

[Collection(PostgresCollection.Name)]
public sealed class PostgresCloudApiTests(PostgresFixture fixture) : CloudApiTests(new PostgresSource(fixture));
