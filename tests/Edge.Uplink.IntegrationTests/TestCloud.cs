extern alias cloud;

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Edge.Cloud.Data;
using Edge.TestKit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using AdminCommands = cloud::Edge.Cloud.Api.Admin.AdminCommands;
using CloudProgram = cloud::Program;

namespace Edge.Uplink.IntegrationTests;

/// <summary>
/// The real cloud ingest service (SQLite) on Kestrel at a fixed loopback port, so it can be "down"
/// (nothing listening) and come up later at the same address. It records every ingest request body,
/// and can hold back its answer after storing a batch (to kill the sender mid-upload).
/// </summary>
public sealed class TestCloud : IAsyncDisposable
{
    public const string GatewayId = "gw-1";
    public const string SiteId = "site-1";

    private readonly WebApplicationFactory<CloudProgram> _factory;
    private int _requests;

    private TestCloud(WebApplicationFactory<CloudProgram> factory) => _factory = factory;

    /// <summary>Every body POSTed to the ingest endpoint, in arrival order.</summary>
    public ConcurrentQueue<string> Bodies { get; } = new();

    /// <summary>Called after a batch was stored and before its answer is sent, with the request number (1, 2 ...).</summary>
    public Func<int, Task>? BeforeAnswer { get; set; }

    public CloudStore Store => _factory.Services.GetRequiredService<CloudStore>();

    /// <summary>Creates the cloud database with an organisation, a site and this gateway; returns the gateway key.</summary>
    public static async Task<string> PrepareAsync(string databasePath)
    {
        var store = new SqliteCloudStore($"Data Source={databasePath}", TimeProvider.System);
        using (store)
        {
            await store.MigrateAsync(null, default);
            var admin = AdminCommands.For(store, TimeProvider.System);
            await admin.CreateOrganisationAsync("org-1", "Care Group");
            await admin.CreateSiteAsync(SiteId, "org-1", "Oak House");
            return await admin.CreateGatewayAsync(GatewayId, SiteId);
        }
    }

    /// <summary>Starts the service; its logs go to the test's environment (as the source <c>cloud</c>).</summary>
    public static TestCloud Start(TestEnvironment env, string databasePath, int port, System.Security.Cryptography.X509Certificates.X509Certificate2? httpsCertificate = null)
    {
        ArgumentNullException.ThrowIfNull(env);
        TestCloud? cloud = null;
        var factory = new WebApplicationFactory<CloudProgram>().WithWebHostBuilder(b =>
        {
            if (httpsCertificate is null)
            {
                b.UseSetting(WebHostDefaults.ServerUrlsKey, $"http://127.0.0.1:{port}");
            }

            b.UseSetting("Storage:Provider", "sqlite");
            b.UseSetting("Storage:ConnectionString", $"Data Source={databasePath}");
            b.UseSetting("Ingest:RequestsPerSecond", "10000");
            b.UseSetting("Ingest:Burst", "10000");
            b.ConfigureLogging(l => env.Capture(l, "cloud"));
            b.ConfigureServices(s => s.AddSingleton<IStartupFilter>(new Recorder(() => cloud!)));
        });
        if (httpsCertificate is null)
        {
            factory.UseKestrel();
        }
        else
        {
            factory.UseKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.UseHttps(httpsCertificate)));
        }

        cloud = new TestCloud(factory);
        factory.StartServer();
        return cloud;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    private async Task InterceptAsync(HttpContext context, RequestDelegate next)
    {
        if (!HttpMethods.IsPost(context.Request.Method) || !context.Request.Path.Value!.EndsWith("/events", StringComparison.Ordinal))
        {
            await next(context);
            return;
        }

        context.Request.EnableBuffering();
        using (var reader = new StreamReader(context.Request.Body, leaveOpen: true))
        {
            Bodies.Enqueue(await reader.ReadToEndAsync());
        }

        context.Request.Body.Position = 0;
        var n = Interlocked.Increment(ref _requests);
        if (BeforeAnswer is not { } hold)
        {
            await next(context);
            return;
        }

        // Keep the answer in memory until the test says so: the batch is stored, the sender does not know.
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }

        await hold(n);
        buffer.Position = 0;
        try
        {
            await buffer.CopyToAsync(original, context.RequestAborted);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The sender was killed while we held the answer.
        }
    }

    private sealed class Recorder(Func<TestCloud> cloud) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, n) => cloud().InterceptAsync(context, n));
            next(app);
        };
    }
}
