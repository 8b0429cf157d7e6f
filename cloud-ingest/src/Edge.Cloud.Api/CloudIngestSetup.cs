using System.Threading.RateLimiting;
using Edge.Cloud.Api.Dashboard;
using Edge.Cloud.Api.Diagnostics;
using Edge.Cloud.Api.Ingest;
using Edge.Cloud.Api.Query;
using Edge.Cloud.Api.Reporting;
using Edge.Cloud.Api.Security;
using Edge.Cloud.Api.Storage;
using Edge.Cloud.Contracts;
using Edge.Cloud.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Edge.Cloud.Api;

/// <summary>Composition of the service: <c>AddCloudIngest</c> registers, <c>MapCloudIngest</c> wires the pipeline.</summary>
public static class CloudIngestSetup
{
    public static WebApplicationBuilder AddCloudIngest(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<IngestOptions>().BindConfiguration(IngestOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ReportingOptions>().BindConfiguration(ReportingOptions.SectionName);
        services.AddOptions<CredentialOptions>().BindConfiguration(CredentialOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<LastUseRecorder>();
        services.AddSingleton<DashboardSessions>();
        services.AddCloudStorage();
        services.AddHostedService<SchemaMigrationService>();
        services.AddSingleton<IngestMetrics>();
        services.AddProblemDetails();
        services.AddOpenApi();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, UplinkJsonContext.Default));

        // Cookies for the dashboard must be readable by every instance behind a load balancer: point
        // DataProtection:KeysDirectory at shared storage when running more than one.
        var keys = builder.Configuration["DataProtection:KeysDirectory"];
        if (!string.IsNullOrWhiteSpace(keys))
        {
            services.AddDataProtection().SetApplicationName("edge-cloud").PersistKeysToFileSystem(new DirectoryInfo(keys));
        }

        services.AddAuthentication(EdgeClaims.SelectorScheme)
            .AddPolicyScheme(EdgeClaims.SelectorScheme, "bearer key or cookie", o =>
                o.ForwardDefaultSelector = c => c.Request.Headers.Authorization.Count > 0 ? EdgeClaims.BearerScheme : EdgeClaims.CookieScheme)
            .AddScheme<AuthenticationSchemeOptions, BearerKeyHandler>(EdgeClaims.BearerScheme, null)
            .AddCookie(EdgeClaims.CookieScheme, o =>
            {
                o.LoginPath = "/login";
                o.Cookie.Name = "edge.session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                // The browser forgets the cookie after the idle timeout; the server-side session decides
                // (DashboardSessions): sign-out and disabling end it at once, whatever copy of the cookie exists.
                o.ExpireTimeSpan = builder.Configuration.GetSection(CredentialOptions.SectionName).Get<CredentialOptions>()?.SessionIdleTimeout ?? new CredentialOptions().SessionIdleTimeout;
                o.SlidingExpiration = true;
                o.Events.OnValidatePrincipal = c => c.HttpContext.RequestServices.GetRequiredService<DashboardSessions>().ValidateAsync(c);
                o.Events.OnRedirectToLogin = c => ApiOrRedirect(c, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = c => ApiOrRedirect(c, StatusCodes.Status403Forbidden);
            });

        services.AddAuthorizationBuilder()
            .AddPolicy(EdgeClaims.GatewayPolicy, p => p.AddAuthenticationSchemes(EdgeClaims.BearerScheme).RequireClaim(EdgeClaims.Kind, EdgeClaims.KindGateway))
            .AddPolicy(EdgeClaims.OrgUserPolicy, p => p.AddAuthenticationSchemes(EdgeClaims.BearerScheme, EdgeClaims.CookieScheme).RequireClaim(EdgeClaims.Kind, EdgeClaims.KindUser));

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Partitioned by the authenticated gateway. The buckets live in this process: with N
            // instances behind a load balancer a gateway can reach N times the limit.
            o.AddPolicy(IngestApi.RateLimitPolicy, context =>
            {
                var limits = context.RequestServices.GetRequiredService<IOptions<IngestOptions>>().Value;
                var partition = context.User.Get(EdgeClaims.GatewayId) ?? "ip:" + context.Connection.RemoteIpAddress;
                return RateLimitPartition.GetTokenBucketLimiter(partition, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limits.Burst,
                    TokensPerPeriod = limits.RequestsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            o.AddPolicy(DashboardPage.LoginRateLimitPolicy, context =>
                RateLimitPartition.GetFixedWindowLimiter("ip:" + context.Connection.RemoteIpAddress, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = 10,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));
            o.OnRejected = async (context, ct) =>
            {
                var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CloudIngestSetup));
                Log.RateLimited(logger, context.HttpContext.User.Get(EdgeClaims.GatewayId) ?? "an anonymous client");
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry))
                {
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                await Results.Problem(title: "Too many requests", detail: "Slow down and retry later.", statusCode: StatusCodes.Status429TooManyRequests)
                    .ExecuteAsync(context.HttpContext).ConfigureAwait(false);
            };
        });

        return builder;
    }

    public static WebApplication MapCloudIngest(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapOpenApi();
        app.MapIngestApi();
        app.MapQueryApi();
        app.MapDashboard();
        return app;
    }

    private static Task ApiOrRedirect(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
