using Edge.Gateway.Incidents;
using Edge.Gateway.Ingest;
using Edge.Logging;
using Microsoft.Data.Sqlite;

namespace Edge.Gateway.Tests.Ingest;

/// <summary>The message handler on its own: decode and check, hand on to the stream, supervision, detection and the raiser, then acknowledge.</summary>
public class MessageHandlerTests
{
    private sealed class Receipt : IDeliveryReceipt
    {
        public int Acknowledged { get; private set; }

        public void Acknowledge() => Acknowledged++;
    }

    [Fact]
    public async Task ProcessAsync_ButtonPress_RaisesTheWearersCallForTheirRoom_AndAcknowledgesIt()
    {
        await using var gw = await TestGateway.CreateAsync();
        var parts = new IngestParts(gw);
        var receipt = new Receipt();

        parts.Admit("dev2", "event", Messages.Button("dev2", 1), receipt);
        await parts.DrainAsync();

        var call = Assert.Single(await gw.Incidents.ListOpenAsync());
        Assert.Equal((IncidentType.ManualCall, "res2", "dev2", "Room 2"), (call.Type, call.ResidentId, call.DeviceId, call.RoomName));
        Assert.Equal(MessageHandler.ButtonChannel, (await gw.Incidents.GetTransitionsAsync(call.Id))[0].Channel);
        Assert.Equal(1, receipt.Acknowledged);
    }

    [Fact]
    public async Task ProcessAsync_ButtonPressWhileTheDatabaseIsLocked_ReceiptHeldUntilTheSweepStoresTheCall()
    {
        await using var gw = await TestGateway.CreateAsync(new() { ["Storage:BusyTimeout"] = "00:00:00.200" });
        var parts = new IngestParts(gw);
        var receipt = new Receipt();
        await using (var blocker = new SqliteConnection($"Data Source={gw.Dir.File("gateway.db")};Pooling=False"))
        {
            await blocker.OpenAsync();
            await using (var begin = blocker.CreateCommand())
            {
                begin.CommandText = "BEGIN IMMEDIATE";
                await begin.ExecuteNonQueryAsync();
            }

            parts.Admit("dev1", "event", Messages.Button("dev1", 1), receipt);
            await parts.DrainAsync();
            Assert.Equal(0, receipt.Acknowledged);
            Assert.Equal(1, gw.Raiser.Kept);
        }

        await parts.Handler.SweepAsync(parts.Scheduler.Devices, CancellationToken.None);

        Assert.Equal(1, receipt.Acknowledged);
        Assert.Equal(0, gw.Raiser.Kept);
        Assert.Equal(IncidentType.ManualCall, Assert.Single(await gw.Incidents.ListOpenAsync()).Type);
    }

    [Fact]
    public async Task ProcessAsync_PayloadNamingAnotherDevice_DroppedAsAMismatch_NothingRaised()
    {
        await using var gw = await TestGateway.CreateAsync();
        var parts = new IngestParts(gw);
        var receipt = new Receipt();

        parts.Admit("dev1", "event", Messages.Button("dev2", 1), receipt);
        await parts.DrainAsync();

        Assert.Empty(await gw.Incidents.ListOpenAsync());
        Assert.True(parts.Scheduler.TryGetDevice("dev1", out var dev1));
        Assert.Equal(1, dev1.DeviceIdMismatches);
        Assert.Single(parts.Logger.WithId(EventIds.DeviceIdMismatch));
        Assert.Equal(1, receipt.Acknowledged);
    }

    [Fact]
    public async Task ProcessAsync_BatchOnTheEventTopicAndGarbage_MalformedByReason()
    {
        await using var gw = await TestGateway.CreateAsync();
        var parts = new IngestParts(gw);

        parts.Admit("dev1", "event", Messages.Bytes(Messages.Still("dev1", 0)));
        parts.Admit("dev1", "accel", [0xde, 0xad, 0xbe, 0xef]);
        await parts.DrainAsync();

        Assert.True(parts.Scheduler.TryGetDevice("dev1", out var dev1));
        var malformed = dev1.Snapshot().Malformed;
        Assert.Equal(1, malformed["wrong_topic"]);
        Assert.Equal(2, malformed.Values.Sum());
        Assert.Equal(0, dev1.Stream.Counters.Delivered);
    }

    [Fact]
    public async Task ProcessAsync_ImpactInTheStream_DetectionRaisesTheFall_AndItsHeldBatchesAreReleased()
    {
        await using var gw = await TestGateway.CreateAsync(score: 0.95f);
        var parts = new IngestParts(gw);
        var magnitudes = Enumerable.Repeat(1.0f, 400).ToArray();
        magnitudes[200] = 6.0f; // an impact
        var receipts = new List<Receipt>();
        int? committedAt = null;
        foreach (var batch in Messages.FromMagnitudes("dev3", 100, magnitudes))
        {
            var receipt = new Receipt();
            receipts.Add(receipt);
            parts.Admit("dev3", "accel", Messages.Bytes(batch), receipt);
            await parts.DrainAsync();
            if (committedAt is null && (await gw.Incidents.ListOpenAsync()).Count > 0)
            {
                // Stored: every earlier batch is released at once (within the detector's look-back they would all
                // still be held); only the batch that completed the fall is held, as any batch is after processing.
                committedAt = receipts.Count - 1;
                Assert.All(receipts.Take(receipts.Count - 1), r => Assert.Equal(1, r.Acknowledged));
                Assert.Equal(0, receipt.Acknowledged);
                Assert.Equal(1, parts.Acks.Held);
            }
        }

        Assert.True(committedAt > 1, $"the fall was committed with batch {committedAt}");
        var fall = Assert.Single(await gw.Incidents.ListOpenAsync());
        Assert.Equal((IncidentType.Fall, "res3", "dev3"), (fall.Type, fall.ResidentId, fall.DeviceId));
        Assert.StartsWith("Fall detected", fall.Detail, StringComparison.Ordinal);
        Assert.Equal(Edge.Gateway.Detection.DetectionStage.Channel, (await gw.Incidents.GetTransitionsAsync(fall.Id))[0].Channel);
    }

    [Fact]
    public async Task ProcessAsync_StatusOfANewBoot_StreamRestartsAndTheRebootIsLogged()
    {
        await using var gw = await TestGateway.CreateAsync();
        var parts = new IngestParts(gw);
        parts.Admit("dev1", "status", Messages.Status("dev1", 1, uptime: 500));
        parts.Admit("dev1", "accel", Messages.Bytes(Messages.Still("dev1", 0, firstUs: 499_000_000)));
        await parts.DrainAsync();

        parts.Admit("dev1", "status", Messages.Status("dev1", 1, uptime: 3));
        await parts.DrainAsync();

        Assert.True(parts.Scheduler.TryGetDevice("dev1", out var dev1));
        Assert.Equal(1, dev1.Stream.Counters.Reboots);
        Assert.Equal(long.MinValue, dev1.Stream.LastDeviceUs);
        Assert.Contains("Device dev1 restarted (uptime 500 s -> 3 s)", Assert.Single(parts.Logger.WithId(EventIds.DeviceRebooted)), StringComparison.Ordinal);
    }
}
