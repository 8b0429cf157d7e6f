using Edge.Gateway.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Incidents;

/// <summary>What <see cref="IncidentRaiser"/> does with a raise that could not be stored.</summary>
public enum UnstoredRaise
{
    /// <summary>
    /// Kept (at most <see cref="IncidentRaiser.MaxKept"/>) and raised again by <see cref="IncidentRaiser.RetryKeptAsync"/>
    /// until it is stored: an alarm that happened (a fall, a call-button press, a resident getting up) must reach the
    /// database however long that takes. Meanwhile the escalation engine pages it from memory (<see cref="UnstoredAlarms"/>),
    /// and ingest holds the device's sensor data unacknowledged. Logged as event 3008, once per alarm and then at most
    /// once per <see cref="IncidentRaiserOptions.WarningLogInterval"/> with a count.
    /// </summary>
    Keep,

    /// <summary>
    /// Not kept: the caller decides again at its next check whether the condition still holds (supervision's states:
    /// offline, battery low, not worn), so a state that ended meanwhile is never raised late. Logged as event 3007 each time.
    /// </summary>
    Reevaluate,
}

/// <summary>
/// How <see cref="IncidentRaiser"/> reports alarms it could not store. Ingest binds it to its own section, so an alarm
/// that cannot be stored is reported like ingest's other repeated warnings (<c>Ingest:WarningLogInterval</c>); it is a
/// copy of that one value, not a dependency on the ingest options, so a bad ingest setting never stops supervision.
/// </summary>
public sealed class IncidentRaiserOptions
{
    /// <summary>An alarm that cannot be stored is logged once, then at most once per this interval while its retries fail.</summary>
    public TimeSpan WarningLogInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>One alarm raised from a device's stream, and whether it is stored (ingest holds the device's sensor data until it is).</summary>
/// <param name="DeviceId">The device whose stream raised it.</param>
/// <param name="Type">A fall or a get-up.</param>
/// <param name="Stored">False: kept by the raiser and retried (<see cref="UnstoredRaise.Keep"/>).</param>
internal readonly record struct RaisedAlarm(string DeviceId, IncidentType Type, bool Stored);

/// <summary>
/// The one way every area raises an incident: ingest (call button), detection (falls), prevention (get-ups) and
/// supervision (offline, battery, not worn). A raise is tried once at once; when the database refuses it (disk full,
/// locked, I/O error) the exception never reaches the caller, the failure is logged, and <see cref="UnstoredRaise"/>
/// says how it is retried. Only cancellation is thrown. Thread-safe; the kept alarms are bounded.
/// </summary>
public sealed partial class IncidentRaiser
{
    /// <summary>Alarms kept for retry at most; beyond it a failed alarm is still logged and paged from memory, but not retried.</summary>
    public const int MaxKept = 1000;

    private readonly IIncidentService _incidents;
    private readonly ILogger<IncidentRaiser> _logger;
    private readonly RateLimitedLog _repeats;
    private readonly Lock _lock = new();
    private readonly List<RaiseRequest> _kept = [];

    public IncidentRaiser(IIncidentService incidents, TimeProvider time, IOptions<IncidentRaiserOptions> options, ILogger<IncidentRaiser> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _incidents = incidents;
        _logger = logger;
        _repeats = new RateLimitedLog(time, options.Value.WarningLogInterval);
    }

    /// <summary>Alarms that could not be stored yet, waiting for <see cref="RetryKeptAsync"/>.</summary>
    public int Kept
    {
        get
        {
            lock (_lock)
            {
                return _kept.Count;
            }
        }
    }

    /// <summary>Raises (or re-triggers) the incident. True when it is stored now; false when storing failed and <paramref name="unstored"/> applies.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public async ValueTask<bool> RaiseAsync(RaiseRequest request, UnstoredRaise unstored, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            await _incidents.RaiseAsync(request, ct).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (unstored == UnstoredRaise.Keep)
            {
                Keep(request, e);
            }
            else
            {
                Log.RaiseFailed(_logger, e, IncidentNames.Name(request.Type), request.ResidentId ?? request.Subject);
            }

            return false;
        }
    }

    /// <summary>
    /// Raises every kept alarm again, in the order they were kept (ingest's sweep calls it every half reorder timeout).
    /// Those stored now are appended to <paramref name="stored"/>; the others are kept.
    /// </summary>
    public async ValueTask RetryKeptAsync(List<RaiseRequest> stored, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stored);
        RaiseRequest[] retry;
        lock (_lock)
        {
            if (_kept.Count == 0)
            {
                return;
            }

            retry = [.. _kept];
            _kept.Clear();
        }

        foreach (var request in retry)
        {
            if (await RaiseAsync(request, UnstoredRaise.Keep, ct).ConfigureAwait(false))
            {
                stored.Add(request);
            }
        }
    }

    // The log line carries resident, room and type: once per alarm, then at most once per interval with a count.
    private void Keep(RaiseRequest request, Exception e)
    {
        lock (_lock)
        {
            if (_kept.Count < MaxKept)
            {
                _kept.Add(request);
            }
        }

        if (_repeats.ShouldLog($"unstored:{IncidentNames.Name(request.Type)}:{request.Subject}:{request.EventAt.UtcTicks}", out var suppressed))
        {
            Log.RaiseDeferred(_logger, e, IncidentNames.Name(request.Type), request.ResidentName ?? request.Subject, request.RoomName ?? "-", request.EventAt, e.Message, suppressed);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.IncidentRaiseDeferred, Level = LogLevel.Critical, Message = "ALARM NOT YET STORED: {Type} for {Resident} in {Room} at {EventAt:O} ({Error}); paged from memory, storing is retried; {Suppressed} failed retries since the last report")]
        public static partial void RaiseDeferred(ILogger logger, Exception exception, string type, string resident, string room, DateTimeOffset eventAt, string error, long suppressed);

        [LoggerMessage(EventId = EventIds.IncidentRaiseFailed, Level = LogLevel.Error, Message = "Could not store a {Type} incident for resident {ResidentId}; retrying at the next check")]
        public static partial void RaiseFailed(ILogger logger, Exception exception, string type, string residentId);
    }
}
