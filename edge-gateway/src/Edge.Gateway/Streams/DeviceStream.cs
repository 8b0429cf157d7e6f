using Edge.Protocol;

namespace Edge.Gateway.Streams;

/// <summary>A batch released in order by <see cref="DeviceStream"/>.</summary>
/// <param name="Batch">The batch.</param>
/// <param name="Arrival">Gateway time it arrived.</param>
/// <param name="AfterGap">True when batches are missing before it (or the device restarted): the samples are not contiguous with the previous batch.</param>
internal readonly record struct StreamBatch(AccelBatch Batch, DateTimeOffset Arrival, bool AfterGap);

/// <summary>Per-device stream counters (monotonic).</summary>
internal sealed class StreamCounters
{
    public long Delivered { get; set; }

    public long GapBatches { get; set; }

    public long Duplicates { get; set; }

    public long Reordered { get; set; }

    public long Late { get; set; }

    public long Reboots { get; set; }
}

/// <summary>
/// Puts one device's accelerometer batches back in sequence order: handles the 32-bit wrap,
/// duplicates, small reordering (a bounded window, released after a timeout), gaps and restarts,
/// and maps the device clock to the gateway clock. Fixed memory per device. Not thread-safe: one
/// instance per device, used by the ingest worker only.
/// </summary>
internal sealed class DeviceStream
{
    private const int HistoryBits = 64;

    private readonly int _window;
    private readonly TimeSpan _timeout;
    private readonly long _rebootBackstepUs;
    private readonly Pending[] _buffer;
    private int _buffered;
    private bool _started;
    private uint _expected;
    private ulong _history; // bit i set: sequence _expected - 1 - i was delivered
    private long _lastDeviceUs = long.MinValue;
    private bool _pendingGap;
    private uint _bootId;
    private readonly uint[] _previousBoots = new uint[4];
    private int _previousBootNext;

    public DeviceStream(int reorderWindow, TimeSpan reorderTimeout, TimeSpan rebootBackstep, int clockWindow)
    {
        _window = reorderWindow;
        _timeout = reorderTimeout;
        _rebootBackstepUs = (long)(rebootBackstep.TotalMilliseconds * 1000);
        _buffer = new Pending[Math.Max(1, reorderWindow)];
        Clock = new ClockMapper(clockWindow);
    }

    public ClockMapper Clock { get; }

    public StreamCounters Counters { get; } = new();

    /// <summary>Batches held back waiting for a missing one.</summary>
    public int Buffered => _buffered;

    /// <summary>Device time of the last delivered sample, µs (long.MinValue when none since the last restart).</summary>
    public long LastDeviceUs => _lastDeviceUs;

    /// <summary>The next sequence number expected.</summary>
    public uint Expected => _expected;

    /// <summary>The boot identity of the stream (0 when the device sends version 1 frames or nothing came yet).</summary>
    public uint BootId => _bootId;

    /// <summary>Offers a batch; batches that can be released in order are appended to <paramref name="output"/>.</summary>
    public void Push(AccelBatch batch, DateTimeOffset arrival, List<StreamBatch> output)
    {
        if (batch.BootId != 0)
        {
            // The boot identity decides (protocol version 2): a new one is a restart, whatever the sequence
            // and timestamps say (a sensor that reboots seconds after its last boot reuses both).
            if (batch.BootId != _bootId)
            {
                if (IsPreviousBoot(batch.BootId))
                {
                    Counters.Late++; // a batch of an earlier boot, delivered after the new boot's
                    return;
                }

                if (_bootId != 0 || _started)
                {
                    Release(output, force: true);
                    Restart();
                }

                NewBoot(batch.BootId);
            }
        }
        else if (_started && _lastDeviceUs != long.MinValue && (long)Math.Min(batch.FirstSampleTimeUs, long.MaxValue) + _rebootBackstepUs < _lastDeviceUs && !IsRecentlyDelivered(batch.Sequence))
        {
            // Version 1 (no boot identity): timestamps went back a lot, so the device restarted (its sequence
            // restarts too). Release what is held from the old boot, then start afresh.
            Release(output, force: true);
            Restart();
        }

        if (!_started)
        {
            _started = true;
            _expected = batch.Sequence;
            _history = 0;
        }

        var d = SequenceNumber.Distance(_expected, batch.Sequence);
        if (d < 0)
        {
            var i = -d - 1;
            if (i < HistoryBits && (_history & (1UL << i)) != 0)
            {
                Counters.Duplicates++;
            }
            else
            {
                Counters.Late++;
            }

            return;
        }

        if (d == 0)
        {
            Deliver(batch, arrival, output);
            Release(output, force: false);
            return;
        }

        if (d > _window)
        {
            // Too far ahead to be reordering: the batches in between are lost.
            Release(output, force: true);
            d = SequenceNumber.Distance(_expected, batch.Sequence);
            if (d < 0)
            {
                Counters.Late++;
                return;
            }

            Skip(d);
            Deliver(batch, arrival, output);
            return;
        }

        for (var k = 0; k < _buffered; k++)
        {
            if (_buffer[k].Batch.Sequence == batch.Sequence)
            {
                Counters.Duplicates++;
                return;
            }
        }

        Insert(new Pending(batch, arrival));
        Counters.Reordered++;
        if (_buffered >= _window)
        {
            Release(output, force: true);
        }
    }

    /// <summary>Gives up on missing batches held longer than the reorder timeout.</summary>
    public void Flush(DateTimeOffset now, List<StreamBatch> output)
    {
        if (_buffered > 0 && now - _buffer[0].Arrival >= _timeout)
        {
            Release(output, force: true);
        }
    }

    /// <summary>
    /// A status or event of another boot arrived first (status is served before batches): the next batch starts
    /// a new stream. True when <paramref name="bootId"/> is a boot this stream has not seen before.
    /// </summary>
    public bool ObserveBoot(uint bootId)
    {
        if (bootId == 0 || bootId == _bootId || IsPreviousBoot(bootId))
        {
            return false;
        }

        if (_bootId != 0 || _started)
        {
            _buffered = 0;
            Array.Clear(_buffer);
            Restart();
        }

        NewBoot(bootId);
        return true;
    }

    /// <summary>The device says it restarted (status uptime went back): forget sequence and clock.</summary>
    public void Restart()
    {
        _buffered = 0;
        Array.Clear(_buffer);
        _started = false;
        _history = 0;
        _lastDeviceUs = long.MinValue;
        _pendingGap = true;
        Clock.Reset();
        Counters.Reboots++;
    }

    private void NewBoot(uint bootId)
    {
        if (_bootId != 0)
        {
            _previousBoots[_previousBootNext] = _bootId;
            _previousBootNext = (_previousBootNext + 1) % _previousBoots.Length;
        }

        _bootId = bootId;
    }

    private bool IsPreviousBoot(uint bootId) => Array.IndexOf(_previousBoots, bootId) >= 0;

    // A redelivered duplicate carries old timestamps too; only a sequence we have not just delivered can be a restart.
    private bool IsRecentlyDelivered(uint sequence)
    {
        var d = SequenceNumber.Distance(_expected, sequence);
        var i = -d - 1;
        return d < 0 && i < HistoryBits && (_history & (1UL << i)) != 0;
    }

    private void Deliver(AccelBatch batch, DateTimeOffset arrival, List<StreamBatch> output)
    {
        var afterGap = _pendingGap || (batch.Flags & AccelBatch.FlagAfterGap) != 0;
        _pendingGap = false;
        _history = (_history << 1) | 1;
        _expected = SequenceNumber.Next(batch.Sequence);
        var lastUs = (long)batch.FirstSampleTimeUs + ((long)(batch.SampleCount - 1) * batch.SamplePeriodUs);
        _lastDeviceUs = lastUs;
        Clock.Observe(lastUs, arrival);
        Counters.Delivered++;
        output.Add(new StreamBatch(batch, arrival, afterGap));
    }

    private void Skip(int missing)
    {
        Counters.GapBatches += missing;
        _history = missing >= HistoryBits ? 0 : _history << missing;
        _expected = unchecked(_expected + (uint)missing);
        _pendingGap = true;
    }

    // Releases held batches in order. When force is set, the first missing run is given up on.
    private void Release(List<StreamBatch> output, bool force)
    {
        while (_buffered > 0)
        {
            var head = _buffer[0];
            var d = SequenceNumber.Distance(_expected, head.Batch.Sequence);
            if (d < 0)
            {
                Counters.Late++;
                RemoveHead();
                continue;
            }

            if (d > 0)
            {
                if (!force)
                {
                    return;
                }

                Skip(d);
            }

            RemoveHead();
            Deliver(head.Batch, head.Arrival, output);
        }
    }

    private void Insert(Pending p)
    {
        var k = _buffered;
        while (k > 0 && SequenceNumber.IsNewer(_buffer[k - 1].Batch.Sequence, p.Batch.Sequence))
        {
            _buffer[k] = _buffer[k - 1];
            k--;
        }

        _buffer[k] = p;
        _buffered++;
    }

    private void RemoveHead()
    {
        Array.Copy(_buffer, 1, _buffer, 0, _buffered - 1);
        _buffered--;
        _buffer[_buffered] = default;
    }

    private readonly record struct Pending(AccelBatch Batch, DateTimeOffset Arrival);
}
