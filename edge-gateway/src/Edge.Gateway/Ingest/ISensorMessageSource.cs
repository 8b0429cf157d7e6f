using System.Threading.Channels;

namespace Edge.Gateway.Ingest;

/// <summary>A message from a sensor topic. The payload is owned by the receiver.</summary>
/// <param name="Topic">The MQTT topic.</param>
/// <param name="Payload">The payload.</param>
/// <param name="Retained">Replayed by the broker as a retained message.</param>
/// <param name="Receipt">
/// The acknowledgement the transport still awaits (null when none is due): ingest acknowledges only once
/// the message is processed far enough that a gateway crash cannot lose what it carries (<see cref="AcknowledgementLedger"/>).
/// </param>
public sealed record SensorMessage(string Topic, ReadOnlyMemory<byte> Payload, bool Retained = false, IDeliveryReceipt? Receipt = null);

/// <summary>
/// Where sensor messages come from: the seam between ingest and the MQTT transport. Production uses
/// <see cref="MqttSensorMessageSource"/>; tests may feed an in-memory channel.
/// </summary>
public interface ISensorMessageSource
{
    /// <summary>Messages as they arrive. Bounded by the transport; read promptly.</summary>
    ChannelReader<SensorMessage> Messages { get; }

    /// <summary>True while connected to the broker (for self-supervision).</summary>
    bool IsConnected { get; }

    /// <summary>Subscribes to <paramref name="topicFilters"/> and connects; returns once connected.</summary>
    Task StartAsync(IReadOnlyList<string> topicFilters, CancellationToken ct);

    /// <summary>Transport counters for diagnostics: received and dropped-before-ingest.</summary>
    (long Received, long DroppedByTransport) GetCounters();
}

/// <summary>A source over an in-process channel (tests, benchmarks, replay tools).</summary>
public sealed class ChannelSensorMessageSource(int capacity = 10_000) : ISensorMessageSource, IRetainedMessageClearer
{
    private readonly Channel<SensorMessage> _channel = Channel.CreateBounded<SensorMessage>(new BoundedChannelOptions(capacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
    });

    private long _received;

    public ChannelReader<SensorMessage> Messages => _channel.Reader;

    public bool IsConnected { get; set; } = true;

    public Task StartAsync(IReadOnlyList<string> topicFilters, CancellationToken ct)
    {
        TopicFilters = topicFilters;
        return Task.CompletedTask;
    }

    /// <summary>The filters ingest asked for.</summary>
    public IReadOnlyList<string> TopicFilters { get; private set; } = [];

    public (long Received, long DroppedByTransport) GetCounters() => (Interlocked.Read(ref _received), 0);

    /// <summary>Offers a message as if it came from the broker.</summary>
    public ValueTask PublishAsync(string topic, byte[] payload, CancellationToken ct = default)
    {
        Interlocked.Increment(ref _received);
        return _channel.Writer.WriteAsync(new SensorMessage(topic, payload), ct);
    }

    /// <summary>Offers a message as a broker replays a retained one to a new subscription (retain flag set).</summary>
    public ValueTask PublishRetainedAsync(string topic, byte[] payload, CancellationToken ct = default)
    {
        Interlocked.Increment(ref _received);
        return _channel.Writer.WriteAsync(new SensorMessage(topic, payload, Retained: true), ct);
    }

    /// <summary>Topics whose retained message ingest asked to delete, in order.</summary>
    public IReadOnlyList<string> ClearedTopics
    {
        get
        {
            lock (_cleared)
            {
                return [.. _cleared];
            }
        }
    }

    private readonly List<string> _cleared = [];

    public ValueTask<bool> ClearRetainedAsync(string topic, CancellationToken ct)
    {
        lock (_cleared)
        {
            _cleared.Add(topic);
        }

        return ValueTask.FromResult(true);
    }

    /// <summary>Ends the stream.</summary>
    public void Complete() => _channel.Writer.TryComplete();
}
