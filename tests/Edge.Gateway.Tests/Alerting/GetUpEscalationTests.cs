using Edge.Alerting;
using Edge.Gateway.Alerting;
using Edge.Gateway.Incidents;

namespace Edge.Gateway.Tests.Alerting;

/// <summary>A get-up alert goes through the unit's escalation policy like any incident, at its own priority below a fall.</summary>
public sealed class GetUpEscalationTests
{
    [Fact]
    public async Task GettingUp_DuringQuietHours_PagesTheUnitAtOnceAtPriorityTwoAndEscalates()
    {
        await using var gw = await AlertingGateway.CreateAsync(settings: new()
        {
            // 08:00 UTC is inside these quiet hours: only battery-low and not-worn alerts wait for them.
            ["Alerting:Escalation:QuietHoursFrom"] = "22:00",
            ["Alerting:Escalation:QuietHoursTo"] = "08:30",
        });

        var up = (await gw.RaiseAsync(IncidentType.GettingUp)).Incident;
        await gw.SettleAsync();

        var page = Assert.Single(gw.Pager.Sends);
        Assert.Equal(AlertingGateway.Start, page.At);
        Assert.Equal(["101"], page.Message.Recipients);
        Assert.Equal(AlertPriority.High, page.Message.Priority);
        Assert.Equal(AlertKind.GettingUp, page.Message.Kind);
        Assert.True(page.Message.IsUrgent);
        Assert.StartsWith("GETTING UP Room 1 Alice #", page.Message.Text, StringComparison.Ordinal);

        await gw.AdvanceInStepsAsync(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10));
        Assert.Single(gw.Handset.Sends); // not accepted: tier 2 after 60 s, as for any incident

        await gw.Incidents.AcceptAsync(up.Id, "sam", "staff-page");
        await gw.Incidents.ResolveAsync(up.Id, "sam", IncidentOutcome.NoFall, null, "staff-page");
        await gw.AdvanceInStepsAsync(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(1));
        Assert.Single(gw.Handset.Sends);
        Assert.Single(gw.Pager.Sends);
    }

    [Fact]
    public async Task GettingUpAndFallTogether_FallPagesAtAlarmPriority_GetUpBelowIt()
    {
        await using var gw = await AlertingGateway.CreateAsync();

        await gw.RaiseAsync(IncidentType.GettingUp, "res1");
        await gw.RaiseAsync(IncidentType.Fall, "res2");
        await gw.SettleAsync();

        var sends = gw.Pager.Sends;
        Assert.Equal(2, sends.Count);
        Assert.Equal(AlertPriority.High, sends.Single(s => s.Message.Text.StartsWith("GETTING UP", StringComparison.Ordinal)).Message.Priority);
        Assert.Equal(AlertPriority.Alarm, sends.Single(s => s.Message.Text.StartsWith("FALL", StringComparison.Ordinal)).Message.Priority);
        Assert.True(AlertText.UrgencyRank(IncidentType.Fall) < AlertText.UrgencyRank(IncidentType.GettingUp));
        Assert.True(AlertText.UrgencyRank(IncidentType.GettingUp) < AlertText.UrgencyRank(IncidentType.BatteryLow));
    }
}
