using MQTTnet;

namespace Edge.Mqtt;

/// <summary>
/// The acknowledgement a manually acknowledged delivery still owes the broker: MQTTnet's event args
/// (which send PUBACK/PUBREC with the delivery's packet id) and the connection it arrived on. A packet
/// id means nothing on a later connection, so an acknowledgement for an older connection is never sent.
/// </summary>
internal sealed class MqttAcknowledgement(MqttApplicationMessageReceivedEventArgs delivery, int connection)
{
    private int _claimed;

    public MqttApplicationMessageReceivedEventArgs Delivery { get; } = delivery;

    /// <summary>The connection generation the message arrived on.</summary>
    public int Connection { get; } = connection;

    /// <summary>True the first time only: an acknowledgement is sent at most once.</summary>
    public bool TryClaim() => Interlocked.Exchange(ref _claimed, 1) == 0;
}
