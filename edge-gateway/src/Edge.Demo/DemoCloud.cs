extern alias cloud;

using System.Net.Http.Headers;
using System.Text.Json;
using Edge.Cloud.Data;
using Edge.Mqtt.Broker;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using AdminCommands = cloud::Edge.Cloud.Api.Admin.AdminCommands;
using CloudIngestSetup = cloud::Edge.Cloud.Api.CloudIngestSetup;

namespace Edge.Demo;

/// <summary>
/// The cloud ingest service for the demo, on SQLite, on loopback, in this process: an organisation,
/// the demo site, the gateway's key and a group manager's login, created through the cloud's own admin
/// commands (no default credentials). The gateway's uplink sends it the demo's alerts and health.
/// </summary>
internal sealed class DemoCloud : IAsyncDisposable
{
    public const string Organisation = "demo-group";
    public const string Manager = "manager";

    private readonly WebApplication _app;

    private DemoCloud(WebApplication app, string url, string gatewayKey, string managerPassword, string apiToken)
    {
        _app = app;
        Url = url;
        GatewayKey = gatewayKey;
        ManagerPassword = managerPassword;
        ApiToken = apiToken;
    }

    /// <summary>The service's base URL (http on loopback).</summary>
    public string Url { get; }

    /// <summary>The key the gateway authenticates with.</summary>
    public string GatewayKey { get; }

    /// <summary>The group manager's dashboard password (shown once by the demo).</summary>
    public string ManagerPassword { get; }

    private string ApiToken { get; }

    public static async Task<DemoCloud> StartAsync(string workDir, string siteId, CancellationToken ct)
    {
        var url = $"http://127.0.0.1:{MosquittoProcess.FreePort()}";
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration["Storage:ConnectionString"] = $"Data Source={Path.Combine(workDir, "cloud.db")}";
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new FileLoggerProvider(Path.Combine(workDir, "cloud.log")));
        CloudIngestSetup.AddCloudIngest(builder);
        var app = builder.Build();
        CloudIngestSetup.MapCloudIngest(app);
        await app.StartAsync(ct).ConfigureAwait(false);

        var admin = AdminCommands.For(app.Services.GetRequiredService<CloudStore>(), TimeProvider.System);
        await admin.CreateOrganisationAsync(Organisation, "Demo Care Group", ct).ConfigureAwait(false);
        await admin.CreateSiteAsync(siteId, Organisation, "Demo care home", "Europe/London", ct).ConfigureAwait(false);
        var key = await admin.CreateGatewayAsync(siteId, siteId, ct).ConfigureAwait(false);
        var user = await admin.CreateUserAsync(Organisation, Manager, ct: ct).ConfigureAwait(false);
        return new DemoCloud(app, url, key, user.Password, user.ApiToken);
    }

    /// <summary>How many incidents the cloud holds for the site, read through its query API as the manager.</summary>
    public async Task<int> CountIncidentsAsync(string siteId, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = new Uri(Url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiToken);
        using var response = await http.GetAsync($"/api/v1/sites/{siteId}/incidents", ct).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
        return doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement.GetArrayLength()
            : doc.RootElement.TryGetProperty("incidents", out var list) ? list.GetArrayLength() : 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
