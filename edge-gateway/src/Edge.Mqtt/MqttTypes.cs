namespace Edge.Mqtt;

/// <summary>MQTT quality of service.</summary>
public enum MqttQos
{
    /// <summary>At most once. Dropped by the library while disconnected.</summary>
    AtMostOnce = 0,

    /// <summary>At least once. Queued by the library while disconnected and sent after reconnect.</summary>
    AtLeastOnce = 1,

    /// <summary>Exactly once.</summary>
    ExactlyOnce = 2,
}

/// <summary>The MQTT protocol version a client speaks.</summary>
public enum MqttProtocolVersion
{
    /// <summary>MQTT 3.1.1, what the wearables' firmware speaks.</summary>
    V311 = 4,

    /// <summary>MQTT 5.0: adds the receive maximum (how many unacknowledged messages the broker may send).</summary>
    V500 = 5,
}

/// <summary>A message delivered by the broker. Topic and payload are owned by the receiver.</summary>
/// <param name="Topic">The topic the message was published on.</param>
/// <param name="Payload">The payload bytes (a private buffer).</param>
/// <param name="Qos">The QoS the message was delivered with.</param>
/// <param name="Retain">True when this is a retained message replayed on subscribe.</param>
public sealed record MqttMessage(string Topic, ReadOnlyMemory<byte> Payload, MqttQos Qos, bool Retain)
{
    /// <summary>
    /// The broker marked this delivery as a possible re-delivery (DUP): it sent it before on an earlier
    /// connection without getting an acknowledgement.
    /// </summary>
    public bool Duplicate { get; init; }

    /// <summary>
    /// True when the receiver must acknowledge this message with <see cref="IMqttClient.Acknowledge"/>
    /// (<see cref="MqttClientOptions.ManualAcknowledgement"/> and QoS 1 or 2). Until then the broker keeps
    /// it in flight and sends it again after a reconnect.
    /// </summary>
    public bool RequiresAcknowledgement => Acknowledgement is not null;

    /// <summary>The pending acknowledgement of a manually acknowledged delivery, or null.</summary>
    internal MqttAcknowledgement? Acknowledgement { get; init; }
}

/// <summary>What happened to a message handed to <see cref="IMqttClient.PublishAsync"/>.</summary>
public enum PublishStatus
{
    /// <summary>Accepted while connected; sent (QoS 0) or in flight until acknowledged.</summary>
    Accepted,

    /// <summary>
    /// QoS 1/2 published while disconnected: the client keeps it in its bounded outgoing queue and sends it
    /// after the reconnect. It must not be published again, or the broker gets a duplicate.
    /// </summary>
    QueuedWhileDisconnected,

    /// <summary>QoS 0 published while disconnected: QoS 0 is never queued for later, so it is lost.</summary>
    DroppedNotConnected,
}

/// <summary>The outcome of a publish.</summary>
/// <param name="MessageId">
/// The client's id for this publish (1–65535, wrapping; 0 when the message was dropped). It is what
/// <see cref="IMqttClient.PublishAcknowledged"/> reports, not necessarily the packet identifier on the wire.
/// </param>
/// <param name="Status">Whether the message was accepted, queued for after reconnect, or dropped.</param>
public readonly record struct PublishResult(int MessageId, PublishStatus Status);

/// <summary>
/// The broker acknowledged a QoS 1 publish (PUBACK) or completed a QoS 2 one (PUBCOMP). Raised by
/// <see cref="IMqttClient.PublishAcknowledged"/>; never for QoS 0, which the broker does not acknowledge.
/// </summary>
/// <param name="MessageId">The id <see cref="IMqttClient.PublishAsync"/> returned in <see cref="PublishResult.MessageId"/>.</param>
/// <param name="Qos">The QoS the message was published with (1 or 2).</param>
public readonly record struct MqttPublishAcknowledged(int MessageId, MqttQos Qos);

/// <summary>Kind of connection change.</summary>
public enum MqttConnectionEventKind
{
    /// <summary>The broker accepted the connection (CONNACK 0). Subscriptions have been re-sent.</summary>
    Connected,

    /// <summary>The connection was lost or closed. The client reconnects by itself unless it is disposed.</summary>
    Disconnected,

    /// <summary>A connect attempt failed (broker unreachable, refused, bad credentials). Retries continue.</summary>
    ConnectFailed,

    /// <summary>The TLS handshake failed (e.g. the broker's certificate verify failed against the configured CA).</summary>
    TlsError,
}

/// <summary>A connection state change, raised on the client's connection task: handlers must be quick.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="ReasonCode">The CONNACK or DISCONNECT reason code, 0 when not applicable.</param>
/// <param name="Message">Human-readable detail, e.g. the OpenSSL error line.</param>
public sealed record MqttConnectionEvent(MqttConnectionEventKind Kind, int ReasonCode, string Message);

/// <summary>Counters for metrics. Values only grow, except <see cref="OutgoingQueued"/>.</summary>
/// <param name="MessagesReceived">Messages delivered by the broker to this client.</param>
/// <param name="MessagesDroppedChannelFull">Delivered messages dropped because the incoming channel was full.</param>
/// <param name="MessagesPublished">Publishes completed (QoS 0: written; QoS 1/2: acknowledged by the broker).</param>
/// <param name="PublishesDroppedNotConnected">QoS 0 publishes lost because the client was not connected.</param>
/// <param name="PublishesQueuedWhileDisconnected">QoS 1/2 publishes queued while disconnected (sent after the reconnect).</param>
/// <param name="OutgoingQueued">Publishes waiting or in flight and not yet completed (bounded by the options).</param>
/// <param name="Reconnects">Successful connections after the first one.</param>
/// <param name="PublishesRefused">Publishes the broker refused (MQTT 5 reason codes) or that failed for a reason other than a lost connection; dropped and logged.</param>
/// <param name="StaleAcknowledgements">Manual acknowledgements not sent because the message arrived on a connection that is gone (the broker sends it again).</param>
/// <param name="AcknowledgementsSent">Manual acknowledgements written to the broker.</param>
public readonly record struct MqttClientStatistics(
    long MessagesReceived,
    long MessagesDroppedChannelFull,
    long MessagesPublished,
    long PublishesDroppedNotConnected,
    long PublishesQueuedWhileDisconnected,
    int OutgoingQueued,
    long Reconnects,
    long PublishesRefused = 0,
    long StaleAcknowledgements = 0,
    long AcknowledgementsSent = 0);

/// <summary>An MQTT operation failed.</summary>
public class MqttException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MqttException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public MqttException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public MqttException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The CONNACK or publish reason code, when there is one.</summary>
    public int ReasonCode { get; init; }
}

/// <summary>The connection could not be established and retrying will not help (TLS, credentials, refused).</summary>
public sealed class MqttConnectException : MqttException
{
    /// <summary>Creates the exception.</summary>
    public MqttConnectException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public MqttConnectException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public MqttConnectException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
