using Edge.Gateway.Diagnostics;
using Edge.Gateway.Incidents;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Commissioning;

/// <summary>The sessions the running gateway currently honours (swapped as a whole by <see cref="CommissioningService"/>).</summary>
public sealed class CommissioningState
{
    private IReadOnlyList<CommissioningSession> _active = [];

    public IReadOnlyList<CommissioningSession> Active => Volatile.Read(ref _active);

    /// <summary>Raised after a routed incident is stored in the report (tests await it).</summary>
    public event EventHandler<CommissioningEvent>? Routed;

    public void Set(IReadOnlyList<CommissioningSession> active) => Volatile.Write(ref _active, active);

    /// <summary>The session whose test covers the device right now, if any.</summary>
    public CommissioningSession? SessionFor(string? deviceId, DateTimeOffset now) =>
        deviceId is null ? null : Active.LastOrDefault(s => s.IsActive(now) && s.Covers(deviceId));

    internal void OnRouted(CommissioningEvent e) => Routed?.Invoke(this, e);
}

/// <summary>
/// The incident service as every area sees it, with commissioning in front: an incident about a device
/// under test (a session covers it) does not reach the incident store, so no escalation, no pager, no
/// uplink and no re-trigger of the resident's real incidents; it goes into the commissioning report
/// with outcome "test", with the pipeline's own detail and event time. Everything else passes through.
/// A gateway fault (no device) is never routed.
/// </summary>
internal sealed partial class CommissioningIncidentService(
    IIncidentService inner,
    CommissioningState state,
    CommissioningStore store,
    IOptions<CommissioningOptions> options,
    TimeProvider time,
    ILogger<CommissioningIncidentService> logger) : IIncidentService
{
    public async Task<RaiseResult> RaiseAsync(RaiseRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        if (state.SessionFor(request.DeviceId, now) is not { } session)
        {
            return await inner.RaiseAsync(request, ct).ConfigureAwait(false);
        }

        var kind = IncidentNames.Name(request.Type);
        bool? passed = request.Type switch
        {
            IncidentType.Fall => true,
            IncidentType.ManualCall => now - request.EventAt <= options.Value.ManualCallWithin,
            _ => null,
        };
        var detail = request.Type == IncidentType.ManualCall
            ? $"{request.Detail} Raised {(now - request.EventAt).TotalMilliseconds:F0} ms after the press (limit {options.Value.ManualCallWithin.TotalMilliseconds:F0} ms)."
            : request.Detail;
        var e = new CommissioningEvent(session.Id, request.DeviceId!, kind, now, request.EventAt, passed, "outcome test: " + detail);
        await store.AddEventAsync(e, ct).ConfigureAwait(false);
        Log.Routed(logger, kind, request.DeviceId!, request.ResidentName ?? request.Subject, session.Id, request.Detail);
        state.OnRouted(e);

        // What the caller would have got for a test incident that was raised and resolved at once. Id 0: it is
        // not in the incident store.
        var incident = new Incident(0, request.Type, request.Subject, request.ResidentId, request.ResidentName, request.DeviceId, request.RoomId, request.RoomName,
            IncidentState.Resolved, now, request.EventAt, now, 1, null, null, now, "commissioning", IncidentOutcome.Test, $"commissioning session {session.Id}", request.Detail);
        return new RaiseResult(incident, new IncidentTransition(0, 0, TransitionKind.Resolved, now, "commissioning", request.Channel, IncidentOutcome.Test, null, request.Detail), Created: true);
    }

    public Task<Incident> AcceptAsync(long incidentId, string staffId, string channel, CancellationToken ct = default) => inner.AcceptAsync(incidentId, staffId, channel, ct);

    public Task<Incident> ResolveAsync(long incidentId, string actor, IncidentOutcome outcome, string? note, string channel, CancellationToken ct = default) =>
        inner.ResolveAsync(incidentId, actor, outcome, note, channel, ct);

    public Task<Incident?> ClearAsync(string subject, IncidentType type, string note, string channel, CancellationToken ct = default) => inner.ClearAsync(subject, type, note, channel, ct);

    public Task<IReadOnlyList<Incident>> ListOpenAsync(CancellationToken ct = default) => inner.ListOpenAsync(ct);

    public Task<IReadOnlyList<Incident>> ListAsync(DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken ct = default) => inner.ListAsync(from, to, limit, ct);

    public Task<Incident?> GetAsync(long incidentId, CancellationToken ct = default) => inner.GetAsync(incidentId, ct);

    public Task<IReadOnlyList<IncidentTransition>> GetTransitionsAsync(long incidentId, CancellationToken ct = default) => inner.GetTransitionsAsync(incidentId, ct);

    public IAsyncEnumerable<IncidentChange> WatchAsync(CancellationToken ct) => inner.WatchAsync(ct);

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.CommissioningIncidentRouted, Level = LogLevel.Information, Message = "TEST {Kind} from {DeviceId} ({Resident}) went to commissioning session {Session}, not to staff: {Detail}")]
        public static partial void Routed(ILogger logger, string kind, string deviceId, string resident, long session, string detail);
    }
}
