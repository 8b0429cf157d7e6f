using Edge.Firmware.Core;
using Edge.Protocol;
using static Edge.Firmware.Tests.OutboxFixture;

namespace Edge.Firmware.Tests;

/// <summary>The outbox on its own: acknowledgement matching (also early and status acknowledgements), expiry and resends.</summary>
public class OutboxAcknowledgementTests
{
    [Fact]
    public void Acknowledge_BatchesOutOfOrder_ReleasesThemFromTheFrontOnly()
    {
        var outbox = NewOutbox();
        AddBatch(outbox, 1);
        AddBatch(outbox, 2);
        PublishBatch(outbox, 21, 0);
        PublishBatch(outbox, 22, 0);

        Assert.True(outbox.Acknowledge(22, 0));
        Assert.Equal(2, outbox.PendingBatches); // the first still holds the front
        Assert.Equal(SamplesPerBatch, outbox.UnsentSamples);

        Assert.True(outbox.Acknowledge(21, 0));
        Assert.Equal(0, outbox.PendingBatches);
        Assert.Equal(0, outbox.UnsentSamples);
    }

    [Fact]
    public void Acknowledge_Event_FreesItsSlotOnce()
    {
        var outbox = NewOutbox();
        outbox.EnqueueEvent(EventKind.ButtonPress, 0, 0);
        PublishEvent(outbox, 9, 0);

        Assert.True(outbox.Acknowledge(9, 0));
        Assert.Equal(0, outbox.PendingEvents);
        Assert.False(outbox.Acknowledge(9, 0)); // a duplicate acknowledgement matches nothing
    }

    [Fact]
    public void Acknowledge_StatusId_MatchesTheAwaitedStatusOnly()
    {
        var outbox = NewOutbox();
        outbox.StatusPublished(40);

        Assert.False(outbox.Acknowledge(41, 0));
        Assert.True(outbox.Acknowledge(40, 0));
        Assert.False(outbox.Acknowledge(40, 0));
    }

    [Fact]
    public void Acknowledge_IdZero_NeverMatches()
    {
        var outbox = NewOutbox();
        outbox.EnqueueEvent(EventKind.ButtonPress, 0, 0);
        outbox.TakeNextEvent(); // in flight, Publish has not returned an id yet

        Assert.False(outbox.Acknowledge(0, 0));
        Assert.Equal(1, outbox.PendingEvents);
    }

    [Fact]
    public void ClaimEarlyAck_AckOvertookPublish_AppliesItWhenPublishReturnsTheId()
    {
        var outbox = NewOutbox();
        outbox.EnqueueEvent(EventKind.ButtonPress, 0, 0);
        var ev = outbox.TakeNextEvent()!;

        Assert.False(outbox.Acknowledge(77, 1_000)); // before Publish returned 77: kept
        outbox.Published(ev, 77, 2_000);
        Assert.True(outbox.ClaimEarlyAck(77, 2_000));

        Assert.Equal(0, outbox.PendingEvents);
        Assert.False(outbox.ClaimEarlyAck(77, 2_000)); // used up
    }

    [Fact]
    public void ClaimEarlyAck_KeptLongerThanTheAckTimeout_IsIgnored()
    {
        var outbox = NewOutbox();
        outbox.EnqueueEvent(EventKind.ButtonPress, 0, 0);
        var ev = outbox.TakeNextEvent()!;
        outbox.Acknowledge(77, 0);
        outbox.Published(ev, 77, AckTimeoutUs);

        Assert.False(outbox.ClaimEarlyAck(77, AckTimeoutUs));
        Assert.Equal(1, outbox.PendingEvents);
    }

    [Fact]
    public void ClearEarlyAcks_NewSession_ForgetsAcknowledgementsOfTheOldOne()
    {
        var outbox = NewOutbox();
        outbox.EnqueueEvent(EventKind.ButtonPress, 0, 0);
        var ev = outbox.TakeNextEvent()!;
        outbox.Acknowledge(5, 0);

        outbox.ClearEarlyAcks();
        outbox.Published(ev, 5, 1);

        Assert.False(outbox.ClaimEarlyAck(5, 1));
        Assert.Equal(1, outbox.PendingEvents);
    }

    [Fact]
    public void Acknowledge_MoreUnknownIdsThanKept_KeepsTheLatest()
    {
        var outbox = NewOutbox();
        for (int id = 1; id <= Outbox.EarlyAckSlots + 1; id++)
        {
            outbox.Acknowledge(id, 0);
        }

        Assert.False(outbox.ClaimEarlyAck(1, 0)); // overwritten by the seventeenth
        Assert.True(outbox.ClaimEarlyAck(2, 0));
        Assert.True(outbox.ClaimEarlyAck(Outbox.EarlyAckSlots + 1, 0));
    }

    [Fact]
    public void ExpireInFlight_AckTimeoutPassed_ResendsTheSameMessage()
    {
        var outbox = NewOutbox();
        outbox.EnqueueEvent(EventKind.ButtonPress, 0, 0);
        AddBatch(outbox, 1);
        var ev = PublishEvent(outbox, 1, 1_000);
        var batch = PublishBatch(outbox, 2, 2_000);

        outbox.ExpireInFlight(1_000 + AckTimeoutUs - 1);
        Assert.Null(outbox.TakeNextEvent());
        Assert.Equal(0, outbox.Resends);

        outbox.ExpireInFlight(1_000 + AckTimeoutUs);
        Assert.Same(ev, outbox.TakeNextEvent());
        Assert.Null(outbox.TakeNextBatch());
        Assert.Equal(1, outbox.Resends);
        outbox.Published(ev, 3, 1_000 + AckTimeoutUs);

        outbox.ExpireInFlight(2_000 + AckTimeoutUs);
        Assert.Same(batch, outbox.TakeNextBatch());
        Assert.Equal(2, outbox.Resends);
        Assert.Equal(0u, ev.Sequence);
        Assert.Equal(0u, batch.Sequence);
    }

    [Fact]
    public void ExpireInFlight_PublishNotReturnedYet_IsNotExpired()
    {
        var outbox = NewOutbox();
        outbox.EnqueueEvent(EventKind.ButtonPress, 0, 0);
        outbox.TakeNextEvent(); // handed to Publish, which has not returned (no message id)

        outbox.ExpireInFlight(10 * AckTimeoutUs);

        Assert.Null(outbox.TakeNextEvent());
        Assert.Equal(0, outbox.Resends);
    }

    [Fact]
    public void ExpiredMessage_AckOfTheFirstCopyAfterTheResend_DoesNotRelease()
    {
        var outbox = NewOutbox();
        outbox.EnqueueEvent(EventKind.ButtonPress, 0, 0);
        PublishEvent(outbox, 1, 0);
        outbox.ExpireInFlight(AckTimeoutUs);
        PublishEvent(outbox, 2, AckTimeoutUs);

        Assert.False(outbox.Acknowledge(1, AckTimeoutUs));
        Assert.Equal(1, outbox.PendingEvents);
        Assert.True(outbox.Acknowledge(2, AckTimeoutUs));
        Assert.Equal(0, outbox.PendingEvents);
    }

    [Fact]
    public void RequeueInFlight_SessionDropped_PutsBackEverythingInFlightAsResends()
    {
        var outbox = NewOutbox();
        outbox.EnqueueEvent(EventKind.ButtonPress, 0, 0);
        outbox.EnqueueEvent(EventKind.ImpactTrigger, 0, 2000);
        AddBatch(outbox, 1);
        AddBatch(outbox, 2);
        PublishEvent(outbox, 1, 0);
        outbox.TakeNextEvent(); // in flight without an id: still put back
        PublishBatch(outbox, 3, 0);

        outbox.RequeueInFlight();

        Assert.Equal(3, outbox.Resends);
        Assert.NotNull(outbox.TakeNextEvent());
        Assert.NotNull(outbox.TakeNextEvent());
        Assert.Equal(1, outbox.TakeNextBatch()!.Samples[0]);
        Assert.Equal(2, outbox.TakeNextBatch()!.Samples[0]);
    }

    [Fact]
    public void NotPublished_SessionRefused_WaitsAgainWithoutCountingAResend()
    {
        var outbox = NewOutbox();
        outbox.EnqueueEvent(EventKind.ButtonPress, 0, 0);
        AddBatch(outbox, 1);
        var ev = outbox.TakeNextEvent()!;
        var batch = outbox.TakeNextBatch()!;

        outbox.NotPublished(ev);
        outbox.NotPublished(batch);

        Assert.Same(ev, outbox.TakeNextEvent());
        Assert.Same(batch, outbox.TakeNextBatch());
        Assert.Equal(0, outbox.Resends);
    }
}
