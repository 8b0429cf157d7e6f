using System.Security.Claims;
using Edge.Cloud.Api.Reporting;
using Edge.Cloud.Api.Security;
using Edge.Cloud.Data;
using Microsoft.Extensions.Options;

namespace Edge.Cloud.Api.Query;

public sealed record SiteDto(string SiteId, string Name, string TimeZone);

public sealed record IncidentDto(
    string SiteId,
    string IncidentId,
    string? Kind,
    string? Unit,
    string? Room,
    string? DeviceId,
    DateTimeOffset? RaisedAt,
    DateTimeOffset? AcceptedAt,
    DateTimeOffset? ResolvedAt,
    string? Outcome,
    double? TimeToAcceptSeconds,
    double? TimeToResolveSeconds);

public sealed record DeviceDto(string SiteId, string DeviceId, string? ResidentRef, string? Unit, string State, long? BatteryPercent, DateTimeOffset StateAt, long UnprotectedSeconds);

/// <summary>Read API for organisation users: only their own organisation's sites, ever.</summary>
public static class QueryApi
{
    private static readonly TimeSpan DefaultPeriod = TimeSpan.FromDays(30);

    public static IEndpointRouteBuilder MapQueryApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1").RequireAuthorization(EdgeClaims.OrgUserPolicy);

        api.MapGet("/sites", async (ClaimsPrincipal user, IDirectoryStore directory, CancellationToken ct) =>
                (await directory.GetSitesAsync(user.Get(EdgeClaims.OrgId)!, ct).ConfigureAwait(false)).Select(s => new SiteDto(s.SiteId, s.Name, s.TimeZone)))
            .WithName("GetSites").WithSummary("The sites of the caller's organisation.");

        api.MapGet("/sites/{siteId}/incidents", async (string siteId, DateTimeOffset? from, DateTimeOffset? to, ClaimsPrincipal user,
                IDirectoryStore directory, IReportStore reports, TimeProvider time, CancellationToken ct) =>
            {
                if (await OwnSiteAsync(user, siteId, directory, ct).ConfigureAwait(false) is null)
                {
                    return SiteNotFound();
                }

                var (start, end) = Period(from, to, time);
                var incidents = await reports.GetIncidentsAsync([siteId], start, end, ct).ConfigureAwait(false);
                return Results.Ok(incidents.Select(ToDto));
            })
            .WithName("GetSiteIncidents").WithSummary("Incidents raised at a site in [from, to) (default: the last 30 days), with time to accept and to resolve.")
            .Produces<IEnumerable<IncidentDto>>().ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/sites/{siteId}/devices", async (string siteId, DateTimeOffset? from, DateTimeOffset? to, ClaimsPrincipal user,
                IDirectoryStore directory, IReportStore reports, TimeProvider time, CancellationToken ct) =>
            {
                if (await OwnSiteAsync(user, siteId, directory, ct).ConfigureAwait(false) is null)
                {
                    return SiteNotFound();
                }

                var (start, end) = Period(from, to, time);
                var devices = await reports.GetDevicesAsync([siteId], start, end, ct).ConfigureAwait(false);
                return Results.Ok(devices.Select(d => new DeviceDto(d.SiteId, d.DeviceId, d.ResidentRef, d.Unit, d.State, d.BatteryPercent, d.StateAt, d.UnprotectedSeconds)));
            })
            .WithName("GetSiteDevices").WithSummary("Devices of a site with their state and unprotected seconds in [from, to).")
            .Produces<IEnumerable<DeviceDto>>().ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/reports/response-times", async (int? days, ClaimsPrincipal user, IDirectoryStore directory, IReportStore reports,
                TimeProvider time, IOptions<ReportingOptions> reporting, CancellationToken ct) =>
            {
                var period = TimeSpan.FromDays(Math.Clamp(days ?? 30, 1, 366));
                return Results.Ok(await BuildReportAsync(user, period, directory, reports, time, reporting.Value, ct).ConfigureAwait(false));
            })
            .WithName("GetResponseReport").WithSummary("Median and 95th percentile time to accept and to resolve per site, unit and shift; false-alarm share; unprotected resident-hours.");

        return endpoints;
    }

    internal static async Task<ResponseReport> BuildReportAsync(
        ClaimsPrincipal user, TimeSpan period, IDirectoryStore directory, IReportStore reports, TimeProvider time, ReportingOptions reporting, CancellationToken ct)
    {
        var sites = await directory.GetSitesAsync(user.Get(EdgeClaims.OrgId)!, ct).ConfigureAwait(false);
        var ids = sites.Select(s => s.SiteId).ToArray();
        var to = time.GetUtcNow();
        var from = to - period;
        var incidents = await reports.GetIncidentsAsync(ids, from, to, ct).ConfigureAwait(false);
        var devices = await reports.GetDevicesAsync(ids, from, to, ct).ConfigureAwait(false);
        return ResponseReport.Build(sites, incidents, devices, reporting.EffectiveShifts, from, to);
    }

    internal static IncidentDto ToDto(IncidentRecord i) => new(
        i.SiteId, i.IncidentId, i.Kind, i.Unit, i.Room, i.DeviceId, i.RaisedAt, i.AcceptedAt, i.ResolvedAt, i.Outcome,
        i.TimeToAccept?.TotalSeconds, i.TimeToResolve?.TotalSeconds);

    private static async Task<SiteRecord?> OwnSiteAsync(ClaimsPrincipal user, string siteId, IDirectoryStore directory, CancellationToken ct) =>
        (await directory.GetSitesAsync(user.Get(EdgeClaims.OrgId)!, ct).ConfigureAwait(false)).FirstOrDefault(s => s.SiteId == siteId);

    // Another organisation's site answers exactly like a site that does not exist.
    private static IResult SiteNotFound() => Results.Problem(title: "Not found", detail: "No such site in your organisation.", statusCode: StatusCodes.Status404NotFound);

    private static (DateTimeOffset From, DateTimeOffset To) Period(DateTimeOffset? from, DateTimeOffset? to, TimeProvider time)
    {
        var end = to ?? time.GetUtcNow();
        return (from ?? end - DefaultPeriod, end);
    }
}
