using System.Globalization;
using System.Text;
using Edge.Gateway.Incidents;
using Edge.Gateway.Storage;

namespace Edge.Gateway.Prevention;

/// <summary>One fall or get-up of a resident, with the response times a post-fall review looks at.</summary>
/// <param name="Id">Incident number.</param>
/// <param name="Type">"fall" or "getting_up".</param>
/// <param name="EventAt">When it happened (the impact, or when the resident began to get up).</param>
/// <param name="RaisedAt">When the gateway raised it.</param>
/// <param name="AcceptedAt">When a carer accepted.</param>
/// <param name="AcceptedBy">Who.</param>
/// <param name="ResolvedAt">When it was resolved.</param>
/// <param name="ResolvedBy">Who (or "gateway" when it cleared itself).</param>
/// <param name="Outcome">fall_confirmed, no_fall, test, other, cleared.</param>
/// <param name="Note">The carer's note.</param>
/// <param name="Room">The room at the time.</param>
public sealed record ResidentLogEntry(
    long Id, string Type, DateTimeOffset EventAt, DateTimeOffset RaisedAt, DateTimeOffset? AcceptedAt, string? AcceptedBy,
    DateTimeOffset? ResolvedAt, string? ResolvedBy, string? Outcome, string? Note, string? Room)
{
    /// <summary>Seconds from raised to accepted.</summary>
    public double? SecondsToAccept => AcceptedAt is { } a ? Math.Round((a - RaisedAt).TotalSeconds, 1) : null;

    /// <summary>Seconds from raised to resolved.</summary>
    public double? SecondsToResolve => ResolvedAt is { } r ? Math.Round((r - RaisedAt).TotalSeconds, 1) : null;
}

/// <summary>The falls log: every fall and get-up incident of one resident, newest first, and its CSV export.</summary>
public sealed class ResidentLog(GatewayDatabase database, SiteClock clock)
{
    /// <summary>The CSV header.</summary>
    public const string CsvHeader = "incident,type,event_at,raised_at,accepted_at,accepted_by,resolved_at,resolved_by,seconds_to_accept,seconds_to_resolve,outcome,room,note";

    /// <summary>Falls and get-ups of <paramref name="residentId"/>, newest first (at most <paramref name="limit"/>).</summary>
    public async Task<IReadOnlyList<ResidentLogEntry>> ListAsync(string residentId, int limit, CancellationToken ct)
    {
        var list = new List<ResidentLogEntry>();
        var connection = await database.OpenAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = """
                SELECT id, type, event_at, raised_at, accepted_at, accepted_by, resolved_at, resolved_by, outcome, note, room_name
                FROM incidents WHERE resident_id = $r AND type IN ($fall, $up)
                ORDER BY raised_at DESC, id DESC LIMIT $limit
                """;
            cmd.Parameters.AddWithValue("$r", residentId);
            cmd.Parameters.AddWithValue("$fall", IncidentNames.Name(IncidentType.Fall));
            cmd.Parameters.AddWithValue("$up", IncidentNames.Name(IncidentType.GettingUp));
            cmd.Parameters.AddWithValue("$limit", limit);
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
                list.Add(new ResidentLogEntry(
                    r.GetInt64(0), r.GetString(1), DbTime.Parse(r.GetString(2)), DbTime.Parse(r.GetString(3)),
                    DbTime.ParseOrNull(S(4)), S(5), DbTime.ParseOrNull(S(6)), S(7), S(8), S(9), S(10)));
            }
        }

        return list;
    }

    /// <summary>The log as CSV (RFC 4180 quoting, LF line ends), times in the site's time zone with their UTC offset.</summary>
    public string ToCsv(IEnumerable<ResidentLogEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var csv = new StringBuilder(CsvHeader).Append('\n');
        foreach (var e in entries)
        {
            csv.AppendJoin(',',
                e.Id.ToString(CultureInfo.InvariantCulture), e.Type, Time(e.EventAt), Time(e.RaisedAt), Time(e.AcceptedAt), Field(e.AcceptedBy),
                Time(e.ResolvedAt), Field(e.ResolvedBy), Number(e.SecondsToAccept), Number(e.SecondsToResolve), Field(e.Outcome), Field(e.Room), Field(e.Note));
            csv.Append('\n');
        }

        return csv.ToString();
    }

    private string Time(DateTimeOffset? at) => at is { } t ? TimeZoneInfo.ConvertTime(t, clock.Zone).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture) : "";

    private static string Number(double? v) => v?.ToString("0.0", CultureInfo.InvariantCulture) ?? "";

    // Quote what needs it, and defuse a leading = + - @ so a spreadsheet never runs a note as a formula.
    private static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
