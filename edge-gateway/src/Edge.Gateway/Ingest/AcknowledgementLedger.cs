using Edge.Gateway.Detection;
using Edge.Mqtt;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Ingest;

/// <summary>
/// Decides when a sensor message has been processed far enough to be acknowledged to the broker, so
/// that a gateway killed at any moment loses nothing its successor still needs: what is not acknowledged
/// stays in the gateway's persistent session and is delivered again after the restart.
/// </summary>
/// <remarks>
/// <para>Handing a batch to the detector is not "processed": the detector decides about an impact only
/// once <c>post</c> seconds of samples after it have arrived, and scores the window from <c>pre</c> seconds
/// before it, all in memory. So an accelerometer batch is held until the device's stream has delivered
/// samples at least <see cref="LookbackUs"/> (<see cref="Edge.Detection.DetectorConfig.LookbackSamples"/>: the
/// longer of the impact and soft windows, the peak search and 2 samples, about 6.5 s) past the batch's last sample. Then no impact the detector could still score needs it, and a
/// successor fed from the oldest held batch rebuilds the same window.</para>
/// <para>A committed fall releases the device's held batches at once (a successor must not raise the same
/// fall again). A device restart releases what the old boot left. A device that falls silent releases
/// its held batches after <see cref="IngestOptions.AcknowledgementHoldLimit"/>. An alarm that could not
/// be stored pins its device: nothing of it is released until the alarm is in the database.</para>
/// <para>Everything else (status, wills, refused or malformed messages) is acknowledged once handled, and
/// a button press once its incident is stored. Held deliveries count against the broker's receive window
/// (<see cref="MqttClientOptions.ReceiveMaximum"/>): past three quarters of it the oldest are released
/// early and counted, so holding can never stall ingest.</para>
/// <para>Not thread-safe: the ingest worker calls it (the reader acknowledges refused messages directly).</para>
/// </remarks>
internal sealed partial class AcknowledgementLedger
{
    private readonly Dictionary<string, DeviceHeld> _devices = new(StringComparer.Ordinal);
    private readonly IFallDetectorFactory _detectors;
    private readonly TimeProvider _time;
    private readonly TimeSpan _holdLimit;
    private readonly int _limit;
    private readonly ILogger<AcknowledgementLedger> _logger;
    private long _lookbackUs = -1;
    private int _held;
    private long _releasedEarly;
    private DateTimeOffset _lastEarlyWarning = DateTimeOffset.MinValue;

    public AcknowledgementLedger(IFallDetectorFactory detectors, TimeProvider time, IOptions<IngestOptions> ingest, IOptions<MqttClientOptions> mqtt, ILogger<AcknowledgementLedger> logger)
    {
        _detectors = detectors;
        _time = time;
        _holdLimit = ingest.Value.AcknowledgementHoldLimit;
        var window = mqtt.Value.ReceiveMaximum is > 0 and var r ? r : 65535;
        _limit = Math.Max(1, window * 3 / 4);
        _logger = logger;
    }

    /// <summary>Device time the detector may still look back from its newest sample, µs.</summary>
    public long LookbackUs
    {
        get
        {
            if (_lookbackUs < 0)
            {
                var c = _detectors.Create(1.0).Config;
                _lookbackUs = c.LookbackSamples * c.PeriodUs;
            }

            return _lookbackUs;
        }
    }

    /// <summary>Deliveries held now.</summary>
    public int Held => _held;

    /// <summary>Deliveries released before the detector was done with them, to keep the broker's window open.</summary>
    public long ReleasedEarly => _releasedEarly;

    /// <summary>A message that needs nothing more: acknowledged now.</summary>
    public static void Done(IDeliveryReceipt? receipt) => receipt?.Acknowledge();

    /// <summary>An accelerometer batch handed to the device's stream; held until the stream has moved past it.</summary>
    public void Hold(string deviceId, IDeliveryReceipt? receipt, long lastSampleUs, DateTimeOffset arrival)
    {
        if (receipt is null)
        {
            return;
        }

        Device(deviceId).Entries.Add(new Entry(receipt, lastSampleUs, arrival));
        if (++_held > _limit)
        {
            ReleaseOldest();
        }
    }

    /// <summary>A button press whose alarm could not be stored yet: held, and its device pinned, until it is.</summary>
    public void HoldUntilStored(string deviceId, IDeliveryReceipt? receipt)
    {
        var device = Device(deviceId);
        device.Pins++;
        if (receipt is not null)
        {
            device.Pinned.Add(receipt);
            _held++;
        }
    }

    /// <summary>A fall of this device could not be stored: nothing of the device is released until <see cref="Unpin"/>.</summary>
    public void Pin(string deviceId) => Device(deviceId).Pins++;

    /// <summary>An alarm of this device that could not be stored is stored now.</summary>
    public void Unpin(string deviceId)
    {
        if (!_devices.TryGetValue(deviceId, out var device) || device.Pins == 0)
        {
            return;
        }

        if (--device.Pins == 0)
        {
            foreach (var receipt in device.Pinned)
            {
                receipt.Acknowledge();
            }

            _held -= device.Pinned.Count;
            device.Pinned.Clear();
        }
    }

    /// <summary>A fall of this device is stored: releases the batches it holds (a successor must not raise it again).</summary>
    public void FallStored(string deviceId)
    {
        if (_devices.TryGetValue(deviceId, out var device) && device.Pins == 0)
        {
            ReleaseAll(device);
        }
    }

    /// <summary>After the device's stream delivered up to <paramref name="newestUs"/>: releases what is behind the detector's reach.</summary>
    public void Advance(string deviceId, long newestUs, long reboots)
    {
        if (!_devices.TryGetValue(deviceId, out var device))
        {
            return;
        }

        if (device.Reboots != reboots)
        {
            // The device restarted: nothing of the old boot can complete a window any more.
            device.Reboots = reboots;
            if (device.Pins == 0)
            {
                ReleaseAll(device);
            }

            return;
        }

        if (device.Pins > 0 || newestUs == long.MinValue)
        {
            return;
        }

        // Once per batch on the ingest worker: compacts in place (no closure, no allocation), keeping order.
        var horizon = newestUs - LookbackUs;
        var entries = device.Entries;
        var kept = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            if (e.LastSampleUs < horizon)
            {
                e.Receipt.Acknowledge();
                _held--;
            }
            else
            {
                entries[kept++] = e;
            }
        }

        if (kept < entries.Count)
        {
            entries.RemoveRange(kept, entries.Count - kept);
        }
    }

    /// <summary>Releases what devices that fell silent have held longer than the hold limit.</summary>
    public void Sweep()
    {
        if (_held == 0)
        {
            return;
        }

        var oldest = _time.GetUtcNow() - _holdLimit;
        foreach (var device in _devices.Values)
        {
            if (device.Pins == 0 && device.Entries.Count > 0 && device.Entries[^1].Arrival < oldest)
            {
                ReleaseAll(device);
            }
        }
    }

    private DeviceHeld Device(string deviceId)
    {
        if (!_devices.TryGetValue(deviceId, out var device))
        {
            device = new DeviceHeld();
            _devices[deviceId] = device;
        }

        return device;
    }

    private void ReleaseAll(DeviceHeld device)
    {
        foreach (var e in device.Entries)
        {
            e.Receipt.Acknowledge();
        }

        _held -= device.Entries.Count;
        device.Entries.Clear();
    }

    // The broker's receive window is nearly full of held deliveries: release the oldest quarter, so
    // ingest never stalls waiting for batches the broker will not send.
    private void ReleaseOldest()
    {
        var all = _devices.Values.SelectMany(d => d.Entries.Select(e => (Device: d, Entry: e))).OrderBy(x => x.Entry.Arrival).ToList();
        var release = all.Take(Math.Max(1, _limit / 4)).ToList();
        foreach (var (device, entry) in release)
        {
            entry.Receipt.Acknowledge();
            device.Entries.Remove(entry);
            _held--;
        }

        _releasedEarly += release.Count;
        var now = _time.GetUtcNow();
        if (now - _lastEarlyWarning >= TimeSpan.FromMinutes(1))
        {
            _lastEarlyWarning = now;
            Log.ReleasedEarly(_logger, release.Count, _limit, _releasedEarly);
        }
    }

    private sealed class DeviceHeld
    {
        public List<Entry> Entries { get; } = [];

        public List<IDeliveryReceipt> Pinned { get; } = [];

        public long Reboots { get; set; }

        public int Pins { get; set; }
    }

    private sealed record Entry(IDeliveryReceipt Receipt, long LastSampleUs, DateTimeOffset Arrival);

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.AcknowledgementsReleasedEarly, Level = LogLevel.Warning, Message = "{Released} held sensor messages acknowledged before detection was done with them: {Limit} were held (three quarters of the broker's receive window); {Total} so far. A gateway crash now could lose a fall in progress: raise Mqtt:ReceiveMaximum")]
        public static partial void ReleasedEarly(ILogger logger, int released, int limit, long total);
    }
}

/// <summary>The acknowledgement a delivered sensor message still owes its transport.</summary>
public interface IDeliveryReceipt
{
    /// <summary>Tells the transport the message is processed (idempotent, never blocks).</summary>
    void Acknowledge();
}
