using Edge.Alerting;
using Edge.Gateway.Incidents;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Alerting;

/// <summary>
/// Moves one stored escalation on when it is due. While alerting: the incident's <see cref="EscalationSchedule"/>
/// says which tier (or repeat) is next, a non-urgent alert may be held by the <see cref="NonUrgentGate"/>, and the
/// step's sends are stored together with the schedule move, then started. After acceptance: the carer who accepted
/// is reminded after <see cref="EscalationOptions.ReminderAfter"/>, and escalation starts again from the first tier
/// after <see cref="EscalationOptions.ResumeAfter"/> if the incident is still not resolved. A transition (accept,
/// resolve) stored meanwhile always wins over the move. Logs under the engine's category.
/// </summary>
internal sealed partial class EscalationStepper(
    IIncidentService incidents,
    EscalationStore store,
    AlertRouter router,
    NonUrgentGate gate,
    AlertDispatcher dispatcher,
    UnsavedMoves moves,
    IOptions<EscalationOptions> options,
    ILogger<EscalationEngine> logger)
{
    private readonly EscalationOptions _options = options.Value;

    /// <summary>Handles one due schedule row at <paramref name="now"/>. Throws a storage failure when the disk refuses a move that sends nothing.</summary>
    public async Task ProcessAsync(EscalationState row, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(row);
        var incident = await incidents.GetAsync(row.IncidentId, ct).ConfigureAwait(false);
        if (incident is null || !incident.IsOpen)
        {
            await store.TryMoveAsync(row, row with { Phase = EscalationPhase.Done, NextDueAt = null }, ct).ConfigureAwait(false);
            return;
        }

        if (row.Phase == EscalationPhase.Accepted)
        {
            await ProcessAcceptedAsync(row, incident, now, ct).ConfigureAwait(false);
            return;
        }

        var schedule = router.ScheduleFor(incident, now);
        if (schedule is null)
        {
            dispatcher.Nobody(incident, "no policy slot covers this unit now");
            await store.TryMoveAsync(row, row with { NextDueAt = now + EscalationSchedule.RepeatFor(incident.Type, _options) }, ct).ConfigureAwait(false);
            return;
        }

        var due = schedule.DueAt(row.PhaseStartedAt, row.NextStep);
        if (due > now)
        {
            await store.TryMoveAsync(row, row with { NextDueAt = due }, ct).ConfigureAwait(false);
            return;
        }

        var holdable = NonUrgentGate.Applies(incident.Type);
        if (holdable && gate.HoldUntil(now) is { } until)
        {
            Log.Held(logger, incident.Id, IncidentNames.Name(incident.Type), until);
            await store.TryMoveAsync(row, row with { NextDueAt = until }, ct).ConfigureAwait(false);
            return;
        }

        var label = schedule.Label(row.NextStep, row.Round);
        var moved = row with
        {
            NextStep = row.NextStep + 1,
            NextDueAt = schedule.NextDue(row.PhaseStartedAt, row.NextStep, now),
            AlertsSent = row.AlertsSent + 1,
            LastSentAt = now,
            LastStep = label,
        };
        var text = row.Round > 1 && incident.AcceptedAt is { } acceptedAt ? AlertText.Resumed(incident, now - acceptedAt) : AlertText.Alert(incident);
        var group = new DeliveryGroup(incident, row.NextStep, label, text, lateWithdraw: true, failoverTo: schedule.FailoverOf(row.NextStep), widen: schedule.Everyone);
        if (!await MoveAndStartAsync(row, moved, group, router.Plan(group, schedule.TargetsOf(row.NextStep)), now, ct).ConfigureAwait(false))
        {
            return; // accepted or resolved meanwhile: that transition wins
        }

        if (holdable)
        {
            gate.Sent(now);
        }
    }

    private async Task ProcessAcceptedAsync(EscalationState row, Incident incident, DateTimeOffset now, CancellationToken ct)
    {
        if (row.NextStep == 0)
        {
            var due = row.PhaseStartedAt + _options.ReminderAfter;
            if (due > now)
            {
                await store.TryMoveAsync(row, row with { NextDueAt = due }, ct).ConfigureAwait(false);
                return;
            }

            var moved = row with { NextStep = 1, NextDueAt = row.PhaseStartedAt + _options.ResumeAfter, LastSentAt = now, LastStep = "reminder", AlertsSent = row.AlertsSent + 1 };

            // The reminder goes to the carer who accepted; without known devices, to the current first tier.
            IReadOnlyList<string> first = router.ScheduleFor(incident, now)?.First ?? [];
            var targets = router.ReminderTargets(incident, first);
            var group = new DeliveryGroup(incident, -1, "reminder", AlertText.Reminder(incident, now - (incident.AcceptedAt ?? row.PhaseStartedAt)), lateWithdraw: false, failoverTo: first, widen: first);
            if (await MoveAndStartAsync(row, moved, group, router.Plan(group, targets, widen: false), now, ct).ConfigureAwait(false))
            {
                Log.Reminder(logger, incident.Id, incident.AcceptedBy ?? "-", string.Join(", ", targets));
            }

            return;
        }

        var resumeAt = row.PhaseStartedAt + _options.ResumeAfter;
        if (resumeAt > now)
        {
            await store.TryMoveAsync(row, row with { NextDueAt = resumeAt }, ct).ConfigureAwait(false);
            return;
        }

        var resumed = row with { Phase = EscalationPhase.Alerting, PhaseStartedAt = now, NextStep = 0, NextDueAt = now, Round = row.Round + 1 };
        if (await store.TryMoveAsync(row, resumed, ct).ConfigureAwait(false))
        {
            Log.Resumed(logger, incident.Id, incident.AcceptedBy ?? "-", resumed.Round);
            await ProcessAsync(resumed, now, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Moves the schedule and stores the step's sends as pending in one transaction, then starts them. False when a transition won.</summary>
    private async Task<bool> MoveAndStartAsync(EscalationState row, EscalationState moved, DeliveryGroup group, Dictionary<IAlertChannel, List<string>> plan, DateTimeOffset now, CancellationToken ct)
    {
        var (done, ids) = await moves.MoveAsync(row, moved, AlertDispatcher.Deliveries(group, plan), now, ct).ConfigureAwait(false);
        if (!done)
        {
            return false;
        }

        dispatcher.Start(group, plan, ids);
        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.NonUrgentHeld, Level = LogLevel.Information, Message = "Incident #{IncidentId} {Type} is not urgent: held until {Until:O} (quiet hours or rate limit)")]
        public static partial void Held(ILogger logger, long incidentId, string type, DateTimeOffset until);

        [LoggerMessage(EventId = EventIds.ReminderSent, Level = LogLevel.Warning, Message = "Incident #{IncidentId} accepted by {Staff} is not resolved: reminding {Targets}")]
        public static partial void Reminder(ILogger logger, long incidentId, string staff, string targets);

        [LoggerMessage(EventId = EventIds.EscalationResumed, Level = LogLevel.Warning, Message = "Incident #{IncidentId} accepted by {Staff} is still not resolved: escalation resumes (round {Round})")]
        public static partial void Resumed(ILogger logger, long incidentId, string staff, int round);
    }
}
