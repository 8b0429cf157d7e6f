using Edge.Alerting;
using Edge.Gateway.Alerting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Tests.Alerting;

public class PolicyStartupTests
{
    private static string Policy(string slots) => $$"""
        { "version": 1, "site": "site1", "timeZone": "Etc/UTC", "units": [ { "unit": "u1", "slots": [ {{slots}} ] } ] }
        """;

    [Fact]
    public async Task Start_PolicyWithANightGap_IsRejectedNamingTheGap()
    {
        var policy = Policy("""{ "name": "day", "from": "07:00", "to": "19:00", "steps": [ { "after": "00:00:00", "notify": ["espa:101"] } ] }""");
        await using var gw = await AlertingGateway.CreateAsync(policy, start: false);

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => gw.Host.StartAsync());

        Assert.Contains(e.Failures, f => f.Contains("unit 'u1': nobody to alert Mon 19:00–Tue 07:00", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("unit 'u1': nobody to alert Sun 19:00–Sun 24:00", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_UnitWithResidentsButNoPolicy_IsRejected()
    {
        var policy = """{ "version": 1, "site": "site1", "timeZone": "Etc/UTC", "units": [] }""";
        await using var gw = await AlertingGateway.CreateAsync(policy, start: false);

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => gw.Host.StartAsync());

        Assert.Contains(e.Failures, f => f.Contains("unit 'u1': the unit has residents but no escalation policy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_StepOnlyOnAChannelThisGatewayLacks_IsAGap()
    {
        var policy = Policy("""{ "from": "00:00", "to": "00:00", "steps": [ { "after": "00:00:00", "notify": ["sip:2001"] } ] }""");
        await using var gw = await AlertingGateway.CreateAsync(policy, start: false, channels: [ChannelKind.Espa]);

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => gw.Host.StartAsync());

        Assert.Contains(e.Failures, f => f.Contains("step 1 reaches nobody", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("'sip:2001': no Sip channel is configured", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_StaffPageBoardAlone_DoesNotCountAsAlertingSomeone()
    {
        var policy = Policy("""{ "from": "00:00", "to": "00:00", "steps": [ { "after": "00:00:00", "notify": ["page:u1"] } ] }""");
        await using var gw = await AlertingGateway.CreateAsync(policy, start: false);

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => gw.Host.StartAsync());

        Assert.Contains(e.Failures, f => f.Contains("nobody to alert", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("a board alerts nobody by itself", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_StaffTargetExpandsToTheirDevices_AndIsAccepted()
    {
        var policy = Policy("""{ "from": "00:00", "to": "00:00", "steps": [ { "after": "00:00:00", "notify": ["staff:sam"] } ] }""");
        await using var gw = await AlertingGateway.CreateAsync(policy);
        var id = (await gw.RaiseAsync(Edge.Gateway.Incidents.IncidentType.Fall)).Incident.Id;
        await gw.SettleAsync();

        var page = Assert.Single(gw.Pager.Sends);
        Assert.Equal(["101"], page.Message.Recipients); // Alerting:Escalation:Staff:sam = espa:101
        Assert.Equal(id.ToString(System.Globalization.CultureInfo.InvariantCulture), page.Message.IncidentId);
    }

    [Fact]
    public async Task Start_BadEscalationSettings_AreAllReported()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Alerting:Escalation:ReminderAfter"] = "00:10:00",
            ["Alerting:Escalation:ResumeAfter"] = "00:05:00",
            ["Alerting:Escalation:QuietHoursFrom"] = "25:00",
            ["Alerting:Escalation:QuietHoursTo"] = "07:00",
            ["Alerting:Escalation:Staff:sam:0"] = "page:u1",
        };
        await using var gw = await AlertingGateway.CreateAsync(settings: settings, start: false);

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => gw.Host.StartAsync());

        Assert.Contains(e.Failures, f => f.Contains("ResumeAfter", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("QuietHoursFrom", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("Staff:sam: 'page:u1' must be a device target", StringComparison.Ordinal));
    }
}
