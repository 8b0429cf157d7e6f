using Edge.Firmware.Core;
using Edge.Protocol;

namespace Edge.Firmware.Tests;

/// <summary>A µs clock the test moves by hand.</summary>
internal sealed class FakeClock : IMicrosecondClock
{
    public long NowMicroseconds { get; set; }

    public void Advance(long us) => NowMicroseconds += us;
}

/// <summary>An accelerometer whose next reading the test sets (or computes from the read count).</summary>
internal sealed class FakeAccelerometer : IAccelerometer
{
    public FakeAccelerometer(int rangeG = 16) => RangeG = rangeG;

    public int RangeG { get; }

    /// <summary>Produces the reading for the n-th read (0-based); defaults to 1 g on z, x = read count (a marker).</summary>
    public Func<int, (short X, short Y, short Z)> Source { get; set; } = n => ((short)(n % 30000), 0, 2048);

    public bool Fail { get; set; }

    public int Reads { get; private set; }

    public bool Read(short[] xyz)
    {
        if (Fail)
        {
            return false;
        }

        var (x, y, z) = Source(Reads++);
        xyz[0] = x;
        xyz[1] = y;
        xyz[2] = z;
        return true;
    }
}

internal sealed class FakeBattery : IBattery
{
    public int Millivolts { get; set; } = 4000;

    public int Percent { get; set; } = 80;

    public bool Charging { get; set; }

    public bool ExternalPower { get; set; }

    public int Reads { get; private set; }

    public void Read(BatteryReading reading)
    {
        Reads++;
        reading.Millivolts = Millivolts;
        reading.StateOfChargePercent = Percent;
        reading.Charging = Charging;
        reading.ExternalPower = ExternalPower;
    }
}

/// <summary>One publish the node made, decoded.</summary>
internal sealed record Published(string Topic, byte[] Payload, int Qos, bool Retain, int MessageId, long AtUs)
{
    public DecodeResult Decoded => WireDecoder.Decode(Payload);
}

/// <summary>
/// An MQTT session under test control: connection state, scripted connect results, recorded
/// publishes, and acknowledgements the test sends (or that come automatically, optionally from
/// inside Publish to model an ack overtaking the call's return).
/// </summary>
internal sealed class FakePublisher : IMqttPublisher
{
    private readonly FakeClock _clock;
    private int _nextId;

    public FakePublisher(FakeClock clock) => _clock = clock;

    public event PublishAckedHandler? Acked;

    public bool IsConnected { get; set; }

    /// <summary>What the next Connect calls return (dequeued; when empty, <see cref="ConnectSucceeds"/>).</summary>
    public Queue<bool> ConnectResults { get; } = new();

    public bool ConnectSucceeds { get; set; } = true;

    public List<long> ConnectAttemptsUs { get; } = [];

    public List<Published> Messages { get; } = [];

    public bool AutoAck { get; set; } = true;

    public bool AckInsidePublish { get; set; }

    public int RssiDbm { get; set; } = -60;

    /// <summary>Runs on every failed connect (an adapter records its fault there).</summary>
    public Action? OnConnectFailed { get; set; }

    public bool Connect()
    {
        ConnectAttemptsUs.Add(_clock.NowMicroseconds);
        var ok = ConnectResults.Count > 0 ? ConnectResults.Dequeue() : ConnectSucceeds;
        IsConnected = ok;
        if (!ok)
        {
            OnConnectFailed?.Invoke();
        }

        return ok;
    }

    public int Publish(string topic, byte[] payload, int length, int qos, bool retain)
    {
        if (!IsConnected)
        {
            return 0;
        }

        _nextId = _nextId % 65535 + 1;
        var copy = payload.AsSpan(0, length).ToArray();
        Messages.Add(new Published(topic, copy, qos, retain, _nextId, _clock.NowMicroseconds));
        if (AutoAck && AckInsidePublish)
        {
            Acked?.Invoke(_nextId);
        }

        return _nextId;
    }

    /// <summary>Acknowledges every message not yet acknowledged (AutoAck mode, after Publish returned).</summary>
    public void AckAll()
    {
        foreach (var m in Messages.Where(m => !_acked.Contains(m.MessageId)).ToList())
        {
            Ack(m.MessageId);
        }
    }

    private readonly HashSet<int> _acked = [];

    public void Ack(int id)
    {
        _acked.Add(id);
        Acked?.Invoke(id);
    }

    public IEnumerable<AccelBatch> Batches => Messages.Where(m => m.Topic.EndsWith("/accel", StringComparison.Ordinal)).Select(m => m.Decoded.Accel!);

    public IEnumerable<DeviceEvent> Events => Messages.Where(m => m.Topic.EndsWith("/event", StringComparison.Ordinal)).Select(m => m.Decoded.Event!);

    public IEnumerable<DeviceStatus> Statuses => Messages.Where(m => m.Topic.EndsWith("/status", StringComparison.Ordinal)).Select(m => m.Decoded.DeviceStatus!);
}

/// <summary>Returns a fixed fraction of the range: 0 gives the smallest jitter, 1 the largest.</summary>
internal sealed class FakeRandom(double fraction) : IRandom
{
    public int Next(int maxExclusive) => Math.Min(maxExclusive - 1, (int)(fraction * maxExclusive));
}

/// <summary>A node with fakes around it, stepped like the device's two threads.</summary>
internal sealed class Rig
{
    public Rig(SensorSettings? settings = null, bool connected = true)
    {
        Settings = settings ?? Defaults();
        Publisher = new FakePublisher(Clock) { IsConnected = connected };
        Node = new SensorNode(Settings, Clock, Accel, Battery, Publisher, Random);
    }

    public SensorSettings Settings { get; }

    public FakeClock Clock { get; } = new();

    public FakeAccelerometer Accel { get; } = new();

    public FakeBattery Battery { get; } = new();

    public FakePublisher Publisher { get; }

    public FakeRandom Random { get; } = new(0.5);

    public SensorNode Node { get; }

    public static SensorSettings Defaults(DeviceMode mode = DeviceMode.Streaming)
    {
        var s = new SensorSettings
        {
            DeviceId = "dev-1",
            Site = "site-a",
            Mode = mode,
        };
        return s;
    }

    /// <summary>Runs both loops in 1 ms steps for <paramref name="us"/> µs, acknowledging every publish.</summary>
    public void Run(long us, bool ack = true)
    {
        var end = Clock.NowMicroseconds + us;
        while (Clock.NowMicroseconds < end)
        {
            Node.SampleIfDue();
            Node.ServiceNetwork();
            if (ack && Publisher.AutoAck && !Publisher.AckInsidePublish)
            {
                Publisher.AckAll();
            }

            Clock.Advance(1000);
        }
    }
}
