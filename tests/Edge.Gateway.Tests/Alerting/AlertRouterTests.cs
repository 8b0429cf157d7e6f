using Edge.Gateway.Alerting;
using Edge.Gateway.Incidents;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Gateway.Tests.Alerting;

/// <summary>
/// The router on the real composition (policy file, staff store, registry in SQLite) with the three fake channels:
/// pager (ESPA), handset (SIP) and hook (webhook). The engine is not started; the tests call the router directly.
/// </summary>
public class AlertRouterTests
{
    private static AlertRouter Router(AlertingGateway gw) => gw.Host.Services.GetRequiredService<AlertRouter>();

    private static ChannelFaultMonitor Faults(AlertingGateway gw) => gw.Host.Services.GetRequiredService<ChannelFaultMonitor>();

    private static Dictionary<string, List<string>> Named(Dictionary<Edge.Alerting.IAlertChannel, List<string>> plan) =>
        plan.ToDictionary(p => p.Key.Name, p => p.Value);

    private static DeliveryGroup Group(Incident incident, EscalationSchedule schedule, int step) =>
        new(incident, step, schedule.Label(step), "text", lateWithdraw: true, schedule.FailoverOf(step), schedule.Everyone);

    [Fact]
    public async Task Resolve_TargetsLandOnTheChannelOfTheirKind_StaffExpandedToTheirDevices_EachRecipientOnce()
    {
        await using var gw = await AlertingGateway.CreateAsync(start: false);

        var plan = Named(Router(gw).Resolve(["espa:101", "staff:sam", "sip:2001", "webhook:manager", "espa:102"], []));

        Assert.Equal(["101", "102"], plan["pager"]); // staff:sam is espa:101 (Alerting:Escalation:Staff:sam)
        Assert.Equal(["2001"], plan["handset"]);
        Assert.Equal(["manager"], plan["hook"]);
    }

    [Fact]
    public async Task Resolve_ExcludedChannelsAndTargetsNoChannelCanReach_AreLeftOut()
    {
        await using var gw = await AlertingGateway.CreateAsync(start: false);
        var router = Router(gw);

        Assert.Equal(["handset"], Named(router.Resolve(["espa:101", "sip:2001"], ["pager"])).Keys);
        Assert.Empty(router.Resolve(["page:u1", "not a target", "staff:nobody"], []));
    }

    [Fact]
    public async Task Plan_StepWithAWorkingChannel_IsSentAsItIs()
    {
        await using var gw = await AlertingGateway.CreateAsync(start: false);
        var router = Router(gw);
        var fall = (await gw.RaiseAsync(IncidentType.Fall)).Incident;
        var schedule = router.ScheduleFor(fall, gw.Time.GetUtcNow())!;

        var plan = Named(router.Plan(Group(fall, schedule, 0), schedule.TargetsOf(0)));

        Assert.Equal(["pager"], plan.Keys);
        Assert.Equal(["101"], plan["pager"]);
    }

    [Fact]
    public async Task Plan_EveryChannelOfTheStepFailed_IsWidenedToEveryTierOnTheWorkingChannels()
    {
        await using var gw = await AlertingGateway.CreateAsync(start: false);
        var router = Router(gw);
        var fall = (await gw.RaiseAsync(IncidentType.Fall)).Incident;
        var schedule = router.ScheduleFor(fall, gw.Time.GetUtcNow())!;
        await Faults(gw).FailedAsync(gw.Pager, "link down");

        var widened = Named(router.Plan(Group(fall, schedule, 0), schedule.TargetsOf(0)));
        var reminder = Named(router.Plan(Group(fall, schedule, 0), schedule.TargetsOf(0), widen: false));

        // The failed pager is still tried: a fall goes out wherever it might land.
        Assert.Equal(["101"], widened["pager"]);
        Assert.Equal(["2001"], widened["handset"]);
        Assert.Equal(["manager"], widened["hook"]);
        Assert.Equal(["pager"], reminder.Keys);
    }

    [Fact]
    public async Task Excluded_AGatewayFault_AvoidsFailedChannelsAndTheChannelItIsAbout_OtherIncidentsAvoidNone()
    {
        await using var gw = await AlertingGateway.CreateAsync(start: false);
        var router = Router(gw);
        await Faults(gw).FailedAsync(gw.Handset, "no registration");
        var fault = (await gw.Incidents.RaiseAsync(new RaiseRequest(IncidentType.GatewayFault, EscalationEngine.ChannelFaultSubjectPrefix + "pager", gw.Time.GetUtcNow(), "test", "test"))).Incident;
        var fall = (await gw.RaiseAsync(IncidentType.Fall)).Incident;

        Assert.Equal(["handset", "pager"], router.Excluded(fault).Order(StringComparer.Ordinal));
        Assert.Empty(router.Excluded(fall));

        var schedule = router.ScheduleFor(fault, gw.Time.GetUtcNow())!;
        Assert.Equal(["hook"], Named(router.Plan(Group(fault, schedule, 0), schedule.Everyone)).Keys);
    }

    [Fact]
    public async Task FailoverPlan_TheNextTierOnChannelsNotTriedAndNotFailed_ElseEveryTierThere()
    {
        await using var gw = await AlertingGateway.CreateAsync(start: false);
        var router = Router(gw);
        var fall = (await gw.RaiseAsync(IncidentType.Fall)).Incident;
        var schedule = router.ScheduleFor(fall, gw.Time.GetUtcNow())!;
        var group = Group(fall, schedule, 0);
        group.Started("pager");

        Assert.Equal(["2001"], Named(router.FailoverPlan(group))["handset"]);
        Assert.Single(router.FailoverPlan(group));

        await Faults(gw).FailedAsync(gw.Handset, "no registration");
        var widened = Named(router.FailoverPlan(group));
        Assert.Equal(["hook"], widened.Keys);
        Assert.Equal(["manager"], widened["hook"]);
    }

    [Fact]
    public async Task ScheduleFor_TheResidentsUnitSlot_RepeatingByUrgency_AFaultTakesEveryUnit()
    {
        await using var gw = await AlertingGateway.CreateAsync(start: false);
        var router = Router(gw);
        var now = gw.Time.GetUtcNow();
        var fall = (await gw.RaiseAsync(IncidentType.Fall)).Incident;
        var battery = (await gw.RaiseAsync(IncidentType.BatteryLow, "res2")).Incident;
        var fault = (await gw.Incidents.RaiseAsync(new RaiseRequest(IncidentType.GatewayFault, "gateway", now, "test", "test"))).Incident;

        Assert.Equal("u1", router.UnitOf(fall));
        Assert.Null(router.UnitOf(fault));
        var s = router.ScheduleFor(fall, now)!;
        Assert.Equal(3, s.Tiers);
        Assert.Equal(TimeSpan.FromMinutes(2), s.Repeat);
        Assert.Equal(TimeSpan.FromMinutes(30), router.ScheduleFor(battery, now)!.Repeat);
        Assert.Equal(s.Everyone, router.ScheduleFor(fault, now)!.Everyone);
    }

    [Fact]
    public async Task ScheduleFor_NoSlotCoversTheUnitNow_IsNull()
    {
        await using var gw = await AlertingGateway.CreateAsync(start: false);
        var router = Router(gw);

        Assert.NotNull(router.ScheduleFor("u1", IncidentType.Fall, gw.Time.GetUtcNow()));
        Assert.Null(router.ScheduleFor("u9", IncidentType.Fall, gw.Time.GetUtcNow()));
    }

    [Fact]
    public async Task ReminderTargets_TheAcceptingCarersDevices_ElseTheFallback()
    {
        await using var gw = await AlertingGateway.CreateAsync(start: false);
        var router = Router(gw);
        var first = (await gw.RaiseAsync(IncidentType.Fall)).Incident;
        var second = (await gw.RaiseAsync(IncidentType.Fall, "res2")).Incident;
        var accepted = await gw.Incidents.AcceptAsync(first.Id, "sam", "staff-page");

        Assert.Equal(["espa:101"], router.ReminderTargets(accepted, ["sip:2001"]));
        Assert.Equal(["sip:2001"], router.ReminderTargets(second, ["sip:2001"]));
    }
}
