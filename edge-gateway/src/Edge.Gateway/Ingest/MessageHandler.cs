using System.Runtime.InteropServices;
using Edge.Gateway.Detection;
using Edge.Gateway.Diagnostics;
using Edge.Gateway.Incidents;
using Edge.Gateway.Prevention;
using Edge.Gateway.Registry;
using Edge.Gateway.Streams;
using Edge.Gateway.Supervision;
using Edge.Protocol;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Ingest;

/// <summary>
/// The worker's side of ingest: one queued message of one device at a time. Decodes it and checks it against its
/// topic (<see cref="IngestRefusals"/> counts what fails), then hands it on: an accelerometer batch into the device's
/// stream (<see cref="DeviceStream"/>: order, gaps, restarts, clock), and the batches the stream releases to
/// supervision, detection and prevention, which raise their own alarms; a status or last will to supervision (and a
/// restart to the stream); a call-button press straight to the <see cref="IncidentRaiser"/>. Then it tells the
/// <see cref="AcknowledgementLedger"/> how far the message is processed. Not thread-safe: the ingest worker calls it.
/// </summary>
internal sealed partial class MessageHandler(
    IngestOptions options,
    IDeviceRegistry registry,
    DeviceSupervisor supervisor,
    DetectionStage detection,
    PreventionStage prevention,
    AcknowledgementLedger acks,
    IncidentRaiser raiser,
    IngestRefusals refusals,
    RateLimitedLog rateLimit,
    TimeProvider time,
    GatewayMetrics metrics,
    ILogger logger)
{
    /// <summary>The channel name call-button incidents carry in the audit trail.</summary>
    public const string ButtonChannel = "button";

    private readonly List<StreamBatch> _released = [];
    private readonly List<RaisedAlarm> _raised = [];
    private readonly List<RaiseRequest> _storedOnRetry = [];
    private long _accelLastSampleUs = long.MinValue; // set when the message was a batch that went into the stream
    private bool _receiptKept; // the ledger took the message's receipt (an alarm not yet stored)

    /// <summary>Processes one message. Throws only on a bug (the caller logs it and carries on) or cancellation; call <see cref="Acknowledge"/> after it either way.</summary>
    public async ValueTask ProcessAsync(DeviceChannel device, PendingMessage message, CancellationToken ct)
    {
        _accelLastSampleUs = long.MinValue;
        _receiptKept = false;
        if (device.RegistryVersion != registry.Version)
        {
            if (!registry.TryGetAssignment(device.DeviceId, out var assignment))
            {
                refusals.UnknownDevice(device.DeviceId);
                return; // removed from the registry since it was queued
            }

            device.Assignment = assignment;
            device.RegistryVersion = registry.Version;
        }

        if (message.Kind == TopicKind.Status && TryParseWill(message.Payload, out var willDevice))
        {
            // The ASCII last will (docs/wire-protocol.md 3.5): the broker says the connection is gone.
            if (willDevice != device.DeviceId)
            {
                refusals.DeviceIdMismatch(device, willDevice);
                return;
            }

            HandleStatus(device, OfflineStatus(willDevice), message);
            return;
        }

        var result = Decode(message.Payload);
        if (!result.IsOk)
        {
            refusals.Malformed(device, DecodeResult.Name(result.Status), message.Payload.Length);
            return;
        }

        if (result.DeviceId != device.DeviceId)
        {
            refusals.DeviceIdMismatch(device, result.DeviceId);
            return;
        }

        var expected = message.Kind switch
        {
            TopicKind.Accel => MessageType.Accel,
            TopicKind.Status => MessageType.Status,
            _ => MessageType.Event,
        };
        if (result.Type != expected)
        {
            refusals.Malformed(device, "wrong_topic", message.Payload.Length);
            return;
        }

        switch (result.Type)
        {
            case MessageType.Accel:
                _released.Clear();
                _accelLastSampleUs = LastSampleUs(result.Accel);
                device.Stream.Push(result.Accel, message.Arrival, _released);
                await HandleReleasedAsync(device, ct).ConfigureAwait(false);
                break;
            case MessageType.Status:
                HandleStatus(device, result.DeviceStatus, message);
                break;
            default:
                await HandleEventAsync(device, result.Event, message, ct).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>
    /// After a message is processed: a batch that went into the stream is held until detection is past it; anything
    /// else is acknowledged now (unless an alarm not yet stored kept it).
    /// </summary>
    public void Acknowledge(DeviceChannel device, in PendingMessage message)
    {
        acks.Advance(device.DeviceId, device.Stream.LastDeviceUs, device.Stream.Counters.Reboots);
        if (_receiptKept)
        {
            return;
        }

        if (_accelLastSampleUs != long.MinValue)
        {
            acks.Hold(device.DeviceId, message.Receipt, _accelLastSampleUs, message.Arrival);
        }
        else
        {
            AcknowledgementLedger.Done(message.Receipt);
        }
    }

    /// <summary>Retries alarms not yet stored, releases what silent devices held, and gives up on missing batches that were waited for long enough.</summary>
    public async ValueTask SweepAsync(IEnumerable<DeviceChannel> devices, CancellationToken ct)
    {
        _storedOnRetry.Clear();
        await raiser.RetryKeptAsync(_storedOnRetry, ct).ConfigureAwait(false);
        foreach (var request in _storedOnRetry)
        {
            if (request.DeviceId is { } stored)
            {
                acks.Unpin(stored);
                if (request.Type == IncidentType.Fall)
                {
                    acks.FallStored(stored);
                }
            }
        }

        acks.Sweep();

        var now = time.GetUtcNow();
        foreach (var device in devices)
        {
            if (device.Stream.Buffered > 0)
            {
                _released.Clear();
                device.Stream.Flush(now, _released);
                await HandleReleasedAsync(device, ct).ConfigureAwait(false);
            }
        }
    }

    private async ValueTask HandleReleasedAsync(DeviceChannel device, CancellationToken ct)
    {
        if (_released.Count == 0)
        {
            return;
        }

        SyncStreamCounters(device);
        var worn = supervisor.IsWorn(device.DeviceId);
        foreach (var item in _released)
        {
            supervisor.OnBatch(device.DeviceId, item.Batch, item.Arrival);
        }

        _raised.Clear();
        await detection.DetectAsync(device.Assignment, device.Detection, device.Stream.Clock, _released, worn, _raised, ct).ConfigureAwait(false);
        await prevention.TrackAsync(device.Assignment, device.Stream.Clock, _released, worn, _raised, ct).ConfigureAwait(false);
        foreach (var alarm in _raised)
        {
            if (!alarm.Stored)
            {
                acks.Pin(alarm.DeviceId); // the sensor data stays unacknowledged until the alarm is stored
            }
            else if (alarm.Type == IncidentType.Fall)
            {
                acks.FallStored(alarm.DeviceId); // a successor must not raise the same fall again
            }
        }
    }

    private void HandleStatus(DeviceChannel device, DeviceStatus status, in PendingMessage message)
    {
        if (status.Online && status.BootId != 0)
        {
            // Protocol version 2: the boot identity says whether the device restarted.
            var previous = device.Stream.BootId;
            if (device.Stream.ObserveBoot(status.BootId) && previous != 0)
            {
                Log.Rebooted(logger, device.DeviceId, device.LastUptimeSeconds ?? 0, status.UptimeSeconds);
                device.Detection.Detector?.Reset();
                SyncStreamCounters(device);
            }

            device.LastUptimeSeconds = status.UptimeSeconds;
        }
        else if (status.Online)
        {
            // Uptime went back: the device restarted. Status is served before queued batches, so the
            // stream may still hold batches of the old boot; restart it only if its timestamps are
            // ahead of the new uptime (otherwise it already restarted on the timestamps themselves).
            if (device.LastUptimeSeconds is { } last && status.UptimeSeconds < last)
            {
                Log.Rebooted(logger, device.DeviceId, last, status.UptimeSeconds);
                if (device.Stream.LastDeviceUs > ((long)status.UptimeSeconds * 1_000_000) + (long)options.RebootBackstep.TotalMicroseconds)
                {
                    device.Stream.Restart();
                    device.Detection.Detector?.Reset();
                    SyncStreamCounters(device);
                }
            }

            device.LastUptimeSeconds = status.UptimeSeconds;
        }

        supervisor.OnStatus(device.Assignment, status, message.Arrival, message.Retained);
    }

    private async ValueTask HandleEventAsync(DeviceChannel device, DeviceEvent e, PendingMessage message, CancellationToken ct)
    {
        if (!message.Retained)
        {
            supervisor.OnActivity(device.DeviceId, message.Arrival);
        }

        if (!device.FirstSighting(e))
        {
            device.DuplicateEvents++;
            metrics.Duplicate("event");
            return;
        }

        // A press from a boot the stream has not seen yet (it came before that boot's first batch): the old
        // boot's clock mapping no longer applies to its device time.
        if (device.Stream.ObserveBoot(e.BootId))
        {
            device.Detection.Detector?.Reset();
            SyncStreamCounters(device);
        }

        var a = device.Assignment;
        switch (e.Kind)
        {
            case EventKind.ButtonPress:
                var at = device.Stream.Clock.ToGatewayTime((long)e.DeviceTimeUs, message.Arrival);
                var request = new RaiseRequest(IncidentType.ManualCall, a.ResidentId, at, $"Call button pressed on {a.DeviceId}.", ButtonChannel, a.ResidentId, a.ResidentName, a.DeviceId, a.RoomId, a.RoomName);
                if (!await raiser.RaiseAsync(request, UnstoredRaise.Keep, ct).ConfigureAwait(false))
                {
                    acks.HoldUntilStored(device.DeviceId, message.Receipt);
                    _receiptKept = true;
                }

                metrics.EventLatency(time.GetUtcNow() - message.Arrival);
                break;
            case EventKind.TestPress:
                // Commissioning test: proves the button reaches the gateway, alarms nobody.
                Log.TestPress(logger, a.DeviceId, a.ResidentName);
                break;
            default:
                // On-device pre-triggers: the window that follows is scored by the detector like any other batch.
                break;
        }
    }

    // Reports what the stream counted since the last call to the metrics (and a gap to the log).
    private void SyncStreamCounters(DeviceChannel device)
    {
        var c = device.Stream.Counters;
        var s = device.Synced;
        if (c.GapBatches != s.GapBatches)
        {
            metrics.SequenceGap(c.GapBatches - s.GapBatches);
            if (rateLimit.ShouldLog("gap:" + device.DeviceId, out var suppressed))
            {
                Log.SequenceGap(logger, device.DeviceId, c.GapBatches, suppressed);
            }
        }

        for (var i = s.Duplicates; i < c.Duplicates; i++)
        {
            metrics.Duplicate("accel");
        }

        for (var i = s.Reordered; i < c.Reordered; i++)
        {
            metrics.Reordered();
        }

        for (var i = s.Late; i < c.Late; i++)
        {
            metrics.Late();
        }

        for (var i = s.Reboots; i < c.Reboots; i++)
        {
            metrics.DeviceRebooted();
        }

        s.Reboots = c.Reboots;
        s.GapBatches = c.GapBatches;
        s.Duplicates = c.Duplicates;
        s.Reordered = c.Reordered;
        s.Late = c.Late;
    }

    private static long LastSampleUs(AccelBatch batch) =>
        (long)Math.Min(batch.FirstSampleTimeUs, long.MaxValue / 2) + ((long)Math.Max(0, batch.SampleCount - 1) * batch.SamplePeriodUs);

    private static bool TryParseWill(ReadOnlyMemory<byte> payload, out string deviceId)
    {
        if (payload.Length > LastWill.MaxSize)
        {
            deviceId = "";
            return false;
        }

        var bytes = MemoryMarshal.TryGetArray(payload, out var segment) && segment.Array is not null ? segment : new ArraySegment<byte>(payload.ToArray());
        var ok = LastWill.TryParse(bytes.Array!, bytes.Offset, bytes.Count, out var id);
        deviceId = id ?? "";
        return ok;
    }

    /// <summary>What a last will means to supervision: offline, nothing else known (it keeps what the device said while online).</summary>
    private static DeviceStatus OfflineStatus(string deviceId) => new()
    {
        DeviceId = deviceId,
        Flags = 0,
        StateOfChargePercent = DeviceStatus.UnknownStateOfCharge,
        RssiDbm = DeviceStatus.UnknownRssi,
        FirmwareVersion = "",
    };

    private static DecodeResult Decode(ReadOnlyMemory<byte> payload)
    {
        if (MemoryMarshal.TryGetArray(payload, out var segment) && segment.Array is not null)
        {
            return WireDecoder.Decode(segment.Array, segment.Offset, segment.Count);
        }

        var copy = payload.ToArray();
        return WireDecoder.Decode(copy, 0, copy.Length);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.SequenceGap, Level = LogLevel.Information, Message = "Device {DeviceId}: batches missing ({Total} so far); {Suppressed} more reports since the last")]
        public static partial void SequenceGap(ILogger logger, string deviceId, long total, long suppressed);

        [LoggerMessage(EventId = EventIds.DeviceRebooted, Level = LogLevel.Information, Message = "Device {DeviceId} restarted (uptime {Before} s -> {After} s): stream and clock mapping reset")]
        public static partial void Rebooted(ILogger logger, string deviceId, uint before, uint after);

        [LoggerMessage(EventId = EventIds.TestPress, Level = LogLevel.Information, Message = "Test press from {DeviceId} ({Resident}): the button reaches the gateway")]
        public static partial void TestPress(ILogger logger, string deviceId, string resident);
    }
}
