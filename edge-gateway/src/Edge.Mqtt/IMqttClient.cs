using System.Threading.Channels;

namespace Edge.Mqtt;

/// <summary>
/// A narrow MQTT 3.1.1 client: one connection, publish, subscribe, and a bounded stream of received
/// messages. The implementation (<see cref="MosquittoMqttClient"/>) wraps libmosquitto.
/// </summary>
public interface IMqttClient : IAsyncDisposable
{
    /// <summary>
    /// Received messages. The channel is bounded (<see cref="MqttClientOptions.IncomingChannelCapacity"/>);
    /// when it is full, new messages are dropped and counted in
    /// <see cref="MqttClientStatistics.MessagesDroppedChannelFull"/> (and logged). Read it promptly.
    /// </summary>
    ChannelReader<MqttMessage> Messages { get; }

    /// <summary>True while the broker has accepted the connection.</summary>
    bool IsConnected { get; }

    /// <summary>Raised on connection changes and TLS errors, on the library's network thread.</summary>
    event EventHandler<MqttConnectionEvent>? ConnectionChanged;

    /// <summary>
    /// Raised once per QoS 1/2 publish when the broker acknowledges it (PUBACK; PUBCOMP for QoS 2), with
    /// the <see cref="PublishResult.MessageId"/> of that publish; also for a message queued while
    /// disconnected, once it has been sent after the reconnect and acknowledged. Never raised for QoS 0:
    /// the broker does not acknowledge those, so no acknowledgement is promised. A message the library
    /// still holds when the client is disposed is never acknowledged.
    /// </summary>
    /// <remarks>
    /// Raised on the network thread (or, when the acknowledgement overtakes the return of
    /// <see cref="PublishAsync"/>, on the publishing thread just before it returns): the message id can
    /// arrive here before the caller has seen it. Handlers must be quick and must not wait for a publish
    /// (the network thread frees the slots a publish waits for). A handler that throws is logged
    /// (event 1116) and does not stop the other handlers or the client.
    /// </remarks>
    event EventHandler<MqttPublishAcknowledged>? PublishAcknowledged;

    /// <summary>
    /// Connects, retrying with backoff while the broker is unreachable, until the broker accepts the
    /// connection. Later drops reconnect automatically.
    /// </summary>
    /// <exception cref="MqttConnectException">TLS failure, bad credentials or another refusal.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    Task ConnectAsync(CancellationToken ct);

    /// <summary>
    /// Publishes a message. When <see cref="MqttClientOptions.OutgoingQueueCapacity"/> messages are
    /// already waiting for acknowledgement, this waits for a free slot (or for <paramref name="ct"/>).
    /// It never retries: a QoS 1/2 message published while disconnected is queued by the library
    /// (<see cref="PublishStatus.QueuedWhileDisconnected"/>); a QoS 0 one is dropped and says so.
    /// </summary>
    /// <exception cref="MqttException">The library rejected the message (e.g. invalid topic, payload too large).</exception>
    ValueTask<PublishResult> PublishAsync(string topic, ReadOnlyMemory<byte> payload, MqttQos qos, bool retain, CancellationToken ct);

    /// <summary>
    /// Adds a subscription. It is sent now if connected, and again on every (re)connect.
    /// </summary>
    void Subscribe(string topicFilter, MqttQos qos);

    /// <summary>Current counters for metrics.</summary>
    MqttClientStatistics GetStatistics();
}
