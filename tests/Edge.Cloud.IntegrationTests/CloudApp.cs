using System.Net.Http.Headers;
using System.Net.Http.Json;
using Edge.Cloud.Api.Admin;
using Edge.Cloud.Contracts;
using Edge.Cloud.Data;
using Edge.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Cloud.IntegrationTests;

/// <summary>
/// The real service on Kestrel (loopback, free port) over a real database, with two organisations:
/// org-a owns site-a1 (gateway gw-a1) and site-a2 (gw-a2); org-b owns site-b1 (gw-b1). Users alice (org-a)
/// and bob (org-b). Its logs go to the test's <see cref="TestEnvironment"/>, which fails the test on an unexpected Error.
/// </summary>
public sealed class CloudApp : IAsyncDisposable
{
    // Fewer PBKDF2 rounds than production (600,000) keep the suite fast; Verify reads the count from the hash.
    public const int TestPasswordIterations = 10_000;

    private readonly WebApplicationFactory<Program> _factory;

    private CloudApp(WebApplicationFactory<Program> factory, Uri baseAddress, string provider, string connectionString)
    {
        _factory = factory;
        BaseAddress = baseAddress;
        Provider = provider;
        ConnectionString = connectionString;
        Store = factory.Services.GetRequiredService<CloudStore>();
        Time = factory.Services.GetRequiredService<TimeProvider>();
        Admin = AdminCommands.For(Store, Time, actor: "test-admin");
    }

    public string Provider { get; }

    public string ConnectionString { get; }

    /// <summary>The service's clock (a <c>FakeTimeProvider</c> when the test passed one).</summary>
    public TimeProvider Time { get; }

    public Uri BaseAddress { get; }

    public CloudStore Store { get; }

    public AdminCommands Admin { get; }

    public IServiceProvider Services => _factory.Services;

    public Dictionary<string, string> GatewayKeys { get; } = [];

    public Dictionary<string, NewUserSecrets> Users { get; } = [];

    public static async Task<CloudApp> StartAsync(
        TestEnvironment env, string provider, string connectionString, IDictionary<string, string?>? settings = null, bool seed = true, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(env);
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting(WebHostDefaults.ServerUrlsKey, "http://127.0.0.1:0");
            b.UseSetting("Storage:Provider", provider);
            b.UseSetting("Storage:ConnectionString", connectionString);
            b.UseSetting("Ingest:RequestsPerSecond", "10000");
            b.UseSetting("Ingest:Burst", "10000");
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                b.UseSetting(key, value);
            }

            b.ConfigureLogging(l => env.Capture(l, "cloud"));
            if (time is not null)
            {
                b.ConfigureServices(s => s.AddSingleton(time));
            }
        });
        factory.UseKestrel();
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var app = new CloudApp(factory, new Uri(address), provider, connectionString);
        if (seed)
        {
            await app.SeedAsync();
        }

        return app;
    }

    private async Task SeedAsync()
    {
        await Admin.CreateOrganisationAsync("org-a", "Sunrise Care Group");
        await Admin.CreateOrganisationAsync("org-b", "Other Care Group");
        await Admin.CreateSiteAsync("site-a1", "org-a", "Oak House", "Europe/London");
        await Admin.CreateSiteAsync("site-a2", "org-a", "Elm Court", "Europe/London");
        await Admin.CreateSiteAsync("site-b1", "org-b", "Birch Lodge", "Europe/Berlin");
        foreach (var (gw, site) in new[] { ("gw-a1", "site-a1"), ("gw-a2", "site-a2"), ("gw-b1", "site-b1") })
        {
            GatewayKeys[gw] = await Admin.CreateGatewayAsync(gw, site);
        }

        Users["alice"] = await Admin.CreateUserAsync("org-a", "alice", TestPasswordIterations);
        Users["bob"] = await Admin.CreateUserAsync("org-b", "bob", TestPasswordIterations);
    }

    public HttpClient Client(string? bearer = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    public HttpClient GatewayClient(string gatewayId) => Client(GatewayKeys[gatewayId]);

    public HttpClient UserClient(string user) => Client(Users[user].ApiToken);

    public static Task<HttpResponseMessage> PostBatchAsync(HttpClient client, string gatewayId, params UplinkEvent[] events) =>
        client.PostAsJsonAsync($"/api/v1/gateways/{gatewayId}/events", new UplinkBatch { Events = events }, UplinkJsonContext.Default.UplinkBatch);

    public async Task<UplinkBatchResult> PostOkAsync(string gatewayId, params UplinkEvent[] events)
    {
        using var client = GatewayClient(gatewayId);
        using var response = await PostBatchAsync(client, gatewayId, events);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync(UplinkJsonContext.Default.UplinkBatchResult))!;
    }

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();
}
