using Edge.Alerting;
using Edge.Gateway.Alerting;
using Edge.Gateway.Incidents;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Gateway.Tests.Alerting;

/// <summary>The monitor on the real incident store (SQLite) with the fake channels; the engine is not started.</summary>
public class ChannelFaultMonitorTests
{
    private static ChannelFaultMonitor Monitor(AlertingGateway gw) => gw.Host.Services.GetRequiredService<ChannelFaultMonitor>();

    private static EscalationWork Work(AlertingGateway gw) => gw.Host.Services.GetRequiredService<EscalationWork>();

    private static async Task<List<Incident>> FaultsAsync(AlertingGateway gw) =>
        [.. (await gw.Incidents.ListOpenAsync()).Where(i => i.Type == IncidentType.GatewayFault)];

    [Fact]
    public async Task Failed_RaisesOneGatewayFaultNamingTheChannel_UntilItRecovers()
    {
        await using var gw = await AlertingGateway.CreateAsync(start: false);
        var monitor = Monitor(gw);

        await monitor.FailedAsync(gw.Pager, "serial link down");
        await monitor.FailedAsync(gw.Pager, "still down");

        var fault = Assert.Single(await FaultsAsync(gw));
        Assert.Equal("channel:pager", fault.Subject);
        Assert.Contains("Espa channel pager failed: serial link down", fault.Detail, StringComparison.Ordinal);
        Assert.Equal("serial link down", monitor.Faulted["pager"]);
        Assert.Equal(["pager"], monitor.FaultedNames());
    }

    [Fact]
    public async Task Recovered_ClearsTheFault_AndPagesTheChannelAgain()
    {
        await using var gw = await AlertingGateway.CreateAsync(start: false);
        var monitor = Monitor(gw);
        var repaged = new List<string>();
        monitor.Attach(c =>
        {
            repaged.Add(c.Name);
            return Task.CompletedTask;
        });
        await monitor.FailedAsync(gw.Handset, "no registration");

        await monitor.RecoveredAsync(gw.Handset, "delivered again");

        Assert.Empty(await FaultsAsync(gw));
        Assert.Empty(monitor.Faulted);
        Assert.Equal(["handset"], repaged);
        monitor.Detach();
    }

    [Fact]
    public async Task Recovered_AChannelThatHadNotFailed_NeitherClearsNorPages()
    {
        await using var gw = await AlertingGateway.CreateAsync(start: false);
        var monitor = Monitor(gw);
        var repaged = 0;
        monitor.Attach(_ =>
        {
            repaged++;
            return Task.CompletedTask;
        });
        await monitor.FailedAsync(gw.Pager, "serial link down");

        await monitor.RecoveredAsync(gw.Handset, "delivered again");

        Assert.Equal(0, repaged);
        Assert.Single(await FaultsAsync(gw));
        monitor.Detach();
    }

    [Fact]
    public async Task HealthEvents_DownRaisesTheFault_HealthyClearsIt_AfterDetachNothing()
    {
        await using var gw = await AlertingGateway.CreateAsync(start: false);
        var monitor = Monitor(gw);
        var repaged = new List<string>();
        monitor.Attach(c =>
        {
            repaged.Add(c.Name);
            return Task.CompletedTask;
        });

        gw.Hook.SetHealth(ChannelHealthState.Down, "HTTP 503");
        await Work(gw).WhenIdleAsync();
        Assert.Equal("channel:hook", Assert.Single(await FaultsAsync(gw)).Subject);

        gw.Hook.SetHealth(ChannelHealthState.Healthy, "HTTP 200");
        await Work(gw).WhenIdleAsync();
        Assert.Empty(await FaultsAsync(gw));
        Assert.Equal(["hook"], repaged);

        monitor.Detach();
        gw.Hook.SetHealth(ChannelHealthState.Down, "HTTP 503");
        await Work(gw).WhenIdleAsync();
        Assert.Empty(await FaultsAsync(gw));
    }

    [Fact]
    public async Task Attach_AChannelAlreadyDown_IsReportedAtOnce()
    {
        await using var gw = await AlertingGateway.CreateAsync(start: false);
        var monitor = Monitor(gw);
        gw.Pager.SetHealth(ChannelHealthState.Down, "port closed");

        monitor.Attach(_ => Task.CompletedTask);
        await Work(gw).WhenIdleAsync();

        Assert.Equal("channel:pager", Assert.Single(await FaultsAsync(gw)).Subject);
        Assert.Equal("port closed", monitor.Faulted["pager"]);
        monitor.Detach();
    }
}
