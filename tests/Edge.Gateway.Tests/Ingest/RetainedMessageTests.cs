using Edge.Gateway.Incidents;
using Edge.Gateway.Ingest;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Gateway.Tests.Ingest;

/// <summary>Issue 16 point 4: a retained call-button press (or batch) is a replay, never a new alarm, and is deleted.</summary>
public sealed class RetainedMessageTests
{
    [Fact]
    public async Task Offer_RetainedButtonPressAndBatch_AreRefusedNotRaised_AndDeletedFromTheBroker()
    {
        await using var gw = await TestGateway.CreateAsync();
        var guard = gw.Host.Services.GetRequiredService<RetainedMessageGuard>();
        await guard.StartAsync(CancellationToken.None);

        var press = gw.Pipeline.Offer(new SensorMessage("care/site1/sensors/dev1/event", Messages.Button("dev1", 1), Retained: true));
        var batch = gw.Pipeline.Offer(new SensorMessage("care/site1/sensors/dev2/accel", Messages.Bytes(Messages.Still("dev2", 0)), Retained: true));
        await gw.DrainAsync();

        Assert.Equal(OfferOutcome.RetainedRefused, press);
        Assert.Equal(OfferOutcome.RetainedRefused, batch);
        Assert.Empty(await gw.Incidents.ListOpenAsync());
        Assert.Equal(2, guard.Ignored);
        await WaitForAsync(() => gw.Source.ClearedTopics.Count == 2);
        Assert.Equal(["care/site1/sensors/dev1/event", "care/site1/sensors/dev2/accel"], gw.Source.ClearedTopics);
        Assert.Equal(0, gw.Pipeline.GetDeviceCounters().SingleOrDefault(d => d.DeviceId == "dev2")?.BatchesDelivered ?? 0);
        await guard.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Offer_TheSamePressLive_IsRaised()
    {
        await using var gw = await TestGateway.CreateAsync();

        Assert.Equal(OfferOutcome.Queued, gw.Pipeline.Offer(new SensorMessage("care/site1/sensors/dev1/event", Messages.Button("dev1", 1), Retained: false)));
        await gw.DrainAsync();

        Assert.Single(await gw.Incidents.ListOpenAsync(), i => i.Type == IncidentType.ManualCall && i.ResidentId == "res1");
    }

    [Fact]
    public async Task Offer_RetainedStatus_IsKept_ItIsTheDevicesLastKnownState()
    {
        await using var gw = await TestGateway.CreateAsync();
        var guard = gw.Host.Services.GetRequiredService<RetainedMessageGuard>();

        Assert.Equal(OfferOutcome.Queued, gw.Pipeline.Offer(new SensorMessage("care/site1/sensors/dev1/status", Messages.Status("dev1", 1), Retained: true)));
        await gw.DrainAsync();

        Assert.Equal(0, guard.Ignored);
        Assert.Empty(gw.Source.ClearedTopics);
    }

    [Fact]
    public async Task Offer_EmptyPayload_TheBrokersEchoOfADeletion_IsIgnoredNotCountedAsMalformed()
    {
        await using var gw = await TestGateway.CreateAsync();

        Assert.Equal(OfferOutcome.Ignored, gw.Offer("dev1", "event", []));
        await gw.DrainAsync();

        Assert.DoesNotContain(gw.Pipeline.GetDeviceCounters(), d => d.DeviceId == "dev1" && d.Malformed.Count > 0);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Yield();
            timeout.Token.ThrowIfCancellationRequested();
        }
    }
}
