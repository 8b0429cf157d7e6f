using Edge.Firmware.Core;
using Edge.Protocol;

namespace Edge.Firmware.Tests;

public class ButtonTests
{
    [Fact]
    public void ButtonPressed_Connected_PublishesAtOnceWithQos1()
    {
        var rig = new Rig();
        rig.Run(500_000);
        var before = rig.Publisher.Messages.Count;
        rig.Node.ButtonPressed();
        var m = rig.Publisher.Messages[before];
        Assert.EndsWith("/event", m.Topic, StringComparison.Ordinal);
        Assert.Equal(1, m.Qos);
        Assert.Equal(EventKind.ButtonPress, m.Decoded.Event!.Kind);
        Assert.Equal((ulong)rig.Clock.NowMicroseconds, m.Decoded.Event.DeviceTimeUs);
    }

    [Fact]
    public void ButtonPressed_WithTelemetryBacklog_PressGoesFirst()
    {
        var rig = new Rig(connected: false);
        rig.Publisher.ConnectSucceeds = false;
        rig.Run(5_000_000);
        rig.Node.ButtonPressed();
        rig.Publisher.ConnectSucceeds = true;
        rig.Clock.Advance(120_000_000); // past any backoff
        rig.Node.ServiceNetwork();
        var first = rig.Publisher.Messages.First();
        Assert.Equal(EventKind.ButtonPress, first.Decoded.Event?.Kind);
        Assert.True(rig.Publisher.Batches.Count() >= 5);
    }

    [Fact]
    public void ButtonPressed_NoAck_ResentWithSameSequenceUntilAcked()
    {
        var rig = new Rig();
        rig.Publisher.AutoAck = false;
        rig.Run(100_000, ack: false);
        rig.Node.ButtonPressed();
        var press = rig.Publisher.Messages.Last();
        Assert.Equal(EventKind.ButtonPress, press.Decoded.Event!.Kind);

        // Not acknowledged: sent again after each ack timeout (10 s), always with the same sequence.
        rig.Run(35_000_000, ack: false);
        var presses = rig.Publisher.Messages.Where(m => m.Decoded.Event?.Kind == EventKind.ButtonPress).ToList();
        Assert.Equal(4, presses.Count); // t = 0.1 s, 10.1 s, 20.1 s, 30.1 s
        Assert.All(presses, p => Assert.Equal(press.Decoded.Event.Sequence, p.Decoded.Event!.Sequence));
        Assert.Equal(1, rig.Node.PendingEvents);

        rig.Publisher.Ack(presses[^1].MessageId);
        Assert.Equal(0, rig.Node.PendingEvents);
        rig.Run(30_000_000, ack: false);
        Assert.Equal(4, rig.Publisher.Messages.Count(m => m.Decoded.Event?.Kind == EventKind.ButtonPress));
    }

    [Fact]
    public void ButtonPressed_AckOfAnEarlierCopy_StopsRetries()
    {
        var rig = new Rig();
        rig.Publisher.AutoAck = false;
        rig.Run(100_000, ack: false);
        rig.Node.ButtonPressed();
        rig.Run(10_500_000, ack: false);
        var presses = rig.Publisher.Messages.Where(m => m.Decoded.Event?.Kind == EventKind.ButtonPress).ToList();
        Assert.Equal(2, presses.Count);

        // The first copy's ack arrives late: the second copy is in flight under another id, so the
        // node keeps the press until that one is acknowledged (duplicates are deduped by sequence).
        rig.Publisher.Ack(presses[0].MessageId);
        Assert.Equal(1, rig.Node.PendingEvents);
        rig.Publisher.Ack(presses[1].MessageId);
        Assert.Equal(0, rig.Node.PendingEvents);
    }

    [Fact]
    public void ButtonPressed_WhileDisconnected_SentAfterReconnectWithItsSequence()
    {
        var rig = new Rig();
        rig.Run(1_000_000);
        rig.Publisher.IsConnected = false;
        rig.Publisher.ConnectSucceeds = false;
        rig.Node.ButtonPressed();
        rig.Node.ButtonPressed(); // bounce: ignored
        rig.Clock.Advance(1_000_000);
        rig.Node.ButtonPressed(); // a second real press
        rig.Run(10_000_000);
        Assert.Empty(rig.Publisher.Events);
        Assert.Equal(2, rig.Node.PendingEvents);
        Assert.Equal(1, rig.Node.DebouncedPresses);

        rig.Publisher.ConnectSucceeds = true;
        rig.Run(70_000_000);
        var presses = rig.Publisher.Events.Where(e => e.Kind == EventKind.ButtonPress).ToList();
        Assert.Equal([0u, 1u], presses.Select(p => p.Sequence));
        Assert.Equal(0, rig.Node.PendingEvents);
    }

    [Fact]
    public void ButtonPressed_InFlightWhenConnectionDrops_ResentAfterReconnect()
    {
        var rig = new Rig();
        rig.Publisher.AutoAck = false;
        rig.Run(100_000, ack: false);
        rig.Node.ButtonPressed();
        var seq = rig.Publisher.Events.Single().Sequence;
        rig.Publisher.IsConnected = false;   // the PUBACK never comes
        rig.Run(2_000_000, ack: false);      // reconnects (immediately: first attempt has no delay)
        var copies = rig.Publisher.Events.Where(e => e.Kind == EventKind.ButtonPress).ToList();
        Assert.Equal(2, copies.Count);
        Assert.All(copies, c => Assert.Equal(seq, c.Sequence));
    }

    [Fact]
    public void ButtonPressed_AckDuringPublish_IsNotResent()
    {
        var rig = new Rig();
        rig.Publisher.AckInsidePublish = true;
        rig.Run(100_000);
        rig.Node.ButtonPressed();
        rig.Run(30_000_000);
        Assert.Single(rig.Publisher.Events);
        Assert.Equal(0, rig.Node.PendingEvents);
        Assert.Equal(0, rig.Node.PendingBatches);
    }

    [Fact]
    public void ButtonPressed_Debounce_OnlyPressesFartherApartThanDebounceCount()
    {
        var rig = new Rig();
        rig.Node.ButtonPressed();
        rig.Clock.Advance(299_000);
        rig.Node.ButtonPressed();
        rig.Clock.Advance(301_000);
        rig.Node.ButtonPressed(); // 301 ms after the last accepted one... the bounce at 299 ms did not reset it
        var seqs = rig.Publisher.Events.Select(e => e.Sequence).ToList();
        Assert.Equal([0u, 1u], seqs);
        Assert.Equal(1, rig.Node.DebouncedPresses);
    }

    [Fact]
    public void EventSequence_Wraps()
    {
        var rig = new Rig();
        rig.Node.SeedSequences(0, uint.MaxValue);
        rig.Node.ButtonPressed();
        rig.Clock.Advance(1_000_000);
        rig.Node.ButtonPressed();
        Assert.Equal([uint.MaxValue, 0u], rig.Publisher.Events.Select(e => e.Sequence));
    }

    [Fact]
    public void ButtonPressed_EventQueueFullOfTriggers_PressTakesTheOldestTriggerSlot()
    {
        // Triggered mode, offline, an impact every 20 s for long enough to fill the event slots.
        var settings = Rig.Defaults(DeviceMode.Triggered);
        var rig = new Rig(settings, connected: false);
        rig.Publisher.ConnectSucceeds = false;
        rig.Accel.Source = n => n % 1000 == 500 ? ((short)0, (short)0, (short)6144) : ((short)0, (short)0, (short)2048);
        rig.Run((SensorNode.EventCapacity + 2) * 20_000_000L);
        Assert.Equal(SensorNode.EventCapacity, rig.Node.PendingEvents);
        Assert.Equal(2, rig.Node.RefusedTriggerEvents);

        rig.Node.ButtonPressed();
        Assert.Equal(3, rig.Node.RefusedTriggerEvents);
        Assert.Equal(0, rig.Node.CoalescedPresses);
        rig.Publisher.ConnectSucceeds = true;
        rig.Run(70_000_000);
        Assert.Equal(EventKind.ButtonPress, rig.Publisher.Events.First().Kind);
    }
}

public class StreamingAndBufferTests
{
    [Fact]
    public void Streaming_OneBatchPerIntervalWithConsecutiveSequences()
    {
        var rig = new Rig();
        rig.Run(10_000_000);
        var batches = rig.Publisher.Batches.ToList();
        Assert.Equal(10, batches.Count);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (uint)i), batches.Select(b => b.Sequence));
        Assert.All(batches, b =>
        {
            Assert.Equal(50, b.SampleCount);
            Assert.Equal(16, b.RangeG);
            Assert.Equal(20_000u, b.SamplePeriodUs);
            Assert.Equal(0, b.Flags);
        });
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (ulong)i * 1_000_000), batches.Select(b => b.FirstSampleTimeUs));

        // Sample n of the whole stream is the n-th reading.
        var x = batches.SelectMany(b => Enumerable.Range(0, b.SampleCount).Select(i => (int)b.Samples[3 * i])).ToList();
        Assert.Equal(Enumerable.Range(0, 500), x);
    }

    [Fact]
    public void Streaming_SequenceWrapsFromMaxToZero()
    {
        var rig = new Rig();
        rig.Node.SeedSequences(uint.MaxValue - 1, 0);
        rig.Run(3_000_000);
        Assert.Equal([uint.MaxValue - 1, uint.MaxValue, 0u], rig.Publisher.Batches.Select(b => b.Sequence));
    }

    [Fact]
    public void Offline_BufferFull_DropsOldestFirstAndCounts()
    {
        var rig = new Rig(connected: false);
        rig.Publisher.ConnectSucceeds = false;
        rig.Run(50_000_000); // 50 batches made; the buffer keeps 30 s + 2 slots
        Assert.Equal(32, rig.Node.PendingBatches);
        Assert.Equal(18, rig.Node.DroppedBatches);
        Assert.Equal(32 * 50, rig.Node.BufferedUnsentSamples);
        Assert.Equal(32 * 50, rig.Node.SnapshotStatus().BufferedUnsent);
        Assert.Equal(18u, rig.Node.SnapshotStatus().DroppedBatches);

        rig.Publisher.IsConnected = true; // the session is back (no backoff wait, so no further drops)
        rig.Run(20_000);
        var batches = rig.Publisher.Batches.ToList();

        // The oldest 18 are gone; the survivors come first, oldest first, the first flagged after a gap.
        Assert.Equal(18u, batches[0].Sequence);
        Assert.Equal(AccelBatch.FlagAfterGap, batches[0].Flags & AccelBatch.FlagAfterGap);
        Assert.Equal(Enumerable.Range(18, batches.Count).Select(i => (uint)i), batches.Select(b => b.Sequence));
        Assert.Equal(0, rig.Node.PendingBatches);
        Assert.Equal(18u, rig.Publisher.Statuses.Last().DroppedBatches);
    }

    [Fact]
    public void Offline_TelemetryOverflow_NeverDropsEvents()
    {
        var rig = new Rig(connected: false);
        rig.Publisher.ConnectSucceeds = false;
        rig.Run(1_000_000);
        rig.Node.ButtonPressed();
        rig.Run(100_000_000);
        Assert.True(rig.Node.DroppedBatches > 0);
        Assert.Equal(1, rig.Node.PendingEvents);
        rig.Publisher.ConnectSucceeds = true;
        rig.Run(70_000_000);
        Assert.Equal(EventKind.ButtonPress, Assert.Single(rig.Publisher.Events).Kind);
    }

    [Fact]
    public void InFlightWindow_StopsAtEightUnackedBatches()
    {
        var rig = new Rig();
        rig.Publisher.AutoAck = false;
        rig.Run(9_500_000, ack: false); // 9 batches, under the 10 s ack timeout
        Assert.Equal(SensorNode.MaxTelemetryInFlight, rig.Publisher.Batches.Count());
        Assert.Equal(9, rig.Node.PendingBatches);
        rig.Publisher.AckAll();
        rig.Run(1_000, ack: false);
        Assert.Equal(SensorNode.MaxTelemetryInFlight + 1, rig.Publisher.Batches.Count());
        Assert.Equal(1, rig.Node.PendingBatches);
    }
}
