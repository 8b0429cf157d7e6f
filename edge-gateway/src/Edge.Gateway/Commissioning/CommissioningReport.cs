using System.Globalization;
using System.Text;
using Edge.Gateway.Registry;

namespace Edge.Gateway.Commissioning;

/// <summary>One line of the report: a device and where each check stands.</summary>
public sealed record DeviceCommissioningResult(string DeviceId, string Resident, string Room, IReadOnlyList<CheckResult> Checks)
{
    public bool AllPassed => Checks.All(c => c.Status is CheckStatus.Passed or CheckStatus.NotAvailable);
}

public enum CheckStatus
{
    Passed,
    Failed,
    NotSeen,

    /// <summary>The check cannot be made by this gateway build (said why in the detail).</summary>
    NotAvailable,
}

public sealed record CheckResult(string Check, CheckStatus Status, DateTimeOffset? At, string Detail);

/// <summary>
/// The commissioning report per device: connected, status, battery, button (manual call within the
/// limit), fall pattern (fall incident), and the alert delivery checks. Markdown for people, CSV for the
/// site records.
/// </summary>
public static class CommissioningReport
{
    /// <summary>The checks in report order; the last two are not made by the gateway itself yet.</summary>
    public static readonly string[] Checks = ["connected", "status", "battery", "manual_call", "fall", "pager", "staff_page"];

    public static IReadOnlyList<DeviceCommissioningResult> Build(CommissioningSession session, IEnumerable<DeviceAssignment> assignments, IReadOnlyList<CommissioningEvent> events)
    {
        ArgumentNullException.ThrowIfNull(session);
        var byDevice = assignments.ToDictionary(a => a.DeviceId, StringComparer.Ordinal);
        var devices = session.WholeSite ? byDevice.Keys.Order(StringComparer.Ordinal).ToList() : [.. session.Devices];
        var results = new List<DeviceCommissioningResult>();
        foreach (var d in devices)
        {
            var mine = events.Where(e => e.DeviceId == d).ToList();
            var checks = new List<CheckResult>();
            foreach (var check in Checks)
            {
                if (check is "pager" or "staff_page")
                {
                    checks.Add(new CheckResult(check, CheckStatus.NotAvailable, null,
                        "not checked by the gateway: test incidents are kept away from the escalation engine, so confirm the test page on the technician's own pager / the staff page by hand"));
                    continue;
                }

                var passed = mine.FirstOrDefault(e => e.Kind == check && e.Passed == true);
                var failed = mine.LastOrDefault(e => e.Kind == check && e.Passed == false);
                checks.Add(passed is not null ? new CheckResult(check, CheckStatus.Passed, passed.At, passed.Detail)
                    : failed is not null ? new CheckResult(check, CheckStatus.Failed, failed.At, failed.Detail)
                    : new CheckResult(check, CheckStatus.NotSeen, null, Hint(check)));
            }

            var a = byDevice.GetValueOrDefault(d);
            results.Add(new DeviceCommissioningResult(d, a?.ResidentName ?? "(not assigned)", a?.RoomName ?? "-", checks));
        }

        return results;
    }

    public static string ToMarkdown(CommissioningSession session, IReadOnlyList<DeviceCommissioningResult> results, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(results);
        var b = new StringBuilder();
        b.AppendLine(CultureInfo.InvariantCulture, $"# Commissioning report, session {session.Id}");
        b.AppendLine();
        b.AppendLine(CultureInfo.InvariantCulture, $"Technician {session.Technician}; {(session.WholeSite ? "whole site" : "devices " + string.Join(", ", session.Devices))}; started {session.StartedAt:u}, " +
            $"{(session.EndedAt is { } e ? $"ended {e:u}" : $"ends {session.EndsAt:u}")}; report written {now:u}.");
        b.AppendLine(CultureInfo.InvariantCulture, $"Devices fully commissioned: {results.Count(r => r.AllPassed)} of {results.Count}.");
        b.AppendLine();
        b.AppendLine("| device | resident | room | " + string.Join(" | ", Checks) + " |");
        b.Append("|---|---|---|").AppendJoin("", Checks.Select(_ => "---|")).AppendLine();
        foreach (var r in results)
        {
            b.AppendLine(CultureInfo.InvariantCulture, $"| {r.DeviceId} | {r.Resident} | {r.Room} | {string.Join(" | ", r.Checks.Select(Cell))} |");
        }

        b.AppendLine();
        b.AppendLine("## Details");
        foreach (var r in results)
        {
            b.AppendLine();
            b.AppendLine(CultureInfo.InvariantCulture, $"### {r.DeviceId} ({r.Resident}, {r.Room})");
            foreach (var c in r.Checks)
            {
                b.AppendLine(CultureInfo.InvariantCulture, $"- **{c.Check}**: {Name(c.Status)}{(c.At is { } at ? $" at {at:HH:mm:ss}Z" : "")}: {c.Detail}");
            }
        }

        return b.ToString();
    }

    public static string ToCsv(CommissioningSession session, IReadOnlyList<DeviceCommissioningResult> results)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(results);
        var b = new StringBuilder("session,device,resident,room,check,status,at,detail\n");
        foreach (var r in results)
        {
            foreach (var c in r.Checks)
            {
                b.Append(CultureInfo.InvariantCulture, $"{session.Id},{Csv(r.DeviceId)},{Csv(r.Resident)},{Csv(r.Room)},{c.Check},{Name(c.Status)},")
                 .Append(c.At is { } at ? at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) : "")
                 .Append(',').Append(Csv(c.Detail)).Append('\n');
            }
        }

        return b.ToString();
    }

    public static string Name(CheckStatus s) => s switch
    {
        CheckStatus.Passed => "passed",
        CheckStatus.Failed => "FAILED",
        CheckStatus.NotSeen => "not seen",
        _ => "n/a",
    };

    private static string Cell(CheckResult c) => c.Status == CheckStatus.Passed && c.At is { } at ? $"passed {at:HH:mm:ss}" : Name(c.Status);

    private static string Hint(string check) => check switch
    {
        "connected" => "no message from the device since the session started: is it switched on, in Wi-Fi range, flashed with this site's config?",
        "status" => "no status message while online yet (devices send one every minute)",
        "battery" => "no battery reading yet",
        "manual_call" => "press the call button on the device",
        "fall" => "perform the fall pattern with the device on the belt clip (onto a mat)",
        _ => "",
    };

    private static string Csv(string s) => s.Contains(',', StringComparison.Ordinal) || s.Contains('"', StringComparison.Ordinal) ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
}
