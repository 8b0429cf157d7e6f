using Edge.Firmware.Core;

namespace Edge.Firmware.Tests;

/// <summary>An outbox with small batches, and the steps the node takes to publish from it.</summary>
internal static class OutboxFixture
{
    public const long AckTimeoutUs = 10_000_000;
    public const int SamplesPerBatch = 4;

    public static Outbox NewOutbox(int telemetrySlots = 6) => new(telemetrySlots, SamplesPerBatch, AckTimeoutUs);

    /// <summary>Queues a batch whose samples all carry <paramref name="marker"/> on x.</summary>
    public static void AddBatch(Outbox outbox, short marker, int count = SamplesPerBatch, long firstSlot = 0, byte flags = 0)
    {
        var samples = new short[3 * SamplesPerBatch];
        for (int i = 0; i < count; i++)
        {
            samples[3 * i] = marker;
        }

        outbox.AddBatch(samples, count, firstSlot, flags);
    }

    /// <summary>Takes the next batch and records it as published under <paramref name="messageId"/>.</summary>
    public static TelemetrySlot PublishBatch(Outbox outbox, int messageId, long nowUs)
    {
        var batch = outbox.TakeNextBatch()!;
        outbox.Published(batch, messageId, nowUs);
        return batch;
    }

    /// <summary>Takes the next event and records it as published under <paramref name="messageId"/>.</summary>
    public static EventSlot PublishEvent(Outbox outbox, int messageId, long nowUs)
    {
        var ev = outbox.TakeNextEvent()!;
        outbox.Published(ev, messageId, nowUs);
        return ev;
    }
}
