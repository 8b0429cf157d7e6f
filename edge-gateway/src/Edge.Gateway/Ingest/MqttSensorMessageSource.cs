using System.Threading.Channels;
using Edge.Mqtt;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Ingest;

/// <summary>
/// Adapter from the MQTT transport (<see cref="IMqttClient"/>, MQTTnet) to ingest. The client runs a
/// persistent session (fixed client id, QoS 1 subscriptions, MQTT 5 with a session that never expires)
/// with manual acknowledgement, so the broker keeps sensor messages while the gateway restarts, and keeps
/// those ingest has not finished with (see <see cref="AcknowledgementLedger"/>) across a crash.
/// </summary>
internal sealed partial class MqttSensorMessageSource : ISensorMessageSource, IRetainedMessageClearer, ISessionProbeChannel, IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly ILogger<MqttSensorMessageSource> _logger;
    private readonly MappingReader _messages;

    public MqttSensorMessageSource(IMqttClient client, ILogger<MqttSensorMessageSource> logger, BrokerConnection? connection = null)
    {
        _client = client;
        _logger = logger;
        _messages = new MappingReader(client);
        _client.ConnectionChanged += (_, e) =>
        {
            Log.ConnectionChanged(_logger, e.Kind.ToString(), e.ReasonCode, e.Message);
            if (e.Kind == MqttConnectionEventKind.Connected)
            {
                connection?.Connected();
            }
            else if (e.Kind is MqttConnectionEventKind.Disconnected or MqttConnectionEventKind.ConnectFailed)
            {
                connection?.Disconnected();
            }
        };
    }

    public ChannelReader<SensorMessage> Messages => _messages;

    public bool IsConnected => _client.IsConnected;

    public async Task StartAsync(IReadOnlyList<string> topicFilters, CancellationToken ct)
    {
        foreach (var filter in topicFilters)
        {
            _client.Subscribe(filter, MqttQos.AtLeastOnce);
        }

        await _client.ConnectAsync(ct).ConfigureAwait(false);
    }

    /// <summary>An empty retained publish deletes the topic's retained message (MQTT 3.1.1 §3.3.1.3).</summary>
    public async ValueTask<bool> ClearRetainedAsync(string topic, CancellationToken ct)
    {
        var result = await _client.PublishAsync(topic, ReadOnlyMemory<byte>.Empty, MqttQos.AtLeastOnce, retain: true, ct).ConfigureAwait(false);
        return result.Status != PublishStatus.DroppedNotConnected;
    }

    public async ValueTask<bool> PublishProbeAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        if (!_client.IsConnected)
        {
            return false;
        }

        var result = await _client.PublishAsync(topic, payload, MqttQos.AtLeastOnce, retain: false, ct).ConfigureAwait(false);
        return result.Status != PublishStatus.DroppedNotConnected;
    }

    public (long Received, long DroppedByTransport) GetCounters()
    {
        var s = _client.GetStatistics();
        return (s.MessagesReceived, s.MessagesDroppedChannelFull);
    }

    /// <summary>The transport's own counters (received, acknowledgements sent or stale, drops, reconnects).</summary>
    public MqttClientStatistics Statistics => _client.GetStatistics();

    public ValueTask DisposeAsync() => _client.DisposeAsync();

    // The transport's bounded channel, read through: each message becomes a SensorMessage as ingest takes it. No copy
    // loop and no second channel between them (one thread hand-off less per message; issue 13.6's profile), and the
    // transport's channel (counted drops, or the broker's window with manual acknowledgement) is the one buffer.
    private sealed class MappingReader(IMqttClient client) : ChannelReader<SensorMessage>
    {
        private readonly ChannelReader<MqttMessage> _inner = client.Messages;

        public override Task Completion => _inner.Completion;

        public override bool CanCount => _inner.CanCount;

        public override int Count => _inner.Count;

        public override bool TryRead([System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out SensorMessage item)
        {
            if (_inner.TryRead(out var m))
            {
                item = new SensorMessage(m.Topic, m.Payload, m.Retain, m.RequiresAcknowledgement ? new Receipt(client, m) : null);
                return true;
            }

            item = null;
            return false;
        }

        public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) => _inner.WaitToReadAsync(cancellationToken);
    }

    private sealed class Receipt(IMqttClient client, MqttMessage message) : IDeliveryReceipt
    {
        public void Acknowledge() => client.Acknowledge(message);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.SourceConnectionChanged, Level = LogLevel.Information, Message = "Broker connection: {Kind} (code {Code}) {Detail}")]
        public static partial void ConnectionChanged(ILogger logger, string kind, int code, string detail);
    }
}
