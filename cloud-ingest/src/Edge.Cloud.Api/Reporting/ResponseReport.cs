using Edge.Cloud.Contracts;
using Edge.Cloud.Data;

namespace Edge.Cloud.Api.Reporting;

/// <summary>Response times and false alarms for one group of incidents.</summary>
public sealed record ResponseRow(
    string SiteId,
    string SiteName,
    string Group,
    int Incidents,
    int Accepted,
    int Resolved,
    double? AcceptMedianSeconds,
    double? AcceptP95Seconds,
    double? ResolveMedianSeconds,
    double? ResolveP95Seconds,
    int FalseAlarms,
    double? FalseAlarmShare);

public sealed record SiteHealthRow(string SiteId, string SiteName, int Devices, int DevicesProtected, double UnprotectedResidentHours);

/// <summary>The group managers' report for a period: per site, per unit and per shift.</summary>
public sealed record ResponseReport(
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<ResponseRow> BySite,
    IReadOnlyList<ResponseRow> ByUnit,
    IReadOnlyList<ResponseRow> ByShift,
    IReadOnlyList<SiteHealthRow> Health)
{
    public static ResponseReport Build(
        IReadOnlyList<SiteRecord> sites,
        IReadOnlyList<IncidentRecord> incidents,
        IReadOnlyList<DeviceRecord> devices,
        IReadOnlyList<ShiftDefinition> shifts,
        DateTimeOffset from,
        DateTimeOffset to)
    {
        var bySite = new List<ResponseRow>();
        var byUnit = new List<ResponseRow>();
        var byShift = new List<ResponseRow>();
        var health = new List<SiteHealthRow>();
        foreach (var site in sites)
        {
            var zone = SiteTime.Zone(site.TimeZone);
            var mine = incidents.Where(i => i.SiteId == site.SiteId).ToList();
            bySite.Add(Row(site, "all", mine));
            byUnit.AddRange(mine.GroupBy(i => i.Unit ?? "(no unit)").OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Row(site, g.Key, [.. g])));
            var shiftOf = mine.ToLookup(i => Shifts.Of(TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(i.RaisedAt!.Value, zone).DateTime), shifts));
            byShift.AddRange(shifts.Where(s => shiftOf.Contains(s.Name)).Select(s => Row(site, s.Name, [.. shiftOf[s.Name]])));

            var siteDevices = devices.Where(d => d.SiteId == site.SiteId).ToList();
            health.Add(new SiteHealthRow(
                site.SiteId, site.Name, siteDevices.Count,
                siteDevices.Count(d => d.State is DeviceStates.Protected or DeviceStates.BatteryLow),
                siteDevices.Sum(d => d.UnprotectedSeconds) / 3600.0));
        }

        return new ResponseReport(from, to, bySite, byUnit, byShift, health);
    }

    private static ResponseRow Row(SiteRecord site, string group, IReadOnlyList<IncidentRecord> incidents)
    {
        var accept = incidents.Where(i => i.TimeToAccept is not null).Select(i => i.TimeToAccept!.Value.TotalSeconds).ToList();
        var resolve = incidents.Where(i => i.TimeToResolve is not null).Select(i => i.TimeToResolve!.Value.TotalSeconds).ToList();
        var withOutcome = incidents.Count(i => i.Outcome is not null);
        var falseAlarms = incidents.Count(i => i.Outcome == IncidentOutcomes.NoFall);
        return new ResponseRow(
            site.SiteId, site.Name, group, incidents.Count, accept.Count, resolve.Count,
            Percentiles.Of(accept, 50), Percentiles.Of(accept, 95),
            Percentiles.Of(resolve, 50), Percentiles.Of(resolve, 95),
            falseAlarms, withOutcome == 0 ? null : (double)falseAlarms / withOutcome);
    }
}

public static class SiteTime
{
    /// <summary>The site's time zone; UTC when the id is unknown on this machine.</summary>
    public static TimeZoneInfo Zone(string id) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
}
