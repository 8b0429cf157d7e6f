using Edge.Gateway.Storage;
using Microsoft.Data.Sqlite;

namespace Edge.Gateway.Alerting;

/// <summary>One send the engine owes: an alert to some recipients on one channel.</summary>
/// <param name="IncidentId">The incident.</param>
/// <param name="Step">The policy step it belongs to (index into the slot's steps; past the last: a repeat; -1: reminder or re-page).</param>
/// <param name="Label">What the log and the staff page call it ("tier 1 of 3", "repeat 2", "failover from pager").</param>
/// <param name="Channel">The channel name.</param>
/// <param name="Recipients">Addresses on that channel.</param>
/// <param name="Text">The alert text.</param>
public sealed record PlannedDelivery(long IncidentId, int Step, string Label, string Channel, IReadOnlyList<string> Recipients, string Text);

/// <summary>A stored send that no channel has confirmed yet (it was on the wire when the gateway stopped).</summary>
public sealed record UnconfirmedDelivery(long Id, PlannedDelivery Delivery, DateTimeOffset CreatedAt);

/// <summary>
/// The alert deliveries the engine owes (<c>alert_deliveries</c>): a row is written <b>pending</b> in the same
/// transaction that moves an incident's schedule to its next step, and becomes <b>confirmed</b> only when the
/// channel reports the alert delivered, or <b>failed</b> (the engine then moves it to the channels that work).
/// A step therefore counts as sent only once a channel confirmed it, and after a crash every pending row is sent
/// again (<see cref="UnconfirmedAsync"/>). Rows are kept as an audit of what went where.
/// </summary>
public sealed class DeliveryLedger(GatewayDatabase database)
{
    private const char Separator = '\u001f';

    /// <summary>Inserts pending rows inside the caller's transaction; returns their ids in order.</summary>
    public static async Task<IReadOnlyList<long>> InsertPendingAsync(SqliteConnection c, SqliteTransaction? tx, IReadOnlyList<PlannedDelivery> deliveries, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(deliveries);
        var ids = new List<long>(deliveries.Count);
        foreach (var d in deliveries)
        {
            await using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT INTO alert_deliveries(incident_id, step, label, channel, recipients, text, state, created_at)
                VALUES ($iid, $step, $label, $ch, $rcpt, $text, 'pending', $at) RETURNING id
                """;
            cmd.Parameters.AddWithValue("$iid", d.IncidentId);
            cmd.Parameters.AddWithValue("$step", d.Step);
            cmd.Parameters.AddWithValue("$label", d.Label);
            cmd.Parameters.AddWithValue("$ch", d.Channel);
            cmd.Parameters.AddWithValue("$rcpt", string.Join(Separator, d.Recipients));
            cmd.Parameters.AddWithValue("$text", d.Text);
            cmd.Parameters.AddWithValue("$at", DbTime.ToText(now));
            ids.Add((long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!);
        }

        return ids;
    }

    /// <summary>Inserts pending rows in their own transaction (failovers, re-pages, resends after a restart).</summary>
    public async Task<IReadOnlyList<long>> InsertPendingAsync(IReadOnlyList<PlannedDelivery> deliveries, DateTimeOffset now, CancellationToken ct)
    {
        var c = await database.OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var tx = (SqliteTransaction)await c.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                var ids = await InsertPendingAsync(c, tx, deliveries, now, ct).ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);
                return ids;
            }
        }
    }

    /// <summary>Marks a row confirmed (delivered) or failed, with what the channel said.</summary>
    public async Task CompleteAsync(long id, bool confirmed, string detail, DateTimeOffset now, CancellationToken ct)
    {
        var c = await database.OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "UPDATE alert_deliveries SET state = $state, finished_at = $at, detail = $detail WHERE id = $id AND state = 'pending'";
            cmd.Parameters.AddWithValue("$state", confirmed ? "confirmed" : "failed");
            cmd.Parameters.AddWithValue("$at", DbTime.ToText(now));
            cmd.Parameters.AddWithValue("$detail", detail);
            cmd.Parameters.AddWithValue("$id", id);
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>Sends that were on the wire (or queued) when the gateway stopped, for incidents still waiting for someone.</summary>
    public async Task<IReadOnlyList<UnconfirmedDelivery>> UnconfirmedAsync(CancellationToken ct)
    {
        var list = new List<UnconfirmedDelivery>();
        var c = await database.OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = """
                SELECT d.id, d.incident_id, d.step, d.label, d.channel, d.recipients, d.text, d.created_at
                FROM alert_deliveries d JOIN escalations e ON e.incident_id = d.incident_id
                WHERE d.state = 'pending' AND e.phase = 'alerting'
                ORDER BY d.id
                """;
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                var d = new PlannedDelivery(r.GetInt64(1), r.GetInt32(2), r.GetString(3), r.GetString(4), r.GetString(5).Split(Separator), r.GetString(6));
                list.Add(new UnconfirmedDelivery(r.GetInt64(0), d, DbTime.Parse(r.GetString(7))));
            }
        }

        return list;
    }

    /// <summary>Closes rows that will never be confirmed (the incident was accepted or resolved before the restart).</summary>
    public async Task<int> AbandonSettledAsync(DateTimeOffset now, CancellationToken ct)
    {
        var c = await database.OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = """
                UPDATE alert_deliveries SET state = 'failed', finished_at = $at, detail = 'not confirmed before the gateway stopped; the incident no longer needs it'
                WHERE state = 'pending' AND incident_id NOT IN (SELECT incident_id FROM escalations WHERE phase = 'alerting')
                """;
            cmd.Parameters.AddWithValue("$at", DbTime.ToText(now));
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }
}
