using Edge.Gateway.Ingest;
using Edge.Logging;
using Edge.Protocol;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Tests.Ingest;

/// <summary>Admission on its own: what goes into a device's queue, and what is refused before it, counted and logged once.</summary>
public class MessageAdmissionTests
{
    [Fact]
    public async Task Admit_AssignedDevicesMessages_QueuedInItsOwnLane()
    {
        await using var gw = await TestGateway.CreateAsync();
        var parts = new IngestParts(gw);

        Assert.Equal(OfferOutcome.Queued, parts.Admit("dev1", "status", Messages.Status("dev1", 1)));
        Assert.Equal(OfferOutcome.Queued, parts.Admit("dev1", "accel", Messages.Bytes(Messages.Still("dev1", 0))));
        Assert.Equal(OfferOutcome.Queued, parts.Admit("dev2", "event", Messages.Button("dev2", 1)));

        Assert.Equal(3, parts.Scheduler.Queued);
        Assert.True(parts.Scheduler.TryGetDevice("dev1", out var dev1));
        Assert.Equal(("dev1", "res1", 2L), (dev1.DeviceId, dev1.Assignment.ResidentId, dev1.Received));
        Assert.Equal(3, parts.Refusals.Totals.Snapshot(0).Received);
        Assert.Empty(parts.Logger.Entries);
    }

    [Fact]
    public async Task Admit_DeviceNotInTheRegistry_RefusedWithoutALane_CountedEveryTime_LoggedOnce()
    {
        await using var gw = await TestGateway.CreateAsync();
        var parts = new IngestParts(gw);

        Assert.Equal(OfferOutcome.UnknownDevice, parts.Admit("intruder", "event", Messages.Button("intruder", 1)));
        Assert.Equal(OfferOutcome.UnknownDevice, parts.Admit("intruder", "accel", Messages.Bytes(Messages.Still("intruder", 0))));

        Assert.Equal(0, parts.Scheduler.Queued);
        Assert.False(parts.Scheduler.TryGetDevice("intruder", out _));
        var totals = parts.Refusals.Totals.Snapshot(0);
        Assert.Equal((2L, 2L, 1), (totals.Received, totals.UnknownDeviceMessages, totals.UnknownDeviceIds));
        var logged = Assert.Single(parts.Logger.Entries);
        Assert.Equal((EventIds.UnknownDevice, LogLevel.Warning), (logged.EventId.Id, logged.Level));
    }

    [Fact]
    public async Task Admit_OversizePayload_RefusedBeforeQueueing_CountedAsMalformed()
    {
        await using var gw = await TestGateway.CreateAsync();
        var parts = new IngestParts(gw);

        Assert.Equal(OfferOutcome.Oversize, parts.Admit("dev2", "accel", new byte[WireFormat.MaxMessageSize + 1]));

        Assert.Equal(0, parts.Scheduler.Queued);
        Assert.True(parts.Scheduler.TryGetDevice("dev2", out var dev2));
        Assert.Equal(1, dev2.Snapshot().Malformed["oversize"]);
        Assert.Contains($"Malformed payload from dev2: oversize ({WireFormat.MaxMessageSize + 1} bytes)", Assert.Single(parts.Logger.WithId(EventIds.MalformedPayload)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admit_RetainedEventOrBatch_RefusedAsAReplay_RetainedStatusQueued()
    {
        await using var gw = await TestGateway.CreateAsync();
        var parts = new IngestParts(gw);

        Assert.Equal(OfferOutcome.RetainedRefused, parts.Admission.Admit(new SensorMessage("care/site1/sensors/dev1/event", Messages.Button("dev1", 1), Retained: true)));
        Assert.Equal(OfferOutcome.RetainedRefused, parts.Admission.Admit(new SensorMessage("care/site1/sensors/dev1/accel", Messages.Bytes(Messages.Still("dev1", 0)), Retained: true)));
        Assert.Equal(OfferOutcome.Queued, parts.Admission.Admit(new SensorMessage("care/site1/sensors/dev1/status", Messages.Status("dev1", 1), Retained: true)));

        Assert.Equal(2, parts.Retained.Ignored);
        Assert.Equal(1, parts.Scheduler.Queued);
    }

    [Fact]
    public async Task Admit_AnotherSitesTopic_ForeignAndCounted_ConfigTopicAndEmptyPayloadIgnored()
    {
        await using var gw = await TestGateway.CreateAsync();
        var parts = new IngestParts(gw);

        Assert.Equal(OfferOutcome.ForeignTopic, parts.Admission.Admit(new SensorMessage("care/othersite/sensors/dev1/accel", new byte[] { 1 })));
        Assert.Equal(OfferOutcome.ForeignTopic, parts.Admission.Admit(new SensorMessage("random/topic", new byte[] { 1 })));
        Assert.Equal(OfferOutcome.Ignored, parts.Admit("dev1", "config", [1, 2, 3]));
        Assert.Equal(OfferOutcome.Ignored, parts.Admit("dev1", "event", []));

        Assert.Equal(0, parts.Scheduler.Queued);
        Assert.Equal(2, parts.Refusals.Totals.Snapshot(0).ForeignTopics);
        Assert.Single(parts.Logger.WithId(EventIds.ForeignTopic)); // the second within the interval is counted, not logged
    }

    [Fact]
    public async Task Admit_BrokersDropCounter_ReadAndLoggedOnAnIncrease_NotASensorMessage()
    {
        await using var gw = await TestGateway.CreateAsync();
        var parts = new IngestParts(gw);

        Assert.Equal(OfferOutcome.BrokerStatus, parts.Admission.Admit(new SensorMessage(BrokerHealth.DroppedTopic, "12"u8.ToArray())));
        Assert.Equal(OfferOutcome.BrokerStatus, parts.Admission.Admit(new SensorMessage(BrokerHealth.DroppedTopic, "20"u8.ToArray())));

        Assert.Equal(20, parts.Broker.Dropped);
        Assert.Equal(0, parts.Refusals.Totals.Snapshot(0).Received);
        var logged = Assert.Single(parts.Logger.Entries);
        Assert.Equal((EventIds.BrokerDroppedMessages, LogLevel.Error), (logged.EventId.Id, logged.Level));
        Assert.StartsWith("The broker dropped 8 messages (20 since it started)", logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admit_TotalQueueBoundReached_QueueFullCountedOnTheDevice()
    {
        await using var gw = await TestGateway.CreateAsync(new() { ["Ingest:MaxQueuedMessages"] = "100" });
        var parts = new IngestParts(gw);
        for (uint i = 0; i < 100; i++)
        {
            Assert.Equal(OfferOutcome.Queued, parts.Admit("dev1", "accel", Messages.Bytes(Messages.Still("dev1", i))));
        }

        Assert.Equal(OfferOutcome.QueueFull, parts.Admit("dev2", "event", Messages.Button("dev2", 1)));

        Assert.True(parts.Scheduler.TryGetDevice("dev2", out var dev2));
        Assert.Equal((1L, 1L), (dev2.Received, dev2.QueueDropped));
        Assert.Contains("dropping its any (total queue full) messages", Assert.Single(parts.Logger.WithId(EventIds.DeviceQueueOverflow)), StringComparison.Ordinal);
    }
}
