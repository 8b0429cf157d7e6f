using Edge.Gateway.Incidents;
using Edge.Gateway.Prevention;
using Edge.Gateway.Storage;
using Edge.Protocol;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Gateway.Tests.Prevention;

/// <summary>The posture tracker stage inside the real ingest pipeline (fake clock, in-memory source, temp SQLite).</summary>
public sealed class GetUpPipelineTests
{
    // The fall detector's scorer says "no fall": lying down in these synthetic motions is a soft-fall
    // candidate, and these tests are about the get-up alert alone.
    private const float NoFall = 0.05f;

    [Fact]
    public async Task SitUp_FlaggedResidentWithinHours_RaisesGettingUpForTheRoomAndLyingDownClearsIt()
    {
        await using var gw = await TestGateway.CreateAsync(score: NoFall);
        var settings = gw.Host.Services.GetRequiredService<IPreventionSettings>();
        await settings.SetGetUpAsync("res1", true, "07:00", "09:00", "s1", "test"); // the fake clock reads 08:00 UTC
        var motion = new PostureBatches("dev1").Still(PostureBatches.Upright, 3).Rotate(PostureBatches.Upright, PostureBatches.OnSide, 2).Still(PostureBatches.OnSide, 10);
        await FeedAsync(gw, motion);
        Assert.Empty(await gw.Incidents.ListOpenAsync());

        motion.Rotate(PostureBatches.OnSide, PostureBatches.Upright, 2).Still(PostureBatches.Upright, 3);
        await FeedAsync(gw, motion);

        var incident = Assert.Single(await gw.Incidents.ListOpenAsync());
        Assert.Equal(IncidentType.GettingUp, incident.Type);
        Assert.Equal("res1", incident.Subject);
        Assert.Equal("Room 1", incident.RoomName);
        Assert.Equal("Alice", incident.ResidentName);
        Assert.Contains("Sat up from lying", incident.Detail, StringComparison.Ordinal);

        motion.Rotate(PostureBatches.Upright, PostureBatches.OnBack, 2).Still(PostureBatches.OnBack, 5);
        await FeedAsync(gw, motion);

        Assert.Empty(await gw.Incidents.ListOpenAsync());
        var resolved = await gw.Incidents.GetAsync(incident.Id);
        Assert.Equal(IncidentOutcome.Cleared, resolved!.Outcome);
        Assert.Equal(IncidentService.SystemActor, resolved.ResolvedBy);
        var transitions = await gw.Incidents.GetTransitionsAsync(incident.Id);
        Assert.Equal(PreventionStage.Channel, transitions[0].Channel);
        Assert.Equal(PreventionStage.Channel, transitions[^1].Channel);
    }

    [Fact]
    public async Task SitUp_OutsideHoursOrNotFlagged_NoIncident()
    {
        await using var gw = await TestGateway.CreateAsync(score: NoFall);
        var settings = gw.Host.Services.GetRequiredService<IPreventionSettings>();
        await settings.SetGetUpAsync("res1", true, "21:00", "07:00", "s1", "test"); // it is 08:00
        foreach (var device in new[] { "dev1", "dev2" })
        {
            var motion = new PostureBatches(device).Still(PostureBatches.Upright, 3).Rotate(PostureBatches.Upright, PostureBatches.OnSide, 2).Still(PostureBatches.OnSide, 8)
                .Rotate(PostureBatches.OnSide, PostureBatches.Upright, 2).Still(PostureBatches.Upright, 3);
            await FeedAsync(gw, motion);
        }

        Assert.Empty(await gw.Incidents.ListOpenAsync());
    }

    [Fact]
    public async Task RollingOverInBed_FlaggedResident_NoIncident()
    {
        await using var gw = await TestGateway.CreateAsync(score: NoFall);
        await gw.Host.Services.GetRequiredService<IPreventionSettings>().SetGetUpAsync("res1", true, "00:00", "00:00", "s1", "test"); // all day
        var motion = new PostureBatches("dev1").Still(PostureBatches.Upright, 3).Rotate(PostureBatches.Upright, PostureBatches.OnBack, 2).Still(PostureBatches.OnBack, 6);
        for (var i = 0; i < 5; i++)
        {
            motion.Roll(PostureBatches.OnBack, PostureBatches.OnSide, 2).Still(PostureBatches.OnSide, 5).Roll(PostureBatches.OnSide, PostureBatches.OnBack, 2).Still(PostureBatches.OnBack, 5);
        }

        await FeedAsync(gw, motion);

        Assert.Empty(await gw.Incidents.ListOpenAsync());
        Assert.Empty(await gw.Incidents.ListAsync(DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 10));
    }

    [Fact]
    public async Task Walking_TrendsStoredPerResidentAndDay()
    {
        await using var gw = await TestGateway.CreateAsync(score: NoFall);
        var motion = new PostureBatches("dev2").Still(PostureBatches.Upright, 2).Walk(60).Still(PostureBatches.Upright, 2);
        await FeedAsync(gw, motion);
        var store = gw.Host.Services.GetRequiredService<MobilityStore>();

        await store.FlushAsync(CancellationToken.None);

        var day = Assert.Single(await store.QueryAsync("res2", DateOnly.FromDateTime(TestGateway.Start.UtcDateTime), DateOnly.FromDateTime(TestGateway.Start.UtcDateTime), CancellationToken.None));
        Assert.InRange(day.WornSeconds, 63, 64);
        Assert.InRange(day.WalkingSeconds, 50, 61);
        Assert.InRange(day.Steps, 85, 101);
        Assert.InRange(day.Cadence!.Value, 90, 110);
        Assert.Empty(await store.QueryAsync("res1", DateOnly.MinValue, DateOnly.MaxValue, CancellationToken.None));
    }

    private static async Task FeedAsync(TestGateway gw, PostureBatches motion)
    {
        foreach (var batch in motion.Take())
        {
            Assert.Equal(Edge.Gateway.Ingest.OfferOutcome.Queued, gw.Offer(batch.DeviceId, "accel", Messages.Bytes(batch)));
            await gw.DrainAsync();
        }
    }
}
