using Edge.Detection;
using Edge.Gateway.Diagnostics;
using Edge.Gateway.Incidents;
using Edge.Gateway.Registry;
using Edge.Gateway.Streams;
using Edge.Protocol;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Detection;

/// <summary>A fall found in one device's stream, with the gateway times needed for the incident.</summary>
internal sealed record FallAlert(DeviceAssignment Assignment, AlertEvent Alert, DateTimeOffset ImpactAt, DateTimeOffset BatchArrival);

/// <summary>One device's detector and the settings it was built with.</summary>
internal sealed class DeviceDetection
{
    public FallDetector? Detector { get; set; }

    public double Sensitivity { get; set; } = double.NaN;

    public long RateMismatches { get; set; }

    public long SkippedNotWorn { get; set; }
}

/// <summary>
/// Runs the shared online detector on each device's ordered stream and raises the falls it finds. Streaming and
/// triggered devices go through the same path: a triggered device's windows arrive as runs of batches separated by
/// time gaps, and the detector starts a new contiguous run at each gap (it never scores a window that spans one).
/// Not thread-safe: the ingest worker calls it.
/// </summary>
internal sealed partial class DetectionStage(IFallDetectorFactory factory, IncidentRaiser raiser, GatewayMetrics metrics, TimeProvider time, ILogger<DetectionStage> logger)
{
    /// <summary>The channel name fall incidents carry in the audit trail.</summary>
    public const string Channel = "detection";

    private readonly float[] _xyz = new float[3 * WireFormat.MaxSamplesPerBatch];
    private readonly List<AlertEvent> _alerts = [];
    private readonly List<FallAlert> _falls = [];

    /// <summary>
    /// Scores a device's batches released by its stream, in order, then raises each fall found (in order). A fall that
    /// cannot be stored is kept by the raiser and retried (<see cref="UnstoredRaise.Keep"/>); each fall's outcome is
    /// appended to <paramref name="outcomes"/>.
    /// </summary>
    public async ValueTask DetectAsync(DeviceAssignment assignment, DeviceDetection state, ClockMapper clock, List<StreamBatch> released, bool worn, List<RaisedAlarm> outcomes, CancellationToken ct)
    {
        _falls.Clear();
        foreach (var item in released)
        {
            Process(assignment, state, clock, item, worn, _falls);
        }

        foreach (var fall in _falls)
        {
            outcomes.Add(new RaisedAlarm(fall.Assignment.DeviceId, IncidentType.Fall, await RaiseAsync(fall, ct).ConfigureAwait(false)));
        }
    }

    /// <summary>Scores one released batch; the falls it completes are appended to <paramref name="output"/> (no raise: the benchmark's path).</summary>
    public void Process(DeviceAssignment assignment, DeviceDetection state, ClockMapper clock, in StreamBatch item, bool worn, List<FallAlert> output)
    {
        var batch = item.Batch;
        if (!worn)
        {
            state.SkippedNotWorn++;
            return;
        }

        if (Math.Abs(batch.SamplePeriodUs - factory.PeriodUs) * 100 > factory.PeriodUs)
        {
            // The model only knows its own rate; scoring other rates would be guessing. Counted and
            // surfaced by supervision as "detection unavailable" through the device board.
            state.RateMismatches++;
            return;
        }

        var sensitivity = assignment.Sensitivity ?? 1.0;
        if (state.Detector is null || state.Sensitivity != sensitivity)
        {
            state.Detector = factory.Create(sensitivity);
            state.Sensitivity = sensitivity;
        }

        var n = batch.SampleCount;
        var samples = batch.Samples;
        float scale = (float)batch.RangeG / WireFormat.CountsPerFullScale;
        for (var i = 0; i < 3 * n; i++)
        {
            _xyz[i] = samples[i] * scale;
        }

        _alerts.Clear();
        state.Detector.PushBatch((long)batch.FirstSampleTimeUs, batch.SamplePeriodUs, _xyz.AsSpan(0, 3 * n), _alerts);
        metrics.SamplesProcessed(n);
        foreach (var alert in _alerts)
        {
            output.Add(new FallAlert(assignment, alert, clock.ToGatewayTime(alert.ImpactTimeUs, item.Arrival), item.Arrival));
        }
    }

    // True when stored now. The latency is from the arrival of the batch that completed the fall to its commit
    // (or to the failed attempt: the alarm is paged from memory meanwhile).
    private async ValueTask<bool> RaiseAsync(FallAlert fall, CancellationToken ct)
    {
        var a = fall.Assignment;
        var alert = fall.Alert;
        Log.FallDetected(logger, a.DeviceId, a.ResidentName, alert.Score, alert.Threshold, alert.PeakMagnitudeG);
        var detail = alert.Path == FallPath.Soft
            ? $"Fall detected (soft fall: went down and stayed down): score {alert.Score:F3} (threshold {alert.Threshold:F3}), peak {alert.PeakMagnitudeG:F1} g."
            : $"Fall detected: score {alert.Score:F3} (threshold {alert.Threshold:F3}), impact {alert.PeakMagnitudeG:F1} g.";
        var stored = await raiser.RaiseAsync(new RaiseRequest(IncidentType.Fall, a.ResidentId, fall.ImpactAt, detail, Channel, a.ResidentId, a.ResidentName, a.DeviceId, a.RoomId, a.RoomName), UnstoredRaise.Keep, ct).ConfigureAwait(false);
        var latency = time.GetUtcNow() - fall.BatchArrival;
        metrics.DetectionLatency(latency);
        Log.FallCommitted(logger, a.DeviceId, latency.TotalMilliseconds);
        return stored;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.FallDetected, Level = LogLevel.Warning, Message = "Fall detected on {DeviceId} ({Resident}): score {Score:F3} >= {Threshold:F3}, peak {PeakG:F1} g")]
        public static partial void FallDetected(ILogger logger, string deviceId, string resident, float score, float threshold, float peakG);

        // The same figure as edge.gateway.detection.latency, readable from outside the process (the load command).
        [LoggerMessage(EventId = EventIds.FallCommitted, Level = LogLevel.Information, Message = "Fall on {DeviceId} committed {LatencyMs:F1} ms after the completing batch arrived")]
        public static partial void FallCommitted(ILogger logger, string deviceId, double latencyMs);
    }
}
