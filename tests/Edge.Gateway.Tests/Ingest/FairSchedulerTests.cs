using Edge.Gateway.Ingest;
using Edge.Gateway.Registry;
using Edge.Protocol;

namespace Edge.Gateway.Tests.Ingest;

/// <summary>The fair scheduler on its own: per-device lanes, round-robin turns of a few messages, the two bounds, the sweep.</summary>
public class FairSchedulerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TryNextMessage_FloodingDevice_OtherDevicesServedBetweenItsTurns()
    {
        var scheduler = new FairScheduler(new IngestOptions { FairnessQuantum = 4 });
        var flood = Device(scheduler, "flood");
        var quiet = Device(scheduler, "quiet");
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(EnqueueOutcome.Queued, scheduler.Enqueue(flood, Message(TopicKind.Accel, i)));
        }

        Assert.Equal(EnqueueOutcome.Queued, scheduler.Enqueue(quiet, Message(TopicKind.Event, 100)));
        Assert.Equal(11, scheduler.Queued);

        Assert.Equal(["flood:0", "flood:1", "flood:2", "flood:3", "quiet:100", "flood:4", "flood:5", "flood:6", "flood:7", "flood:8", "flood:9"], ServeAll(scheduler));
        Assert.Equal(0, scheduler.Queued);
    }

    [Fact]
    public void TryNextMessage_StatusAndEventsQueuedBehindBatches_ServedFirst()
    {
        var scheduler = new FairScheduler(new IngestOptions { FairnessQuantum = 2 });
        var device = Device(scheduler, "dev1");
        scheduler.Enqueue(device, Message(TopicKind.Accel, 1));
        scheduler.Enqueue(device, Message(TopicKind.Accel, 2));
        scheduler.Enqueue(device, Message(TopicKind.Event, 3));
        scheduler.Enqueue(device, Message(TopicKind.Status, 4));

        Assert.Equal(["dev1:3", "dev1:4", "dev1:1", "dev1:2"], ServeAll(scheduler));
    }

    [Fact]
    public void Enqueue_DevicesLaneFull_DropsOnlyThatDevicesMessages()
    {
        var scheduler = new FairScheduler(new IngestOptions { DeviceQueueCapacity = 2 });
        var full = Device(scheduler, "full");
        var other = Device(scheduler, "other");

        Assert.Equal(EnqueueOutcome.Queued, scheduler.Enqueue(full, Message(TopicKind.Accel, 1)));
        Assert.Equal(EnqueueOutcome.Queued, scheduler.Enqueue(full, Message(TopicKind.Accel, 2)));
        Assert.Equal(EnqueueOutcome.DeviceFull, scheduler.Enqueue(full, Message(TopicKind.Accel, 3)));
        Assert.Equal(EnqueueOutcome.Queued, scheduler.Enqueue(full, Message(TopicKind.Event, 4))); // its control lane is separate
        Assert.Equal(EnqueueOutcome.Queued, scheduler.Enqueue(other, Message(TopicKind.Accel, 5)));

        Assert.Equal((4, 1), (full.Received, full.QueueDropped));
        Assert.Equal(4, scheduler.Queued);
    }

    [Fact]
    public void Enqueue_TotalBoundReached_DropsAndCountsOnTheDeviceUntilServed()
    {
        var scheduler = new FairScheduler(new IngestOptions { MaxQueuedMessages = 100, DeviceQueueCapacity = 1000 });
        var a = Device(scheduler, "a");
        var b = Device(scheduler, "b");
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(EnqueueOutcome.Queued, scheduler.Enqueue(a, Message(TopicKind.Accel, i)));
        }

        Assert.Equal(EnqueueOutcome.TotalFull, scheduler.Enqueue(b, Message(TopicKind.Accel, 1000)));
        Assert.Equal((1, 1), (b.Received, b.QueueDropped));

        Assert.True(scheduler.TryNextTurn(out var device, out _));
        var served = 0;
        Assert.True(scheduler.TryNextMessage(device!, ref served, out _));
        Assert.Equal(EnqueueOutcome.Queued, scheduler.Enqueue(b, Message(TopicKind.Accel, 1001)));
    }

    [Fact]
    public void Enqueue_DeviceAlreadyReady_NotQueuedForASecondTurn()
    {
        var scheduler = new FairScheduler(new IngestOptions { FairnessQuantum = 10 });
        var device = Device(scheduler, "dev1");
        scheduler.Enqueue(device, Message(TopicKind.Accel, 1));
        scheduler.Enqueue(device, Message(TopicKind.Accel, 2));

        Assert.True(scheduler.TryNextTurn(out var first, out _));
        Assert.Same(device, first);
        var served = 0;
        while (scheduler.TryNextMessage(first!, ref served, out _))
        {
        }

        scheduler.EndTurn(first!);
        Assert.Equal(2, served);
        Assert.False(scheduler.TryNextTurn(out _, out _)); // one turn served both; the device is idle now

        scheduler.Enqueue(device, Message(TopicKind.Accel, 3)); // and is ready again with its next message
        Assert.True(scheduler.TryNextTurn(out var again, out var sweep));
        Assert.Same(device, again);
        Assert.False(sweep);
    }

    [Fact]
    public void RequestSweep_AskedTwiceBeforeServed_OneSweepThenAnotherOnceServed()
    {
        var scheduler = new FairScheduler(new IngestOptions());
        scheduler.RequestSweep();
        scheduler.RequestSweep();

        Assert.True(scheduler.TryNextTurn(out var device, out var sweep));
        Assert.True(sweep);
        Assert.Null(device);
        Assert.False(scheduler.TryNextTurn(out _, out _));

        scheduler.RequestSweep();
        Assert.True(scheduler.TryNextTurn(out _, out sweep));
        Assert.True(sweep);
    }

    [Fact]
    public async Task WaitAsync_Completed_FalseOnceDrained()
    {
        var scheduler = new FairScheduler(new IngestOptions());
        var device = Device(scheduler, "dev1");
        scheduler.Enqueue(device, Message(TopicKind.Status, 1));
        scheduler.Complete();

        Assert.True(await scheduler.WaitAsync(CancellationToken.None));
        Assert.Equal(["dev1:1"], ServeAll(scheduler));
        Assert.False(await scheduler.WaitAsync(CancellationToken.None));
    }

    [Fact]
    public void GetOrAddDevice_SameDeviceTwice_OneLane()
    {
        var scheduler = new FairScheduler(new IngestOptions());
        var first = Device(scheduler, "dev1");
        var second = scheduler.GetOrAddDevice("dev1", Assignment("dev1"), 7);

        Assert.Same(first, second);
        Assert.True(scheduler.TryGetDevice("dev1", out var found));
        Assert.Same(first, found);
        Assert.False(scheduler.TryGetDevice("dev2", out _));
        Assert.Single(scheduler.Devices);
    }

    // Serves every ready turn as the worker does; each message is named device:first byte of its payload.
    private static List<string> ServeAll(FairScheduler scheduler)
    {
        var order = new List<string>();
        while (scheduler.TryNextTurn(out var device, out var sweep))
        {
            Assert.False(sweep);
            var served = 0;
            while (scheduler.TryNextMessage(device!, ref served, out var message))
            {
                order.Add($"{device!.DeviceId}:{message.Payload.Span[0]}");
            }

            scheduler.EndTurn(device!);
        }

        return order;
    }

    private static DeviceChannel Device(FairScheduler scheduler, string id) => scheduler.GetOrAddDevice(id, Assignment(id), 1);

    private static DeviceAssignment Assignment(string id) => new(id, "res-" + id, "Resident " + id, null, null, null, null);

    private static PendingMessage Message(TopicKind kind, int tag) => new(kind, new[] { (byte)tag }, T0, Retained: false);
}
