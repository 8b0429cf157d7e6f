using Edge.Detection;
using Edge.Gateway.Diagnostics;
using Edge.Gateway.Ingest;
using Edge.Gateway.Registry;
using Edge.Protocol;

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
/// Runs the shared online detector on each device's ordered stream. Streaming and triggered devices
/// go through the same path: a triggered device's windows arrive as runs of batches separated by
/// time gaps, and the detector starts a new contiguous run at each gap (it never scores a window
/// that spans one). Not thread-safe: the ingest worker calls it.
/// </summary>
internal sealed class DetectionStage(IFallDetectorFactory factory, GatewayMetrics metrics)
{
    private readonly float[] _xyz = new float[3 * WireFormat.MaxSamplesPerBatch];
    private readonly List<AlertEvent> _alerts = [];

    public void Process(DeviceAssignment assignment, DeviceDetection state, DeviceStream stream, in StreamBatch item, bool worn, List<FallAlert> output)
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
            output.Add(new FallAlert(assignment, alert, stream.Clock.ToGatewayTime(alert.ImpactTimeUs, item.Arrival), item.Arrival));
        }
    }
}
