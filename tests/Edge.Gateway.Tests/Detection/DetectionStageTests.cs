using Edge.Gateway.Detection;
using Edge.Gateway.Incidents;
using Edge.Gateway.Registry;
using Edge.Gateway.Streams;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Gateway.Tests.Detection;

/// <summary>Detection raises its own falls: ingest hands it a device's released batches and learns only each fall's outcome.</summary>
public class DetectionStageTests
{
    [Fact]
    public async Task DetectAsync_ImpactInTheReleasedBatches_RaisesTheFallForTheWearer_OutcomeStored()
    {
        await using var gw = await TestGateway.CreateAsync(score: 0.95f);
        var released = Release("dev3", Impact());
        var outcomes = new List<RaisedAlarm>();

        await Stage(gw).DetectAsync(Assignment(gw, "dev3"), new DeviceDetection(), released.Clock, released.Batches, worn: true, outcomes, CancellationToken.None);

        Assert.Equal([new RaisedAlarm("dev3", IncidentType.Fall, Stored: true)], outcomes);
        var fall = Assert.Single(await gw.Incidents.ListOpenAsync());
        Assert.Equal((IncidentType.Fall, "res3", "dev3", "Room 3"), (fall.Type, fall.ResidentId, fall.DeviceId, fall.RoomName));
        Assert.StartsWith("Fall detected: score 0.950", fall.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DetectAsync_DatabaseLocked_FallKeptByTheRaiser_OutcomeNotStored_StoredByTheRetry()
    {
        await using var gw = await TestGateway.CreateAsync(new() { ["Storage:BusyTimeout"] = "00:00:00.200" }, score: 0.95f);
        var released = Release("dev3", Impact());
        var outcomes = new List<RaisedAlarm>();
        await using (var blocker = new SqliteConnection($"Data Source={gw.Dir.File("gateway.db")};Pooling=False"))
        {
            await blocker.OpenAsync();
            await using (var begin = blocker.CreateCommand())
            {
                begin.CommandText = "BEGIN IMMEDIATE";
                await begin.ExecuteNonQueryAsync();
            }

            await Stage(gw).DetectAsync(Assignment(gw, "dev3"), new DeviceDetection(), released.Clock, released.Batches, worn: true, outcomes, CancellationToken.None);
        }

        Assert.Equal([new RaisedAlarm("dev3", IncidentType.Fall, Stored: false)], outcomes);
        Assert.Equal(1, gw.Raiser.Kept);
        var stored = new List<RaiseRequest>();
        await gw.Raiser.RetryKeptAsync(stored, CancellationToken.None);
        Assert.Equal((IncidentType.Fall, "dev3"), (Assert.Single(stored).Type, stored[0].DeviceId));
        Assert.Equal(IncidentType.Fall, Assert.Single(await gw.Incidents.ListOpenAsync()).Type);
    }

    [Fact]
    public async Task DetectAsync_NotWorn_NothingScoredNothingRaised()
    {
        await using var gw = await TestGateway.CreateAsync(score: 0.95f);
        var released = Release("dev3", Impact());
        var outcomes = new List<RaisedAlarm>();
        var state = new DeviceDetection();

        await Stage(gw).DetectAsync(Assignment(gw, "dev3"), state, released.Clock, released.Batches, worn: false, outcomes, CancellationToken.None);

        Assert.Empty(outcomes);
        Assert.Empty(await gw.Incidents.ListOpenAsync());
        Assert.Equal(released.Batches.Count, state.SkippedNotWorn);
        Assert.Null(state.Detector);
    }

    private static float[] Impact()
    {
        var magnitudes = Enumerable.Repeat(1.0f, 400).ToArray();
        magnitudes[200] = 6.0f;
        return magnitudes;
    }

    // The batches as the device's stream releases them, and its clock.
    private static (List<StreamBatch> Batches, ClockMapper Clock) Release(string device, float[] magnitudes)
    {
        var stream = new DeviceStream(4, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), 16);
        var released = new List<StreamBatch>();
        var arrival = TestGateway.Start;
        foreach (var batch in Messages.FromMagnitudes(device, 100, magnitudes))
        {
            arrival += TimeSpan.FromMilliseconds(500);
            stream.Push(batch, arrival, released);
        }

        return (released, stream.Clock);
    }

    private static DetectionStage Stage(TestGateway gw) => gw.Host.Services.GetRequiredService<DetectionStage>();

    private static DeviceAssignment Assignment(TestGateway gw, string device)
    {
        Assert.True(gw.Registry.TryGetAssignment(device, out var assignment));
        return assignment;
    }
}
