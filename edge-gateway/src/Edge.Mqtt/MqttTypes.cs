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

/// <summary>A message delivered by the broker. Topic and payload are copies owned by the receiver.</summary>
/// <param name="Topic">The topic the message was published on.</param>
/// <param name="Payload">The payload bytes (a private copy).</param>
/// <param name="Qos">The QoS the message was delivered with.</param>
/// <param name="Retain">True when this is a retained message replayed on subscribe.</param>
public sealed record MqttMessage(string Topic, ReadOnlyMemory<byte> Payload, MqttQos Qos, bool Retain);

/// <summary>What happened to a message handed to <see cref="IMqttClient.PublishAsync"/>.</summary>
public enum PublishStatus
{
    /// <summary>Accepted by the library while connected; sent (QoS 0) or in flight until acknowledged.</summary>
    Accepted,

    /// <summary>
    /// QoS 1/2 published while disconnected: libmosquitto queued it (return code MOSQ_ERR_NO_CONN) and sends
    /// it after the reconnect. It must not be published again, or the broker gets a duplicate.
    /// </summary>
    QueuedWhileDisconnected,

    /// <summary>QoS 0 published while disconnected: the library does not queue these, so it is lost.</summary>
    DroppedNotConnected,
}

/// <summary>The outcome of a publish.</summary>
/// <param name="MessageId">The library's message id (0 when none was assigned).</param>
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

    /// <summary>The connection was lost or closed. The library reconnects by itself unless the client is disposed.</summary>
    Disconnected,

    /// <summary>A connect attempt failed (broker unreachable, refused, bad credentials). Retries continue.</summary>
    ConnectFailed,

    /// <summary>A TLS error reported by OpenSSL through the library log (e.g. certificate verify failed).</summary>
    TlsError,
}

/// <summary>A connection state change, raised on the library's network thread: handlers must be quick.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="ReasonCode">The libmosquitto or CONNACK code, 0 when not applicable.</param>
/// <param name="Message">Human-readable detail, e.g. the OpenSSL error line.</param>
public sealed record MqttConnectionEvent(MqttConnectionEventKind Kind, int ReasonCode, string Message);

/// <summary>Counters for metrics. Values only grow, except <see cref="OutgoingQueued"/>.</summary>
/// <param name="MessagesReceived">Messages delivered by the broker to this client.</param>
/// <param name="MessagesDroppedChannelFull">Delivered messages dropped because the incoming channel was full.</param>
/// <param name="MessagesPublished">Publishes acknowledged by the library (QoS 0: written; QoS 1/2: acked).</param>
/// <param name="PublishesDroppedNotConnected">QoS 0 publishes lost because the client was not connected.</param>
/// <param name="PublishesQueuedWhileDisconnected">QoS 1/2 publishes queued by the library while disconnected.</param>
/// <param name="OutgoingQueued">Publishes handed to the library and not yet acknowledged (bounded by the options).</param>
/// <param name="Reconnects">Successful connections after the first one.</param>
public readonly record struct MqttClientStatistics(
    long MessagesReceived,
    long MessagesDroppedChannelFull,
    long MessagesPublished,
    long PublishesDroppedNotConnected,
    long PublishesQueuedWhileDisconnected,
    int OutgoingQueued,
    long Reconnects);

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

    /// <summary>The libmosquitto or CONNACK code, when there is one.</summary>
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

/// <summary>libmosquitto is missing or unusable.</summary>
public sealed class MqttNativeLibraryException : MqttException
{
    /// <summary>Creates the exception.</summary>
    public MqttNativeLibraryException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public MqttNativeLibraryException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public MqttNativeLibraryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
