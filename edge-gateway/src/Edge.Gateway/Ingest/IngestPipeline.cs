using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Edge.Detection;
using Edge.Gateway.Detection;
using Edge.Gateway.Diagnostics;
using Edge.Gateway.Incidents;
using Edge.Gateway.Prevention;
using Edge.Gateway.Registry;
using Edge.Gateway.Supervision;
using Edge.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Ingest;

/// <summary>What ingest did with an offered message.</summary>
internal enum OfferOutcome
{
    Queued,
    ForeignTopic,
    Ignored,
    BrokerStatus,
    UnknownDevice,
    Oversize,
    QueueFull,
    RetainedRefused,
}

/// <summary>
/// The ingest pipeline: reader → per-device bounded queues → one worker that serves ready devices
/// round-robin, a few messages per turn (so a flooding device only fills and overflows its own queue)
/// → decode → ordered stream → supervision and detection → incidents.
/// </summary>
internal sealed partial class IngestPipeline
{
    private readonly ISensorMessageSource _source;
    private readonly IDeviceRegistry _registry;
    private readonly DetectionStage _detection;
    private readonly PreventionStage _prevention;
    private readonly DeviceSupervisor _supervisor;
    private readonly BrokerHealth _broker;
    private readonly AcknowledgementLedger _acks;
    private readonly RetainedMessageGuard _retained;
    private readonly IIncidentService _incidents;
    private readonly IngestOptions _o;
    private readonly TimeProvider _time;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger<IngestPipeline> _logger;
    private readonly RateLimitedLog _rateLimit;
    private readonly ConcurrentDictionary<string, DeviceChannel> _devices = new(StringComparer.Ordinal);
    private readonly Channel<DeviceChannel> _ready = Channel.CreateUnbounded<DeviceChannel>(new UnboundedChannelOptions { SingleReader = true });
    private readonly DeviceChannel _sweep;
    private readonly IngestTotalsCounter _totals = new();
    private readonly List<StreamBatch> _delivered = [];
    private readonly List<FallAlert> _falls = [];
    private readonly List<GetUpSignal> _getUps = [];
    private readonly Lock _waitersLock = new();
    private readonly List<(long Target, TaskCompletionSource Signal)> _waiters = [];
    private int _waiterCount;
    private int _sweepQueued;
    private long _processed;
    private long _handled;
    private long _queued;
    private const int MaxPendingRaises = 1000;
    private readonly List<RaiseRequest> _pendingRaises = [];
    private long _accelLastSampleUs = long.MinValue; // worker: set by ProcessAsync when a batch went into the stream
    private bool _receiptKept; // worker: the ledger took the message's receipt (an alarm not yet stored)

    public IngestPipeline(
        ISensorMessageSource source,
        IDeviceRegistry registry,
        DetectionStage detection,
        PreventionStage prevention,
        DeviceSupervisor supervisor,
        BrokerHealth broker,
        AcknowledgementLedger acks,
        RetainedMessageGuard retained,
        IIncidentService incidents,
        IOptions<IngestOptions> options,
        TimeProvider time,
        GatewayMetrics metrics,
        ILogger<IngestPipeline> logger)
    {
        _source = source;
        _registry = registry;
        _detection = detection;
        _prevention = prevention;
        _supervisor = supervisor;
        _broker = broker;
        _acks = acks;
        _retained = retained;
        _incidents = incidents;
        _o = options.Value;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _rateLimit = new RateLimitedLog(time, _o.WarningLogInterval);
        _sweep = new DeviceChannel("(sweep)", new DeviceAssignment("(sweep)", "", "", null, null, null, null), 0, _o);
    }

    /// <summary>Messages fully processed by the worker (for tests and diagnostics).</summary>
    public long Processed => Interlocked.Read(ref _processed);

    /// <summary>Sensor messages finished with: processed by the worker, or refused on arrival (unknown, foreign, oversize, queue full). The broker's $SYS reports are not counted.</summary>
    public long Handled => Interlocked.Read(ref _handled);

    /// <summary>Completes once <see cref="Handled"/> reaches <paramref name="count"/> (tests, load tools: a signal, not a sleep).</summary>
    public Task WhenHandledAsync(long count, CancellationToken ct)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waitersLock)
        {
            if (Handled >= count)
            {
                return Task.CompletedTask;
            }

            _waiters.Add((count, signal));
            Interlocked.Increment(ref _waiterCount);
        }

        return signal.Task.WaitAsync(ct);
    }

    /// <summary>Messages waiting in all device queues.</summary>
    public long Queued => Interlocked.Read(ref _queued);

    /// <summary>The subscriptions ingest needs.</summary>
    public IReadOnlyList<string> TopicFilters =>
    [
        Topics.AllDevices(_o.SiteId, TopicKind.Accel),
        Topics.AllDevices(_o.SiteId, TopicKind.Status),
        Topics.AllDevices(_o.SiteId, TopicKind.Event),
        BrokerHealth.DroppedTopic,
    ];

    public IReadOnlyList<DeviceIngestCounters> GetDeviceCounters() => [.. _devices.Values.Select(d => d.Snapshot()).OrderBy(d => d.DeviceId, StringComparer.Ordinal)];

    public IngestTotals GetTotals() => _totals.Snapshot(_source.GetCounters().DroppedByTransport);

    /// <summary>Connects, then runs the reader, the worker and the reorder sweep until cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        await _source.StartAsync(TopicFilters, ct).ConfigureAwait(false);
        Log.Started(_logger, _o.SiteId, string.Join(", ", TopicFilters), _registry.Assignments.Count);
        var worker = Task.Run(() => WorkerAsync(ct), CancellationToken.None);
        var sweeper = Task.Run(() => SweepTimerAsync(ct), CancellationToken.None);
        try
        {
            await foreach (var message in _source.Messages.ReadAllAsync(ct).ConfigureAwait(false))
            {
                Offer(message);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            _ready.Writer.TryComplete();
            await Task.WhenAll(worker, sweeper).ConfigureAwait(false);
        }
    }

    /// <summary>Reader side: route a message to its device's queue. Cheap; never blocks.</summary>
    public OfferOutcome Offer(SensorMessage message)
    {
        var outcome = OfferCore(message);
        if (outcome is not OfferOutcome.Queued)
        {
            AcknowledgementLedger.Done(message.Receipt); // refused or not ours: nothing more will use it
        }

        if (outcome is not OfferOutcome.Queued and not OfferOutcome.BrokerStatus)
        {
            MarkHandled();
        }

        return outcome;
    }

    private OfferOutcome OfferCore(SensorMessage message)
    {
        if (message.Topic == BrokerHealth.DroppedTopic)
        {
            var dropped = _broker.Report(message.Payload.Span);
            if (dropped > 0)
            {
                Log.BrokerDropped(_logger, dropped, _broker.Dropped);
            }

            return OfferOutcome.BrokerStatus;
        }

        var arrival = _time.GetUtcNow();
        _totals.Received();
        if (!Topics.TryParse(message.Topic, out var site, out var deviceId, out var kind) || site != _o.SiteId)
        {
            _totals.Foreign();
            _metrics.MessageReceived("foreign");
            if (_rateLimit.ShouldLog("foreign", out var suppressed))
            {
                Log.ForeignTopic(_logger, message.Topic, suppressed);
            }

            return OfferOutcome.ForeignTopic;
        }

        if (kind == TopicKind.Config || message.Payload.Length == 0)
        {
            return OfferOutcome.Ignored; // gateway -> device; or an empty message, which is how a retained message is deleted
        }

        // A retained event or batch is a replay from the broker, never news: raising it would repeat an old alarm
        // at every start (issue 16). It is refused and deleted from the broker.
        if (message.Retained && kind is TopicKind.Event or TopicKind.Accel)
        {
            _retained.Refuse(deviceId, kind, message.Topic);
            return OfferOutcome.RetainedRefused;
        }

        _metrics.MessageReceived(Topics.Leaf(kind));
        if (!_devices.TryGetValue(deviceId, out var device))
        {
            if (!_registry.TryGetAssignment(deviceId, out var assignment))
            {
                _totals.Unknown(deviceId);
                _metrics.UnknownDevice();
                if (_rateLimit.ShouldLog("unknown:" + deviceId, out var suppressed))
                {
                    Log.UnknownDevice(_logger, deviceId, Topics.Leaf(kind), suppressed);
                }

                return OfferOutcome.UnknownDevice;
            }

            device = _devices.GetOrAdd(deviceId, id => new DeviceChannel(id, assignment, _registry.Version, _o));
        }

        if (message.Payload.Length > WireFormat.MaxMessageSize)
        {
            // Refused before queueing, so an oversized payload never occupies queue memory.
            device.CountMalformed(DecodeResult.Name(DecodeStatus.Oversize));
            _metrics.DecodeFailed(DecodeResult.Name(DecodeStatus.Oversize));
            if (_rateLimit.ShouldLog("malformed:" + deviceId + ":oversize", out var suppressed))
            {
                Log.Malformed(_logger, deviceId, "oversize", message.Payload.Length, suppressed);
            }

            return OfferOutcome.Oversize;
        }

        // Two bounds: a device's own queue (a flooding device overflows only its own), and a total over
        // all devices that caps memory. Per-device queues are deep enough for a device replaying its
        // offline buffer after a reconnect.
        if (Interlocked.Read(ref _queued) >= _o.MaxQueuedMessages)
        {
            device.CountQueueDrop();
            _metrics.QueueDropped("total_full");
            if (_rateLimit.ShouldLog("queue-total", out var suppressedTotal))
            {
                Log.QueueOverflow(_logger, deviceId, "any (total queue full)", device.QueueDropped, suppressedTotal);
            }

            return OfferOutcome.QueueFull;
        }

        if (!device.TryEnqueue(new PendingMessage(kind, message.Payload, arrival, message.Retained, message.Receipt), out var schedule))
        {
            _metrics.QueueDropped(Topics.Leaf(kind));
            if (_rateLimit.ShouldLog("queue:" + deviceId, out var suppressed))
            {
                Log.QueueOverflow(_logger, deviceId, Topics.Leaf(kind), device.QueueDropped, suppressed);
            }

            return OfferOutcome.QueueFull;
        }

        Interlocked.Increment(ref _queued);
        if (schedule)
        {
            _ready.Writer.TryWrite(device);
        }

        return OfferOutcome.Queued;
    }

    /// <summary>
    /// Worker side: serves one ready device (up to <see cref="IngestOptions.FairnessQuantum"/> messages)
    /// or one reorder sweep. False when nothing was ready.
    /// </summary>
    public async ValueTask<bool> ProcessNextAsync(CancellationToken ct)
    {
        if (!_ready.Reader.TryRead(out var device))
        {
            return false;
        }

        await ServeAsync(device, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>Alarms that could not be stored yet (database error), retried on every sweep.</summary>
    public int PendingRaises => _pendingRaises.Count;

    /// <summary>Worker side: retries alarms not yet stored, and gives up on missing batches that were waited for long enough.</summary>
    public async ValueTask SweepAsync(CancellationToken ct)
    {
        if (_pendingRaises.Count > 0)
        {
            var retry = _pendingRaises.ToArray();
            _pendingRaises.Clear();
            foreach (var request in retry)
            {
                if (await RaiseOrKeepAsync(request, ct).ConfigureAwait(false) && request.DeviceId is { } stored)
                {
                    _acks.Unpin(stored);
                    if (request.Type == IncidentType.Fall)
                    {
                        _acks.FallStored(stored);
                    }
                }
            }
        }

        _acks.Sweep();

        var now = _time.GetUtcNow();
        foreach (var device in _devices.Values)
        {
            if (device.Stream.Buffered > 0)
            {
                _delivered.Clear();
                device.Stream.Flush(now, _delivered);
                await HandleDeliveredAsync(device, ct).ConfigureAwait(false);
            }
        }
    }

    private void MarkHandled()
    {
        var n = Interlocked.Increment(ref _handled);
        if (Volatile.Read(ref _waiterCount) == 0)
        {
            return; // a waiter added after this read sees the new count itself
        }

        lock (_waitersLock)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Target <= n)
                {
                    _waiters[i].Signal.TrySetResult();
                    _waiters.RemoveAt(i);
                    Interlocked.Decrement(ref _waiterCount);
                }
            }
        }
    }

    private async Task WorkerAsync(CancellationToken ct)
    {
        try
        {
            while (await _ready.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                while (_ready.Reader.TryRead(out var device))
                {
                    await ServeAsync(device, ct).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task SweepTimerAsync(CancellationToken ct)
    {
        var period = _o.ReorderTimeout > TimeSpan.Zero ? _o.ReorderTimeout / 2 : TimeSpan.FromMilliseconds(250);
        using var timer = new PeriodicTimer(period, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                if (Interlocked.Exchange(ref _sweepQueued, 1) == 0)
                {
                    _ready.Writer.TryWrite(_sweep);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async ValueTask ServeAsync(DeviceChannel device, CancellationToken ct)
    {
        if (ReferenceEquals(device, _sweep))
        {
            Volatile.Write(ref _sweepQueued, 0);
            await SweepAsync(ct).ConfigureAwait(false);
            return;
        }

        for (var i = 0; i < _o.FairnessQuantum && device.TryDequeue(out var message); i++)
        {
            Interlocked.Decrement(ref _queued);
            _accelLastSampleUs = long.MinValue;
            _receiptKept = false;
            try
            {
                await ProcessAsync(device, message, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // One bad message must never stop the pipeline for everyone; it is logged as an error.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.ProcessingFailed(_logger, e, device.DeviceId, Topics.Leaf(message.Kind));
            }

            Acknowledge(device, message);
            Interlocked.Increment(ref _processed);
            MarkHandled();
        }

        if (device.EndTurn())
        {
            _ready.Writer.TryWrite(device);
        }
    }

    private async ValueTask ProcessAsync(DeviceChannel device, PendingMessage message, CancellationToken ct)
    {
        if (device.RegistryVersion != _registry.Version)
        {
            if (!_registry.TryGetAssignment(device.DeviceId, out var assignment))
            {
                _totals.Unknown(device.DeviceId);
                _metrics.UnknownDevice();
                return; // removed from the registry since it was queued
            }

            device.Assignment = assignment;
            device.RegistryVersion = _registry.Version;
        }

        if (message.Kind == TopicKind.Status && TryParseWill(message.Payload, out var willDevice))
        {
            // The ASCII last will (docs/wire-protocol.md 3.5): the broker says the connection is gone.
            if (willDevice != device.DeviceId)
            {
                CountDeviceIdMismatch(device, willDevice);
                return;
            }

            HandleStatus(device, OfflineStatus(willDevice), message);
            return;
        }

        var result = Decode(message.Payload);
        if (!result.IsOk)
        {
            CountMalformed(device, DecodeResult.Name(result.Status), message.Payload.Length);
            return;
        }

        if (result.DeviceId != device.DeviceId)
        {
            CountDeviceIdMismatch(device, result.DeviceId);
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
            CountMalformed(device, "wrong_topic", message.Payload.Length);
            return;
        }

        switch (result.Type)
        {
            case MessageType.Accel:
                _delivered.Clear();
                _accelLastSampleUs = LastSampleUs(result.Accel);
                device.Stream.Push(result.Accel, message.Arrival, _delivered);
                await HandleDeliveredAsync(device, ct).ConfigureAwait(false);
                break;
            case MessageType.Status:
                HandleStatus(device, result.DeviceStatus, message);
                break;
            default:
                await HandleEventAsync(device, result.Event, message, ct).ConfigureAwait(false);
                break;
        }
    }

    private async ValueTask HandleDeliveredAsync(DeviceChannel device, CancellationToken ct)
    {
        if (_delivered.Count == 0)
        {
            return;
        }

        SyncStreamCounters(device);
        var worn = _supervisor.IsWorn(device.DeviceId);
        _falls.Clear();
        _getUps.Clear();
        foreach (var item in _delivered)
        {
            _supervisor.OnBatch(device.DeviceId, item.Batch, item.Arrival);
            _detection.Process(device.Assignment, device.Detection, device.Stream, item, worn, _falls);
            _prevention.Process(device.Assignment, device.Stream, item, worn, _getUps);
        }

        foreach (var fall in _falls)
        {
            await RaiseFallAsync(fall, ct).ConfigureAwait(false);
        }

        foreach (var getUp in _getUps)
        {
            if (getUp.Action == Edge.Detection.Posture.GetUpAction.Clear)
            {
                await _prevention.ClearAsync(_incidents, getUp, ct).ConfigureAwait(false);
            }
            else if (!await RaiseOrKeepAsync(getUp.Request, ct).ConfigureAwait(false))
            {
                _acks.Pin(device.DeviceId); // like a fall: the sensor data stays unacknowledged until the alert is stored
            }
        }
    }

    private async ValueTask RaiseFallAsync(FallAlert fall, CancellationToken ct)
    {
        var a = fall.Assignment;
        var alert = fall.Alert;
        Log.FallDetected(_logger, a.DeviceId, a.ResidentName, alert.Score, alert.Threshold, alert.PeakMagnitudeG);
        var detail = alert.Path == FallPath.Soft
            ? $"Fall detected (soft fall: went down and stayed down): score {alert.Score:F3} (threshold {alert.Threshold:F3}), peak {alert.PeakMagnitudeG:F1} g."
            : $"Fall detected: score {alert.Score:F3} (threshold {alert.Threshold:F3}), impact {alert.PeakMagnitudeG:F1} g.";
        if (await RaiseOrKeepAsync(new RaiseRequest(IncidentType.Fall, a.ResidentId, fall.ImpactAt, detail, "detection", a.ResidentId, a.ResidentName, a.DeviceId, a.RoomId, a.RoomName), ct).ConfigureAwait(false))
        {
            _acks.FallStored(a.DeviceId);
        }
        else
        {
            _acks.Pin(a.DeviceId);
        }

        var latency = _time.GetUtcNow() - fall.BatchArrival;
        _metrics.DetectionLatency(latency);
        Log.FallCommitted(_logger, a.DeviceId, latency.TotalMilliseconds);
    }

    // An alarm is never dropped because the database failed once: it is kept (bounded) and retried on
    // every sweep; meanwhile the escalation engine pages it from memory (UnstoredAlarms). The log line carries
    // resident, room and type, once per alarm and then at most once per WarningLogInterval with a count.
    // True when stored now.
    private async ValueTask<bool> RaiseOrKeepAsync(RaiseRequest request, CancellationToken ct)
    {
        try
        {
            await _incidents.RaiseAsync(request, ct).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (_pendingRaises.Count < MaxPendingRaises)
            {
                _pendingRaises.Add(request);
            }

            if (_rateLimit.ShouldLog($"unstored:{IncidentNames.Name(request.Type)}:{request.Subject}:{request.EventAt.UtcTicks}", out var suppressed))
            {
                Log.RaiseDeferred(_logger, e, IncidentNames.Name(request.Type), request.ResidentName ?? request.Subject, request.RoomName ?? "-", request.EventAt, e.Message, suppressed);
            }

            return false;
        }
    }

    // After a message is processed: a batch that went into the stream is held until detection is past
    // it; anything else is acknowledged now (unless an unstored alarm kept it).
    private void Acknowledge(DeviceChannel device, in PendingMessage message)
    {
        _acks.Advance(device.DeviceId, device.Stream.LastDeviceUs, device.Stream.Counters.Reboots);
        if (_receiptKept)
        {
            return;
        }

        if (_accelLastSampleUs != long.MinValue)
        {
            _acks.Hold(device.DeviceId, message.Receipt, _accelLastSampleUs, message.Arrival);
        }
        else
        {
            AcknowledgementLedger.Done(message.Receipt);
        }
    }

    private static long LastSampleUs(AccelBatch batch) =>
        (long)Math.Min(batch.FirstSampleTimeUs, long.MaxValue / 2) + ((long)Math.Max(0, batch.SampleCount - 1) * batch.SamplePeriodUs);

    private void HandleStatus(DeviceChannel device, DeviceStatus status, in PendingMessage message)
    {
        if (status.Online && status.BootId != 0)
        {
            // Protocol version 2: the boot identity says whether the device restarted.
            var previous = device.Stream.BootId;
            if (device.Stream.ObserveBoot(status.BootId) && previous != 0)
            {
                Log.Rebooted(_logger, device.DeviceId, device.LastUptimeSeconds ?? 0, status.UptimeSeconds);
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
                Log.Rebooted(_logger, device.DeviceId, last, status.UptimeSeconds);
                if (device.Stream.LastDeviceUs > ((long)status.UptimeSeconds * 1_000_000) + (long)_o.RebootBackstep.TotalMicroseconds)
                {
                    device.Stream.Restart();
                    device.Detection.Detector?.Reset();
                    SyncStreamCounters(device);
                }
            }

            device.LastUptimeSeconds = status.UptimeSeconds;
        }

        _supervisor.OnStatus(device.Assignment, status, message.Arrival, message.Retained);
    }

    private async ValueTask HandleEventAsync(DeviceChannel device, DeviceEvent e, PendingMessage message, CancellationToken ct)
    {
        if (!message.Retained)
        {
            _supervisor.OnActivity(device.DeviceId, message.Arrival);
        }

        if (!device.FirstSighting(e))
        {
            device.DuplicateEvents++;
            _metrics.Duplicate("event");
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
                if (!await RaiseOrKeepAsync(new RaiseRequest(IncidentType.ManualCall, a.ResidentId, at, $"Call button pressed on {a.DeviceId}.", "button", a.ResidentId, a.ResidentName, a.DeviceId, a.RoomId, a.RoomName), ct).ConfigureAwait(false))
                {
                    _acks.HoldUntilStored(device.DeviceId, message.Receipt);
                    _receiptKept = true;
                }

                _metrics.EventLatency(_time.GetUtcNow() - message.Arrival);
                break;
            case EventKind.TestPress:
                // Commissioning test: proves the button reaches the gateway, alarms nobody.
                Log.TestPress(_logger, a.DeviceId, a.ResidentName);
                break;
            default:
                // On-device pre-triggers: the window that follows is scored by the detector like any other batch.
                break;
        }
    }

    private void SyncStreamCounters(DeviceChannel device)
    {
        var c = device.Stream.Counters;
        var s = device.Synced;
        if (c.GapBatches != s.GapBatches)
        {
            _metrics.SequenceGap(c.GapBatches - s.GapBatches);
            if (_rateLimit.ShouldLog("gap:" + device.DeviceId, out var suppressed))
            {
                Log.SequenceGap(_logger, device.DeviceId, c.GapBatches, suppressed);
            }
        }

        for (var i = s.Duplicates; i < c.Duplicates; i++)
        {
            _metrics.Duplicate("accel");
        }

        for (var i = s.Reordered; i < c.Reordered; i++)
        {
            _metrics.Reordered();
        }

        for (var i = s.Late; i < c.Late; i++)
        {
            _metrics.Late();
        }

        for (var i = s.Reboots; i < c.Reboots; i++)
        {
            _metrics.DeviceRebooted();
        }

        s.Reboots = c.Reboots;
        s.GapBatches = c.GapBatches;
        s.Duplicates = c.Duplicates;
        s.Reordered = c.Reordered;
        s.Late = c.Late;
    }

    private void CountDeviceIdMismatch(DeviceChannel device, string payloadDevice)
    {
        device.DeviceIdMismatches++;
        _metrics.DeviceIdMismatch();
        if (_rateLimit.ShouldLog("mismatch:" + device.DeviceId, out var suppressed))
        {
            Log.DeviceIdMismatch(_logger, device.DeviceId, payloadDevice, suppressed);
        }
    }

    private void CountMalformed(DeviceChannel device, string reason, int length)
    {
        device.CountMalformed(reason);
        _metrics.DecodeFailed(reason);
        if (_rateLimit.ShouldLog("malformed:" + device.DeviceId + ":" + reason, out var suppressed))
        {
            Log.Malformed(_logger, device.DeviceId, reason, length, suppressed);
        }
    }

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
        [LoggerMessage(EventId = EventIds.IngestStarted, Level = LogLevel.Information, Message = "Ingest started for site {SiteId}: subscribed to {Filters}; {Devices} assigned devices")]
        public static partial void Started(ILogger logger, string siteId, string filters, int devices);

        [LoggerMessage(EventId = EventIds.UnknownDevice, Level = LogLevel.Warning, Message = "Ignoring {Kind} from unknown device {DeviceId} (not in the registry); {Suppressed} more since the last report")]
        public static partial void UnknownDevice(ILogger logger, string deviceId, string kind, long suppressed);

        [LoggerMessage(EventId = EventIds.MalformedPayload, Level = LogLevel.Warning, Message = "Malformed payload from {DeviceId}: {Reason} ({Length} bytes); {Suppressed} more of these since the last report")]
        public static partial void Malformed(ILogger logger, string deviceId, string reason, int length, long suppressed);

        [LoggerMessage(EventId = EventIds.DeviceIdMismatch, Level = LogLevel.Warning, Message = "Dropped a payload on {TopicDevice}'s topic that claims to be from {PayloadDevice}; {Suppressed} more since the last report")]
        public static partial void DeviceIdMismatch(ILogger logger, string topicDevice, string payloadDevice, long suppressed);

        [LoggerMessage(EventId = EventIds.DeviceQueueOverflow, Level = LogLevel.Warning, Message = "Device {DeviceId} is sending faster than it can be processed: dropping its {Kind} messages ({Dropped} dropped so far); {Suppressed} more since the last report")]
        public static partial void QueueOverflow(ILogger logger, string deviceId, string kind, long dropped, long suppressed);

        [LoggerMessage(EventId = EventIds.SequenceGap, Level = LogLevel.Information, Message = "Device {DeviceId}: batches missing ({Total} so far); {Suppressed} more reports since the last")]
        public static partial void SequenceGap(ILogger logger, string deviceId, long total, long suppressed);

        [LoggerMessage(EventId = EventIds.DeviceRebooted, Level = LogLevel.Information, Message = "Device {DeviceId} restarted (uptime {Before} s -> {After} s): stream and clock mapping reset")]
        public static partial void Rebooted(ILogger logger, string deviceId, uint before, uint after);

        [LoggerMessage(EventId = EventIds.ForeignTopic, Level = LogLevel.Warning, Message = "Ignoring a message on {Topic}: not a sensor topic of this site; {Suppressed} more since the last report")]
        public static partial void ForeignTopic(ILogger logger, string topic, long suppressed);

        [LoggerMessage(EventId = EventIds.TestPress, Level = LogLevel.Information, Message = "Test press from {DeviceId} ({Resident}): the button reaches the gateway")]
        public static partial void TestPress(ILogger logger, string deviceId, string resident);

        [LoggerMessage(EventId = EventIds.IngestLoopFailed, Level = LogLevel.Error, Message = "Processing a {Kind} message from {DeviceId} failed; the pipeline continues")]
        public static partial void ProcessingFailed(ILogger logger, Exception exception, string deviceId, string kind);

        [LoggerMessage(EventId = EventIds.BrokerDroppedMessages, Level = LogLevel.Error, Message = "The broker dropped {Dropped} messages ({Total} since it started): a subscriber fell behind its max_queued_messages; sensor data may be lost")]
        public static partial void BrokerDropped(ILogger logger, long dropped, long total);

        [LoggerMessage(EventId = EventIds.IncidentRaiseDeferred, Level = LogLevel.Critical, Message = "ALARM NOT YET STORED: {Type} for {Resident} in {Room} at {EventAt:O} ({Error}); paged from memory, storing is retried; {Suppressed} failed retries since the last report")]
        public static partial void RaiseDeferred(ILogger logger, Exception exception, string type, string resident, string room, DateTimeOffset eventAt, string error, long suppressed);

        [LoggerMessage(EventId = EventIds.FallDetected, Level = LogLevel.Warning, Message = "Fall detected on {DeviceId} ({Resident}): score {Score:F3} >= {Threshold:F3}, peak {PeakG:F1} g")]
        public static partial void FallDetected(ILogger logger, string deviceId, string resident, float score, float threshold, float peakG);

        // The same figure as edge.gateway.detection.latency, readable from outside the process (the load command).
        [LoggerMessage(EventId = EventIds.FallCommitted, Level = LogLevel.Information, Message = "Fall on {DeviceId} committed {LatencyMs:F1} ms after the completing batch arrived")]
        public static partial void FallCommitted(ILogger logger, string deviceId, double latencyMs);
    }
}
