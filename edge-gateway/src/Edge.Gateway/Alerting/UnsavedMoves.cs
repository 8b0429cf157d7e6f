using System.Collections.Concurrent;
using Edge.Gateway.Incidents;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Alerting;

/// <summary>
/// The escalation schedule as the engine must see it when the disk refuses writes. Paging never waits for the disk:
/// a schedule move the database refuses is kept here (the step is sent anyway) and written when the disk takes
/// writes again; until then the engine reads the row through <see cref="Current"/>. A transition (accept, resolve)
/// that reached the database meanwhile wins over the move. Logs under the engine's category.
/// </summary>
internal sealed partial class UnsavedMoves(EscalationStore store, UnstoredAlarms unstored, ILogger<EscalationEngine> logger)
{
    private static readonly TimeSpan StorageRetry = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<long, (EscalationState From, EscalationState Current)> _unsaved = new();
    private volatile bool _trouble;

    /// <summary>Moves are waiting to be written, or a write failed in the current pass: the engine comes back within a second.</summary>
    public bool Pending => !_unsaved.IsEmpty || _trouble;

    /// <summary>A new pass over the due schedule starts: storage trouble is what this pass meets.</summary>
    public void BeginPass() => _trouble = false;

    /// <summary>The database refused to move <paramref name="incidentId"/>'s schedule; it is tried again shortly.</summary>
    public void Refused(long incidentId, Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        _trouble = true;
        Log.ScheduleKeptInMemory(logger, incidentId, error.Message);
    }

    /// <summary>The row as the engine must see it: the in-memory state when a move of it could not be written.</summary>
    public EscalationState Current(EscalationState row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return _unsaved.TryGetValue(row.IncidentId, out var u) && u.From == row ? u.Current : row;
    }

    /// <summary>
    /// Moves the schedule in the database, with the step's sends as pending; when the disk refuses, in memory (written
    /// later by <see cref="FlushAsync"/>). Returns the ledger ids (null when kept in memory), or false when a transition won.
    /// </summary>
    public async Task<(bool Moved, IReadOnlyList<long>? Ids)> MoveAsync(EscalationState row, EscalationState moved, IReadOnlyList<PlannedDelivery> deliveries, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (_unsaved.TryGetValue(row.IncidentId, out var u) && u.Current == row)
        {
            _unsaved[row.IncidentId] = (u.From, moved);
            return (true, null);
        }

        try
        {
            var ids = await store.TryMoveAsync(row, moved, deliveries, now, ct).ConfigureAwait(false);
            return (ids is not null, ids);
        }
        catch (Exception e) when (UnstoredAlarms.IsStorageFailure(e))
        {
            _unsaved[row.IncidentId] = (row, moved);
            Refused(row.IncidentId, e);
            return (true, null);
        }
    }

    /// <summary>Writes schedule moves the disk refused earlier; keeps those it still refuses.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        foreach (var (id, (from, current)) in _unsaved.ToList())
        {
            try
            {
                await store.TryMoveAsync(from, current, ct).ConfigureAwait(false);
                _unsaved.TryRemove(id, out _); // written, or a transition (accept, resolve) overtook it: the database wins
            }
            catch (Exception e) when (UnstoredAlarms.IsStorageFailure(e))
            {
                _trouble = true;
                return;
            }
        }
    }

    /// <summary>The next time a kept move needs the engine: a retry of the write within a second, or the moved step's own due time.</summary>
    public DateTimeOffset? NextDue(DateTimeOffset now)
    {
        DateTimeOffset? next = Pending ? now + StorageRetry : null;
        foreach (var current in _unsaved.Values.Select(u => u.Current))
        {
            if (current.NextDueAt is { } due && (next is null || due < next))
            {
                next = due;
            }
        }

        return next;
    }

    /// <summary>Still waiting for someone: an unstored alarm until it is stored; a stored one while its schedule is alerting.</summary>
    public async Task<bool> IsAlertingAsync(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        if (incident.Id < 0)
        {
            return unstored.Contains(incident.Id);
        }

        if (_unsaved.TryGetValue(incident.Id, out var u))
        {
            return u.Current.Phase == EscalationPhase.Alerting;
        }

        return await store.GetAsync(incident.Id, CancellationToken.None).ConfigureAwait(false) is { Phase: EscalationPhase.Alerting };
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.ScheduleKeptInMemory, Level = LogLevel.Error, Message = "Incident #{IncidentId}: the database refused the escalation step ({Error}); the alert went out and the step is kept in memory until it can be written")]
        public static partial void ScheduleKeptInMemory(ILogger logger, long incidentId, string error);
    }
}
