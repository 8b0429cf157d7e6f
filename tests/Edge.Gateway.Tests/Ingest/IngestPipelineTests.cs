using Edge.Gateway.Incidents;
using Edge.Gateway.Ingest;
using Edge.Protocol;

namespace Edge.Gateway.Tests.Ingest;

public class IngestPipelineTests
{
    [Fact]
    public async Task Offer_MalformedPayloads_CountedPerDeviceAndReasonAndPipelineContinues()
    {
        await using var gw = await TestGateway.CreateAsync();
        var good = Messages.Bytes(Messages.Still("dev1", 0));
        var badCrc = (byte[])good.Clone();
        badCrc[^1] ^= 0xFF;
        var truncated = good[..5]; // shorter than any message
        var wrongVersion = (byte[])good.Clone();
        wrongVersion[0] = 9;

        gw.Offer("dev1", "accel", badCrc);
        gw.Offer("dev1", "accel", truncated);
        gw.Offer("dev1", "accel", truncated);
        gw.Offer("dev1", "accel", wrongVersion);
        gw.Offer("dev1", "status", good); // an accel batch on the status topic
        gw.Offer("dev2", "accel", [1, 2, 3]);
        Assert.Equal(OfferOutcome.Oversize, gw.Offer("dev2", "accel", new byte[WireFormat.MaxMessageSize + 1]));
        gw.Offer("dev1", "accel", good);
        await gw.DrainAsync();

        var dev1 = gw.Pipeline.GetDeviceCounters().Single(d => d.DeviceId == "dev1");
        var dev2 = gw.Pipeline.GetDeviceCounters().Single(d => d.DeviceId == "dev2");
        Assert.Equal(1, dev1.Malformed["bad_crc"]);
        Assert.Equal(2, dev1.Malformed["truncated"]);
        Assert.Equal(1, dev1.Malformed["unknown_version"]);
        Assert.Equal(1, dev1.Malformed["wrong_topic"]);
        Assert.Equal(1, dev2.Malformed["truncated"]);
        Assert.Equal(1, dev2.Malformed["oversize"]);
        Assert.Equal(1, dev1.BatchesDelivered);
    }

    [Fact]
    public async Task Offer_PayloadFromAnotherDevice_DroppedAndCounted()
    {
        await using var gw = await TestGateway.CreateAsync();

        gw.Offer("dev1", "accel", Messages.Bytes(Messages.Still("dev2", 0)));
        await gw.DrainAsync();

        var dev1 = gw.Pipeline.GetDeviceCounters().Single(d => d.DeviceId == "dev1");
        Assert.Equal(1, dev1.DeviceIdMismatches);
        Assert.Equal(0, dev1.BatchesDelivered);
        Assert.DoesNotContain(gw.Pipeline.GetDeviceCounters(), d => d.DeviceId == "dev2");
    }

    [Fact]
    public async Task Offer_UnknownDeviceAndForeignTopics_IgnoredAndCounted()
    {
        await using var gw = await TestGateway.CreateAsync();

        Assert.Equal(OfferOutcome.UnknownDevice, gw.Offer("intruder", "event", Messages.Button("intruder", 1)));
        Assert.Equal(OfferOutcome.UnknownDevice, gw.Offer("intruder", "accel", Messages.Bytes(Messages.Still("intruder", 0))));
        Assert.Equal(OfferOutcome.ForeignTopic, gw.Pipeline.Offer(new SensorMessage("care/othersite/sensors/dev1/accel", new byte[] { 1 })));
        Assert.Equal(OfferOutcome.ForeignTopic, gw.Pipeline.Offer(new SensorMessage("random/topic", new byte[] { 1 })));
        await gw.DrainAsync();

        var totals = gw.Pipeline.GetTotals();
        Assert.Equal(2, totals.UnknownDeviceMessages);
        Assert.Equal(1, totals.UnknownDeviceIds);
        Assert.Equal(2, totals.ForeignTopics);
        Assert.Empty(await gw.Incidents.ListOpenAsync());
        Assert.DoesNotContain(gw.Pipeline.GetDeviceCounters(), d => d.DeviceId == "intruder");
    }

    [Fact]
    public async Task Offer_FloodingDevice_OnlyItsOwnExcessIsDroppedAndOthersAreServed()
    {
        await using var gw = await TestGateway.CreateAsync(new() { ["Ingest:DeviceQueueCapacity"] = "16", ["Ingest:FairnessQuantum"] = "2" });
        uint flood = 0, calm = 0;
        var calmQueued = 0;

        // The flooder sends 50 batches for every batch of the calm devices; the worker gets a few
        // turns in between, as it would in production.
        for (var round = 0; round < 40; round++)
        {
            for (var i = 0; i < 50; i++)
            {
                gw.Offer("dev1", "accel", Messages.Bytes(Messages.Still("dev1", flood++)));
            }

            Assert.Equal(OfferOutcome.Queued, gw.Offer("dev2", "accel", Messages.Bytes(Messages.Still("dev2", calm))));
            Assert.Equal(OfferOutcome.Queued, gw.Offer("dev3", "accel", Messages.Bytes(Messages.Still("dev3", calm++))));
            calmQueued += 2;
            for (var turn = 0; turn < 4; turn++)
            {
                await gw.Pipeline.ProcessNextAsync(CancellationToken.None);
            }
        }

        await gw.DrainAsync();
        var counters = gw.Pipeline.GetDeviceCounters().ToDictionary(d => d.DeviceId);
        Assert.Equal(0, counters["dev2"].QueueDropped);
        Assert.Equal(0, counters["dev3"].QueueDropped);
        Assert.Equal(calmQueued, counters["dev2"].BatchesDelivered + counters["dev3"].BatchesDelivered);
        Assert.True(counters["dev1"].QueueDropped > 1000, $"flooder dropped {counters["dev1"].QueueDropped}");
        Assert.Equal(2000, counters["dev1"].Received);
        Assert.Equal(counters["dev1"].Received, counters["dev1"].QueueDropped + counters["dev1"].BatchesDelivered + counters["dev1"].Duplicates);
    }

    [Fact]
    public async Task Offer_DeviceReplaysItsOfflineBuffer_NothingDropped()
    {
        await using var gw = await TestGateway.CreateAsync();

        // Ten minutes of buffered batches arrive at once after a reconnect, before the worker runs.
        for (uint i = 0; i < 1000; i++)
        {
            Assert.Equal(OfferOutcome.Queued, gw.Offer("dev1", "accel", Messages.Bytes(Messages.Still("dev1", i))));
        }

        await gw.DrainAsync();
        var c = gw.Pipeline.GetDeviceCounters().Single(d => d.DeviceId == "dev1");
        Assert.Equal((0L, 1000L, 0L), (c.QueueDropped, c.BatchesDelivered, c.GapBatches));
    }

    [Fact]
    public async Task Offer_TotalQueueFull_DropsAndCountsAndRecovers()
    {
        await using var gw = await TestGateway.CreateAsync(new() { ["Ingest:MaxQueuedMessages"] = "100" });
        for (uint i = 0; i < 60; i++)
        {
            gw.Offer("dev1", "accel", Messages.Bytes(Messages.Still("dev1", i)));
            gw.Offer("dev2", "accel", Messages.Bytes(Messages.Still("dev2", i)));
        }

        Assert.Equal(100, gw.Pipeline.Queued);
        await gw.DrainAsync();
        Assert.Equal(0, gw.Pipeline.Queued);
        Assert.Equal(OfferOutcome.Queued, gw.Offer("dev3", "event", Messages.Button("dev3", 1)));
        await gw.DrainAsync();

        var counters = gw.Pipeline.GetDeviceCounters().ToDictionary(d => d.DeviceId);
        Assert.Equal(20, counters["dev1"].QueueDropped + counters["dev2"].QueueDropped);
        Assert.Single(await gw.Incidents.ListOpenAsync());
    }

    [Fact]
    public async Task Offer_ButtonPressBehindAFullAccelQueue_IsServedFirst()
    {
        await using var gw = await TestGateway.CreateAsync(new() { ["Ingest:DeviceQueueCapacity"] = "8", ["Ingest:FairnessQuantum"] = "1" });
        for (uint i = 0; i < 20; i++)
        {
            gw.Offer("dev1", "accel", Messages.Bytes(Messages.Still("dev1", i)));
        }

        Assert.Equal(OfferOutcome.Queued, gw.Offer("dev1", "event", Messages.Button("dev1", 1)));
        await gw.Pipeline.ProcessNextAsync(CancellationToken.None);

        var call = Assert.Single(await gw.Incidents.ListOpenAsync());
        Assert.Equal(IncidentType.ManualCall, call.Type);
        Assert.Equal("res1", call.ResidentId);
        Assert.Equal("Room 1", call.RoomName);
    }

    [Fact]
    public async Task Offer_ButtonPressRedelivered_RaisesOneManualCallWithOneTrigger()
    {
        await using var gw = await TestGateway.CreateAsync();
        var press = Messages.Button("dev2", 7, 5_000_000);

        gw.Offer("dev2", "event", press);
        gw.Offer("dev2", "event", press);
        gw.Offer("dev2", "event", Messages.Button("dev2", 9, 6_000_000, EventKind.TestPress));
        await gw.DrainAsync();

        var call = Assert.Single(await gw.Incidents.ListOpenAsync());
        Assert.Equal(1, call.TriggerCount);
        Assert.Equal(1, gw.Pipeline.GetDeviceCounters().Single(d => d.DeviceId == "dev2").DuplicateEvents);
    }

    [Fact]
    public async Task Offer_RebootedSensorPressesAtTheSameSequenceAndTime_IsANewPressNotADuplicate()
    {
        await using var gw = await TestGateway.CreateAsync();
        var before = new DeviceEvent { DeviceId = "dev2", BootId = 0x1111, Sequence = 1, Kind = EventKind.ButtonPress, DeviceTimeUs = 5_000_000 };
        var after = new DeviceEvent { DeviceId = "dev2", BootId = 0x2222, Sequence = 1, Kind = EventKind.ButtonPress, DeviceTimeUs = 5_000_000 };

        gw.Offer("dev2", "event", WireEncoder.ToBytes(before));
        gw.Offer("dev2", "event", WireEncoder.ToBytes(after));
        gw.Offer("dev2", "event", WireEncoder.ToBytes(after)); // QoS 1 redelivery of the new boot's press
        await gw.DrainAsync();

        Assert.Equal(2, Assert.Single(await gw.Incidents.ListOpenAsync()).TriggerCount);
        Assert.Equal(1, gw.Pipeline.GetDeviceCounters().Single(d => d.DeviceId == "dev2").DuplicateEvents);
    }

    [Fact]
    public async Task Offer_SecondPressWhileOpen_RetriggersTheSameIncident()
    {
        await using var gw = await TestGateway.CreateAsync();

        gw.Offer("dev2", "event", Messages.Button("dev2", 7, 5_000_000));
        gw.Offer("dev2", "event", Messages.Button("dev2", 8, 9_000_000));
        await gw.DrainAsync();

        Assert.Equal(2, Assert.Single(await gw.Incidents.ListOpenAsync()).TriggerCount);
    }

    [Fact]
    public async Task Offer_ImpactInStream_RaisesFallForTheWearer()
    {
        await using var gw = await TestGateway.CreateAsync(score: 0.95f);
        gw.Offer("dev3", "status", Messages.Status("dev3", 1));
        var magnitudes = Enumerable.Repeat(1.0f, 400).ToArray();
        magnitudes[200] = 6.0f; // an impact
        foreach (var batch in Messages.FromMagnitudes("dev3", 100, magnitudes))
        {
            gw.Offer("dev3", "accel", Messages.Bytes(batch));
            await gw.DrainAsync();
        }

        var fall = Assert.Single(await gw.Incidents.ListOpenAsync());
        Assert.Equal(IncidentType.Fall, fall.Type);
        Assert.Equal("res3", fall.ResidentId);
        Assert.Equal("dev3", fall.DeviceId);
    }

    [Fact]
    public async Task Offer_ImpactWhileDeviceSaysNotWorn_IsNotScored()
    {
        await using var gw = await TestGateway.CreateAsync(score: 0.95f);
        gw.Offer("dev3", "status", Messages.Status("dev3", 1, worn: false));
        await gw.DrainAsync();
        var magnitudes = Enumerable.Repeat(1.0f, 400).ToArray();
        magnitudes[200] = 6.0f;
        foreach (var batch in Messages.FromMagnitudes("dev3", 100, magnitudes))
        {
            gw.Offer("dev3", "accel", Messages.Bytes(batch));
            await gw.DrainAsync();
        }

        Assert.Empty(await gw.Incidents.ListOpenAsync());
        Assert.Equal(16, gw.Pipeline.GetDeviceCounters().Single(d => d.DeviceId == "dev3").SkippedNotWorn);
    }

    [Fact]
    public async Task Offer_LowScoreImpact_RaisesNothing()
    {
        await using var gw = await TestGateway.CreateAsync(score: 0.05f);
        var magnitudes = Enumerable.Repeat(1.0f, 400).ToArray();
        magnitudes[200] = 6.0f;
        foreach (var batch in Messages.FromMagnitudes("dev3", 0, magnitudes))
        {
            gw.Offer("dev3", "accel", Messages.Bytes(batch));
        }

        await gw.DrainAsync();
        Assert.Empty(await gw.Incidents.ListOpenAsync());
    }

    [Fact]
    public async Task Offer_StatusUptimeGoesBack_StreamRestarts()
    {
        await using var gw = await TestGateway.CreateAsync();
        gw.Offer("dev1", "status", Messages.Status("dev1", 1, uptime: 5000));
        gw.Offer("dev1", "accel", Messages.Bytes(Messages.Still("dev1", 9000)));
        gw.Offer("dev1", "status", Messages.Status("dev1", 0, uptime: 3));
        gw.Offer("dev1", "accel", Messages.Bytes(Messages.Still("dev1", 0)));
        await gw.DrainAsync();

        var c = gw.Pipeline.GetDeviceCounters().Single(d => d.DeviceId == "dev1");
        Assert.Equal(1, c.Reboots);
        Assert.Equal(2, c.BatchesDelivered);
        Assert.Equal(0, c.Duplicates + c.Late);
    }
}
