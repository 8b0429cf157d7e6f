using System.Collections.Concurrent;
using System.Threading.Channels;
using Edge.Gateway.Registry;

namespace Edge.Gateway.Ingest;

/// <summary>Where the scheduler put an admitted message.</summary>
internal enum EnqueueOutcome
{
    Queued,

    /// <summary>Every device's queues together hold <see cref="IngestOptions.MaxQueuedMessages"/>: dropped (and counted on the device).</summary>
    TotalFull,

    /// <summary>This device's own queue is full: dropped (and counted on the device).</summary>
    DeviceFull,
}

/// <summary>
/// Per-device bounded queues served fairly. The reader puts each message in its device's queue (status and events
/// before accelerometer batches, <see cref="DeviceChannel"/>) and marks the device ready once; the one worker serves
/// ready devices round-robin, at most <see cref="IngestOptions.FairnessQuantum"/> messages per turn, and puts a device
/// that still has messages at the back of the line. So a flooding device only fills and overflows its own queue, and a
/// quiet device's call-button press waits for at most one turn of each busy device. Two bounds: a device's own queues
/// (deep enough for a device replaying its offline buffer after a reconnect), and a total over all devices that caps
/// memory. The reorder sweep is scheduled like a device, so it never runs beside the worker.
/// </summary>
internal sealed class FairScheduler
{
    private readonly IngestOptions _o;
    private readonly ConcurrentDictionary<string, DeviceChannel> _devices = new(StringComparer.Ordinal);
    private readonly Channel<DeviceChannel> _ready = Channel.CreateUnbounded<DeviceChannel>(new UnboundedChannelOptions { SingleReader = true });
    private readonly DeviceChannel _sweep;
    private int _sweepQueued;
    private long _queued;

    public FairScheduler(IngestOptions options)
    {
        _o = options;
        _sweep = new DeviceChannel("(sweep)", new DeviceAssignment("(sweep)", "", "", null, null, null, null), 0, options);
    }

    /// <summary>Messages waiting in all device queues.</summary>
    public long Queued => Interlocked.Read(ref _queued);

    /// <summary>Every device that sent a message since the start.</summary>
    public ICollection<DeviceChannel> Devices => _devices.Values;

    /// <summary>The device's queues, if it sent anything before.</summary>
    public bool TryGetDevice(string deviceId, out DeviceChannel device) => _devices.TryGetValue(deviceId, out device!);

    /// <summary>The device's queues, created on its first message.</summary>
    public DeviceChannel GetOrAddDevice(string deviceId, DeviceAssignment assignment, int registryVersion) =>
        _devices.GetOrAdd(deviceId, static (id, a) => new DeviceChannel(id, a.Assignment, a.Version, a.Options), (Assignment: assignment, Version: registryVersion, Options: _o));

    /// <summary>Reader side: queues a message in its device's lane and marks the device ready. Never blocks.</summary>
    public EnqueueOutcome Enqueue(DeviceChannel device, in PendingMessage message)
    {
        if (Interlocked.Read(ref _queued) >= _o.MaxQueuedMessages)
        {
            device.CountQueueDrop();
            return EnqueueOutcome.TotalFull;
        }

        if (!device.TryEnqueue(message, out var schedule))
        {
            return EnqueueOutcome.DeviceFull;
        }

        Interlocked.Increment(ref _queued);
        if (schedule)
        {
            _ready.Writer.TryWrite(device);
        }

        return EnqueueOutcome.Queued;
    }

    /// <summary>Timer side: asks for a reorder sweep (at most one is waiting at a time).</summary>
    public void RequestSweep()
    {
        if (Interlocked.Exchange(ref _sweepQueued, 1) == 0)
        {
            _ready.Writer.TryWrite(_sweep);
        }
    }

    /// <summary>Reader side, at the end: the worker stops once it has served what is ready.</summary>
    public void Complete() => _ready.Writer.TryComplete();

    /// <summary>Worker side: waits until a device or a sweep is ready; false once completed and drained.</summary>
    public ValueTask<bool> WaitAsync(CancellationToken ct) => _ready.Reader.WaitToReadAsync(ct);

    /// <summary>Worker side: the next ready device, or null with <paramref name="sweep"/> set for a reorder sweep. False when nothing is ready.</summary>
    public bool TryNextTurn(out DeviceChannel? device, out bool sweep)
    {
        if (!_ready.Reader.TryRead(out var next))
        {
            device = null;
            sweep = false;
            return false;
        }

        sweep = ReferenceEquals(next, _sweep);
        if (sweep)
        {
            Volatile.Write(ref _sweepQueued, 0);
            device = null;
            return true;
        }

        device = next;
        return true;
    }

    /// <summary>Worker side: the next message of the device's turn; false when the device is empty or its turn is used up (<paramref name="served"/> counts the turn's messages).</summary>
    public bool TryNextMessage(DeviceChannel device, ref int served, out PendingMessage message)
    {
        if (served >= _o.FairnessQuantum || !device.TryDequeue(out message))
        {
            message = default;
            return false;
        }

        served++;
        Interlocked.Decrement(ref _queued);
        return true;
    }

    /// <summary>Worker side, end of a turn: a device with more waiting goes to the back of the line; otherwise it is idle until its next message.</summary>
    public void EndTurn(DeviceChannel device)
    {
        if (device.EndTurn())
        {
            _ready.Writer.TryWrite(device);
        }
    }
}
