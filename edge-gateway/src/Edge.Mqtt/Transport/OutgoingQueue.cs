using System.Threading.Channels;
using Edge.Logging;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;

namespace Edge.Mqtt.Transport;

/// <summary>
/// The client's outgoing side: a bounded queue of publishes (waiting or in flight), sent in order by one
/// sender task whenever a connection is up, at most <see cref="MqttClientOptions.MaxInflightMessages"/>
/// QoS 1/2 messages at a time. A QoS 1/2 message whose connection dropped before its PUBACK/PUBCOMP goes
/// back into the queue in its original place and is sent again on the next connection (at least once);
/// a QoS 0 one is counted as lost. Nothing is ever sent twice on purpose otherwise.
/// </summary>
internal sealed partial class OutgoingQueue : IAsyncDisposable
{
    private readonly MqttClientOptions _options;
    private readonly ILogger _logger;
    private readonly string _clientId;
    private readonly Func<MqttConnection?> _current;
    private readonly Action<int, MqttQos> _acknowledged;
    private readonly SemaphoreSlim _slots;
    private readonly Lock _lock = new();
    private readonly PriorityQueue<Outgoing, long> _pending = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private Task? _sender;
    private int _inflight;
    private bool _exclusive;
    private int _sendingGeneration;
    private long _sequence;
    private int _nextId;
    private int _queued;
    private long _published;
    private long _droppedNotConnected;
    private long _queuedWhileDisconnected;
    private long _refused;

    public OutgoingQueue(MqttClientOptions options, ILogger logger, string clientId, Func<MqttConnection?> current, Action<int, MqttQos> acknowledged)
    {
        _options = options;
        _logger = logger;
        _clientId = clientId;
        _current = current;
        _acknowledged = acknowledged;
        _slots = new SemaphoreSlim(options.OutgoingQueueCapacity);
    }

    public int Queued => Volatile.Read(ref _queued);

    public long Published => Interlocked.Read(ref _published);

    public long DroppedNotConnected => Interlocked.Read(ref _droppedNotConnected);

    public long QueuedWhileDisconnected => Interlocked.Read(ref _queuedWhileDisconnected);

    public long Refused => Interlocked.Read(ref _refused);

    public void Start() => _sender = Task.Run(SendLoopAsync);

    /// <summary>Something changed (a connection came up, a slot freed): the sender looks again.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    public async ValueTask<PublishResult> EnqueueAsync(string topic, ReadOnlyMemory<byte> payload, MqttQos qos, bool retain, bool connected, CancellationToken ct)
    {
        if (!_slots.Wait(0))
        {
            // The bounded queue is full: wait for completions (or cancellation).
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _stop.Token);
            await _slots.WaitAsync(linked.Token).ConfigureAwait(false);
        }

        if (!connected && qos == MqttQos.AtMostOnce)
        {
            _slots.Release();
            CountQos0Lost();
            return new PublishResult(0, PublishStatus.DroppedNotConnected);
        }

        var message = new MqttApplicationMessage
        {
            Topic = topic,
            PayloadSegment = payload.ToArray(), // the caller may reuse its buffer at once
            QualityOfServiceLevel = (MqttQualityOfServiceLevel)qos,
            Retain = retain,
        };
        var id = (int)((uint)Interlocked.Increment(ref _nextId) % 65535) + 1;
        lock (_lock)
        {
            var item = new Outgoing(++_sequence, id, qos, message);
            _pending.Enqueue(item, item.Sequence);
        }

        Interlocked.Increment(ref _queued);
        Wake();
        if (!connected && qos != MqttQos.AtMostOnce)
        {
            Interlocked.Increment(ref _queuedWhileDisconnected);
            return new PublishResult(id, PublishStatus.QueuedWhileDisconnected);
        }

        return new PublishResult(id, PublishStatus.Accepted);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _wake.Writer.TryComplete();
        if (_sender is not null)
        {
            await _sender.ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private async Task SendLoopAsync()
    {
        try
        {
            while (await _wake.Reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                _wake.Reader.TryRead(out _);
                SendWhatCan();
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    // Starts publishes in sequence order on the current connection. PublishAsync writes synchronously up
    // to MQTTnet's FIFO send lock, so starting them in order puts them on the wire in order.
    private void SendWhatCan()
    {
        while (!_stop.IsCancellationRequested)
        {
            var connection = _current();
            if (connection is null || !connection.Client.IsConnected)
            {
                return;
            }

            Outgoing item;
            lock (_lock)
            {
                if (connection.Generation != _sendingGeneration)
                {
                    // Messages still in flight on the old connection go back into the queue first, so
                    // they keep their place in the order.
                    if (_inflight > 0)
                    {
                        return;
                    }

                    _sendingGeneration = connection.Generation;
                }

                // QoS 2 is delivered by the broker at PUBREL, which comes after a round trip of its own: with
                // others in flight it could overtake or be overtaken. So a QoS 2 message goes alone.
                if (_inflight >= _options.MaxInflightMessages || _exclusive || !_pending.TryPeek(out item!, out _)
                    || (item.Qos == MqttQos.ExactlyOnce && _inflight > 0))
                {
                    return;
                }

                _pending.Dequeue();
                _inflight++;
                _exclusive = item.Qos == MqttQos.ExactlyOnce;
            }

            Task<MqttClientPublishResult> publish;
            try
            {
                publish = connection.Client.PublishAsync(item.Message, connection.Lifetime);
            }
#pragma warning disable CA1031 // Any failure to start is handled like a failed publish.
            catch (Exception e)
#pragma warning restore CA1031
            {
                publish = Task.FromException<MqttClientPublishResult>(e);
            }

            _ = CompleteAsync(item, publish);
        }
    }

    private async Task CompleteAsync(Outgoing item, Task<MqttClientPublishResult> publish)
    {
        var requeued = false;
        try
        {
            var result = await publish.ConfigureAwait(false);
            if (item.Qos == MqttQos.AtMostOnce || result.IsSuccess)
            {
                Interlocked.Increment(ref _published);
                if (item.Qos != MqttQos.AtMostOnce)
                {
                    _acknowledged(item.Id, item.Qos);
                }
            }
            else
            {
                // MQTT 5 only: the broker refused it (not authorized, quota, ...). Sending it again would be refused again.
                Interlocked.Increment(ref _refused);
                Log.PublishRefused(_logger, _clientId, item.Message.Topic, result.ReasonCode.ToString(), result.ReasonString ?? "");
            }
        }
        catch (Exception e) when (IsConnectionLoss(e))
        {
            if (item.Qos == MqttQos.AtMostOnce)
            {
                CountQos0Lost();
            }
            else if (!_stop.IsCancellationRequested)
            {
                lock (_lock)
                {
                    _pending.Enqueue(item, item.Sequence);
                }

                requeued = true;
            }
        }
#pragma warning disable CA1031 // A publish that fails for another reason is dropped and logged, never retried forever.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _refused);
            Log.PublishFailed(_logger, _clientId, item.Message.Topic, e);
        }
        finally
        {
            lock (_lock)
            {
                _inflight--;
                if (item.Qos == MqttQos.ExactlyOnce)
                {
                    _exclusive = false;
                }
            }

            if (!requeued)
            {
                Interlocked.Decrement(ref _queued);
                _slots.Release();
            }

            Wake();
        }
    }

    private static bool IsConnectionLoss(Exception e) =>
        e is MqttCommunicationException or OperationCanceledException or ObjectDisposedException;

    private void CountQos0Lost()
    {
        var dropped = Interlocked.Increment(ref _droppedNotConnected);
        if (dropped == 1 || dropped % 1000 == 0)
        {
            Log.Qos0DroppedNotConnected(_logger, _clientId, dropped);
        }
    }

    private sealed record Outgoing(long Sequence, int Id, MqttQos Qos, MqttApplicationMessage Message);

    private static partial class Log
    {
        [LoggerMessage(EventIds.MqttNotConnectedDropped, LogLevel.Warning, "MQTT client {ClientId} is not connected: {Dropped} QoS 0 publish(es) dropped so far")]
        public static partial void Qos0DroppedNotConnected(ILogger logger, string clientId, long dropped);

        [LoggerMessage(EventIds.MqttPublishRefused, LogLevel.Error, "MQTT broker refused a publish of client {ClientId} to {Topic}: {Reason} {Detail}")]
        public static partial void PublishRefused(ILogger logger, string clientId, string topic, string reason, string detail);

        [LoggerMessage(EventIds.MqttPublishFailed, LogLevel.Error, "MQTT client {ClientId}: a publish to {Topic} failed and is dropped")]
        public static partial void PublishFailed(ILogger logger, string clientId, string topic, Exception exception);
    }
}
