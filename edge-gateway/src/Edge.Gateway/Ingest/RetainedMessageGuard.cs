using System.Threading.Channels;
using Edge.Gateway.Diagnostics;
using Edge.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Ingest;

/// <summary>
/// A message source that can delete a retained message from the broker (an empty retained publish on its topic).
/// </summary>
public interface IRetainedMessageClearer
{
    /// <summary>Deletes the retained message on <paramref name="topic"/>; true when the broker took the request.</summary>
    ValueTask<bool> ClearRetainedAsync(string topic, CancellationToken ct);
}

/// <summary>
/// Retained messages are never news. A broker replays a retained message to every new subscription, so a
/// call-button press or an acceleration batch published with the retain flag (by a cloned sensor, once) would
/// be raised again at every gateway start, even after the sensor's credentials were revoked. Ingest therefore
/// never queues a retained event or acceleration batch (<see cref="SensorMessage.Retained"/>, the transport's
/// MQTT retain flag, which the broker sets only on such replays) and asks this guard to delete it from the broker
/// (the site ACL lets the gateway write accel and event topics for this alone). Status stays retained on purpose:
/// it is the device's last known state; a retired device's is deleted by <c>provision retire device</c>. A genuine press published while the
/// gateway was away is not lost: the broker queues it in the gateway's persistent session and delivers that copy
/// as new (retain flag clear). Deletions run on their own loop, never on the reader, and at most once per topic
/// at a time.
/// </summary>
internal sealed partial class RetainedMessageGuard(ISensorMessageSource source, TimeProvider time, ILogger<RetainedMessageGuard> logger) : BackgroundService
{
    private const int MaxPending = 1000;
    private readonly Channel<string> _pending = Channel.CreateBounded<string>(new BoundedChannelOptions(MaxPending) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    private readonly HashSet<string> _queued = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly RateLimitedLog _rateLimit = new(time, TimeSpan.FromMinutes(1));
    private long _ignored;
    private long _cleared;

    /// <summary>Retained events and batches ingest refused.</summary>
    public long Ignored => Interlocked.Read(ref _ignored);

    /// <summary>Retained messages deleted from the broker.</summary>
    public long Cleared => Interlocked.Read(ref _cleared);

    /// <summary>A retained event or batch arrived: count it, say so, and delete it from the broker.</summary>
    public void Refuse(string deviceId, TopicKind kind, string topic)
    {
        Interlocked.Increment(ref _ignored);
        if (_rateLimit.ShouldLog("retained:" + deviceId, out var suppressed))
        {
            Log.RetainedIgnored(logger, Topics.Leaf(kind), deviceId, topic, suppressed);
        }

        Clear(topic);
    }

    /// <summary>Queues the deletion of the retained message on <paramref name="topic"/> (once while it waits).</summary>
    public void Clear(string topic)
    {
        lock (_lock)
        {
            if (!_queued.Add(topic))
            {
                return;
            }
        }

        if (!_pending.Writer.TryWrite(topic))
        {
            lock (_lock)
            {
                _queued.Remove(topic); // full: it is asked again the next time the message is seen
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (source is not IRetainedMessageClearer clearer)
        {
            return; // an in-process source without a broker: nothing is retained anywhere
        }

        try
        {
            await foreach (var topic in _pending.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                lock (_lock)
                {
                    _queued.Remove(topic);
                }

                try
                {
                    if (await clearer.ClearRetainedAsync(topic, stoppingToken).ConfigureAwait(false))
                    {
                        Interlocked.Increment(ref _cleared);
                        Log.RetainedCleared(logger, topic);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Log.ClearFailed(logger, e, topic);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.RetainedMessageIgnored, Level = LogLevel.Warning, Message = "Ignored a retained {Kind} from {DeviceId} on {Topic}: a retained message is a replay, never a new alarm; deleting it from the broker. {Suppressed} more since the last report")]
        public static partial void RetainedIgnored(ILogger logger, string kind, string deviceId, string topic, long suppressed);

        [LoggerMessage(EventId = EventIds.RetainedMessageCleared, Level = LogLevel.Information, Message = "Deleted the retained message on {Topic} from the broker")]
        public static partial void RetainedCleared(ILogger logger, string topic);

        [LoggerMessage(EventId = EventIds.RetainedMessageClearFailed, Level = LogLevel.Warning, Message = "Could not delete the retained message on {Topic}; it is ignored whenever it is replayed and deleted at its next replay")]
        public static partial void ClearFailed(ILogger logger, Exception exception, string topic);
    }
}
