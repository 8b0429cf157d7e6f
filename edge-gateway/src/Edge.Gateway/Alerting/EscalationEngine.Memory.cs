using System.Collections.Concurrent;
using Edge.Gateway.Incidents;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Alerting;

/// <summary>
/// Paging never waits for the disk. An alarm the database could not store (<see cref="UnstoredAlarms"/>) is paged
/// from memory at once, with its own in-memory schedule through the policy's steps, until it is stored (then the
/// stored incident escalates from the database). A schedule move the database refuses is kept in memory
/// (<c>_unsaved</c>): the step is sent anyway and the move is written when the disk takes writes again. A gateway
/// fault that says why is paged the same way while storing fails, and stored once it works again.
/// </summary>
public sealed partial class EscalationEngine
{
    private static readonly TimeSpan StorageRetry = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<long, (DateTimeOffset Start, int NextStep)> _memorySchedule = new();
    private readonly ConcurrentDictionary<long, (EscalationState From, EscalationState Current)> _unsaved = new();
    private bool _storageTrouble;

    /// <summary>Pages every unstored alarm whose next step is due; drops the schedules of alarms since stored. Called under the process lock.</summary>
    private void ProcessUnstored(DateTimeOffset now)
    {
        var pending = _unstored.Pending;
        foreach (var gone in _memorySchedule.Keys.Where(id => !pending.Any(a => a.Id == id)).ToList())
        {
            _memorySchedule.TryRemove(gone, out _);
        }

        foreach (var alarm in pending)
        {
            var (start, step) = _memorySchedule.TryGetValue(alarm.Id, out var s) ? s : (alarm.Since, 0);
            var incident = Synthetic(alarm);
            var steps = _policy.Resolve(UnitOf(incident), now)?.Steps ?? [];
            if (steps.Count == 0)
            {
                LogNobody(incident, UnitOf(incident), "no policy slot covers this unit now");
                _memorySchedule[alarm.Id] = (start, step);
                continue;
            }

            var repeat = AlertText.IsHoldable(incident.Type) ? _options.NonUrgentRepeatInterval : _options.RepeatInterval;
            if (DueOf(start, step, steps, repeat) > now)
            {
                _memorySchedule[alarm.Id] = (start, step);
                continue;
            }

            var n = steps.Count;
            IReadOnlyList<string> all = [.. steps.SelectMany(x => x.Notify).Distinct(StringComparer.Ordinal)];
            var targets = step < n ? steps[step].Notify : all;
            var label = step < n ? $"tier {step + 1} of {n} (from memory: not stored)" : $"repeat {step - n + 1} (from memory: not stored)";
            var group = new DeliveryGroup(incident, step, label, AlertText.Unstored(incident), lateWithdraw: false, failoverTo: step + 1 < n ? steps[step + 1].Notify : all, widen: all);
            Start(group, Plan(group, targets), ledgerIds: null);
            var next = step + 1;
            if (next >= n && DueOf(start, next, steps, repeat) <= now)
            {
                start = now - steps[n - 1].After; // after a long pause: one re-alert now, not a burst of missed repeats
                next = n;
            }

            _memorySchedule[alarm.Id] = (start, next);
        }
    }

    /// <summary>The next time an in-memory schedule needs the engine: an unstored alarm's step, or a retry of writes the disk refused.</summary>
    private DateTimeOffset? NextMemoryDue(DateTimeOffset now)
    {
        DateTimeOffset? next = null;
        void Min(DateTimeOffset at) => next = next is { } n && n <= at ? n : at;
        if (_unsaved.Count > 0 || _storageTrouble)
        {
            Min(now + StorageRetry);
        }

        foreach (var current in _unsaved.Values.Select(u => u.Current))
        {
            if (current.NextDueAt is { } due)
            {
                Min(due);
            }
        }

        foreach (var alarm in _unstored.Pending)
        {
            if (!_memorySchedule.TryGetValue(alarm.Id, out var s))
            {
                Min(now);
                continue;
            }

            var steps = _policy.Resolve(UnitOf(Synthetic(alarm)), now)?.Steps ?? [];
            if (steps.Count > 0)
            {
                Min(DueOf(s.Start, s.NextStep, steps, AlertText.IsHoldable(alarm.Request.Type) ? _options.NonUrgentRepeatInterval : _options.RepeatInterval));
            }
        }

        return next;
    }

    /// <summary>Writes schedule moves the disk refused earlier; keeps those it still refuses.</summary>
    private async Task FlushUnsavedAsync(CancellationToken ct)
    {
        foreach (var (id, (from, current)) in _unsaved.ToList())
        {
            try
            {
                await _store.TryMoveAsync(from, current, ct).ConfigureAwait(false);
                _unsaved.TryRemove(id, out _); // written, or a transition (accept, resolve) overtook it: the database wins
            }
            catch (Exception e) when (UnstoredAlarms.IsStorageFailure(e))
            {
                _storageTrouble = true;
                return;
            }
        }
    }

    /// <summary>The row as the engine must see it: the in-memory state when a move of it could not be written.</summary>
    private EscalationState Current(EscalationState row) =>
        _unsaved.TryGetValue(row.IncidentId, out var u) && u.From == row ? u.Current : row;

    /// <summary>
    /// Moves the schedule in the database; when the disk refuses, in memory (written later by
    /// <see cref="FlushUnsavedAsync"/>). Returns the ledger ids (null when kept in memory), or false when a transition won.
    /// </summary>
    private async Task<(bool Moved, IReadOnlyList<long>? Ids)> MoveAsync(EscalationState row, EscalationState moved, IReadOnlyList<PlannedDelivery> deliveries, DateTimeOffset now, CancellationToken ct)
    {
        if (_unsaved.TryGetValue(row.IncidentId, out var u) && u.Current == row)
        {
            _unsaved[row.IncidentId] = (u.From, moved);
            return (true, null);
        }

        try
        {
            var ids = await _store.TryMoveAsync(row, moved, deliveries, now, ct).ConfigureAwait(false);
            return (ids is not null, ids);
        }
        catch (Exception e) when (UnstoredAlarms.IsStorageFailure(e))
        {
            _storageTrouble = true;
            _unsaved[row.IncidentId] = (row, moved);
            Log.ScheduleKeptInMemory(_logger, row.IncidentId, e.Message);
            return (true, null);
        }
    }

    /// <summary>Still waiting for someone: an unstored alarm until it is stored; a stored one while its schedule is alerting.</summary>
    private async Task<bool> IsAlertingAsync(Incident incident)
    {
        if (incident.Id < 0)
        {
            return _unstored.Contains(incident.Id);
        }

        if (_unsaved.TryGetValue(incident.Id, out var u))
        {
            return u.Current.Phase == EscalationPhase.Alerting;
        }

        return await _store.GetAsync(incident.Id, CancellationToken.None).ConfigureAwait(false) is { Phase: EscalationPhase.Alerting };
    }

    /// <summary>Storing works again: the outage is recorded as a gateway fault that a person resolves.</summary>
    private void OnStorageRecovered(object? sender, StorageOutage outage)
    {
        Track(0, Guard(_incidents.RaiseAsync(new RaiseRequest(IncidentType.GatewayFault, UnstoredAlarms.StorageFaultSubject, outage.Since,
            $"The database could not be written from {outage.Since:HH:mm:ss} to {outage.Until:HH:mm:ss} UTC ({outage.LastError}); {outage.PagedFromMemory} alarm(s) were paged from memory meanwhile. Check the disk.",
            TransitionChannel), _stopping?.Token ?? CancellationToken.None)));
    }

    private static Incident Synthetic(UnstoredAlarm alarm)
    {
        var r = alarm.Request;
        return new Incident(alarm.Id, r.Type, r.Subject, r.ResidentId, r.ResidentName, r.DeviceId, r.RoomId, r.RoomName, IncidentState.Raised,
            alarm.Since, r.EventAt, alarm.Since, 1, null, null, null, null, null, null, r.Detail);
    }
}
