using System.Collections.Concurrent;
using Edge.Gateway.Incidents;

namespace Edge.Gateway.Alerting;

/// <summary>
/// Paging never waits for the disk. An alarm the database could not store (<see cref="UnstoredAlarms"/>) is paged
/// from memory at once, with its own in-memory schedule through the policy's steps, until it is stored (then the
/// stored incident escalates from the database). A gateway fault that says why is paged the same way while storing
/// fails, and the outage is stored as a gateway fault once writes work again.
/// </summary>
internal sealed class UnstoredAlarmPager(
    UnstoredAlarms unstored,
    AlertRouter router,
    AlertDispatcher dispatcher,
    IIncidentService incidents,
    EscalationWork work)
{
    private readonly ConcurrentDictionary<long, (DateTimeOffset Start, int NextStep)> _schedules = new();

    /// <summary>Pages every unstored alarm whose next step is due; drops the schedules of alarms since stored. Called under the engine's process lock.</summary>
    public void ProcessDue(DateTimeOffset now)
    {
        var pending = unstored.Pending;
        foreach (var gone in _schedules.Keys.Where(id => !pending.Any(a => a.Id == id)).ToList())
        {
            _schedules.TryRemove(gone, out _);
        }

        foreach (var alarm in pending)
        {
            var (start, step) = _schedules.TryGetValue(alarm.Id, out var s) ? s : (alarm.Since, 0);
            var incident = Synthetic(alarm);
            var schedule = router.ScheduleFor(incident, now);
            if (schedule is null)
            {
                dispatcher.Nobody(incident, "no policy slot covers this unit now");
                _schedules[alarm.Id] = (start, step);
                continue;
            }

            if (schedule.DueAt(start, step) > now)
            {
                _schedules[alarm.Id] = (start, step);
                continue;
            }

            var label = schedule.Label(step) + " (from memory: not stored)";
            var group = new DeliveryGroup(incident, step, label, AlertText.Unstored(incident), lateWithdraw: false, failoverTo: schedule.FailoverOf(step), widen: schedule.Everyone);
            dispatcher.Start(group, router.Plan(group, schedule.TargetsOf(step)), ledgerIds: null);
            _schedules[alarm.Id] = schedule.Advance(start, step, now);
        }
    }

    /// <summary>The next time an unstored alarm needs the engine: now for a new one, else its next step.</summary>
    public DateTimeOffset? NextDue(DateTimeOffset now)
    {
        DateTimeOffset? next = null;
        foreach (var alarm in unstored.Pending)
        {
            DateTimeOffset? due = _schedules.TryGetValue(alarm.Id, out var s)
                ? router.ScheduleFor(Synthetic(alarm), now)?.DueAt(s.Start, s.NextStep)
                : now;
            if (due is { } d && (next is null || d < next))
            {
                next = d;
            }
        }

        return next;
    }

    /// <summary>Listens for storage recovering from now on.</summary>
    public void Attach() => unstored.Recovered += OnStorageRecovered;

    /// <summary>Stops listening.</summary>
    public void Detach() => unstored.Recovered -= OnStorageRecovered;

    /// <summary>Storing works again: the outage is recorded as a gateway fault that a person resolves.</summary>
    private void OnStorageRecovered(object? sender, StorageOutage outage)
    {
        work.Track(0, work.Guard(incidents.RaiseAsync(new RaiseRequest(IncidentType.GatewayFault, UnstoredAlarms.StorageFaultSubject, outage.Since,
            $"The database could not be written from {outage.Since:HH:mm:ss} to {outage.Until:HH:mm:ss} UTC ({outage.LastError}); {outage.PagedFromMemory} alarm(s) were paged from memory meanwhile. Check the disk.",
            EscalationEngine.TransitionChannel), work.Stopping)));
    }

    private static Incident Synthetic(UnstoredAlarm alarm)
    {
        var r = alarm.Request;
        return new Incident(alarm.Id, r.Type, r.Subject, r.ResidentId, r.ResidentName, r.DeviceId, r.RoomId, r.RoomName, IncidentState.Raised,
            alarm.Since, r.EventAt, alarm.Since, 1, null, null, null, null, null, null, r.Detail);
    }
}
