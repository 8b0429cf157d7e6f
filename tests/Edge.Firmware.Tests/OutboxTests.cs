using Edge.Firmware.Core;
using Edge.Protocol;
using static Edge.Firmware.Tests.OutboxFixture;

namespace Edge.Firmware.Tests;

/// <summary>The outbox on its own: telemetry and event slots, their limits, numbering and publishing order.</summary>
public class OutboxTests
{
    [Theory]
    [InlineData(DeviceMode.Streaming, 30, 1000, 5, 10, 32)] // 30 one-second batches + 2
    [InlineData(DeviceMode.Streaming, 1, 400, 5, 10, 5)] // 2.5 batches round up to 3, + 2
    [InlineData(DeviceMode.Triggered, 10, 1000, 5, 10, 17)] // a whole 15 s window outranks the 10 s buffer
    [InlineData(DeviceMode.Triggered, 30, 1000, 5, 10, 32)] // the buffer is longer than the window
    public void TelemetrySlotsFor_KeepsTheOfflineBufferOrAWholeWindow(DeviceMode mode, int bufferS, int batchMs, int preS, int postS, int expected)
    {
        var settings = new SensorSettings
        {
            Mode = mode,
            OfflineBufferSeconds = bufferS,
            BatchIntervalMs = batchMs,
            PreTriggerSeconds = preS,
            PostTriggerSeconds = postS,
        };

        Assert.Equal(expected, Outbox.TelemetrySlotsFor(settings));
    }

    [Fact]
    public void AddBatch_RingFull_DropsTheOldestAndFlagsTheNextAfterAGap()
    {
        var outbox = NewOutbox(telemetrySlots: 3);
        AddBatch(outbox, 1);
        AddBatch(outbox, 2);
        AddBatch(outbox, 3);
        Assert.Equal(0, outbox.DroppedBatches);

        AddBatch(outbox, 4);

        Assert.Equal(1, outbox.DroppedBatches);
        Assert.Equal(3, outbox.PendingBatches);
        Assert.Equal(3 * SamplesPerBatch, outbox.UnsentSamples);
        var next = outbox.TakeNextBatch()!;
        Assert.Equal(2, next.Samples[0]);
        Assert.Equal(1u, next.Sequence);
        Assert.NotEqual(0, next.Flags & AccelBatch.FlagAfterGap);
        var after = outbox.TakeNextBatch()!;
        Assert.Equal(0, after.Flags & AccelBatch.FlagAfterGap);
    }

    [Fact]
    public void AddBatch_RingFullWhileTheNextIsInFlight_DoesNotChangeTheBatchOnTheWire()
    {
        var outbox = NewOutbox(telemetrySlots: 3);
        AddBatch(outbox, 1);
        AddBatch(outbox, 2);
        PublishBatch(outbox, 11, 0);
        var second = PublishBatch(outbox, 12, 0);
        AddBatch(outbox, 3);

        AddBatch(outbox, 4); // drops batch 1, which was in flight too

        Assert.Equal(1, outbox.DroppedBatches);
        Assert.Equal(0, second.Flags & AccelBatch.FlagAfterGap);
        Assert.False(outbox.Acknowledge(11, 0)); // the dropped batch's ack matches nothing any more
        Assert.True(outbox.Acknowledge(12, 0));
    }

    [Fact]
    public void AddBatch_CopiesTheSamplesAndNumbersBatchesAcrossTheWrap()
    {
        var outbox = NewOutbox();
        outbox.SeedSequences(uint.MaxValue, 0);
        var samples = new short[3 * SamplesPerBatch];
        samples[0] = 7;
        outbox.AddBatch(samples, 2, firstSlot: 40, flags: AccelBatch.FlagTriggeredWindow);
        samples[0] = 8; // the caller reuses its buffer
        outbox.AddBatch(samples, 1, firstSlot: 42, flags: 0);

        var first = outbox.TakeNextBatch()!;
        var second = outbox.TakeNextBatch()!;

        Assert.Equal(7, first.Samples[0]);
        Assert.Equal(2, first.Count);
        Assert.Equal(40, first.FirstSlot);
        Assert.Equal(AccelBatch.FlagTriggeredWindow, first.Flags);
        Assert.Equal(uint.MaxValue, first.Sequence);
        Assert.Equal(8, second.Samples[0]);
        Assert.Equal(1, second.Count);
        Assert.Equal(42, second.FirstSlot);
        Assert.Equal(0u, second.Sequence);
        Assert.Equal(3, outbox.UnsentSamples);
    }

    [Fact]
    public void TakeNextBatch_MaxInFlightUnacknowledged_HoldsTheNextUntilOneIsAcknowledged()
    {
        var outbox = NewOutbox(telemetrySlots: Outbox.MaxTelemetryInFlight + 3);
        for (short i = 0; i < Outbox.MaxTelemetryInFlight + 2; i++)
        {
            AddBatch(outbox, i);
        }

        for (int id = 1; id <= Outbox.MaxTelemetryInFlight; id++)
        {
            PublishBatch(outbox, id, 0);
        }

        Assert.Null(outbox.TakeNextBatch());

        Assert.True(outbox.Acknowledge(3, 0));
        var next = outbox.TakeNextBatch()!;
        Assert.Equal(Outbox.MaxTelemetryInFlight, next.Samples[0]);
        Assert.Null(outbox.TakeNextBatch());
    }

    [Fact]
    public void EnqueueEvent_EverySlotHoldsATrigger_APressTakesTheOldestTriggersSlot()
    {
        var outbox = NewOutbox();
        for (int i = 0; i < Outbox.EventCapacity; i++)
        {
            outbox.EnqueueEvent(EventKind.ImpactTrigger, i, 2000 + i);
        }

        outbox.EnqueueEvent(EventKind.ButtonPress, 1000, 0);

        Assert.Equal(Outbox.EventCapacity, outbox.PendingEvents);
        Assert.Equal(1, outbox.RefusedTriggerEvents);
        var press = outbox.TakeNextEvent()!;
        Assert.Equal((EventKind.ButtonPress, (uint)Outbox.EventCapacity), (press.Kind, press.Sequence));
        var oldestLeft = outbox.TakeNextEvent()!;
        Assert.Equal(1u, oldestLeft.Sequence); // trigger 0 gave its slot
    }

    [Fact]
    public void EnqueueEvent_EverySlotHoldsAPress_APressIsCoalescedAndATriggerRefused()
    {
        var outbox = NewOutbox();
        for (int i = 0; i < Outbox.EventCapacity; i++)
        {
            outbox.EnqueueEvent(EventKind.ButtonPress, i, 0);
        }

        outbox.EnqueueEvent(EventKind.ButtonPress, 100, 0);
        outbox.EnqueueEvent(EventKind.FreeFallTrigger, 101, 300);

        Assert.Equal(1, outbox.CoalescedPresses);
        Assert.Equal(1, outbox.RefusedTriggerEvents);
        Assert.Equal(Outbox.EventCapacity, outbox.PendingEvents);

        // Neither took a sequence number: the next event queued after a slot frees continues from 32.
        PublishEvent(outbox, 5, 0);
        Assert.True(outbox.Acknowledge(5, 0));
        outbox.EnqueueEvent(EventKind.ButtonPress, 102, 0);
        var sequences = new List<uint>();
        while (outbox.TakeNextEvent() is { } e)
        {
            sequences.Add(e.Sequence);
        }

        Assert.Contains((uint)Outbox.EventCapacity, sequences);
    }

    [Fact]
    public void TakeNextEvent_PressesBeforeTriggersThenTheOldestAcrossTheWrap()
    {
        var outbox = NewOutbox();
        outbox.SeedSequences(0, uint.MaxValue - 1);
        outbox.EnqueueEvent(EventKind.ImpactTrigger, 1, 1800); // max - 1
        outbox.EnqueueEvent(EventKind.ButtonPress, 2, 0); // max
        outbox.EnqueueEvent(EventKind.FreeFallTrigger, 3, 400); // 0
        outbox.EnqueueEvent(EventKind.ButtonPress, 4, 0); // 1

        var order = new List<(EventKind, uint)>();
        while (outbox.TakeNextEvent() is { } e)
        {
            order.Add((e.Kind, e.Sequence));
        }

        var expected = new[] { (EventKind.ButtonPress, uint.MaxValue), (EventKind.ButtonPress, 1u), (EventKind.ImpactTrigger, uint.MaxValue - 1), (EventKind.FreeFallTrigger, 0u) };
        Assert.Equal(expected, order);
    }

    [Fact]
    public void EnqueueEvent_ValueAboveSixteenBits_IsCapped()
    {
        var outbox = NewOutbox();
        outbox.EnqueueEvent(EventKind.ImpactTrigger, 5, 70_000);

        var ev = outbox.TakeNextEvent()!;

        Assert.Equal((65535, 5L), (ev.Value, ev.TimeUs));
    }

    [Fact]
    public void Published_SlotTakenOverByAPressMeanwhile_LeavesThePressWaiting()
    {
        var outbox = NewOutbox();
        for (int i = 0; i < Outbox.EventCapacity; i++)
        {
            outbox.EnqueueEvent(EventKind.ImpactTrigger, i, 2000);
        }

        var oldest = outbox.TakeNextEvent()!; // trigger 0, handed to Publish
        outbox.EnqueueEvent(EventKind.ButtonPress, 99, 0); // every slot taken: the press takes trigger 0's

        outbox.Published(oldest, 5, 100);

        Assert.Same(oldest, outbox.TakeNextEvent()); // the slot now holds the press, still waiting
        Assert.Equal(EventKind.ButtonPress, oldest.Kind);
        Assert.False(outbox.Acknowledge(5, 100)); // the trigger's id does not release the press
    }
}
