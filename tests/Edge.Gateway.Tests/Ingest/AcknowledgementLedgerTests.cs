using Edge.Gateway.Incidents;
using Edge.Gateway.Ingest;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Gateway.Tests.Ingest;

/// <summary>
/// When ingest acknowledges a message to the broker (<see cref="AcknowledgementLedger"/>): nothing a
/// restarted gateway would still need is acknowledged early, and nothing is held for ever.
/// </summary>
public class AcknowledgementLedgerTests
{
    private sealed class Receipt(string name) : IDeliveryReceipt
    {
        public string Name { get; } = name;

        public int Acknowledged { get; private set; }

        public void Acknowledge() => Acknowledged++;

        public override string ToString() => Name;
    }

    [Fact]
    public async Task Receipts_StatusAndRefusedMessages_AcknowledgedOnceHandled()
    {
        await using var gw = await TestGateway.CreateAsync();
        var unknown = new Receipt("unknown");
        var status = new Receipt("status");

        gw.Pipeline.Offer(new SensorMessage("care/site1/sensors/nobody/status", Messages.Status("nobody", 1), Receipt: unknown));
        gw.Pipeline.Offer(new SensorMessage("care/site1/sensors/dev1/status", Messages.Status("dev1", 1), Receipt: status));
        Assert.Equal(1, unknown.Acknowledged);
        Assert.Equal(0, status.Acknowledged);

        await gw.DrainAsync();

        Assert.Equal(1, status.Acknowledged);
    }

    [Fact]
    public async Task Receipts_AccelBatches_HeldUntilTheStreamIsPastTheDetectorsLookBack()
    {
        await using var gw = await TestGateway.CreateAsync(score: 0.01f);
        var ledger = gw.Host.Services.GetRequiredService<AcknowledgementLedger>();
        gw.Offer("dev1", "status", Messages.Status("dev1", 1));
        var receipts = new List<Receipt>();
        for (uint seq = 0; seq < 20; seq++)
        {
            var receipt = new Receipt($"b{seq}");
            receipts.Add(receipt);
            gw.Pipeline.Offer(new SensorMessage("care/site1/sensors/dev1/accel", Messages.Bytes(Messages.Still("dev1", seq)), Receipt: receipt));
            await gw.DrainAsync();
        }

        // 0.5 s batches; the default detector looks back over its longer (soft) window and the peak
        // search: (2 + 4 + 0.5) s + 2 samples = 6.54 s.
        Assert.Equal(6_540_000, ledger.LookbackUs);
        var newestUs = (20 * 25 * 20_000) - 20_000;
        var expectedAcked = receipts.Where((_, i) => ((i + 1) * 25 * 20_000) - 20_000 < newestUs - ledger.LookbackUs).Count();
        Assert.Equal(6, expectedAcked);
        Assert.All(receipts.Take(expectedAcked), r => Assert.Equal(1, r.Acknowledged));
        Assert.All(receipts.Skip(expectedAcked), r => Assert.Equal(0, r.Acknowledged));
        Assert.Equal(14, ledger.Held); // the other 14 of the 20 batches
    }

    [Fact]
    public async Task Receipts_FallCommitted_TheDevicesHeldBatchesAreReleased()
    {
        await using var gw = await TestGateway.CreateAsync(score: 0.95f);
        var ledger = gw.Host.Services.GetRequiredService<AcknowledgementLedger>();
        gw.Offer("dev3", "status", Messages.Status("dev3", 1));
        var magnitudes = Enumerable.Repeat(1.0f, 400).ToArray();
        magnitudes[200] = 6.0f; // an impact at 4 s
        var receipts = new List<Receipt>();
        foreach (var batch in Messages.FromMagnitudes("dev3", 100, magnitudes))
        {
            var receipt = new Receipt($"b{batch.Sequence}");
            receipts.Add(receipt);
            gw.Pipeline.Offer(new SensorMessage("care/site1/sensors/dev3/accel", Messages.Bytes(batch), Receipt: receipt));
            await gw.DrainAsync();
            if ((await gw.Incidents.ListOpenAsync()).Count > 0)
            {
                break;
            }
        }

        Assert.Equal(IncidentType.Fall, Assert.Single(await gw.Incidents.ListOpenAsync()).Type);

        // Stored: every batch before the one that completed the window is released (that one right after).
        Assert.All(receipts.SkipLast(1), r => Assert.Equal(1, r.Acknowledged));
        Assert.Equal(1, ledger.Held);
    }

    [Fact]
    public async Task Receipts_DeviceFallsSilent_HeldBatchesReleasedAfterTheHoldLimit()
    {
        await using var gw = await TestGateway.CreateAsync(new() { ["Ingest:AcknowledgementHoldLimit"] = "00:00:30" }, score: 0.01f);
        var ledger = gw.Host.Services.GetRequiredService<AcknowledgementLedger>();
        var receipts = new List<Receipt>();
        for (uint seq = 0; seq < 4; seq++)
        {
            var receipt = new Receipt($"b{seq}");
            receipts.Add(receipt);
            gw.Pipeline.Offer(new SensorMessage("care/site1/sensors/dev1/accel", Messages.Bytes(Messages.Still("dev1", seq)), Receipt: receipt));
        }

        await gw.DrainAsync();
        Assert.Equal(4, ledger.Held);

        gw.Time.Advance(TimeSpan.FromSeconds(29));
        await gw.Pipeline.SweepAsync(CancellationToken.None);
        Assert.Equal(4, ledger.Held);

        gw.Time.Advance(TimeSpan.FromSeconds(2));
        await gw.Pipeline.SweepAsync(CancellationToken.None);
        Assert.Equal(0, ledger.Held);
        Assert.All(receipts, r => Assert.Equal(1, r.Acknowledged));
    }

    [Fact]
    public async Task Receipts_DeviceRestarted_WhatTheOldBootLeftIsReleased()
    {
        await using var gw = await TestGateway.CreateAsync(score: 0.01f);
        var ledger = gw.Host.Services.GetRequiredService<AcknowledgementLedger>();
        var old = new List<Receipt>();
        for (uint seq = 1000; seq < 1004; seq++)
        {
            var receipt = new Receipt($"old{seq}");
            old.Add(receipt);
            gw.Pipeline.Offer(new SensorMessage("care/site1/sensors/dev1/accel", Messages.Bytes(Messages.Still("dev1", seq)), Receipt: receipt));
        }

        await gw.DrainAsync();
        Assert.Equal(4, ledger.Held);

        // The device rebooted: sequence and clock start again near zero.
        var fresh = new Receipt("new0");
        gw.Pipeline.Offer(new SensorMessage("care/site1/sensors/dev1/accel", Messages.Bytes(Messages.Still("dev1", 0)), Receipt: fresh));
        await gw.DrainAsync();

        Assert.All(old, r => Assert.Equal(1, r.Acknowledged));
        Assert.Equal(0, fresh.Acknowledged);
        Assert.Equal(1, ledger.Held);
    }

    [Fact]
    public async Task Receipts_HeldNearTheBrokersReceiveWindow_OldestReleasedSoIngestNeverStalls()
    {
        await using var gw = await TestGateway.CreateAsync(new() { ["Mqtt:ReceiveMaximum"] = "8" }, score: 0.01f);
        var ledger = gw.Host.Services.GetRequiredService<AcknowledgementLedger>();
        var receipts = new List<Receipt>();
        foreach (var device in new[] { "dev1", "dev2", "dev3" })
        {
            for (uint seq = 0; seq < 3; seq++)
            {
                var receipt = new Receipt($"{device}-{seq}");
                receipts.Add(receipt);
                gw.Pipeline.Offer(new SensorMessage($"care/site1/sensors/{device}/accel", Messages.Bytes(Messages.Still(device, seq)), Receipt: receipt));
                await gw.DrainAsync();
            }
        }

        // Three quarters of 8 may be held; the seventh pushed the oldest out.
        Assert.True(ledger.Held <= 6, $"{ledger.Held} held");
        Assert.True(ledger.ReleasedEarly > 0);
        Assert.Equal(1, receipts[0].Acknowledged);
        Assert.Equal(0, receipts[^1].Acknowledged);
    }

    [Fact]
    public async Task Receipts_ButtonPressNotYetStored_HeldUntilTheRetryStoresIt()
    {
        await using var gw = await TestGateway.CreateAsync(new() { ["Storage:BusyTimeout"] = "00:00:00.200" });
        var press = new Receipt("press");
        await using (var blocker = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={gw.Dir.File("gateway.db")};Pooling=False"))
        {
            await blocker.OpenAsync();
            await using (var begin = blocker.CreateCommand())
            {
                begin.CommandText = "BEGIN IMMEDIATE";
                await begin.ExecuteNonQueryAsync();
            }

            gw.Pipeline.Offer(new SensorMessage("care/site1/sensors/dev2/event", Messages.Button("dev2", 1), Receipt: press));
            await gw.DrainAsync();
            Assert.Equal(1, gw.Pipeline.PendingRaises);
            Assert.Equal(0, press.Acknowledged);
        }

        await gw.Pipeline.SweepAsync(CancellationToken.None);

        Assert.Equal(0, gw.Pipeline.PendingRaises);
        Assert.Equal(1, press.Acknowledged);
    }
}
