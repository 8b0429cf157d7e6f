using Microsoft.Data.Sqlite;

namespace Edge.Gateway.Incidents;

/// <summary>
/// The incident store and state machine, for every area (detection, supervision, alerting, staff
/// page, uplink). One open incident per subject (resident) and type; every transition is audited.
/// </summary>
public interface IIncidentService
{
    /// <summary>Raises an incident, or re-triggers the open one of the same subject and type.</summary>
    Task<RaiseResult> RaiseAsync(RaiseRequest request, CancellationToken ct = default);

    /// <summary>A named carer (a staff id in the registry) accepts: raised/accepted → accepted.</summary>
    /// <exception cref="IncidentTransitionException">Unknown incident or staff member, or already resolved.</exception>
    Task<Incident> AcceptAsync(long incidentId, string staffId, string channel, CancellationToken ct = default);

    /// <summary>Resolves with an outcome and note: raised/accepted → resolved. <see cref="IncidentOutcome.Other"/> needs a note.</summary>
    /// <exception cref="IncidentTransitionException">Unknown incident or actor, already resolved, or missing note.</exception>
    Task<Incident> ResolveAsync(long incidentId, string actor, IncidentOutcome outcome, string? note, string channel, CancellationToken ct = default);

    /// <summary>Resolves the open incident of this subject and type, if any, as <see cref="IncidentOutcome.Cleared"/> by the gateway.</summary>
    Task<Incident?> ClearAsync(string subject, IncidentType type, string note, string channel, CancellationToken ct = default);

    /// <summary>Open incidents (raised or accepted), oldest first.</summary>
    Task<IReadOnlyList<Incident>> ListOpenAsync(CancellationToken ct = default);

    /// <summary>Incidents raised in [from, to), newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<Incident>> ListAsync(DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken ct = default);

    /// <summary>One incident, or null.</summary>
    Task<Incident?> GetAsync(long incidentId, CancellationToken ct = default);

    /// <summary>The audit trail of one incident, in order.</summary>
    Task<IReadOnlyList<IncidentTransition>> GetTransitionsAsync(long incidentId, CancellationToken ct = default);

    /// <summary>
    /// Committed changes from now on, in commit order, until <paramref name="ct"/> is cancelled. Each
    /// subscriber has a bounded buffer; a subscriber that falls far behind loses the oldest changes
    /// (it can re-read <see cref="ListOpenAsync"/>); incidents themselves are never lost.
    /// </summary>
    IAsyncEnumerable<IncidentChange> WatchAsync(CancellationToken ct);
}

/// <summary>
/// Hook for other areas to write their rows in the same transaction as an incident transition:
/// alerting (notification schedule), uplink (outbox). Called inside the open transaction, within a
/// savepoint: if an observer throws, its writes are rolled back and logged as an error
/// (event 3005), and the incident transition still commits — an alarm is never lost because a
/// side table failed.
/// </summary>
public interface IIncidentTransitionObserver
{
    ValueTask OnTransitionAsync(IncidentTransitionContext context, CancellationToken ct);
}

/// <summary>What an observer gets: the connection and open transaction, the incident after the change, and the transition row.</summary>
public sealed record IncidentTransitionContext(
    SqliteConnection Connection,
    SqliteTransaction Transaction,
    Incident Incident,
    IncidentTransition Transition);

/// <summary>A requested transition is not allowed (unknown incident or actor, wrong state, missing note).</summary>
public sealed class IncidentTransitionException : InvalidOperationException
{
    public IncidentTransitionException()
    {
    }

    public IncidentTransitionException(string message)
        : base(message)
    {
    }

    public IncidentTransitionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
