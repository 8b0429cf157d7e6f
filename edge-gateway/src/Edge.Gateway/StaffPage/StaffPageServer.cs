// Over 400 lines on purpose: the staff page's endpoint map; each handler is short, grouped by page.
using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Threading.Channels;
using Edge.Cloud.Contracts;
using Edge.Gateway.Alerting;
using Edge.Gateway.Incidents;
using Edge.Gateway.Storage;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.StaffPage;

/// <summary>
/// The staff page: a small ASP.NET Core app (Kestrel) inside the gateway host, sharing the gateway's services.
/// Plain HTML/CSS/JS from embedded resources, no CDN, so it works with no internet. Each staff member signs in
/// against the provisioned staff store; sessions are HttpOnly, SameSite=Strict cookies (Secure over https);
/// every POST carries an antiforgery token in a header; accept and resolve are audited as incident transitions
/// by that staff member via "staff-page". Open incidents update live over server-sent events.
/// </summary>
public sealed partial class StaffPageServer(
    IServiceProvider services,
    IOptions<StaffPageOptions> options,
    IConfiguration configuration,
    TimeProvider time,
    ILoggerFactory loggers) : IHostedService, IAsyncDisposable
{
    /// <summary>The channel name staff-page actions carry in the audit trail.</summary>
    public const string Channel = "staff-page";

    private const string CsrfHeader = "X-CSRF-TOKEN";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private const long MaxRequestBodyBytes = 64 * 1024;
    private readonly ILogger _logger = loggers.CreateLogger<StaffPageServer>();
    private WebApplication? _app;
    private PasswordCheckQueue? _checks;

    /// <summary>The addresses Kestrel listens on (after start), e.g. http://127.0.0.1:41234.</summary>
    public IReadOnlyList<string> Addresses { get; private set; } = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (o.Url.Length == 0)
        {
            return;
        }

        var staffPath = o.StaffStoreFile is { Length: > 0 } p ? p
            : configuration["Alerting:Escalation:StaffStoreFile"] is { Length: > 0 } a ? a
            : configuration["Site:StaffStore"];
        _checks = new PasswordCheckQueue(PasswordHash.Verify, o.PasswordCheckWorkers, o.PasswordCheckQueue);
        var accounts = new StaffAccounts(staffPath, new SignInThrottle(o, time), _checks);
        var sessions = new StaffSessions(services.GetRequiredService<GatewayDatabase>(), o, time);
        var views = new StaffPageViews(services, time);
        var incidents = services.GetRequiredService<IIncidentService>();
        var registry = services.GetRequiredService<Registry.IDeviceRegistry>();

        var web = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        web.Logging.ClearProviders();
        web.Services.AddSingleton(loggers);
        web.Services.AddSingleton(time);
        var uri = new Uri(o.Url);
        web.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            var address = uri.Host is "0.0.0.0" or "*" or "+" ? System.Net.IPAddress.Any
                : uri.Host is "[::]" ? System.Net.IPAddress.IPv6Any
                : uri.Host == "localhost" ? System.Net.IPAddress.Loopback
                : System.Net.IPAddress.Parse(uri.Host.Trim('[', ']'));
            k.Listen(address, uri.Port, listen =>
            {
                if (uri.Scheme == "https")
                {
#pragma warning disable CA2000 // Kestrel keeps the certificate for the app's lifetime.
                    listen.UseHttps(X509Certificate2.CreateFromPemFile(o.CertificateFile!, o.CertificateKeyFile));
#pragma warning restore CA2000
                }
            });
        });
        web.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(c =>
        {
            c.Cookie.Name = "edge-staff";
            c.Cookie.HttpOnly = true;
            c.Cookie.SameSite = SameSiteMode.Strict;
            c.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            c.ExpireTimeSpan = o.SessionLifetime;
            c.SlidingExpiration = true;
            c.Events.OnRedirectToLogin = ctx => Status(ctx.Response, StatusCodes.Status401Unauthorized);
            c.Events.OnRedirectToAccessDenied = ctx => Status(ctx.Response, StatusCodes.Status403Forbidden);
            c.Events.OnValidatePrincipal = async ctx =>
            {
                // The session must still be open on the gateway (sign-out ends it there, whatever copy of the
                // cookie exists), and a disabled (or removed) account loses its sessions at the next request.
                var name = ctx.Principal?.Identity?.Name;
                var refusal = name is null ? "no account"
                    : accounts.Find(name) is null ? "account disabled"
                    : await sessions.ValidateAsync(ctx.Principal!.FindFirstValue(StaffSessions.Claim), name, ctx.HttpContext.RequestAborted).ConfigureAwait(false);
                if (refusal is not null)
                {
                    if (refusal == "account disabled")
                    {
                        await sessions.EndAccountAsync(name!, refusal, CancellationToken.None).ConfigureAwait(false);
                    }

                    Log.SessionRefused(_logger, name ?? "?", refusal);
                    ctx.RejectPrincipal();
                }
            };
        });
        web.Services.AddAuthorization();
        web.Services.AddAntiforgery(a =>
        {
            a.HeaderName = CsrfHeader;
            a.Cookie.Name = "edge-csrf";
            a.Cookie.HttpOnly = true;
            a.Cookie.SameSite = SameSiteMode.Strict;
            a.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

        var app = web.Build();
        var hosts = new HostAllowList(o.AllowedHosts);
        var hsts = $"max-age={(long)o.HstsMaxAge.TotalSeconds}";
        app.Use(async (ctx, next) =>
        {
            // DNS rebinding: a page on another site whose name now points at the gateway still sends its own
            // name as Host. Only the gateway's names (and bare addresses) are answered.
            if (!hosts.Allows(ctx.Request.Host))
            {
                Log.HostRefused(_logger, ctx.Request.Host.Value ?? "", ctx.Connection.RemoteIpAddress?.ToString() ?? "?");
                ctx.Response.StatusCode = StatusCodes.Status421MisdirectedRequest;
                return;
            }

            var h = ctx.Response.Headers;
            if (ctx.Request.IsHttps)
            {
                h.StrictTransportSecurity = hsts;
            }

            h["Content-Security-Policy"] = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
            h["X-Content-Type-Options"] = "nosniff";
            h["Referrer-Policy"] = "no-referrer";
            h["X-Frame-Options"] = "DENY";
            await next(ctx).ConfigureAwait(false);
        });
        app.UseAuthentication();
        app.UseAuthorization();
        MapAssets(app);
        var trusted = new TrustedDevices(app.Services.GetRequiredService<IDataProtectionProvider>(), o, time);
        MapApi(app, accounts, sessions, trusted, views, incidents, registry, app.Lifetime.ApplicationStopping);

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;
        Addresses = [.. app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? []];
        Log.Listening(_logger, string.Join(", ", Addresses), staffPath ?? "(none: nobody can sign in)");
        foreach (var name in StaffWithoutRegistryEntry(accounts, registry))
        {
            Log.NotInRegistry(_logger, name);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            _app = null;
        }

        _checks?.Dispose();
        _checks = null;
    }

    private static Task Status(HttpResponse response, int status)
    {
        response.StatusCode = status;
        return Task.CompletedTask;
    }

    private static IEnumerable<string> StaffWithoutRegistryEntry(StaffAccounts accounts, Registry.IDeviceRegistry registry)
    {
        if (accounts.Path is not { } path || !File.Exists(path))
        {
            yield break;
        }

        foreach (var account in Edge.Site.Staff.StaffStore.Load(path).Accounts.Where(a => a.Enabled))
        {
            if (!registry.TryGetStaff(account.Username, out _))
            {
                yield return account.Username;
            }
        }
    }

    private static void MapAssets(WebApplication app)
    {
        foreach (var (route, resource, type) in new[]
        {
            ("/", "index.html", "text/html; charset=utf-8"),
            ("/app.js", "app.js", "text/javascript; charset=utf-8"),
            ("/app.css", "app.css", "text/css; charset=utf-8"),
            ("/residents.js", "residents.js", "text/javascript; charset=utf-8"),
        })
        {
            var bytes = ReadResource(resource);
            app.MapGet(route, (HttpContext ctx) =>
            {
                ctx.Response.Headers.CacheControl = "no-cache";
                return Results.Bytes(bytes, type);
            });
        }
    }

    private static byte[] ReadResource(string name)
    {
        using var stream = typeof(StaffPageServer).Assembly.GetManifestResourceStream("staffpage/" + name)
            ?? throw new InvalidOperationException($"staff page asset {name} is not embedded");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private void MapApi(
        WebApplication app, StaffAccounts accounts, StaffSessions sessions, TrustedDevices trusted, StaffPageViews views,
        IIncidentService incidents, Registry.IDeviceRegistry registry, CancellationToken stopping)
    {
        var api = app.MapGroup("/api");

        api.MapGet("/csrf", (HttpContext ctx, IAntiforgery af) =>
        {
            ctx.Response.Headers.CacheControl = "no-store";
            return Results.Json(new { token = af.GetAndStoreTokens(ctx).RequestToken }, Json);
        });

        api.MapGet("/me", (ClaimsPrincipal user) =>
            Results.Json(new { user = user.Identity!.Name, role = user.FindFirstValue(ClaimTypes.Role), name = registry.TryGetStaff(user.Identity.Name!, out var s) ? s.Name : user.Identity.Name }, Json))
            .RequireAuthorization();

        api.MapPost("/signin", async (HttpContext ctx, SignInRequest body) =>
        {
            var username = body.Username ?? "";
            var remote = ctx.Connection.RemoteIpAddress?.ToString() ?? "?";
            var outcome = await accounts.SignInAsync(
                username, body.Password ?? "", SignInThrottle.SourceKey(ctx.Connection.RemoteIpAddress), trusted.TrustedFor(ctx.Request, username), ctx.RequestAborted).ConfigureAwait(false);
            switch (outcome.Result)
            {
                case SignInResult.Ok:
                    var account = outcome.Account!;
                    var sid = await sessions.StartAsync(account.Username, remote, ctx.RequestAborted).ConfigureAwait(false);
                    var identity = new ClaimsIdentity(
                        [new Claim(ClaimTypes.Name, account.Username), new Claim(ClaimTypes.Role, account.Role.ToString()), new Claim(StaffSessions.Claim, sid)],
                        CookieAuthenticationDefaults.AuthenticationScheme);
                    await ctx.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity)).ConfigureAwait(false);
                    trusted.Remember(ctx, account.Username);
                    Log.SignedIn(_logger, account.Username, remote);
                    return Results.NoContent();
                case SignInResult.Throttled or SignInResult.Busy:
                    var seconds = Math.Max(1, (int)Math.Ceiling(outcome.RetryAfter.TotalSeconds));
                    Log.SignInThrottled(_logger, username, remote, outcome.Reason, seconds);
                    ctx.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    return outcome.Result == SignInResult.Busy
                        ? Results.Json(new { error = $"The gateway is busy checking sign-ins. Try again in {seconds} s.", retryAfter = seconds }, Json, statusCode: StatusCodes.Status503ServiceUnavailable)
                        : Results.Json(new { error = $"Too many failed sign-ins. Try again in {seconds} s.", retryAfter = seconds }, Json, statusCode: StatusCodes.Status429TooManyRequests);
                case SignInResult.NoStore:
                    return Results.Json(new { error = "The gateway has no staff accounts configured (staff store missing)." }, Json, statusCode: StatusCodes.Status503ServiceUnavailable);
                default:
                    Log.SignInFailed(_logger, username, remote);
                    return Results.Json(new { error = "Wrong name or password." }, Json, statusCode: StatusCodes.Status401Unauthorized);
            }
        }).AddEndpointFilter(Csrf);

        api.MapPost("/signout", async (HttpContext ctx) =>
        {
            // Ended on the gateway first: the cookie, and any copy of it, is refused from now on.
            await sessions.EndAsync(ctx.User.FindFirstValue(StaffSessions.Claim), "signed out", CancellationToken.None).ConfigureAwait(false);
            Log.SignedOut(_logger, ctx.User.Identity?.Name ?? "?");
            await ctx.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
            return Results.NoContent();
        }).RequireAuthorization().AddEndpointFilter(Csrf);

        api.MapGet("/incidents", async (CancellationToken ct) => Results.Json(await views.IncidentsAsync(ct).ConfigureAwait(false), Json)).RequireAuthorization();
        api.MapGet("/board", async (CancellationToken ct) => Results.Json(await views.BoardAsync(ct).ConfigureAwait(false), Json)).RequireAuthorization();

        api.MapPost("/incidents/{id:long}/accept", async (long id, ClaimsPrincipal user, CancellationToken ct) =>
            await ActAsync(user, id, "accept", () => incidents.AcceptAsync(id, user.Identity!.Name!, Channel, ct)).ConfigureAwait(false))
            .RequireAuthorization().AddEndpointFilter(Csrf);

        api.MapPost("/incidents/{id:long}/resolve", async (long id, ResolveRequest body, ClaimsPrincipal user, CancellationToken ct) =>
        {
            if (!IncidentNames.TryParseOutcome(body.Outcome ?? "", out var outcome) || outcome == IncidentOutcome.Cleared)
            {
                return Results.Json(new { error = "Pick an outcome: fall confirmed, no fall, test or other." }, Json, statusCode: StatusCodes.Status400BadRequest);
            }

            var note = string.IsNullOrWhiteSpace(body.Note) ? null : body.Note.Trim();
            if (note is { Length: var length } && length > IncidentService.MaxNoteLength)
            {
                return Results.Json(new { error = $"The note is too long ({length} characters; at most {IncidentService.MaxNoteLength})." }, Json, statusCode: StatusCodes.Status400BadRequest);
            }

            return await ActAsync(user, id, "resolve " + IncidentNames.Name(outcome), () => incidents.ResolveAsync(id, user.Identity!.Name!, outcome, note, Channel, ct)).ConfigureAwait(false);
        }).RequireAuthorization().AddEndpointFilter(Csrf);

        api.MapGet("/events", (HttpContext ctx) => StreamAsync(ctx, views, incidents, sessions.Ended(ctx.User.FindFirstValue(StaffSessions.Claim)), stopping)).RequireAuthorization();
        ResidentPageApi.Map(api, services, registry, Csrf);
    }

    private async Task<IResult> ActAsync(ClaimsPrincipal user, long id, string action, Func<Task<Incident>> act)
    {
        var who = user.Identity!.Name!;
        try
        {
            var incident = await act().ConfigureAwait(false);
            Log.Action(_logger, who, action, id);
            return Results.Json(new { id = incident.Id, state = IncidentNames.Name(incident.State) }, Json);
        }
        catch (IncidentTransitionException e)
        {
            Log.ActionRefused(_logger, who, action, id, e.Message);
            return Results.Json(new { error = e.Message }, Json, statusCode: StatusCodes.Status409Conflict);
        }
    }

    private static async ValueTask<object?> Csrf(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var af = context.HttpContext.RequestServices.GetRequiredService<IAntiforgery>();
        try
        {
            await af.ValidateRequestAsync(context.HttpContext).ConfigureAwait(false);
        }
        catch (AntiforgeryValidationException)
        {
            return Results.Json(new { error = "The page is out of date (security token). Reload it." }, Json, statusCode: StatusCodes.Status400BadRequest);
        }

        return await next(context).ConfigureAwait(false);
    }

    /// <summary>Server-sent events: the open incidents on every committed change, and the board every BoardInterval.</summary>
    private async Task StreamAsync(HttpContext ctx, StaffPageViews views, IIncidentService incidents, CancellationToken sessionEnded, CancellationToken stopping)
    {
        // The stream ends with the session: after sign-out (or when the account is disabled) nothing more is pushed.
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, sessionEnded, stopping);
        var ct = cts.Token;
        ctx.Response.Headers.ContentType = "text/event-stream";
        ctx.Response.Headers.CacheControl = "no-cache";
        ctx.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var pending = System.Threading.Channels.Channel.CreateBounded<string>(new BoundedChannelOptions(4) { FullMode = BoundedChannelFullMode.DropWrite });

        // Subscribe before the first snapshot, so a change between the two is not missed.
        var watch = incidents.WatchAsync(ct).GetAsyncEnumerator(ct);
        var first = watch.MoveNextAsync();
        var watching = Task.Run(async () =>
        {
            try
            {
                var more = await first.ConfigureAwait(false);
                while (more)
                {
                    pending.Writer.TryWrite("incidents");
                    more = await watch.MoveNextAsync().ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                await watch.DisposeAsync().ConfigureAwait(false);
            }
        }, CancellationToken.None);
        var ticking = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(options.Value.BoardInterval, time);
            try
            {
                while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
                {
                    pending.Writer.TryWrite("board");
                }
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None);

        try
        {
            await SendAsync(ctx, "incidents", await views.IncidentsAsync(ct).ConfigureAwait(false), ct).ConfigureAwait(false);
            await SendAsync(ctx, "board", await views.BoardAsync(ct).ConfigureAwait(false), ct).ConfigureAwait(false);
            await foreach (var kind in pending.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                await SendAsync(ctx, "incidents", await views.IncidentsAsync(ct).ConfigureAwait(false), ct).ConfigureAwait(false);
                if (kind == "board")
                {
                    await SendAsync(ctx, "board", await views.BoardAsync(ct).ConfigureAwait(false), ct).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
            // The browser went away.
        }
        finally
        {
            await cts.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(watching, ticking).ConfigureAwait(false);
        }
    }

    private static async Task SendAsync<T>(HttpContext ctx, string name, T body, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(body, Json);
        await ctx.Response.WriteAsync($"event: {name}\ndata: {json}\n\n", ct).ConfigureAwait(false);
        await ctx.Response.Body.FlushAsync(ct).ConfigureAwait(false);
    }

    internal sealed record SignInRequest(string? Username, string? Password);

    internal sealed record ResolveRequest(string? Outcome, string? Note);

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.StaffPageListening, Level = LogLevel.Information, Message = "Staff page on {Addresses} (staff store {StaffStore})")]
        public static partial void Listening(ILogger logger, string addresses, string staffStore);

        [LoggerMessage(EventId = EventIds.StaffSignedIn, Level = LogLevel.Information, Message = "Staff page: {User} signed in from {Remote}")]
        public static partial void SignedIn(ILogger logger, string user, string remote);

        [LoggerMessage(EventId = EventIds.StaffSignInFailed, Level = LogLevel.Warning, Message = "Staff page: failed sign-in as '{User}' from {Remote}")]
        public static partial void SignInFailed(ILogger logger, string user, string remote);

        [LoggerMessage(EventId = EventIds.StaffSignInThrottled, Level = LogLevel.Warning, Message = "Staff page: sign-in as '{User}' from {Remote} refused: {Reason}; retry in {Seconds} s")]
        public static partial void SignInThrottled(ILogger logger, string user, string remote, string reason, int seconds);

        [LoggerMessage(EventId = EventIds.StaffSessionRefused, Level = LogLevel.Information, Message = "Staff page: a session of '{User}' was refused: {Reason}")]
        public static partial void SessionRefused(ILogger logger, string user, string reason);

        [LoggerMessage(EventId = EventIds.StaffHostRefused, Level = LogLevel.Warning, Message = "Staff page: refused a request for host '{Host}' from {Remote} (not in StaffPage:AllowedHosts; DNS rebinding?)")]
        public static partial void HostRefused(ILogger logger, string host, string remote);

        [LoggerMessage(EventId = EventIds.StaffAction, Level = LogLevel.Information, Message = "Staff page: {User} did {Action} on incident #{IncidentId}")]
        public static partial void Action(ILogger logger, string user, string action, long incidentId);

        [LoggerMessage(EventId = EventIds.StaffActionRefused, Level = LogLevel.Warning, Message = "Staff page: {User} could not {Action} incident #{IncidentId}: {Why}")]
        public static partial void ActionRefused(ILogger logger, string user, string action, long incidentId, string why);

        [LoggerMessage(EventId = EventIds.StaffNotInRegistry, Level = LogLevel.Warning, Message = "Staff page: account '{User}' can sign in but is not a staff member in the registry (site file): it cannot accept or resolve incidents")]
        public static partial void NotInRegistry(ILogger logger, string user);

        [LoggerMessage(EventId = EventIds.StaffSignedOut, Level = LogLevel.Information, Message = "Staff page: {User} signed out")]
        public static partial void SignedOut(ILogger logger, string user);
    }
}
