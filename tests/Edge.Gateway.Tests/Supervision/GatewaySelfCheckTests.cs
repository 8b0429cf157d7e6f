using Edge.Gateway.Incidents;
using Edge.Gateway.Supervision;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Gateway.Tests.Supervision;

public class GatewaySelfCheckTests
{
    [Fact]
    public async Task Run_Healthy_ReportsNothing()
    {
        await using var gw = await TestGateway.CreateAsync();
        var check = gw.Host.Services.GetRequiredService<GatewaySelfCheck>();
        check.FreeBytes = _ => long.MaxValue;

        Assert.Empty(check.Run());
    }

    [Fact]
    public async Task Run_BrokerDownLongerThanGrace_Fails()
    {
        await using var gw = await TestGateway.CreateAsync();
        var check = gw.Host.Services.GetRequiredService<GatewaySelfCheck>();
        check.FreeBytes = _ => long.MaxValue;
        gw.Source.IsConnected = false;

        Assert.Empty(check.Run());
        gw.Time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal("broker", Assert.Single(check.Run()).Check);
    }

    [Fact]
    public async Task Run_DiskAlmostFullClockJumpedModelMissing_ReportsEach()
    {
        await using var gw = await TestGateway.CreateAsync();
        var check = gw.Host.Services.GetRequiredService<GatewaySelfCheck>();
        check.FreeBytes = _ => 10L * 1024 * 1024;
        gw.Host.Services.GetRequiredService<Edge.Gateway.Detection.ModelHealth>().Loaded = false;
        gw.Time.JumpWallClock(TimeSpan.FromHours(-3));

        var failures = check.Run().Select(f => f.Check).ToList();

        Assert.Contains("disk", failures);
        Assert.Contains("model", failures);
        Assert.Contains("clock", failures);
    }

    [Fact]
    public async Task Run_BrokerDropCounterRises_FailsOnceForThoseDrops()
    {
        await using var gw = await TestGateway.CreateAsync();
        var check = gw.Host.Services.GetRequiredService<GatewaySelfCheck>();
        check.FreeBytes = _ => long.MaxValue;

        Assert.Equal(Edge.Gateway.Ingest.OfferOutcome.BrokerStatus, gw.Pipeline.Offer(new Edge.Gateway.Ingest.SensorMessage("$SYS/broker/publish/messages/dropped", "12"u8.ToArray())));
        Assert.Empty(check.Run()); // drops from before the gateway was watching
        gw.Pipeline.Offer(new Edge.Gateway.Ingest.SensorMessage("$SYS/broker/publish/messages/dropped", "40"u8.ToArray()));

        var failure = Assert.Single(check.Run());
        Assert.Equal("broker-drops", failure.Check);
        Assert.Contains("28", failure.Problem, StringComparison.Ordinal);
        Assert.Empty(check.Run());
        Assert.Equal(0, gw.Pipeline.Handled);
    }

    [Fact]
    public async Task CheckSelf_NewFailure_RaisesOneGatewayFault()
    {
        await using var gw = await TestGateway.CreateAsync();
        var check = gw.Host.Services.GetRequiredService<GatewaySelfCheck>();
        check.FreeBytes = _ => 1;
        var service = gw.Host.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<SupervisionService>().Single();

        await service.CheckSelfAsync(CancellationToken.None);
        await service.CheckSelfAsync(CancellationToken.None);

        var fault = Assert.Single(await gw.Incidents.ListOpenAsync());
        Assert.Equal(IncidentType.GatewayFault, fault.Type);
        Assert.Equal(IncidentService.GatewaySubject, fault.Subject);
        Assert.Contains("disk", fault.Detail, StringComparison.Ordinal);
        Assert.Equal(1, fault.TriggerCount);
    }

    [Fact]
    public async Task CheckSelf_BrokerBackAfterAFault_TheFaultIsClearedNotLeftClaimingTheBrokerIsDown()
    {
        await using var gw = await TestGateway.CreateAsync();
        var check = gw.Host.Services.GetRequiredService<GatewaySelfCheck>();
        check.FreeBytes = _ => long.MaxValue;
        var service = gw.Host.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<SupervisionService>().Single();
        gw.Source.IsConnected = false;
        await service.CheckSelfAsync(CancellationToken.None);
        gw.Time.Advance(TimeSpan.FromSeconds(61));
        await service.CheckSelfAsync(CancellationToken.None);
        var fault = Assert.Single(await gw.Incidents.ListOpenAsync());
        Assert.Contains("not connected to the MQTT broker", fault.Detail, StringComparison.Ordinal);

        gw.Source.IsConnected = true;
        await service.CheckSelfAsync(CancellationToken.None);

        Assert.Empty(await gw.Incidents.ListOpenAsync());
        var cleared = await gw.Incidents.GetAsync(fault.Id);
        Assert.Equal(IncidentState.Resolved, cleared!.State);
        Assert.Equal(IncidentOutcome.Cleared, cleared.Outcome);
    }

    [Fact]
    public async Task CheckSelf_BrokerDroppedMessages_FaultStaysOpenForAPersonAfterTheNextCleanCheck()
    {
        await using var gw = await TestGateway.CreateAsync();
        var check = gw.Host.Services.GetRequiredService<GatewaySelfCheck>();
        check.FreeBytes = _ => long.MaxValue;
        var service = gw.Host.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<SupervisionService>().Single();
        gw.Pipeline.Offer(new Edge.Gateway.Ingest.SensorMessage("$SYS/broker/publish/messages/dropped", "0"u8.ToArray()));
        await service.CheckSelfAsync(CancellationToken.None);
        gw.Pipeline.Offer(new Edge.Gateway.Ingest.SensorMessage("$SYS/broker/publish/messages/dropped", "5"u8.ToArray()));

        await service.CheckSelfAsync(CancellationToken.None);
        await service.CheckSelfAsync(CancellationToken.None);

        var fault = Assert.Single(await gw.Incidents.ListOpenAsync());
        Assert.Contains("broker-drops", fault.Detail, StringComparison.Ordinal);
    }
}
