using Edge.Gateway.Detection;
using Edge.Gateway.Registry;
using Edge.Gateway.Streams;
using Edge.Protocol;

namespace Edge.Gateway.Ingest;

/// <summary>A message waiting in a device's queue, with the acknowledgement its transport still awaits (or null).</summary>
internal readonly record struct PendingMessage(TopicKind Kind, ReadOnlyMemory<byte> Payload, DateTimeOffset Arrival, bool Retained, IDeliveryReceipt? Receipt = null);

/// <summary>
/// Everything ingest keeps for one device: two bounded queues (status/events before accelerometer
/// batches), the ordered stream, the detector, event dedupe and counters. Fixed size per device.
/// The queues are shared between the reader (enqueue) and the worker (dequeue) under <see cref="_gate"/>;
/// everything else is touched by the worker only.
/// </summary>
internal sealed class DeviceChannel
{
    private const int EventHistory = 64;

    private readonly Lock _gate = new();
    private readonly Queue<PendingMessage> _control;
    private readonly Queue<PendingMessage> _accel;
    private readonly int _controlCapacity;
    private readonly int _accelCapacity;
    private readonly (uint Sequence, ulong TimeUs, uint BootId)[] _events = new (uint, ulong, uint)[EventHistory];
    private int _eventCount;
    private int _eventNext;
    private int _scheduled;
    private long _received;
    private long _queueDropped;

    public DeviceChannel(string deviceId, DeviceAssignment assignment, int registryVersion, IngestOptions o)
    {
        DeviceId = deviceId;
        Assignment = assignment;
        RegistryVersion = registryVersion;
        _controlCapacity = o.DeviceControlQueueCapacity;
        _accelCapacity = o.DeviceQueueCapacity;
        _control = new Queue<PendingMessage>(Math.Min(_controlCapacity, 8));
        _accel = new Queue<PendingMessage>(Math.Min(_accelCapacity, 16));
        Stream = new DeviceStream(o.ReorderWindow, o.ReorderTimeout, o.RebootBackstep, o.ClockWindowBatches);
    }

    public string DeviceId { get; }

    public DeviceAssignment Assignment { get; set; }

    public int RegistryVersion { get; set; }

    public DeviceStream Stream { get; }

    /// <summary>Stream counters already reported to metrics.</summary>
    public StreamCounters Synced { get; } = new();

    public DeviceDetection Detection { get; } = new();

    public uint? LastUptimeSeconds { get; set; }

    public Dictionary<string, long> Malformed { get; } = new(StringComparer.Ordinal);

    public long DeviceIdMismatches { get; set; }

    public long DuplicateEvents { get; set; }

    public long Received => Interlocked.Read(ref _received);

    public long QueueDropped => Interlocked.Read(ref _queueDropped);

    /// <summary>Counts a message dropped before it reached this device's queue (total bound).</summary>
    public void CountQueueDrop()
    {
        Interlocked.Increment(ref _received);
        Interlocked.Increment(ref _queueDropped);
    }

    /// <summary>Reader side: queues a message; false when this device's lane is full (the message is dropped).</summary>
    public bool TryEnqueue(in PendingMessage m, out bool schedule)
    {
        Interlocked.Increment(ref _received);
        var control = m.Kind != TopicKind.Accel;
        lock (_gate)
        {
            var q = control ? _control : _accel;
            if (q.Count >= (control ? _controlCapacity : _accelCapacity))
            {
                Interlocked.Increment(ref _queueDropped);
                schedule = false;
                return false;
            }

            q.Enqueue(m);
        }

        schedule = Interlocked.Exchange(ref _scheduled, 1) == 0;
        return true;
    }

    /// <summary>Worker side: next message, status and events first.</summary>
    public bool TryDequeue(out PendingMessage m)
    {
        lock (_gate)
        {
            return _control.TryDequeue(out m) || _accel.TryDequeue(out m);
        }
    }

    /// <summary>Worker side, end of a turn: true when the device has more and must be queued again; otherwise it is marked idle.</summary>
    public bool EndTurn()
    {
        lock (_gate)
        {
            if (_control.Count > 0 || _accel.Count > 0)
            {
                return true;
            }

            Volatile.Write(ref _scheduled, 0);
            return false;
        }
    }

    /// <summary>
    /// True the first time this (boot identity, event sequence, device time) is seen. Bounded history. A rebooted
    /// sensor restarts its counters and clock, so the same sequence and time from another boot is a new press.
    /// </summary>
    public bool FirstSighting(DeviceEvent e)
    {
        for (var i = 0; i < _eventCount; i++)
        {
            if (_events[i].Sequence == e.Sequence && _events[i].TimeUs == e.DeviceTimeUs && _events[i].BootId == e.BootId)
            {
                return false;
            }
        }

        _events[_eventNext] = (e.Sequence, e.DeviceTimeUs, e.BootId);
        _eventNext = (_eventNext + 1) % EventHistory;
        _eventCount = Math.Min(_eventCount + 1, EventHistory);
        return true;
    }

    public void CountMalformed(string reason)
    {
        lock (Malformed)
        {
            Malformed[reason] = Malformed.GetValueOrDefault(reason) + 1;
        }
    }

    private Dictionary<string, long> CopyMalformed()
    {
        lock (Malformed)
        {
            return new Dictionary<string, long>(Malformed, StringComparer.Ordinal);
        }
    }

    public DeviceIngestCounters Snapshot() => new(
        DeviceId, Received, QueueDropped, DeviceIdMismatches, CopyMalformed(),
        Stream.Counters.Delivered, Stream.Counters.GapBatches, Stream.Counters.Duplicates, Stream.Counters.Reordered,
        Stream.Counters.Late, Stream.Counters.Reboots, DuplicateEvents, Detection.RateMismatches, Detection.SkippedNotWorn);
}
