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
    private readonly Channel<SensorMessage> _messages;
    private readonly CancellationTokenSource _stop = new();
    private Task? _pump;

    public MqttSensorMessageSource(IMqttClient client, ILogger<MqttSensorMessageSource> logger, BrokerConnection? connection = null)
    {
        _client = client;
        _logger = logger;
        _messages = Channel.CreateBounded<SensorMessage>(new BoundedChannelOptions(1024) { SingleReader = true, SingleWriter = true });
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

    public ChannelReader<SensorMessage> Messages => _messages.Reader;

    public bool IsConnected => _client.IsConnected;

    public async Task StartAsync(IReadOnlyList<string> topicFilters, CancellationToken ct)
    {
        foreach (var filter in topicFilters)
        {
            _client.Subscribe(filter, MqttQos.AtLeastOnce);
        }

        await _client.ConnectAsync(ct).ConfigureAwait(false);
        _pump = Task.Run(PumpAsync, CancellationToken.None);
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

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_pump is not null)
        {
            await _pump.ConfigureAwait(false);
        }

        await _client.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    // A thin copy loop: the transport's record type stays out of ingest. Backpressure: this waits on the
    // small channel, so the transport's own bounded channel (counted drops) is the one buffer that fills.
    private async Task PumpAsync()
    {
        try
        {
            await foreach (var m in _client.Messages.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                var receipt = m.RequiresAcknowledgement ? new Receipt(_client, m) : null;
                await _messages.Writer.WriteAsync(new SensorMessage(m.Topic, m.Payload, m.Retain, receipt), _stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        finally
        {
            _messages.Writer.TryComplete();
        }
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
