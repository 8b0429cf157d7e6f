using Edge.Gateway.Storage;

namespace Edge.Gateway.Supervision;

/// <summary>Minutes a resident was unprotected, by reason, within a period.</summary>
public sealed record UnprotectedSummary(string ResidentId, string Reason, double Minutes);

/// <summary>
/// Stores the periods a resident was not protected (device not worn, offline or docked) as intervals,
/// so the minutes survive restarts and can be summed for any period.
/// </summary>
public sealed class UnprotectedTimeStore(GatewayDatabase database, TimeProvider time)
{
    public const string NotWorn = "not_worn";
    public const string Offline = "offline";
    public const string Docked = "docked";

    /// <summary>Open intervals by device (to resume after a restart).</summary>
    public async Task<Dictionary<string, string>> OpenIntervalsAsync(CancellationToken ct = default)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var c = await database.OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT device_id, reason FROM unprotected_intervals WHERE ended_at IS NULL";
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                result[r.GetString(0)] = r.GetString(1);
            }
        }

        return result;
    }

    /// <summary>Closes the device's open interval (if any) and opens one for <paramref name="reason"/> (unless null), in one transaction.</summary>
    public async Task ChangeAsync(string residentId, string deviceId, string? reason, DateTimeOffset at, CancellationToken ct = default)
    {
        var c = await database.OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var tx = (Microsoft.Data.Sqlite.SqliteTransaction)await c.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                await using var cmd = c.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = "UPDATE unprotected_intervals SET ended_at = $at WHERE device_id = $dev AND ended_at IS NULL;"
                    + (reason is null ? "" : "INSERT INTO unprotected_intervals(resident_id, device_id, reason, started_at) VALUES ($res, $dev, $reason, $at);");
                cmd.Parameters.AddWithValue("$at", DbTime.ToText(at));
                cmd.Parameters.AddWithValue("$dev", deviceId);
                cmd.Parameters.AddWithValue("$res", residentId);
                cmd.Parameters.AddWithValue("$reason", (object?)reason ?? DBNull.Value);
                await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Unprotected minutes per resident and reason overlapping [from, to); open intervals count up to now.</summary>
    public async Task<IReadOnlyList<UnprotectedSummary>> QueryAsync(DateTimeOffset from, DateTimeOffset to, string? residentId = null, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var totals = new Dictionary<(string, string), double>();
        var c = await database.OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = """
                SELECT resident_id, reason, started_at, ended_at FROM unprotected_intervals
                WHERE started_at < $to AND (ended_at IS NULL OR ended_at > $from) AND ($res IS NULL OR resident_id = $res)
                """;
            cmd.Parameters.AddWithValue("$from", DbTime.ToText(from));
            cmd.Parameters.AddWithValue("$to", DbTime.ToText(to));
            cmd.Parameters.AddWithValue("$res", (object?)residentId ?? DBNull.Value);
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                var start = DbTime.Parse(r.GetString(2));
                var end = r.IsDBNull(3) ? now : DbTime.Parse(r.GetString(3));
                var overlap = (Min(end, to) - Max(start, from)).TotalMinutes;
                if (overlap > 0)
                {
                    var key = (r.GetString(0), r.GetString(1));
                    totals[key] = totals.GetValueOrDefault(key) + overlap;
                }
            }
        }

        return [.. totals.Select(kv => new UnprotectedSummary(kv.Key.Item1, kv.Key.Item2, kv.Value)).OrderBy(s => s.ResidentId, StringComparer.Ordinal).ThenBy(s => s.Reason, StringComparer.Ordinal)];
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
