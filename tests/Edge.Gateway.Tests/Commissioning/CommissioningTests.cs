using Edge.Gateway.Commissioning;
using Edge.Gateway.Incidents;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Gateway.Tests.Commissioning;

public sealed class CommissioningTests
{
    [Fact]
    public async Task ButtonPress_DeviceUnderTest_GoesToReportNotToIncidents()
    {
        await using var gw = await TestGateway.CreateAsync();
        var session = await StartAsync(gw, "dev1");

        gw.Offer("dev1", "status", Messages.Status("dev1", 1));
        gw.Offer("dev1", "event", Messages.Button("dev1", 1));
        await gw.DrainAsync();

        Assert.Empty(await gw.Incidents.ListOpenAsync());
        var events = await Store(gw).EventsAsync(session, CancellationToken.None);
        var call = Assert.Single(events, e => e.Kind == "manual_call");
        Assert.Equal("dev1", call.DeviceId);
        Assert.True(call.Passed, call.Detail);
        Assert.StartsWith("outcome test:", call.Detail, StringComparison.Ordinal);
        Assert.NotNull((await Store(gw).SessionsAsync(session, CancellationToken.None)).Single().AcknowledgedAt);
    }

    [Fact]
    public async Task ButtonPress_OtherDeviceDuringSession_StillRaisesARealIncident()
    {
        await using var gw = await TestGateway.CreateAsync();
        await StartAsync(gw, "dev1");

        gw.Offer("dev2", "event", Messages.Button("dev2", 1));
        await gw.DrainAsync();

        var incident = Assert.Single(await gw.Incidents.ListOpenAsync());
        Assert.Equal(IncidentType.ManualCall, incident.Type);
        Assert.Equal("dev2", incident.DeviceId);
    }

    [Fact]
    public async Task Session_PastItsEndTime_DeviceAlertsStaffAgain()
    {
        await using var gw = await TestGateway.CreateAsync();
        var session = await StartAsync(gw, "dev1", TimeSpan.FromMinutes(30));

        gw.Time.Advance(TimeSpan.FromMinutes(31));
        await Service(gw).RefreshSessionsAsync(CancellationToken.None);
        gw.Offer("dev1", "event", Messages.Button("dev1", 1));
        await gw.DrainAsync();

        Assert.Equal(IncidentType.ManualCall, Assert.Single(await gw.Incidents.ListOpenAsync()).Type);
        Assert.NotNull((await Store(gw).SessionsAsync(session, CancellationToken.None)).Single().EndedAt);
    }

    [Fact]
    public async Task Report_ConnectedStatusBatteryButtonAndFall_AllPassWithTimes()
    {
        await using var gw = await TestGateway.CreateAsync(score: 0.95f);
        var session = await StartAsync(gw, "dev3");

        gw.Offer("dev3", "status", Messages.Status("dev3", 1, soc: 80));
        gw.Offer("dev3", "event", Messages.Button("dev3", 1));
        var magnitudes = Enumerable.Repeat(1.0f, 400).ToArray();
        magnitudes[200] = 6.0f; // an impact: the fixed-score model calls it a fall
        foreach (var batch in Messages.FromMagnitudes("dev3", 100, magnitudes))
        {
            gw.Offer("dev3", "accel", Messages.Bytes(batch));
            await gw.DrainAsync();
        }

        await gw.Supervisor.EvaluateAsync(CancellationToken.None);
        await Service(gw).TickAsync(CancellationToken.None);
        var s = (await Store(gw).SessionsAsync(session, CancellationToken.None)).Single();
        var result = Assert.Single(CommissioningReport.Build(s, gw.Registry.Assignments, await Store(gw).EventsAsync(session, CancellationToken.None)));

        Assert.Empty(await gw.Incidents.ListOpenAsync());
        Assert.Equal("Carol", result.Resident);
        Assert.Equal("Room 3", result.Room);
        foreach (var check in new[] { "connected", "status", "battery", "manual_call", "fall" })
        {
            var c = Assert.Single(result.Checks, c => c.Check == check);
            Assert.True(c.Status == CheckStatus.Passed, $"{check}: {c.Status} {c.Detail}");
            Assert.NotNull(c.At);
        }

        Assert.True(result.AllPassed);
        var md = CommissioningReport.ToMarkdown(s, [result], gw.Time.GetUtcNow());
        Assert.Contains("| dev3 | Carol | Room 3 | passed", md, StringComparison.Ordinal);
        var csv = CommissioningReport.ToCsv(s, [result]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1 + CommissioningReport.Checks.Length, csv.Length);
    }

    [Fact]
    public async Task Report_LowBatteryAndNoFall_FailsAndNotSeen()
    {
        await using var gw = await TestGateway.CreateAsync();
        var session = await StartAsync(gw, "dev1");

        gw.Offer("dev1", "status", Messages.Status("dev1", 1, soc: 20));
        await gw.DrainAsync();
        await gw.Supervisor.EvaluateAsync(CancellationToken.None);
        await Service(gw).TickAsync(CancellationToken.None);
        var s = (await Store(gw).SessionsAsync(session, CancellationToken.None)).Single();
        var result = Assert.Single(CommissioningReport.Build(s, gw.Registry.Assignments, await Store(gw).EventsAsync(session, CancellationToken.None)));

        Assert.Equal(CheckStatus.Failed, result.Checks.Single(c => c.Check == "battery").Status);
        Assert.Equal(CheckStatus.NotSeen, result.Checks.Single(c => c.Check == "fall").Status);
        Assert.False(result.AllPassed);
    }

    [Fact]
    public async Task SelfTest_BrokerDisconnected_RaisesGatewayFault()
    {
        await using var gw = await TestGateway.CreateAsync(score: 0.95f);
        gw.Source.IsConnected = false;

        var passed = await Service(gw).RunSelfTestAsync("test", CancellationToken.None);

        Assert.False(passed);
        var fault = Assert.Single(await gw.Incidents.ListOpenAsync());
        Assert.Equal(IncidentType.GatewayFault, fault.Type);
        Assert.Contains("Self-test failed: broker", fault.Detail, StringComparison.Ordinal);
        Assert.False((await Store(gw).LastSelfTestAsync(CancellationToken.None))!.Value.Passed);
    }

    [Fact]
    public async Task SelfTest_Healthy_LoggedAndNoIncident()
    {
        await using var gw = await TestGateway.CreateAsync(score: 0.95f);

        var passed = await Service(gw).RunSelfTestAsync("test", CancellationToken.None);

        Assert.True(passed);
        Assert.Empty(await gw.Incidents.ListOpenAsync());
        Assert.True((await Store(gw).LastSelfTestAsync(CancellationToken.None))!.Value.Passed);
    }

    [Fact]
    public async Task SelfTest_ModelDoesNotDetectTheSyntheticFall_Fails()
    {
        // A detector whose model never fires (score 0): the self-test must notice.
        await using var gw = await TestGateway.CreateAsync(score: 0.0f);

        Assert.False(await Service(gw).RunSelfTestAsync("test", CancellationToken.None));
        Assert.Contains("synthetic fall was not detected", Assert.Single(await gw.Incidents.ListOpenAsync()).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SelfTest_Schedule_RunsWhenDueAndNotBefore()
    {
        await using var gw = await TestGateway.CreateAsync(new() { ["Commissioning:SelfTestEnabled"] = "true", ["Commissioning:SelfTestInterval"] = "30.00:00:00" }, score: 0.95f);
        var service = Service(gw);

        await service.TickAsync(CancellationToken.None);
        var first = (await Store(gw).LastSelfTestAsync(CancellationToken.None))!.Value.At;
        gw.Time.Advance(TimeSpan.FromDays(29));
        await service.TickAsync(CancellationToken.None);
        Assert.Equal(first, (await Store(gw).LastSelfTestAsync(CancellationToken.None))!.Value.At);
        gw.Time.Advance(TimeSpan.FromDays(1));
        await service.TickAsync(CancellationToken.None);
        Assert.Equal(first + TimeSpan.FromDays(30), (await Store(gw).LastSelfTestAsync(CancellationToken.None))!.Value.At);
    }

    private static CommissioningStore Store(TestGateway gw) => gw.Host.Services.GetRequiredService<CommissioningStore>();

    private static CommissioningService Service(TestGateway gw) => gw.Host.Services.GetRequiredService<CommissioningService>();

    private static async Task<long> StartAsync(TestGateway gw, string device, TimeSpan? length = null)
    {
        var id = await Store(gw).StartAsync(false, [device], "tech", gw.Time.GetUtcNow(), length ?? TimeSpan.FromHours(1), CancellationToken.None);
        await Service(gw).RefreshSessionsAsync(CancellationToken.None);
        return id;
    }
}
