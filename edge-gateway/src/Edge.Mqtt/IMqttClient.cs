using System.Threading.Channels;

namespace Edge.Mqtt;

/// <summary>
/// A narrow MQTT client: one connection that reconnects by itself, publish, subscribe, and a bounded
/// stream of received messages. The implementation (<see cref="MqttNetClient"/>) runs over MQTTnet.
/// </summary>
public interface IMqttClient : IAsyncDisposable
{
    /// <summary>
    /// Received messages. The channel is bounded (<see cref="MqttClientOptions.IncomingChannelCapacity"/>);
    /// when it is full, new messages are dropped and counted in
    /// <see cref="MqttClientStatistics.MessagesDroppedChannelFull"/> (and logged), unless
    /// <see cref="MqttClientOptions.ManualAcknowledgement"/> is set. Read it promptly.
    /// </summary>
    ChannelReader<MqttMessage> Messages { get; }

    /// <summary>True while the broker has accepted the connection.</summary>
    bool IsConnected { get; }

    /// <summary>Raised on connection changes and TLS errors, on the client's connection task: handlers must be quick.</summary>
    event EventHandler<MqttConnectionEvent>? ConnectionChanged;

    /// <summary>
    /// Raised once per QoS 1/2 publish when the broker acknowledges it (PUBACK; PUBCOMP for QoS 2), with
    /// the <see cref="PublishResult.MessageId"/> of that publish; also for a message queued while
    /// disconnected, once it has been sent after the reconnect and acknowledged. Never raised for QoS 0:
    /// the broker does not acknowledge those, so no acknowledgement is promised. A message the client
    /// still holds when it is disposed is never acknowledged.
    /// </summary>
    /// <remarks>
    /// Raised on a thread-pool thread, possibly before <see cref="PublishAsync"/> has returned to its caller:
    /// the message id can arrive here before the caller has seen it. Handlers must be quick and must not wait
    /// for a publish. A handler that throws is logged (event 1116) and does not stop the other handlers or the client.
    /// </remarks>
    event EventHandler<MqttPublishAcknowledged>? PublishAcknowledged;

    /// <summary>
    /// Connects, retrying with backoff while the broker is unreachable, until the broker accepts the
    /// connection. Later drops reconnect automatically, with the same backoff.
    /// </summary>
    /// <exception cref="MqttConnectException">The broker's certificate was refused, the credentials were refused, or another refusal that retrying cannot fix.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    Task ConnectAsync(CancellationToken ct);

    /// <summary>
    /// Publishes a message. The payload is copied. When <see cref="MqttClientOptions.OutgoingQueueCapacity"/>
    /// messages are already waiting or in flight, this waits for a free slot (or for <paramref name="ct"/>).
    /// It never retries by itself beyond what MQTT promises: a QoS 1/2 message published while disconnected is
    /// queued and sent after the reconnect (<see cref="PublishStatus.QueuedWhileDisconnected"/>); one in flight
    /// when the connection drops is sent again after the reconnect (at least once); a QoS 0 one is dropped
    /// and says so.
    /// </summary>
    /// <exception cref="ArgumentException">The topic is empty or contains wildcards.</exception>
    ValueTask<PublishResult> PublishAsync(string topic, ReadOnlyMemory<byte> payload, MqttQos qos, bool retain, CancellationToken ct);

    /// <summary>
    /// Adds a subscription. It is sent now if connected, and again on every (re)connect.
    /// </summary>
    void Subscribe(string topicFilter, MqttQos qos);

    /// <summary>
    /// Acknowledges a message received with <see cref="MqttClientOptions.ManualAcknowledgement"/> (PUBACK, or
    /// PUBREC for QoS 2), without waiting for the write. Does nothing for a message that needs no
    /// acknowledgement, one already acknowledged, or one received on an earlier connection (the broker sends
    /// that one again after the reconnect, and its new delivery is the one to acknowledge).
    /// </summary>
    void Acknowledge(MqttMessage message);

    /// <summary>Current counters for metrics.</summary>
    MqttClientStatistics GetStatistics();
}
