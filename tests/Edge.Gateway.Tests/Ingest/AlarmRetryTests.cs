using Edge.Gateway.Incidents;
using Microsoft.Data.Sqlite;

namespace Edge.Gateway.Tests.Ingest;

public class AlarmRetryTests
{
    [Fact]
    public async Task Offer_DatabaseLockedDuringButtonPress_AlarmKeptAndStoredOnRetry()
    {
        await using var gw = await TestGateway.CreateAsync(new() { ["Storage:BusyTimeout"] = "00:00:00.200" });
        await using (var blocker = new SqliteConnection($"Data Source={gw.Dir.File("gateway.db")};Pooling=False"))
        {
            await blocker.OpenAsync();
            await using (var begin = blocker.CreateCommand())
            {
                begin.CommandText = "BEGIN IMMEDIATE";
                await begin.ExecuteNonQueryAsync();
            }

            gw.Offer("dev1", "event", Messages.Button("dev1", 1));
            await gw.DrainAsync();

            Assert.Equal(1, gw.Pipeline.PendingRaises);
            Assert.Empty(await gw.Incidents.ListOpenAsync());

            await gw.Pipeline.SweepAsync(CancellationToken.None);
            Assert.Equal(1, gw.Pipeline.PendingRaises); // still locked: still kept
        }

        await gw.Pipeline.SweepAsync(CancellationToken.None);

        Assert.Equal(0, gw.Pipeline.PendingRaises);
        var call = Assert.Single(await gw.Incidents.ListOpenAsync());
        Assert.Equal((IncidentType.ManualCall, "res1"), (call.Type, call.ResidentId));
    }
}
