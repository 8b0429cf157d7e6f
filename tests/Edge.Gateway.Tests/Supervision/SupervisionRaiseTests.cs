using Edge.Gateway.Incidents;
using Microsoft.Data.Sqlite;

namespace Edge.Gateway.Tests.Supervision;

/// <summary>
/// Supervision raises through the same <see cref="IncidentRaiser"/> as ingest, with the retry a state needs: when the
/// database cannot store the incident, nothing is kept; the next check decides again whether the condition still holds.
/// </summary>
public class SupervisionRaiseTests
{
    [Fact]
    public async Task EvaluateAsync_DatabaseLockedWhenBatteryGoesLow_RaisedAtTheNextCheckOnce()
    {
        await using var gw = await TestGateway.CreateAsync(new() { ["Storage:BusyTimeout"] = "00:00:00.200" });
        gw.Offer("dev1", "status", Messages.Status("dev1", 1, soc: 10));
        await gw.DrainAsync();

        await using (await LockAsync(gw))
        {
            await gw.Supervisor.EvaluateAsync(CancellationToken.None);
            Assert.Equal(0, gw.Raiser.Kept); // a state is not kept: the next check decides again
        }

        Assert.Empty(await gw.Incidents.ListOpenAsync());
        await gw.Supervisor.EvaluateAsync(CancellationToken.None);
        await gw.Supervisor.EvaluateAsync(CancellationToken.None);

        var low = Assert.Single(await gw.Incidents.ListOpenAsync());
        Assert.Equal((IncidentType.BatteryLow, "res1", 1), (low.Type, low.ResidentId, low.TriggerCount));
        Assert.Contains("Battery 10 %", low.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluateAsync_BatteryRecoveredBeforeTheDatabaseCameBack_NeverRaisedLate()
    {
        await using var gw = await TestGateway.CreateAsync(new() { ["Storage:BusyTimeout"] = "00:00:00.200" });
        gw.Offer("dev1", "status", Messages.Status("dev1", 1, soc: 10));
        await gw.DrainAsync();
        await using (await LockAsync(gw))
        {
            await gw.Supervisor.EvaluateAsync(CancellationToken.None);
        }

        gw.Offer("dev1", "status", Messages.Status("dev1", 2, soc: 90));
        await gw.DrainAsync();
        await gw.Supervisor.EvaluateAsync(CancellationToken.None);
        await gw.Pipeline.SweepAsync(CancellationToken.None); // ingest's retry of kept alarms has nothing of supervision's

        Assert.Empty(await gw.Incidents.ListOpenAsync());
    }

    // Another connection holds the database's write lock (as a backup or a stuck writer would) until disposed.
    private static async Task<SqliteConnection> LockAsync(TestGateway gw)
    {
        var blocker = new SqliteConnection($"Data Source={gw.Dir.File("gateway.db")};Pooling=False");
        await blocker.OpenAsync();
        await using var begin = blocker.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE";
        await begin.ExecuteNonQueryAsync();
        return blocker;
    }
}
