using System.Security.Claims;
using System.Text.Json;
using Edge.Gateway.Prevention;
using Edge.Gateway.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Gateway.StaffPage;

/// <summary>A resident in the staff page's list.</summary>
internal sealed record ResidentSummaryView(string Id, string Name, string? Room, string? Unit, string DeviceId, string Posture, GetUpView GetUp, IReadOnlyList<string> Flags);

/// <summary>A resident's get-up alert as the page shows and edits it.</summary>
internal sealed record GetUpView(bool Enabled, string From, string To, string? ChangedBy, DateTimeOffset? ChangedAt);

/// <summary>One day of the resident view's 14-day chart (null: no data that day).</summary>
internal sealed record MobilityDayView(
    string Day, double? WornHours, double? WalkingMinutes, long? Steps, double? Cadence, int? SitToStands, double? LyingHours, int? NightTransitions);

/// <summary>The resident view: settings, the last 14 days, flags in plain words, and the falls log.</summary>
internal sealed record ResidentView(
    string Id, string Name, string? Room, string Posture, GetUpView GetUp, IReadOnlyList<MobilityDayView> Days, IReadOnlyList<MobilityFlag> Flags, IReadOnlyList<ResidentLogEntry> Log);

internal sealed record GetUpRequest(bool Enabled, string? From, string? To);

/// <summary>
/// The staff page's resident view (issue 17): the get-up risk flag and hours (set by any staff member in the
/// registry, audited), the last 14 days of mobility with a plain-words flag, and the falls log with its CSV export.
/// </summary>
internal static class ResidentPageApi
{
    /// <summary>Days the resident view charts.</summary>
    public const int ChartDays = 14;

    private const int LogLimit = 500;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Maps the resident endpoints under the staff page's <c>/api</c> group; <paramref name="csrf"/> is the page's antiforgery filter for POSTs.</summary>
    public static void Map(RouteGroupBuilder api, IServiceProvider services, IDeviceRegistry registry, Func<EndpointFilterInvocationContext, EndpointFilterDelegate, ValueTask<object?>> csrf)
    {
        var settings = services.GetRequiredService<IPreventionSettings>();
        var mobility = services.GetRequiredService<MobilityStore>();
        var log = services.GetRequiredService<ResidentLog>();
        var clock = services.GetRequiredService<SiteClock>();
        var stage = services.GetRequiredService<PreventionStage>();
        var time = services.GetRequiredService<TimeProvider>();

        api.MapGet("/residents", async (CancellationToken ct) =>
        {
            var today = clock.Day(time.GetUtcNow());
            var all = await mobility.QueryAllAsync(today.AddDays(-MobilityTrend.RecentDays - MobilityTrend.BaselineDays), today, ct).ConfigureAwait(false);
            var list = new List<ResidentSummaryView>();
            foreach (var a in registry.Assignments.OrderBy(a => a.RoomName ?? a.RoomId ?? "~", StringComparer.Ordinal).ThenBy(a => a.ResidentName, StringComparer.Ordinal))
            {
                var days = all.GetValueOrDefault(a.ResidentId) ?? [];
                list.Add(new ResidentSummaryView(a.ResidentId, a.ResidentName, a.RoomName, a.UnitId, a.DeviceId, PostureTrackerName(stage, a.DeviceId),
                    View(settings.GetUp(a.ResidentId)), [.. MobilityTrend.Evaluate(days, today).Select(f => f.Measure)]));
            }

            return Results.Json(list, Json);
        }).RequireAuthorization();

        api.MapGet("/residents/{id}", async (string id, CancellationToken ct) =>
        {
            if (!registry.TryGetResident(id, out var a))
            {
                return NotFound(id);
            }

            var today = clock.Day(time.GetUtcNow());
            var stored = await mobility.QueryAsync(id, today.AddDays(-MobilityTrend.RecentDays - MobilityTrend.BaselineDays), today, ct).ConfigureAwait(false);
            var byDay = stored.ToDictionary(d => d.Day);
            var days = Enumerable.Range(0, ChartDays).Select(i => today.AddDays(i - ChartDays + 1)).Select(day => byDay.TryGetValue(day, out var d)
                ? new MobilityDayView(MobilityStore.Text(day), Round(d.WornSeconds / 3600), Round(d.WalkingSeconds / 60), d.Steps, d.Cadence is { } c ? Math.Round(c) : null,
                    d.SitToStands, Round(d.LyingSeconds / 3600), d.NightTransitions)
                : new MobilityDayView(MobilityStore.Text(day), null, null, null, null, null, null, null)).ToList();
            var entries = await log.ListAsync(id, LogLimit, ct).ConfigureAwait(false);
            return Results.Json(new ResidentView(a.ResidentId, a.ResidentName, a.RoomName, PostureTrackerName(stage, a.DeviceId), View(settings.GetUp(id)), days,
                MobilityTrend.Evaluate(stored, today), entries), Json);
        }).RequireAuthorization();

        api.MapGet("/residents/{id}/falls.csv", async (string id, HttpContext ctx, CancellationToken ct) =>
        {
            if (!registry.TryGetResident(id, out _))
            {
                return NotFound(id);
            }

            var entries = await log.ListAsync(id, int.MaxValue, ct).ConfigureAwait(false);
            ctx.Response.Headers.ContentDisposition = $"attachment; filename=\"falls-{SafeName(id)}.csv\"";
            ctx.Response.Headers.CacheControl = "no-store";
            return Results.Text(log.ToCsv(entries), "text/csv; charset=utf-8");
        }).RequireAuthorization();

        api.MapPost("/residents/{id}/getup", async (string id, GetUpRequest body, ClaimsPrincipal user, CancellationToken ct) =>
        {
            var who = user.Identity!.Name!;
            if (!registry.TryGetStaff(who, out _))
            {
                return Results.Json(new { error = $"'{who}' is not a staff member in the registry, so the change could not be recorded against a name." }, Json, statusCode: StatusCodes.Status403Forbidden);
            }

            try
            {
                var setting = await settings.SetGetUpAsync(id, body.Enabled, body.From, body.To, who, StaffPageServer.Channel, ct).ConfigureAwait(false);
                return Results.Json(View(setting), Json);
            }
            catch (KeyNotFoundException)
            {
                return NotFound(id);
            }
            catch (ArgumentException e)
            {
                return Results.Json(new { error = e.Message }, Json, statusCode: StatusCodes.Status400BadRequest);
            }
        }).RequireAuthorization().AddEndpointFilter(csrf);
    }

    private static string PostureTrackerName(PreventionStage stage, string deviceId) => Edge.Detection.Posture.PostureTracker.Name(stage.PostureOf(deviceId));

    private static GetUpView View(GetUpSetting s) => new(
        s.Enabled, s.Hours.From.ToString("HH\\:mm", System.Globalization.CultureInfo.InvariantCulture), s.Hours.To.ToString("HH\\:mm", System.Globalization.CultureInfo.InvariantCulture), s.ChangedBy, s.ChangedAt);

    private static IResult NotFound(string id) => Results.Json(new { error = $"No resident '{id}' with a sensor in the registry." }, Json, statusCode: StatusCodes.Status404NotFound);

    private static double Round(double v) => Math.Round(v, 1);

    private static string SafeName(string id) => new([.. id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_')]);
}
