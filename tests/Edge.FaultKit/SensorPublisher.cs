using System.Net.Sockets;
using System.Text;
using Edge.Mqtt;
using Edge.Protocol;
using Edge.Recordings;
using Microsoft.Extensions.Logging;

namespace Edge.FaultKit;

/// <summary>
/// Publishes real protocol messages (the firmware's encoder) for simulated devices through a real
/// MQTT client (Edge.Mqtt). Each device has its own boot clock and sequence numbers, and a boot identity once it
/// has rebooted (<see cref="Reboot"/>; before that 0, "unknown", as a version 1 frame).
/// </summary>
public sealed class SensorPublisher : IAsyncDisposable
{
    public const int RateHz = 50;
    public const int SamplesPerBatch = 25;
    private const long PeriodUs = 1_000_000 / RateHz;

    private readonly MqttNetClient _client;
    private readonly string _site;
    private readonly Dictionary<string, DeviceClock> _devices = new(StringComparer.Ordinal);

    private SensorPublisher(MqttNetClient client, string site)
    {
        _client = client;
        _site = site;
    }

    /// <summary>Messages published so far (each is one message the gateway will handle).</summary>
    public long Published { get; private set; }

    /// <summary>Connects the sensors' client; its logs go to <paramref name="loggers"/> (a test's <c>TestEnvironment</c>) when given.</summary>
    public static async Task<SensorPublisher> ConnectAsync(string host, int port, string site, string? caFile = null, ILoggerFactory? loggers = null)
    {
        var options = new MqttClientOptions
        {
            Host = host,
            Port = port,
            ClientId = $"test-sensors-{Guid.NewGuid():N}"[..23],
            Tls = caFile is null ? null : new MqttTlsOptions { CaFile = caFile },
            ConnectRetryInitialDelay = TimeSpan.FromMilliseconds(200),
            ConnectRetryMaxDelay = TimeSpan.FromSeconds(1),
        };
        var client = new MqttNetClient(options, loggers?.CreateLogger<MqttNetClient>());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await client.ConnectAsync(cts.Token);
        return new SensorPublisher(client, site);
    }

    public Task PublishRawAsync(string deviceId, TopicKind kind, byte[] payload) => PublishAsync(Topics.For(_site, deviceId, kind), payload);

    public async Task PublishAsync(string topic, byte[] payload, bool retain = false)
    {
        await _client.PublishAsync(topic, payload, MqttQos.AtLeastOnce, retain, CancellationToken.None);
        Published++;
    }

    public Task StatusAsync(string deviceId, byte soc = 80, bool worn = true, bool externalPower = false)
    {
        var clock = Clock(deviceId);
        byte flags = DeviceStatus.FlagOnline;
        flags |= worn ? DeviceStatus.FlagWorn : (byte)0;
        flags |= externalPower ? DeviceStatus.FlagExternalPower : (byte)0;
        var status = new DeviceStatus
        {
            DeviceId = deviceId,
            BootId = clock.BootId,
            Sequence = clock.StatusSeq++,
            UptimeSeconds = (uint)(clock.TimeUs / 1_000_000) + 1,
            BatteryMillivolts = 3800,
            StateOfChargePercent = soc,
            Flags = flags,
            RssiDbm = -55,
            Mode = DeviceMode.Streaming,
            SampleRateHz = RateHz,
            FirmwareVersion = "1.0.0",
        };
        return PublishRawAsync(deviceId, TopicKind.Status, WireEncoder.ToBytes(status));
    }

    public Task ButtonAsync(string deviceId, bool retain = false)
    {
        var clock = Clock(deviceId);
        var e = new DeviceEvent { DeviceId = deviceId, BootId = clock.BootId, Sequence = clock.EventSeq++, Kind = EventKind.ButtonPress, DeviceTimeUs = (ulong)clock.TimeUs };
        return PublishAsync(Topics.For(_site, deviceId, TopicKind.Event), WireEncoder.ToBytes(e), retain);
    }

    /// <summary>Streams a recording (already at the device rate and range) as 25-sample batches; returns the batch count.</summary>
    public Task<int> StreamAsync(string deviceId, DeviceRecording recording) =>
        StreamAsync(deviceId, recording.X, recording.Y, recording.Z, recording.RangeG);

    /// <summary>Streams samples in g (at <see cref="RateHz"/>) as 25-sample batches; returns the batch count.</summary>
    public async Task<int> StreamAsync(string deviceId, float[] x, float[] y, float[] z, int rangeG)
    {
        var clock = Clock(deviceId);
        var batches = 0;
        for (var start = 0; start < x.Length; start += SamplesPerBatch)
        {
            var n = Math.Min(SamplesPerBatch, x.Length - start);
            var samples = new short[3 * n];
            for (var i = 0; i < n; i++)
            {
                samples[3 * i] = DeviceQuantizer.ToCounts(x[start + i], rangeG);
                samples[(3 * i) + 1] = DeviceQuantizer.ToCounts(y[start + i], rangeG);
                samples[(3 * i) + 2] = DeviceQuantizer.ToCounts(z[start + i], rangeG);
            }

            var batch = new AccelBatch
            {
                DeviceId = deviceId,
                BootId = clock.BootId,
                Sequence = clock.BatchSeq++,
                FirstSampleTimeUs = (ulong)clock.TimeUs,
                SamplePeriodUs = (uint)PeriodUs,
                RangeG = (byte)rangeG,
                SampleCount = n,
                Samples = samples,
            };
            clock.TimeUs += n * PeriodUs;
            await PublishRawAsync(deviceId, TopicKind.Accel, WireEncoder.ToBytes(batch));
            batches++;
        }

        return batches;
    }

    /// <summary>
    /// The device reboots: a new boot identity, and its sequence numbers and µs clock start again from where its
    /// first boot started (so its next messages reuse numbers and times the previous boot already sent).
    /// </summary>
    public void Reboot(string deviceId)
    {
        var clock = Clock(deviceId);
        uint boot;
        do
        {
            boot = (uint)Random.Shared.NextInt64(1, uint.MaxValue);
        }
        while (boot == clock.BootId);
        _devices[deviceId] = new DeviceClock { BootId = boot };
    }

    public async ValueTask DisposeAsync() => await _client.DisposeAsync();

    /// <summary>
    /// Connects a device with a last will over a raw MQTT 3.1.1 socket, then drops the TCP connection
    /// without DISCONNECT, as a device does when its battery dies or it leaves Wi-Fi coverage. The
    /// broker then publishes the will.
    /// </summary>
    public static async Task AbruptDisconnectAsync(string host, int port, string site, string deviceId)
    {
        var willTopic = Encoding.UTF8.GetBytes(Topics.For(site, deviceId, TopicKind.Status));
        var will = LastWill.Payload(deviceId);
        var clientId = Encoding.UTF8.GetBytes("dev-" + deviceId);
        var body = new List<byte> { 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 4 };
        body.Add(0x02 | 0x04 | 0x08 | 0x20); // clean session, will, will QoS 1, will retain
        body.AddRange([0, 30]); // keep-alive 30 s
        void Field(byte[] f)
        {
            body.Add((byte)(f.Length >> 8));
            body.Add((byte)f.Length);
            body.AddRange(f);
        }

        Field(clientId);
        Field(willTopic);
        Field(will);
        var packet = new List<byte> { 0x10 };
        var remaining = body.Count;
        do
        {
            var digit = (byte)(remaining % 128);
            remaining /= 128;
            packet.Add(remaining > 0 ? (byte)(digit | 0x80) : digit);
        }
        while (remaining > 0);
        packet.AddRange(body);

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(host, port);
        await socket.SendAsync(packet.ToArray());
        var connack = new byte[4];
        var read = 0;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (read < 4)
        {
            read += await socket.ReceiveAsync(connack.AsMemory(read), cts.Token);
        }

        if (connack[0] != 0x20 || connack[3] != 0)
        {
            throw new InvalidOperationException($"CONNACK refused: {Convert.ToHexString(connack)}");
        }

        socket.LingerState = new LingerOption(true, 0); // RST, not FIN + DISCONNECT
        socket.Close();
    }

    private DeviceClock Clock(string deviceId)
    {
        if (!_devices.TryGetValue(deviceId, out var c))
        {
            c = new DeviceClock();
            _devices[deviceId] = c;
        }

        return c;
    }

    private sealed class DeviceClock
    {
        public uint BootId { get; init; }

        public long TimeUs { get; set; } = 5_000_000;

        public uint BatchSeq { get; set; }

        public uint StatusSeq { get; set; }

        public uint EventSeq { get; set; }
    }
}
