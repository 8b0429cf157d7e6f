using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Edge.Cloud.Api.Diagnostics;
using Edge.Cloud.Api.Query;
using Edge.Cloud.Api.Reporting;
using Edge.Cloud.Api.Security;
using Edge.Cloud.Contracts;
using Edge.Cloud.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Edge.Cloud.Api.Dashboard;

/// <summary>
/// The group managers' page, rendered on the server: open incidents across sites, response times
/// (median and 95th percentile) per site, unit and shift, false-alarm share and unprotected
/// resident-hours. No script at all; the page refreshes itself every minute.
/// </summary>
public static class DashboardPage
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", () => Results.Redirect("/dashboard")).ExcludeFromDescription();
        endpoints.MapGet("/login", (HttpContext context) => Html(context, LoginHtml(null), StatusCodes.Status200OK)).ExcludeFromDescription();

        // Login reads the form itself; the session cookie is SameSite=Strict, so a cross-site form
        // cannot ride on it. The login form is rate limited per client address.
        endpoints.MapPost("/login", LoginAsync).RequireRateLimiting(LoginRateLimitPolicy).ExcludeFromDescription();
        endpoints.MapPost("/logout", async (HttpContext context, DashboardSessions sessions) =>
        {
            await sessions.EndAsync(context).ConfigureAwait(false);
            return Results.Redirect("/login");
        }).ExcludeFromDescription();

        endpoints.MapGet("/dashboard", RenderAsync).RequireAuthorization(EdgeClaims.OrgUserPolicy).ExcludeFromDescription();
        return endpoints;
    }

    public const string LoginRateLimitPolicy = "login";

    private static async Task<IResult> LoginAsync(HttpContext context, IDirectoryStore directory, DashboardSessions sessions, ILoggerFactory loggerFactory)
    {
        var logger = loggerFactory.CreateLogger(typeof(DashboardPage));
        if (!context.Request.HasFormContentType)
        {
            return Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Send the login form.");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var username = form["username"].ToString();
        var password = form["password"].ToString();
        var user = username.Length is > 0 and <= 200 ? await directory.FindUserByUsernameAsync(username, context.RequestAborted).ConfigureAwait(false) : null;
        if (!PasswordHash.Verify(password, user?.PasswordHash) || user is null)
        {
            Log.LoginFailed(logger, username.Length);
            return Html(context, LoginHtml("Wrong user name or password."), StatusCodes.Status401Unauthorized);
        }

        if (user.IsDisabled)
        {
            Log.LoginRefusedDisabled(logger, user.UserId);
            return Html(context, LoginHtml("This account is disabled."), StatusCodes.Status401Unauthorized);
        }

        var principal = await sessions.StartAsync(user, context.RequestAborted).ConfigureAwait(false);
        await context.SignInAsync(EdgeClaims.CookieScheme, principal).ConfigureAwait(false);
        Log.LoginSucceeded(logger, user.UserId);
        return Results.Redirect("/dashboard");
    }

    private static async Task<IResult> RenderAsync(
        HttpContext context, int? days, IDirectoryStore directory, IReportStore reports, TimeProvider time, IOptions<ReportingOptions> reporting)
    {
        var ct = context.RequestAborted;
        var user = context.User;
        var period = Math.Clamp(days ?? 30, 1, 366);
        var sites = await directory.GetSitesAsync(user.Get(EdgeClaims.OrgId)!, ct).ConfigureAwait(false);
        var report = await QueryApi.BuildReportAsync(user, TimeSpan.FromDays(period), directory, reports, time, reporting.Value, ct).ConfigureAwait(false);
        var open = await reports.GetOpenIncidentsAsync(sites.Select(s => s.SiteId).ToArray(), ct).ConfigureAwait(false);
        return Html(context, Render(user.Identity?.Name ?? "", sites, report, open, period, time.GetUtcNow()), StatusCodes.Status200OK);
    }

    internal static string Render(string userName, IReadOnlyList<SiteRecord> sites, ResponseReport report, IReadOnlyList<IncidentRecord> open, int days, DateTimeOffset now)
    {
        var e = HtmlEncoder.Default;
        var siteById = sites.ToDictionary(s => s.SiteId);
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="60">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Edge: care-home group dashboard</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1f2328}
            table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left}
            th{background:#f6f8fa}td.num{text-align:right}.alert{color:#d1242f;font-weight:600}nav a{margin-right:.8rem}
            section{margin-bottom:2rem}.charts{display:flex;flex-wrap:wrap;gap:2rem}
            </style></head><body>
            <header><h1>Care-home group dashboard</h1>
            <p>Signed in as {{e.Encode(userName)}} · {{sites.Count}} site(s) · report period: last {{days}} day(s) ·
            generated {{now.UtcDateTime:yyyy-MM-dd HH:mm}} UTC</p>
            <nav><a href="/dashboard?days=7">7 days</a><a href="/dashboard?days=30">30 days</a><a href="/dashboard?days=90">90 days</a></nav>
            <form method="post" action="/logout"><button type="submit">Sign out</button></form></header>
            """);

        html.Append(CultureInfo.InvariantCulture, $"""<section id="open-incidents"><h2>Open incidents <span id="open-count">{open.Count}</span></h2>""");
        if (open.Count == 0)
        {
            html.Append("<p>No open incidents.</p>");
        }
        else
        {
            html.Append("<table><thead><tr><th>Site</th><th>Unit</th><th>Room</th><th>Kind</th><th>Raised (site time)</th><th>Open for</th><th>State</th></tr></thead><tbody>");
            foreach (var i in open)
            {
                var site = siteById.GetValueOrDefault(i.SiteId);
                var local = i.RaisedAt is { } r && site is not null ? TimeZoneInfo.ConvertTime(r, SiteTime.Zone(site.TimeZone)) : i.RaisedAt;
                var waiting = i.RaisedAt is { } raised ? now - raised : TimeSpan.Zero;
                var state = i.AcceptedAt is null ? "<span class=\"alert\">not accepted</span>" : "accepted";
                html.Append(CultureInfo.InvariantCulture,
                    $"""<tr class="incident" data-incident="{e.Encode(i.IncidentId)}"><td>{e.Encode(site?.Name ?? i.SiteId)}</td><td>{e.Encode(i.Unit ?? "")}</td><td>{e.Encode(i.Room ?? "")}</td><td>{e.Encode(i.Kind ?? "")}</td><td>{local:yyyy-MM-dd HH:mm}</td><td class="num">{Duration(waiting.TotalSeconds)}</td><td>{state}</td></tr>""");
            }

            html.Append("</tbody></table>");
        }

        html.Append("</section>");

        html.Append("""<section id="response-times"><h2>Response times</h2><div class="charts">""");
        html.Append(SvgChart.HorizontalBars("Time to accept by site (minutes)", ["median", "95th percentile"],
            [.. report.BySite.Select(r => new BarGroup(r.SiteName, [Minutes(r.AcceptMedianSeconds), Minutes(r.AcceptP95Seconds)]))], v => v.ToString("0.0", CultureInfo.InvariantCulture) + " min"));
        html.Append(SvgChart.HorizontalBars("Time to resolve by site (minutes)", ["median", "95th percentile"],
            [.. report.BySite.Select(r => new BarGroup(r.SiteName, [Minutes(r.ResolveMedianSeconds), Minutes(r.ResolveP95Seconds)]))], v => v.ToString("0.0", CultureInfo.InvariantCulture) + " min"));
        html.Append("</div>");
        ResponseTable(html, "By site", null, report.BySite, r => r.SiteName);
        ResponseTable(html, "By unit", "Unit", report.ByUnit, r => r.Group);
        ResponseTable(html, "By shift", "Shift", report.ByShift, r => r.Group);
        html.Append("</section>");

        html.Append("""<section id="false-alarms"><h2>False alarms (outcome "no fall")</h2>""");
        html.Append(SvgChart.HorizontalBars("False-alarm share by site (%)", ["share of resolved incidents"],
            [.. report.BySite.Select(r => new BarGroup(r.SiteName, [r.FalseAlarmShare * 100]))], v => v.ToString("0", CultureInfo.InvariantCulture) + " %"));
        html.Append("</section>");

        html.Append("""<section id="unprotected"><h2>Unprotected resident-hours</h2>""");
        html.Append(SvgChart.HorizontalBars("Unprotected resident-hours by site", ["hours"],
            [.. report.Health.Select(h => new BarGroup(h.SiteName, [h.UnprotectedResidentHours]))], v => v.ToString("0.0", CultureInfo.InvariantCulture) + " h"));
        html.Append("<table><thead><tr><th>Site</th><th>Devices</th><th>Protecting now</th><th>Unprotected resident-hours</th></tr></thead><tbody>");
        foreach (var h in report.Health)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"""<tr class="health"><td>{e.Encode(h.SiteName)}</td><td class="num">{h.Devices}</td><td class="num">{h.DevicesProtected}</td><td class="num">{h.UnprotectedResidentHours:0.0}</td></tr>""");
        }

        html.Append("</tbody></table></section></body></html>");
        return html.ToString();
    }

    private static void ResponseTable(StringBuilder html, string caption, string? group, IReadOnlyList<ResponseRow> rows, Func<ResponseRow, string> label)
    {
        var e = HtmlEncoder.Default;
        html.Append(CultureInfo.InvariantCulture, $"""<h3>{caption}</h3><table class="report"><thead><tr><th>Site</th>{(group is null ? "" : $"<th>{group}</th>")}<th>Incidents</th><th>Accept median</th><th>Accept p95</th><th>Resolve median</th><th>Resolve p95</th><th>False alarms</th></tr></thead><tbody>""");
        foreach (var r in rows)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"""<tr><td>{e.Encode(r.SiteName)}</td>{(group is null ? "" : $"<td>{e.Encode(label(r))}</td>")}<td class="num">{r.Incidents}</td><td class="num">{Duration(r.AcceptMedianSeconds)}</td><td class="num">{Duration(r.AcceptP95Seconds)}</td><td class="num">{Duration(r.ResolveMedianSeconds)}</td><td class="num">{Duration(r.ResolveP95Seconds)}</td><td class="num">{(r.FalseAlarmShare is { } s ? (s * 100).ToString("0", CultureInfo.InvariantCulture) + " %" : "–")}</td></tr>""");
        }

        html.Append("</tbody></table>");
    }

    private static double? Minutes(double? seconds) => seconds / 60.0;

    private static string Duration(double? seconds) => seconds switch
    {
        null => "–",
        < 60 => $"{seconds.Value.ToString("0", CultureInfo.InvariantCulture)} s",
        < 3600 => $"{(seconds.Value / 60).ToString("0.0", CultureInfo.InvariantCulture)} min",
        _ => $"{(seconds.Value / 3600).ToString("0.0", CultureInfo.InvariantCulture)} h",
    };

    private static string LoginHtml(string? error)
    {
        var message = error is null ? "" : $"""<p class="alert" role="alert">{HtmlEncoder.Default.Encode(error)}</p>""";
        return $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Edge: sign in</title>
            <style>body{font-family:system-ui,sans-serif;margin:2rem}label{display:block;margin:.5rem 0}.alert{color:#d1242f}</style></head>
            <body><h1>Sign in</h1>{{message}}
            <form method="post" action="/login">
            <label>User name <input name="username" id="username" autocomplete="username" required></label>
            <label>Password <input name="password" id="password" type="password" autocomplete="current-password" required></label>
            <button type="submit" id="sign-in">Sign in</button></form></body></html>
            """;
    }

    private static IResult Html(HttpContext context, string html, int status)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-store";
        headers["Referrer-Policy"] = "no-referrer";
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
    }
}
