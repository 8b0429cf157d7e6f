using Edge.Gateway.Diagnostics;
using Edge.Protocol;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Ingest;

/// <summary>
/// Counts, meters and logs every sensor message ingest refuses, whether refused on arrival (<see cref="MessageAdmission"/>)
/// or once decoded (<see cref="MessageHandler"/>): per device (<see cref="DeviceChannel"/>), site-wide (<see cref="Totals"/>)
/// and in <see cref="GatewayMetrics"/>. Each repeated warning is logged at most once per
/// <see cref="IngestOptions.WarningLogInterval"/> per device and reason, with the number suppressed since. Thread-safe.
/// </summary>
internal sealed partial class IngestRefusals(GatewayMetrics metrics, RateLimitedLog rateLimit, ILogger logger)
{
    /// <summary>Site-wide counters.</summary>
    public IngestTotalsCounter Totals { get; } = new();

    /// <summary>A message on a topic that is not one of this site's sensor topics.</summary>
    public void ForeignTopic(string topic)
    {
        Totals.Foreign();
        metrics.MessageReceived("foreign");
        if (rateLimit.ShouldLog("foreign", out var suppressed))
        {
            Log.ForeignTopic(logger, topic, suppressed);
        }
    }

    /// <summary>A message from a device the registry does not know.</summary>
    public void UnknownDevice(string deviceId, TopicKind kind)
    {
        UnknownDevice(deviceId);
        if (rateLimit.ShouldLog("unknown:" + deviceId, out var suppressed))
        {
            Log.UnknownDevice(logger, deviceId, Topics.Leaf(kind), suppressed);
        }
    }

    /// <summary>A queued message of a device removed from the registry since (counted, not logged).</summary>
    public void UnknownDevice(string deviceId)
    {
        Totals.Unknown(deviceId);
        metrics.UnknownDevice();
    }

    /// <summary>A payload that is too big, does not decode, or does not match its topic.</summary>
    public void Malformed(DeviceChannel device, string reason, int length)
    {
        device.CountMalformed(reason);
        metrics.DecodeFailed(reason);
        if (rateLimit.ShouldLog("malformed:" + device.DeviceId + ":" + reason, out var suppressed))
        {
            Log.Malformed(logger, device.DeviceId, reason, length, suppressed);
        }
    }

    /// <summary>A payload on the device's topic that names another device (or a last will naming another device).</summary>
    public void DeviceIdMismatch(DeviceChannel device, string payloadDevice)
    {
        device.DeviceIdMismatches++;
        metrics.DeviceIdMismatch();
        if (rateLimit.ShouldLog("mismatch:" + device.DeviceId, out var suppressed))
        {
            Log.DeviceIdMismatch(logger, device.DeviceId, payloadDevice, suppressed);
        }
    }

    /// <summary>A message dropped because the queues were full (the device already counted it).</summary>
    public void QueueFull(DeviceChannel device, TopicKind kind, EnqueueOutcome outcome)
    {
        if (outcome == EnqueueOutcome.TotalFull)
        {
            metrics.QueueDropped("total_full");
            if (rateLimit.ShouldLog("queue-total", out var suppressedTotal))
            {
                Log.QueueOverflow(logger, device.DeviceId, "any (total queue full)", device.QueueDropped, suppressedTotal);
            }

            return;
        }

        metrics.QueueDropped(Topics.Leaf(kind));
        if (rateLimit.ShouldLog("queue:" + device.DeviceId, out var suppressed))
        {
            Log.QueueOverflow(logger, device.DeviceId, Topics.Leaf(kind), device.QueueDropped, suppressed);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.UnknownDevice, Level = LogLevel.Warning, Message = "Ignoring {Kind} from unknown device {DeviceId} (not in the registry); {Suppressed} more since the last report")]
        public static partial void UnknownDevice(ILogger logger, string deviceId, string kind, long suppressed);

        [LoggerMessage(EventId = EventIds.MalformedPayload, Level = LogLevel.Warning, Message = "Malformed payload from {DeviceId}: {Reason} ({Length} bytes); {Suppressed} more of these since the last report")]
        public static partial void Malformed(ILogger logger, string deviceId, string reason, int length, long suppressed);

        [LoggerMessage(EventId = EventIds.DeviceIdMismatch, Level = LogLevel.Warning, Message = "Dropped a payload on {TopicDevice}'s topic that claims to be from {PayloadDevice}; {Suppressed} more since the last report")]
        public static partial void DeviceIdMismatch(ILogger logger, string topicDevice, string payloadDevice, long suppressed);

        [LoggerMessage(EventId = EventIds.DeviceQueueOverflow, Level = LogLevel.Warning, Message = "Device {DeviceId} is sending faster than it can be processed: dropping its {Kind} messages ({Dropped} dropped so far); {Suppressed} more since the last report")]
        public static partial void QueueOverflow(ILogger logger, string deviceId, string kind, long dropped, long suppressed);

        [LoggerMessage(EventId = EventIds.ForeignTopic, Level = LogLevel.Warning, Message = "Ignoring a message on {Topic}: not a sensor topic of this site; {Suppressed} more since the last report")]
        public static partial void ForeignTopic(ILogger logger, string topic, long suppressed);
    }
}
