using Edge.Detection.Posture;
using Edge.Gateway.Incidents;
using Edge.Gateway.Registry;
using Edge.Gateway.Streams;
using Edge.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Prevention;

/// <summary>What a posture transition asks of the incident store: raise (or re-trigger) a get-up, or clear it.</summary>
/// <param name="Action">Raise, Retrigger or Clear.</param>
/// <param name="Request">The incident (for Clear: its subject and a note in <see cref="RaiseRequest.Detail"/>).</param>
internal sealed record GetUpSignal(GetUpAction Action, RaiseRequest Request);

/// <summary>One sensor's posture tracker, get-up rule and the counters already added to the day's mobility.</summary>
internal sealed class DevicePosture(string residentId, long periodUs, PostureTracker tracker)
{
    public string ResidentId { get; } = residentId;

    public long PeriodUs { get; } = periodUs;

    public PostureTracker Tracker { get; } = tracker;

    public GetUpAlertRule Rule { get; } = new();

    public long WalkingUs { get; set; }

    public long LyingUs { get; set; }

    public long Steps { get; set; }
}

/// <summary>
/// Runs the shared <see cref="PostureTracker"/> (Edge.Detection.Posture, the class <c>evaluate --task getup</c>
/// runs) on every worn sensor's ordered stream, beside the fall detector. Each transition goes through the
/// resident's <see cref="GetUpAlertRule"/> with their get-up hours (<see cref="IPreventionSettings"/>); the day's
/// walking, steps, sit-to-stands, lying and night-time transitions go to <see cref="MobilityStore"/>. Not thread-safe:
/// the ingest worker calls it. No allocation per sample or batch (one per new resident-day, a few per transition).
/// It raises and clears the get-up alerts itself, through <see cref="IncidentRaiser"/>.
/// </summary>
internal sealed partial class PreventionStage(
    IPreventionSettings settings,
    MobilityStore mobility,
    SiteClock clock,
    IncidentRaiser raiser,
    IIncidentService incidents,
    IOptions<PreventionOptions> options,
    ILogger<PreventionStage> logger)
{
    /// <summary>The channel name get-up transitions carry in the audit trail.</summary>
    public const string Channel = "prevention";

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DevicePosture> _devices = new(StringComparer.Ordinal);
    private readonly float[] _xyz = new float[3 * WireFormat.MaxSamplesPerBatch];
    private readonly List<PostureTransition> _transitions = [];
    private readonly List<GetUpSignal> _signals = [];
    private readonly bool _enabled = options.Value.Enabled;
    private readonly DailyWindow _night = DailyWindow.TryParse(options.Value.NightFrom, options.Value.NightTo, out var night) ? night : new DailyWindow(new TimeOnly(21, 0), new TimeOnly(7, 0));

    /// <summary>The current posture of a device's wearer (staff page; read from another thread, a snapshot at best).</summary>
    public BodyPosture PostureOf(string deviceId) => _devices.TryGetValue(deviceId, out var d) ? d.Tracker.Posture : BodyPosture.Unknown;

    /// <summary>
    /// Tracks a device's batches released by its stream, in order, then raises or clears the get-up alerts their
    /// transitions ask for (in order). A get-up that cannot be stored is kept by the raiser and retried
    /// (<see cref="UnstoredRaise.Keep"/>); each raise's outcome is appended to <paramref name="outcomes"/>.
    /// </summary>
    public async ValueTask TrackAsync(DeviceAssignment assignment, ClockMapper deviceClock, List<StreamBatch> released, bool worn, List<RaisedAlarm> outcomes, CancellationToken ct)
    {
        _signals.Clear();
        foreach (var item in released)
        {
            Process(assignment, deviceClock, item, worn, _signals);
        }

        foreach (var signal in _signals)
        {
            if (signal.Action == GetUpAction.Clear)
            {
                await ClearAsync(signal, ct).ConfigureAwait(false);
            }
            else
            {
                var request = signal.Request;
                outcomes.Add(new RaisedAlarm(request.DeviceId!, request.Type, await raiser.RaiseAsync(request, UnstoredRaise.Keep, ct).ConfigureAwait(false)));
            }
        }
    }

    /// <summary>Tracks one released batch; get-up raises and clears are appended to <paramref name="output"/> (no raise: the benchmark's path).</summary>
    public void Process(DeviceAssignment assignment, ClockMapper deviceClock, in StreamBatch item, bool worn, List<GetUpSignal> output)
    {
        if (!_enabled || !worn)
        {
            // Off the body the posture means nothing; the tracker sees the pause as a gap when it is worn again.
            return;
        }

        var batch = item.Batch;
        var periodUs = (long)batch.SamplePeriodUs;
        if (periodUs is < 1_000 or > 100_000)
        {
            return; // outside 10-1000 Hz: not a rate the tracker (or any wearable) runs at
        }

        if (!_devices.TryGetValue(assignment.DeviceId, out var d) || d.ResidentId != assignment.ResidentId || d.PeriodUs != periodUs)
        {
            var tracker = new PostureTracker((int)Math.Round(1e6 / periodUs));
            if (d is not null && d.ResidentId == assignment.ResidentId)
            {
                tracker.Upright.Restore(d.Tracker.Upright.Snapshot()); // same wearer, new rate: keep the learned axis
            }

            d = new DevicePosture(assignment.ResidentId, periodUs, tracker);
            _devices[assignment.DeviceId] = d;
        }

        var n = batch.SampleCount;
        var samples = batch.Samples;
        var scale = (float)batch.RangeG / WireFormat.CountsPerFullScale;
        for (var i = 0; i < 3 * n; i++)
        {
            _xyz[i] = samples[i] * scale;
        }

        _transitions.Clear();
        d.Tracker.PushBatch((long)batch.FirstSampleTimeUs, periodUs, _xyz.AsSpan(0, 3 * n), _transitions);
        var sitToStands = 0;
        var night = 0;
        if (_transitions.Count > 0)
        {
            var setting = settings.GetUp(assignment.ResidentId);
            foreach (var t in _transitions)
            {
                var at = deviceClock.ToGatewayTime(t.StartUs, item.Arrival);
                var local = TimeOnly.FromDateTime(clock.ToLocal(at));
                sitToStands += t is { From: BodyPosture.Sitting, To: BodyPosture.Standing } ? 1 : 0;
                night += (setting.Enabled ? setting.Hours : _night).Contains(local) ? 1 : 0;
                var action = d.Rule.Apply(t, setting.Enabled && setting.Hours.Contains(local));
                if (action is GetUpAction.Raise or GetUpAction.Retrigger)
                {
                    var detail = $"{Describe(t)} at {local:HH\\:mm\\:ss} (get-up hours {setting.Hours}); raised by the posture tracker.";
                    Log.GettingUp(logger, assignment.DeviceId, assignment.ResidentName, t.Name, local.ToString("HH\\:mm\\:ss", System.Globalization.CultureInfo.InvariantCulture));
                    output.Add(new GetUpSignal(action, new RaiseRequest(IncidentType.GettingUp, assignment.ResidentId, at, detail, Channel,
                        assignment.ResidentId, assignment.ResidentName, assignment.DeviceId, assignment.RoomId, assignment.RoomName)));
                }
                else if (t.To == BodyPosture.Lying)
                {
                    // Lying down again clears an open get-up alert (also one raised before a restart, which the rule never saw).
                    output.Add(new GetUpSignal(GetUpAction.Clear, new RaiseRequest(IncidentType.GettingUp, assignment.ResidentId, at,
                        $"Lay down again at {local:HH\\:mm\\:ss}.", Channel, assignment.ResidentId, assignment.ResidentName, assignment.DeviceId)));
                }
            }
        }

        var walking = d.Tracker.TimeInUs(BodyPosture.Walking);
        var lying = d.Tracker.TimeInUs(BodyPosture.Lying);
        var steps = d.Tracker.Steps;
        mobility.Add(assignment.ResidentId, clock.Day(item.Arrival), n * periodUs / 1e6,
            (walking - d.WalkingUs) / 1e6, steps - d.Steps, sitToStands, (lying - d.LyingUs) / 1e6, night);
        (d.WalkingUs, d.LyingUs, d.Steps) = (walking, lying, steps);
    }

    /// <summary>Resolves the resident's open get-up alert as cleared (they lay down again). A failure leaves it open for a carer; it is logged, never thrown.</summary>
    private async ValueTask ClearAsync(GetUpSignal signal, CancellationToken ct)
    {
        try
        {
            if (await incidents.ClearAsync(signal.Request.Subject, IncidentType.GettingUp, signal.Request.Detail, Channel, ct).ConfigureAwait(false) is { } cleared)
            {
                Log.Cleared(logger, cleared.Id, signal.Request.ResidentName ?? signal.Request.Subject);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.ClearFailed(logger, e, signal.Request.ResidentName ?? signal.Request.Subject);
        }
    }

    private static string Describe(in PostureTransition t) => (t.From, t.To) switch
    {
        (BodyPosture.Lying, BodyPosture.Sitting) => "Sat up from lying",
        (BodyPosture.Lying, _) => "Got up from lying",
        _ => "Stood up from sitting",
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.GettingUp, Level = LogLevel.Warning, Message = "Getting up: {DeviceId} ({Resident}) {Transition} at {LocalTime} within the resident's get-up hours")]
        public static partial void GettingUp(ILogger logger, string deviceId, string resident, string transition, string localTime);

        [LoggerMessage(EventId = EventIds.GetUpCleared, Level = LogLevel.Information, Message = "Get-up alert #{IncidentId} for {Resident} cleared: lay down again")]
        public static partial void Cleared(ILogger logger, long incidentId, string resident);

        [LoggerMessage(EventId = EventIds.GetUpClearFailed, Level = LogLevel.Error, Message = "Could not clear the get-up alert of {Resident} after they lay down again; it stays open for a carer to resolve")]
        public static partial void ClearFailed(ILogger logger, Exception exception, string resident);
    }
}
