using System.Globalization;
using Edge.Gateway.Storage;
using Microsoft.Data.Sqlite;

namespace Edge.Gateway.Prevention;

/// <summary>One resident's mobility on one local day.</summary>
/// <param name="ResidentId">The resident.</param>
/// <param name="Day">Site-local calendar day.</param>
/// <param name="WornSeconds">Seconds of sensor data while worn (how much of the day the figures cover).</param>
/// <param name="WalkingSeconds">Seconds walking.</param>
/// <param name="Steps">Steps taken while walking.</param>
/// <param name="SitToStands">Stand-ups from sitting.</param>
/// <param name="LyingSeconds">Seconds lying.</param>
/// <param name="NightTransitions">Posture transitions at night (the resident's get-up hours, else the site's night): restlessness.</param>
public sealed record MobilityDay(string ResidentId, DateOnly Day, double WornSeconds, double WalkingSeconds, long Steps, int SitToStands, double LyingSeconds, int NightTransitions)
{
    /// <summary>Steps per minute of walking (null without walking).</summary>
    public double? Cadence => WalkingSeconds >= 30 ? Steps / (WalkingSeconds / 60) : null;

    /// <summary>Adds another partial day of the same resident and day.</summary>
    public MobilityDay Plus(MobilityDay o) => this with
    {
        WornSeconds = WornSeconds + o.WornSeconds,
        WalkingSeconds = WalkingSeconds + o.WalkingSeconds,
        Steps = Steps + o.Steps,
        SitToStands = SitToStands + o.SitToStands,
        LyingSeconds = LyingSeconds + o.LyingSeconds,
        NightTransitions = NightTransitions + o.NightTransitions,
    };
}

/// <summary>
/// Mobility per resident per day. The ingest worker adds to an in-memory table (<see cref="Add(string, DateOnly, double, double, long, int, double, int)"/>:
/// a lock held for a dictionary update, once per batch, allocating only for a new resident-day); <see cref="FlushAsync"/> moves it into SQLite (<c>mobility_daily</c>, summed),
/// which the trend recorder does every <see cref="PreventionOptions.TrendFlushInterval"/> and at shutdown.
/// Reads combine the stored rows with what is not yet flushed.
/// </summary>
public sealed class MobilityStore(GatewayDatabase database, TimeProvider time)
{
    private readonly Lock _lock = new();
    private Dictionary<(string, DateOnly), Sums> _pending = [];

    /// <summary>Adds to a resident's day (in memory until the next flush).</summary>
    public void Add(MobilityDay delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        Add(delta.ResidentId, delta.Day, delta.WornSeconds, delta.WalkingSeconds, delta.Steps, delta.SitToStands, delta.LyingSeconds, delta.NightTransitions);
    }

    /// <summary>Adds one batch's figures to a resident's day (in memory until the next flush; no allocation once the day exists).</summary>
    public void Add(string residentId, DateOnly day, double wornSeconds, double walkingSeconds, long steps, int sitToStands, double lyingSeconds, int nightTransitions)
    {
        lock (_lock)
        {
            if (!_pending.TryGetValue((residentId, day), out var sums))
            {
                sums = new Sums();
                _pending[(residentId, day)] = sums;
            }

            sums.Worn += wornSeconds;
            sums.Walking += walkingSeconds;
            sums.Steps += steps;
            sums.SitToStands += sitToStands;
            sums.Lying += lyingSeconds;
            sums.Night += nightTransitions;
        }
    }

    /// <summary>Writes what has been added since the last flush; returns the rows written. On failure the figures are kept for the next try.</summary>
    public async Task<int> FlushAsync(CancellationToken ct)
    {
        List<MobilityDay> batch;
        lock (_lock)
        {
            if (_pending.Count == 0)
            {
                return 0;
            }

            batch = [.. _pending.Select(p => p.Value.Day(p.Key.Item1, p.Key.Item2))];
            _pending = [];
        }

        try
        {
            var connection = await database.OpenAsync(ct).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                await PreventionSchema.EnsureAsync(connection, null, ct).ConfigureAwait(false);
                var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
                await using (tx.ConfigureAwait(false))
                {
                    await using var cmd = connection.CreateCommand();
                    cmd.Transaction = tx;
                    cmd.CommandText = """
                        INSERT INTO mobility_daily(resident_id, day, worn_s, walking_s, steps, sit_to_stand, lying_s, night_transitions, updated_at)
                        VALUES ($r, $d, $worn, $walk, $steps, $sts, $lying, $night, $at)
                        ON CONFLICT(resident_id, day) DO UPDATE SET
                            worn_s = worn_s + excluded.worn_s, walking_s = walking_s + excluded.walking_s, steps = steps + excluded.steps,
                            sit_to_stand = sit_to_stand + excluded.sit_to_stand, lying_s = lying_s + excluded.lying_s,
                            night_transitions = night_transitions + excluded.night_transitions, updated_at = excluded.updated_at
                        """;
                    var at = DbTime.ToText(time.GetUtcNow());
                    foreach (var m in batch)
                    {
                        cmd.Parameters.Clear();
                        cmd.Parameters.AddWithValue("$r", m.ResidentId);
                        cmd.Parameters.AddWithValue("$d", Text(m.Day));
                        cmd.Parameters.AddWithValue("$worn", m.WornSeconds);
                        cmd.Parameters.AddWithValue("$walk", m.WalkingSeconds);
                        cmd.Parameters.AddWithValue("$steps", m.Steps);
                        cmd.Parameters.AddWithValue("$sts", m.SitToStands);
                        cmd.Parameters.AddWithValue("$lying", m.LyingSeconds);
                        cmd.Parameters.AddWithValue("$night", m.NightTransitions);
                        cmd.Parameters.AddWithValue("$at", at);
                        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    }

                    await tx.CommitAsync(ct).ConfigureAwait(false);
                }
            }
        }
        catch
        {
            // Nothing written: put the figures back so the next flush includes them.
            foreach (var m in batch)
            {
                Add(m);
            }

            throw;
        }

        return batch.Count;
    }

    /// <summary>The resident's days in [<paramref name="from"/>, <paramref name="to"/>], oldest first, stored and pending together (days without data are absent).</summary>
    public async Task<IReadOnlyList<MobilityDay>> QueryAsync(string residentId, DateOnly from, DateOnly to, CancellationToken ct) =>
        (await QueryCoreAsync(residentId, from, to, ct).ConfigureAwait(false)).GetValueOrDefault(residentId) ?? [];

    /// <summary>Every resident's days in [<paramref name="from"/>, <paramref name="to"/>] in one query (the staff page's resident list).</summary>
    public Task<IReadOnlyDictionary<string, IReadOnlyList<MobilityDay>>> QueryAllAsync(DateOnly from, DateOnly to, CancellationToken ct) =>
        QueryCoreAsync(null, from, to, ct);

    private async Task<IReadOnlyDictionary<string, IReadOnlyList<MobilityDay>>> QueryCoreAsync(string? residentId, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var days = new Dictionary<(string, DateOnly), MobilityDay>();
        var connection = await database.OpenAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await PreventionSchema.EnsureAsync(connection, null, ct).ConfigureAwait(false);
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = """
                SELECT resident_id, day, worn_s, walking_s, steps, sit_to_stand, lying_s, night_transitions FROM mobility_daily
                WHERE ($r IS NULL OR resident_id = $r) AND day >= $from AND day <= $to
                """;
            cmd.Parameters.AddWithValue("$r", (object?)residentId ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$from", Text(from));
            cmd.Parameters.AddWithValue("$to", Text(to));
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                var day = DateOnly.ParseExact(r.GetString(1), "yyyy-MM-dd", CultureInfo.InvariantCulture);
                days[(r.GetString(0), day)] = new MobilityDay(r.GetString(0), day, r.GetDouble(2), r.GetDouble(3), r.GetInt64(4), r.GetInt32(5), r.GetDouble(6), r.GetInt32(7));
            }
        }

        lock (_lock)
        {
            foreach (var m in _pending.Where(p => (residentId is null || p.Key.Item1 == residentId) && p.Key.Item2 >= from && p.Key.Item2 <= to).Select(p => p.Value.Day(p.Key.Item1, p.Key.Item2)))
            {
                var key = (m.ResidentId, m.Day);
                days[key] = days.TryGetValue(key, out var stored) ? stored.Plus(m) : m;
            }
        }

        return days.Values.GroupBy(d => d.ResidentId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<MobilityDay>)[.. g.OrderBy(d => d.Day)], StringComparer.Ordinal);
    }

    /// <summary>Stored days on or before <paramref name="lastDay"/> not yet queued for the uplink, oldest first (at most <paramref name="limit"/>).</summary>
    internal static async Task<IReadOnlyList<MobilityDay>> NotUplinkedAsync(SqliteConnection c, SqliteTransaction tx, DateOnly lastDay, int limit, CancellationToken ct)
    {
        var list = new List<MobilityDay>();
        await using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            SELECT m.resident_id, m.day, m.worn_s, m.walking_s, m.steps, m.sit_to_stand, m.lying_s, m.night_transitions
            FROM mobility_daily m LEFT JOIN mobility_uplinked u ON u.resident_id = m.resident_id AND u.day = m.day
            WHERE u.day IS NULL AND m.day <= $last ORDER BY m.day, m.resident_id LIMIT $limit
            """;
        cmd.Parameters.AddWithValue("$last", Text(lastDay));
        cmd.Parameters.AddWithValue("$limit", limit);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(new MobilityDay(r.GetString(0), DateOnly.ParseExact(r.GetString(1), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                r.GetDouble(2), r.GetDouble(3), r.GetInt64(4), r.GetInt32(5), r.GetDouble(6), r.GetInt32(7)));
        }

        return list;
    }

    internal static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private sealed class Sums
    {
        public double Worn;
        public double Walking;
        public long Steps;
        public int SitToStands;
        public double Lying;
        public int Night;

        public MobilityDay Day(string residentId, DateOnly day) => new(residentId, day, Worn, Walking, Steps, SitToStands, Lying, Night);
    }
}
