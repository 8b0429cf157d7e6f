using Edge.Firmware.Core;
using Edge.Mqtt;
using Edge.Protocol;
using Microsoft.Extensions.Logging;

namespace Edge.Simulator;

/// <summary>
/// One simulated device's MQTT connection (its own client id, credentials and last will, like a real
/// wearable; MQTT 3.1.1, as the wearable's firmware speaks).
/// </summary>
/// <remarks>
/// Acknowledgement: the broker's PUBACK for each QoS 1 message (<see cref="IMqttClient.PublishAcknowledged"/>)
/// is reported to the firmware core through <see cref="Acked"/>, so the core's retry-until-acknowledged
/// logic runs for real: a message without a PUBACK within ack_timeout_ms, or in flight when the session
/// drops, is published again (and the gateway drops the duplicate by its sequence number).
/// Connect: the client connects once and then reconnects by itself; <see cref="Connect"/> starts it
/// and afterwards reports its state.
/// </remarks>
internal sealed class MqttPublisherAdapter(MqttClientOptions options, ILogger<MqttNetClient>? logger) : IAsyncDisposable
{
    private MqttNetClient? _client;
    private int _sessions;

    /// <summary>Sessions the broker has accepted so far (the client reconnects by itself; this tells them apart).</summary>
    public int Sessions => Volatile.Read(ref _sessions);

    /// <summary>The broker acknowledged the QoS 1 message with this id (raised on the MQTT network thread).</summary>
    public event PublishAckedHandler? Acked;
    private Task? _connect;
    private readonly CancellationTokenSource _cts = new();

    /// <summary>Why the connection failed for good (TLS, credentials), or null.</summary>
    public string? FatalError { get; private set; }

    public bool IsConnected => _client is { IsConnected: true };

    public IMqttClient? Client => _client;

    public bool Connect()
    {
        if (_client is null)
        {
            _client = new MqttNetClient(options, logger);
            _client.PublishAcknowledged += (_, e) => Acked?.Invoke(e.MessageId);
            _client.ConnectionChanged += (_, e) =>
            {
                if (e.Kind == MqttConnectionEventKind.Connected)
                {
                    Interlocked.Increment(ref _sessions);
                }
            };
            _connect = _client.ConnectAsync(_cts.Token);
        }

        if (_connect is { IsFaulted: true } && FatalError is null)
        {
            FatalError = _connect.Exception?.GetBaseException().Message;
        }

        return IsConnected;
    }

    public int Publish(string topic, byte[] payload, int length, int qos, bool retain)
    {
        if (!IsConnected || _client is null)
        {
            return 0;
        }

        var pending = _client.PublishAsync(topic, payload.AsMemory(0, length), (MqttQos)qos, retain, _cts.Token);

        // Waits only when the client's bounded outgoing queue is full: back-pressure on the simulation loop.
        var result = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
        if (result.Status == PublishStatus.DroppedNotConnected || result.MessageId == 0)
        {
            return 0;
        }

        return result.MessageId;
    }

    /// <summary>
    /// The device's Wi-Fi is gone: the socket is cut without DISCONNECT (the broker publishes the
    /// device's last will) and the connection stays down until <see cref="RestoreNetwork"/>.
    /// </summary>
    public void LoseNetwork() => _client?.SimulateNetworkLoss(holdDown: true);

    /// <summary>The device is back in range: the connection reconnects.</summary>
    public void RestoreNetwork() => _client?.RestoreNetwork();

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        _cts.Dispose();
    }

    /// <summary>
    /// The options for a device's connection: client id site-device, its credentials, last will = that
    /// device's <see cref="LastWill"/> (retained).
    /// </summary>
    public static MqttClientOptions OptionsFor(SimulationOptions sim, string site, string deviceId, string? username, string? password) => new()
    {
        Host = sim.BrokerHost,
        Port = sim.BrokerPort,
        ClientId = $"{site}-{deviceId}",
        Username = username,
        Password = password,
        Tls = sim.TlsCaFile is null ? null : new MqttTlsOptions { CaFile = sim.TlsCaFile },
        KeepAlive = TimeSpan.FromSeconds(30),
        Will = new MqttWillOptions
        {
            Topic = Topics.For(site, deviceId, TopicKind.Status),
            Payload = LastWill.Payload(deviceId),
            Qos = MqttQos.AtLeastOnce,
            Retain = true,
        },
        ConnectRetryInitialDelay = TimeSpan.FromMilliseconds(500),
        ConnectRetryMaxDelay = TimeSpan.FromSeconds(30),
    };
}

/// <summary>
/// One simulated device's <see cref="IMqttPublisher"/>: its network-down switch and the broker's
/// acknowledgements over the device's own connection.
/// </summary>
/// <remarks>
/// The MQTT client reconnects by itself, but the wearable's does not: its firmware core sees
/// the session drop and connects again (then re-sends what was in flight and a fresh status). So a
/// session the core has not connected itself counts as "not connected" until the core's next
/// <see cref="Connect"/>.
/// </remarks>
internal sealed class DeviceLink : IMqttPublisher
{
    private readonly MqttPublisherAdapter _connection;
    private int _session = -1;

    public DeviceLink(MqttPublisherAdapter connection)
    {
        _connection = connection;
        connection.Acked += id => Acked?.Invoke(id);
    }

    public event PublishAckedHandler? Acked;

    public MqttPublisherAdapter Connection => _connection;

    /// <summary>Scenario "offline": the device behaves as if its Wi-Fi were gone.</summary>
    public bool NetworkDown { get; set; }

    public bool IsConnected => !NetworkDown && _connection.IsConnected && _connection.Sessions == _session;

    public int RssiDbm => NetworkDown ? 0 : -55;

    public bool Connect()
    {
        if (NetworkDown || !_connection.Connect())
        {
            return false;
        }

        _session = _connection.Sessions;
        return true;
    }

    public int Publish(string topic, byte[] payload, int length, int qos, bool retain)
    {
        if (NetworkDown)
        {
            return 0;
        }

        // The broker's PUBACK arrives later through Acked; 0 when the message was not accepted.
        return _connection.Publish(topic, payload, length, qos, retain);
    }
}
