using Edge.Gateway.Commissioning;
using Edge.Gateway.Diagnostics;
using Edge.Gateway.Incidents;
using Edge.Gateway.Registry;
using Edge.Gateway.Storage;
using Edge.TestKit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Edge.Gateway.Tests.Commissioning;

/// <summary>
/// Commissioning stands in front of the incident store as a decorator registered explicitly: whichever of
/// AddIncidents and AddCommissioning comes first, a device under test never reaches the store (so never a pager),
/// and every other device does. Before, the last registration of IIncidentService won, and adding commissioning
/// first silently sent test incidents to staff.
/// </summary>
public class IncidentDecoratorOrderTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task IIncidentService_IncidentsAddedBeforeOrAfterCommissioning_DeviceUnderTestGoesToTheReportOnly(bool incidentsFirst)
    {
        using var dir = new TempDirectory("edge-gw-order");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = dir.Path });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:DatabasePath"] = dir.File("gateway.db") });
        var time = new GatewayTestClock(TestGateway.Start);
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.AddDiagnostics().AddStorage().AddRegistry();
        if (incidentsFirst)
        {
            builder.AddIncidents().AddCommissioning();
        }
        else
        {
            builder.AddCommissioning().AddIncidents();
        }

        using var host = builder.Build();
        var services = host.Services;
        await services.GetRequiredService<GatewayDatabase>().InitializeAsync();
        await services.GetRequiredService<DeviceRegistry>().ImportAsync(TestGateway.Site(), "test");
        var now = time.GetUtcNow();
        var store = services.GetRequiredService<CommissioningStore>();
        var session = await store.StartAsync(false, ["dev1"], "tech", now, TimeSpan.FromHours(1), CancellationToken.None);
        services.GetRequiredService<CommissioningState>().Set(await store.SessionsAsync(null, CancellationToken.None, openOnly: true));

        Assert.IsType<CommissioningIncidentService>(services.GetRequiredService<IIncidentService>());
        Assert.Same(services.GetRequiredService<IIncidentService>(), services.GetRequiredService<IIncidentService>());
        var incidents = services.GetRequiredService<IIncidentService>();
        await incidents.RaiseAsync(Call("dev1", "res1", now));
        await incidents.RaiseAsync(Call("dev2", "res2", now));
        Assert.True(await services.GetRequiredService<IncidentRaiser>().RaiseAsync(Call("dev1", "res1", now), UnstoredRaise.Keep, CancellationToken.None));

        var stored = Assert.Single(await services.GetRequiredService<IncidentService>().ListOpenAsync());
        Assert.Equal("dev2", stored.DeviceId);
        var routed = await store.EventsAsync(session, CancellationToken.None);
        Assert.Equal(2, routed.Count(e => e.Kind == "manual_call" && e.DeviceId == "dev1"));
        Assert.DoesNotContain(routed, e => e.DeviceId == "dev2");
    }

    private static RaiseRequest Call(string device, string resident, DateTimeOffset at) =>
        new(IncidentType.ManualCall, resident, at, $"Call button pressed on {device}.", "button", resident, null, device);
}
