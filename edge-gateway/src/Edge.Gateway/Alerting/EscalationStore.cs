using Edge.Gateway.Incidents;
using Edge.Gateway.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Alerting;

/// <summary>Where an incident's escalation is.</summary>
public enum EscalationPhase
{
    /// <summary>Tiers and repeats go out until someone accepts.</summary>
    Alerting,

    /// <summary>Accepted: a reminder, then escalation resumes unless resolved.</summary>
    Accepted,

    /// <summary>Resolved: nothing more goes out.</summary>
    Done,
}

/// <summary>One incident's escalation schedule, as stored.</summary>
public sealed record EscalationState(
    long IncidentId,
    EscalationPhase Phase,
    DateTimeOffset PhaseStartedAt,
    int NextStep,
    DateTimeOffset? NextDueAt,
    int Round,
    int AlertsSent,
    DateTimeOffset? LastSentAt,
    string? LastStep);

/// <summary>
/// The escalation schedule in SQLite. As an <see cref="IIncidentTransitionObserver"/> it writes the schedule in
/// the incident's own transaction: raised → alerting from now (plus the fall pre-alarm delay), accepted →
/// reminder and resume times, resolved → done. The engine only moves rows forward with a compare-and-set, so a
/// transition that lands while a tier is being dispatched always wins.
/// </summary>
public sealed class EscalationStore(GatewayDatabase database, IOptions<EscalationOptions> options) : IIncidentTransitionObserver
{
    private const string Columns = "incident_id, phase, phase_started_at, next_step, next_due_at, round, alerts_sent, last_sent_at, last_step";
    private int _schemaReady;

    public async ValueTask OnTransitionAsync(IncidentTransitionContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        await EnsureSchemaAsync(context.Connection, context.Transaction, ct).ConfigureAwait(false);
        var incident = context.Incident;
        var t = context.Transition;
        switch (t.Kind)
        {
            case TransitionKind.Raised:
                var start = t.At + (incident.Type == IncidentType.Fall ? options.Value.FallPreAlarmDelay : TimeSpan.Zero);
                await Sql.ExecuteAsync(context.Connection, context.Transaction, """
                    INSERT INTO escalations(incident_id, phase, phase_started_at, next_step, next_due_at, round)
                    VALUES ($id, 'alerting', $start, 0, $start, 1)
                    ON CONFLICT(incident_id) DO NOTHING
                    """, ct, ("$id", incident.Id), ("$start", DbTime.ToText(start))).ConfigureAwait(false);
                break;
            case TransitionKind.Accepted:
                await UpsertAcceptedAsync(context.Connection, context.Transaction, incident.Id, t.At, ct).ConfigureAwait(false);
                break;
            case TransitionKind.Resolved:
                await Sql.ExecuteAsync(context.Connection, context.Transaction, """
                    INSERT INTO escalations(incident_id, phase, phase_started_at, next_step, next_due_at) VALUES ($id, 'done', $at, 0, NULL)
                    ON CONFLICT(incident_id) DO UPDATE SET phase = 'done', next_due_at = NULL
                    """, ct, ("$id", incident.Id), ("$at", DbTime.ToText(t.At))).ConfigureAwait(false);
                break;
            case TransitionKind.Retriggered:
                // Still the same open incident: its escalation carries on as scheduled.
                break;
        }
    }

    /// <summary>Creates the tables if needed (idempotent, once per process).</summary>
    public async Task EnsureSchemaAsync(CancellationToken ct)
    {
        if (Volatile.Read(ref _schemaReady) == 1)
        {
            return;
        }

        var c = await database.OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            await EnsureSchemaAsync(c, null, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// After a restart (or if an observer write was ever rolled back): every open incident gets a schedule row.
    /// A raised incident without one starts alerting now; an accepted one gets its reminder/resume times from
    /// its acceptance time. Returns how many rows were created.
    /// </summary>
    public async Task<int> EnsureRowsAsync(IReadOnlyList<Incident> open, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(open);
        await EnsureSchemaAsync(ct).ConfigureAwait(false);
        var created = 0;
        var c = await database.OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            foreach (var i in open)
            {
                int n;
                if (i.State == IncidentState.Accepted && i.AcceptedAt is { } acceptedAt)
                {
                    n = await Sql.ExecuteAsync(c, null, """
                        INSERT INTO escalations(incident_id, phase, phase_started_at, next_step, next_due_at, round)
                        VALUES ($id, 'accepted', $at, 0, $due, 1) ON CONFLICT(incident_id) DO NOTHING
                        """, ct, ("$id", i.Id), ("$at", DbTime.ToText(acceptedAt)), ("$due", DbTime.ToText(acceptedAt + options.Value.ReminderAfter))).ConfigureAwait(false);
                }
                else
                {
                    n = await Sql.ExecuteAsync(c, null, """
                        INSERT INTO escalations(incident_id, phase, phase_started_at, next_step, next_due_at, round)
                        VALUES ($id, 'alerting', $at, 0, $at, 1) ON CONFLICT(incident_id) DO NOTHING
                        """, ct, ("$id", i.Id), ("$at", DbTime.ToText(now))).ConfigureAwait(false);
                }

                created += n;
            }
        }

        return created;
    }

    /// <summary>Rows due at or before <paramref name="now"/>, earliest first.</summary>
    public Task<IReadOnlyList<EscalationState>> GetDueAsync(DateTimeOffset now, CancellationToken ct) =>
        QueryAsync($"SELECT {Columns} FROM escalations WHERE phase <> 'done' AND next_due_at <= $now ORDER BY next_due_at, incident_id", ct, ("$now", DbTime.ToText(now)));

    /// <summary>Every schedule that is not done.</summary>
    public Task<IReadOnlyList<EscalationState>> ListActiveAsync(CancellationToken ct) =>
        QueryAsync($"SELECT {Columns} FROM escalations WHERE phase <> 'done' ORDER BY incident_id", ct);

    /// <summary>One incident's schedule, or null.</summary>
    public async Task<EscalationState?> GetAsync(long incidentId, CancellationToken ct) =>
        (await QueryAsync($"SELECT {Columns} FROM escalations WHERE incident_id = $id", ct, ("$id", incidentId)).ConfigureAwait(false)).FirstOrDefault();

    /// <summary>The earliest due time of any schedule that is not done.</summary>
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken ct)
    {
        await EnsureSchemaAsync(ct).ConfigureAwait(false);
        var c = await database.OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT MIN(next_due_at) FROM escalations WHERE phase <> 'done'";
            return DbTime.ParseOrNull(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false));
        }
    }

    /// <summary>
    /// Moves a schedule from <paramref name="from"/> to <paramref name="to"/> if nobody changed it in between
    /// (compare-and-set on phase, phase start and step). Returns false when a transition got there first.
    /// </summary>
    public async Task<bool> TryMoveAsync(EscalationState from, EscalationState to, CancellationToken ct) =>
        await TryMoveAsync(from, to, [], DateTimeOffset.MinValue, ct).ConfigureAwait(false) is not null;

    /// <summary>
    /// Moves a schedule like <see cref="TryMoveAsync(EscalationState, EscalationState, CancellationToken)"/> and, in the
    /// same transaction, records the sends this step owes as pending in <see cref="DeliveryLedger"/>: the step and
    /// its deliveries commit together, so a crash after the commit repeats the sends rather than forgetting them.
    /// Returns the ledger ids, or null when a transition got there first (nothing written).
    /// </summary>
    public async Task<IReadOnlyList<long>?> TryMoveAsync(EscalationState from, EscalationState to, IReadOnlyList<PlannedDelivery> deliveries, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(deliveries);
        var c = await database.OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var tx = (SqliteTransaction)await c.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                var n = await Sql.ExecuteAsync(c, tx, """
                    UPDATE escalations SET phase = $phase, phase_started_at = $start, next_step = $step, next_due_at = $due, round = $round,
                        alerts_sent = $sent, last_sent_at = $last, last_step = $label
                    WHERE incident_id = $id AND phase = $oldPhase AND phase_started_at = $oldStart AND next_step = $oldStep
                    """, ct,
                    ("$phase", PhaseName(to.Phase)), ("$start", DbTime.ToText(to.PhaseStartedAt)), ("$step", to.NextStep),
                    ("$due", to.NextDueAt is { } d ? DbTime.ToText(d) : null), ("$round", to.Round), ("$sent", to.AlertsSent),
                    ("$last", to.LastSentAt is { } l ? DbTime.ToText(l) : null), ("$label", to.LastStep),
                    ("$id", from.IncidentId), ("$oldPhase", PhaseName(from.Phase)), ("$oldStart", DbTime.ToText(from.PhaseStartedAt)), ("$oldStep", from.NextStep)).ConfigureAwait(false);
                if (n != 1)
                {
                    return null;
                }

                var ids = deliveries.Count == 0 ? [] : await DeliveryLedger.InsertPendingAsync(c, tx, deliveries, now, ct).ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);
                return ids;
            }
        }
    }

    /// <summary>
    /// Recipients whose last delivered operation for this incident was a send (so a page is showing that a
    /// reset should withdraw), by channel name. Derived from <c>notification_attempts</c>.
    /// </summary>
    public async Task<IReadOnlyList<(string Channel, string Recipient)>> OutstandingPagesAsync(long incidentId, CancellationToken ct)
    {
        var result = new List<(string, string)>();
        var c = await database.OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = """
                SELECT channel, recipient, operation FROM notification_attempts a
                WHERE incident_id = $id AND outcome = 'delivered'
                  AND id = (SELECT MAX(id) FROM notification_attempts b
                            WHERE b.incident_id = a.incident_id AND b.channel = a.channel AND b.recipient = a.recipient AND b.outcome = 'delivered')
                ORDER BY id
                """;
            cmd.Parameters.AddWithValue("$id", incidentId);
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                if (r.GetString(2) == "send")
                {
                    result.Add((r.GetString(0), r.GetString(1)));
                }
            }
        }

        return result;
    }

    internal static string PhaseName(EscalationPhase phase) => phase switch
    {
        EscalationPhase.Alerting => "alerting",
        EscalationPhase.Accepted => "accepted",
        _ => "done",
    };

    private static EscalationPhase ParsePhase(string text) => text switch
    {
        "alerting" => EscalationPhase.Alerting,
        "accepted" => EscalationPhase.Accepted,
        _ => EscalationPhase.Done,
    };

    private async Task UpsertAcceptedAsync(SqliteConnection c, SqliteTransaction tx, long id, DateTimeOffset at, CancellationToken ct) =>
        await Sql.ExecuteAsync(c, tx, """
            INSERT INTO escalations(incident_id, phase, phase_started_at, next_step, next_due_at, round) VALUES ($id, 'accepted', $at, 0, $due, 1)
            ON CONFLICT(incident_id) DO UPDATE SET phase = 'accepted', phase_started_at = $at, next_step = 0, next_due_at = $due
            """, ct, ("$id", id), ("$at", DbTime.ToText(at)), ("$due", DbTime.ToText(at + options.Value.ReminderAfter))).ConfigureAwait(false);

    private async Task EnsureSchemaAsync(SqliteConnection c, SqliteTransaction? tx, CancellationToken ct)
    {
        if (Volatile.Read(ref _schemaReady) == 1)
        {
            return;
        }

        await AlertingSchema.EnsureAsync(c, tx, ct).ConfigureAwait(false);
        if (tx is null)
        {
            Volatile.Write(ref _schemaReady, 1);
        }
    }

    private async Task<IReadOnlyList<EscalationState>> QueryAsync(string sql, CancellationToken ct, params (string Name, object? Value)[] args)
    {
        await EnsureSchemaAsync(ct).ConfigureAwait(false);
        var list = new List<EscalationState>();
        var c = await database.OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            await using var cmd = Sql.Command(c, null, sql, args);
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                list.Add(new EscalationState(
                    r.GetInt64(0), ParsePhase(r.GetString(1)), DbTime.Parse(r.GetString(2)), r.GetInt32(3),
                    DbTime.ParseOrNull(r.IsDBNull(4) ? null : r.GetString(4)), r.GetInt32(5), r.GetInt32(6),
                    DbTime.ParseOrNull(r.IsDBNull(7) ? null : r.GetString(7)), r.IsDBNull(8) ? null : r.GetString(8)));
            }
        }

        return list;
    }
}
