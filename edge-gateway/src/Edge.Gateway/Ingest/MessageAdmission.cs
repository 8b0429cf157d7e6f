using Edge.Gateway.Diagnostics;
using Edge.Gateway.Registry;
using Edge.Protocol;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Ingest;

/// <summary>What ingest did with an offered message.</summary>
internal enum OfferOutcome
{
    Queued,
    ForeignTopic,
    Ignored,
    BrokerStatus,
    UnknownDevice,
    Oversize,
    QueueFull,
    RetainedRefused,
}

/// <summary>
/// The reader's side of ingest: decides, cheaply and without blocking, which arriving messages go into a device's
/// queue (<see cref="FairScheduler"/>). The broker's drop counter and the gateway's session probe (<see cref="BrokerHealth"/>) are read here and go no further. Refused, each
/// counted and logged (<see cref="IngestRefusals"/>): a topic that is not one of this site's sensor topics, a device
/// not in the registry, a payload over <see cref="WireFormat.MaxMessageSize"/> (before it can occupy queue memory),
/// and anything beyond the queues' bounds. A retained event or batch is a replay from the broker, never news: it is
/// refused and deleted from the broker (<see cref="RetainedMessageGuard"/>). Config topics (gateway to device) and
/// empty payloads (how the broker echoes a deleted retained message) are ignored. Decoding happens later, on the
/// worker (<see cref="MessageHandler"/>).
/// </summary>
internal sealed partial class MessageAdmission(
    IngestOptions options,
    IDeviceRegistry registry,
    BrokerHealth broker,
    RetainedMessageGuard retained,
    FairScheduler scheduler,
    IngestRefusals refusals,
    TimeProvider time,
    GatewayMetrics metrics,
    ILogger logger)
{
    /// <summary>Routes a message to its device's queue, or says why not. Thread-safe against the worker.</summary>
    public OfferOutcome Admit(SensorMessage message)
    {
        if (message.Topic == BrokerHealth.DroppedTopic)
        {
            var dropped = broker.Report(message.Payload.Span);
            if (dropped > 0)
            {
                Log.BrokerDropped(logger, dropped, broker.Dropped);
            }

            return OfferOutcome.BrokerStatus;
        }

        if (message.Topic == broker.ProbeTopic)
        {
            broker.ProbeReturned(message.Payload.Span); // the gateway's own session probe, back through its session
            return OfferOutcome.BrokerStatus;
        }

        var arrival = time.GetUtcNow();
        refusals.Totals.Received();
        if (!Topics.TryParse(message.Topic, out var site, out var deviceId, out var kind) || site != options.SiteId)
        {
            refusals.ForeignTopic(message.Topic);
            return OfferOutcome.ForeignTopic;
        }

        if (kind == TopicKind.Config || message.Payload.Length == 0)
        {
            return OfferOutcome.Ignored; // gateway -> device; or an empty message, which is how a retained message is deleted
        }

        // A retained event or batch is a replay from the broker, never news: raising it would repeat an old alarm
        // at every start (issue 16). It is refused and deleted from the broker.
        if (message.Retained && kind is TopicKind.Event or TopicKind.Accel)
        {
            retained.Refuse(deviceId, kind, message.Topic);
            return OfferOutcome.RetainedRefused;
        }

        metrics.MessageReceived(Topics.Leaf(kind));
        if (!scheduler.TryGetDevice(deviceId, out var device))
        {
            if (!registry.TryGetAssignment(deviceId, out var assignment))
            {
                refusals.UnknownDevice(deviceId, kind);
                return OfferOutcome.UnknownDevice;
            }

            device = scheduler.GetOrAddDevice(deviceId, assignment, registry.Version);
        }

        if (message.Payload.Length > WireFormat.MaxMessageSize)
        {
            // Refused before queueing, so an oversized payload never occupies queue memory.
            refusals.Malformed(device, DecodeResult.Name(DecodeStatus.Oversize), message.Payload.Length);
            return OfferOutcome.Oversize;
        }

        var queued = scheduler.Enqueue(device, new PendingMessage(kind, message.Payload, arrival, message.Retained, message.Receipt));
        if (queued != EnqueueOutcome.Queued)
        {
            refusals.QueueFull(device, kind, queued);
            return OfferOutcome.QueueFull;
        }

        return OfferOutcome.Queued;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.BrokerDroppedMessages, Level = LogLevel.Error, Message = "The broker dropped {Dropped} messages ({Total} since it started): a subscriber fell behind its max_queued_messages; sensor data may be lost")]
        public static partial void BrokerDropped(ILogger logger, long dropped, long total);
    }
}
