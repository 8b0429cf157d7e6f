using Edge.Gateway.Streams;
using Edge.Protocol;

namespace Edge.Gateway.Tests.Streams;

public class DeviceStreamTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly List<StreamBatch> _out = [];

    private static DeviceStream NewStream(int window = 4) => new(window, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), 16);

    private static AccelBatch B(uint seq, ulong? firstUs = null) => Messages.Still("dev1", seq, firstUs ?? (ulong)(seq % 100_000) * 500_000);

    private uint[] Seqs() => [.. _out.Select(o => o.Batch.Sequence)];

    [Fact]
    public void Push_InOrder_DeliversEachOnce()
    {
        var s = NewStream();
        for (uint i = 10; i < 15; i++)
        {
            s.Push(B(i), T0, _out);
        }

        Assert.Equal([10u, 11, 12, 13, 14], Seqs());
        Assert.Equal(0, s.Counters.GapBatches);
        Assert.DoesNotContain(_out.Skip(1), o => o.AfterGap);
    }

    [Fact]
    public void Push_SequenceWrapsPastUInt32Max_StaysInOrderWithoutGap()
    {
        var s = NewStream();
        foreach (var seq in new uint[] { 0xFFFFFFFE, 0xFFFFFFFF, 0, 1 })
        {
            s.Push(B(seq, (ulong)_out.Count * 500_000), T0, _out);
        }

        Assert.Equal([0xFFFFFFFEu, 0xFFFFFFFF, 0, 1], Seqs());
        Assert.Equal(0, s.Counters.GapBatches);
        Assert.Equal(0, s.Counters.Late);
    }

    [Fact]
    public void Push_Duplicate_IsDroppedAndCounted()
    {
        var s = NewStream();
        s.Push(B(1), T0, _out);
        s.Push(B(2), T0, _out);
        s.Push(B(2), T0, _out);
        s.Push(B(1), T0, _out);

        Assert.Equal([1u, 2], Seqs());
        Assert.Equal(2, s.Counters.Duplicates);
    }

    [Fact]
    public void Push_ReorderedWithinWindow_DeliveredInSequenceOrder()
    {
        var s = NewStream();
        s.Push(B(1), T0, _out);
        s.Push(B(3), T0, _out);
        s.Push(B(4), T0, _out);
        Assert.Equal([1u], Seqs());

        s.Push(B(2), T0, _out);

        Assert.Equal([1u, 2, 3, 4], Seqs());
        Assert.Equal(0, s.Counters.GapBatches);
        Assert.Equal(2, s.Counters.Reordered);
    }

    [Fact]
    public void Push_DuplicateOfHeldBatch_IsCountedOnce()
    {
        var s = NewStream();
        s.Push(B(1), T0, _out);
        s.Push(B(3), T0, _out);
        s.Push(B(3), T0, _out);
        s.Push(B(2), T0, _out);

        Assert.Equal([1u, 2, 3], Seqs());
        Assert.Equal(1, s.Counters.Duplicates);
    }

    [Fact]
    public void Flush_MissingBatchNotArrivedWithinTimeout_CountsGapAndReleasesRest()
    {
        var s = NewStream();
        s.Push(B(1), T0, _out);
        s.Push(B(3), T0.AddMilliseconds(100), _out);

        s.Flush(T0.AddMilliseconds(600), _out);
        Assert.Equal([1u], Seqs());

        s.Flush(T0.AddMilliseconds(1100), _out);
        Assert.Equal([1u, 3], Seqs());
        Assert.Equal(1, s.Counters.GapBatches);
        Assert.True(_out[1].AfterGap);
    }

    [Fact]
    public void Push_LateAfterGapGivenUp_IsCountedLateNotDelivered()
    {
        var s = NewStream();
        s.Push(B(1), T0, _out);
        s.Push(B(3), T0, _out);
        s.Flush(T0.AddSeconds(2), _out);

        s.Push(B(2), T0.AddSeconds(2), _out);

        Assert.Equal([1u, 3], Seqs());
        Assert.Equal(1, s.Counters.Late);
        Assert.Equal(0, s.Counters.Duplicates);
    }

    [Fact]
    public void Push_WindowOverflows_GivesUpOnMissingBatch()
    {
        var s = NewStream(window: 2);
        s.Push(B(1), T0, _out);
        s.Push(B(3), T0, _out);
        s.Push(B(4), T0, _out);

        Assert.Equal([1u, 3, 4], Seqs());
        Assert.Equal(1, s.Counters.GapBatches);
    }

    [Fact]
    public void Push_JumpBeyondWindow_CountsEveryMissingBatch()
    {
        var s = NewStream();
        s.Push(B(1), T0, _out);
        s.Push(B(101), T0, _out);

        Assert.Equal([1u, 101], Seqs());
        Assert.Equal(99, s.Counters.GapBatches);
        Assert.True(_out[1].AfterGap);
    }

    [Fact]
    public void Push_TimestampsGoBackFar_TreatedAsRebootAndRestarted()
    {
        var s = NewStream();
        s.Push(B(500, 600_000_000), T0, _out);
        s.Push(B(501, 600_500_000), T0, _out);

        s.Push(B(0, 100_000), T0.AddSeconds(5), _out);
        s.Push(B(1, 600_000), T0.AddSeconds(5), _out);

        Assert.Equal([500u, 501, 0, 1], Seqs());
        Assert.Equal(1, s.Counters.Reboots);
        Assert.True(_out[2].AfterGap);
        Assert.Equal(0, s.Counters.Duplicates + s.Counters.Late);
    }

    [Fact]
    public void Push_RedeliveredOldBatch_IsDuplicateNotReboot()
    {
        var s = NewStream();
        for (uint i = 0; i < 40; i++)
        {
            s.Push(B(i), T0, _out);
        }

        s.Push(B(5), T0, _out);

        Assert.Equal(0, s.Counters.Reboots);
        Assert.Equal(1, s.Counters.Duplicates);
    }

    [Fact]
    public void Push_ManyDevicesWorthOfBatches_HoldsAtMostWindow()
    {
        var s = NewStream(window: 4);
        s.Push(B(0), T0, _out);
        for (uint i = 2; i < 1000; i++)
        {
            s.Push(B(i), T0, _out);
            Assert.True(s.Buffered <= 4);
        }
    }

    [Fact]
    public void Push_NewBootIdSecondsAfterTheLastBoot_RestartsInsteadOfDroppingItsBatchesAsDuplicates()
    {
        var s = NewStream();
        for (uint i = 0; i < 5; i++)
        {
            s.Push(Boot(B(i), 0xA1), T0, _out);
        }

        // Rebooted after 5 s: the same sequence numbers and device times again, but a new boot identity.
        for (uint i = 0; i < 5; i++)
        {
            s.Push(Boot(B(i), 0xB2), T0, _out);
        }

        Assert.Equal([0u, 1, 2, 3, 4, 0, 1, 2, 3, 4], Seqs());
        Assert.Equal(0, s.Counters.Duplicates);
        Assert.Equal(1, s.Counters.Reboots);
        Assert.True(_out[5].AfterGap); // the detector never scores across the reboot
    }

    [Fact]
    public void Push_BatchOfTheEarlierBootAfterTheNewOne_IsLateNotARestart()
    {
        var s = NewStream();
        s.Push(Boot(B(0), 0xA1), T0, _out);
        s.Push(Boot(B(0), 0xB2), T0, _out);
        s.Push(Boot(B(1), 0xA1), T0, _out); // a straggler of the old boot
        s.Push(Boot(B(1), 0xB2), T0, _out);

        Assert.Equal([0u, 0, 1], Seqs());
        Assert.Equal(1, s.Counters.Late);
        Assert.Equal(1, s.Counters.Reboots);
    }

    private static AccelBatch Boot(AccelBatch b, uint bootId)
    {
        b.BootId = bootId;
        return b;
    }
}
