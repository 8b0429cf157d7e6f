using System.Globalization;
using Edge.Alerting;
using Edge.Gateway.Alerting;
using Edge.Gateway.Incidents;
using Edge.TestKit;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Gateway.Tests.Alerting;

/// <summary>
/// Acknowledgements and withdrawals on the real incident store and attempt records (SQLite) with the fake channels;
/// the engine is not started: pages are put on the fake channels directly, as the dispatcher would.
/// </summary>
public class AcceptanceHandlerTests
{
    private static AcceptanceHandler Handler(AlertingGateway gw) => gw.Host.Services.GetRequiredService<AcceptanceHandler>();

    private static string Ref(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static Task PageAsync(FakeChannel channel, long incidentId, params string[] recipients) =>
        channel.SendAsync(new AlertMessage(Ref(incidentId), recipients, "FALL Room 1", AlertPriority.Alarm, AlertKind.Fall), CancellationToken.None);

    private static async Task<IncidentChange> LastChangeAsync(AlertingGateway gw, long id) =>
        new((await gw.Incidents.GetAsync(id))!, (await gw.Incidents.GetTransitionsAsync(id))[^1]);

    private static IReadOnlyList<string> Withdrawn(FakeChannel channel) =>
        [.. channel.Calls.Where(c => c.Operation == AlertOperation.Cancel).SelectMany(c => c.Message.Recipients)];

    [Fact]
    public async Task Acknowledge_OnTheDeviceOfAStaffMember_AcceptsAsThemThroughThatChannel()
    {
        await using var gw = await AlertingGateway.CreateAsync(start: false);
        var id = (await gw.RaiseAsync(IncidentType.Fall)).Incident.Id;

        await Handler(gw).AcknowledgeAsync(gw.Pager, new AlertAcknowledgement("pager", "101", Ref(id), gw.Time.GetUtcNow(), "acknowledged on the device"));

        var incident = await gw.Incidents.GetAsync(id);
        Assert.Equal(IncidentState.Accepted, incident!.State);
        Assert.Equal("sam", incident.AcceptedBy);
        var accepted = (await gw.Incidents.GetTransitionsAsync(id))[^1];
        Assert.Equal(TransitionKind.Accepted, accepted.Kind);
        Assert.Equal("pager", accepted.Channel);
    }

    [Theory]
    [InlineData("102", "id")] // a pager nobody is assigned to (a group pager names nobody)
    [InlineData("101", "none")] // no incident reference
    [InlineData("101", "junk")] // not an incident number
    public async Task Acknowledge_UnattributableOrUnmatched_AcceptsNothing(string recipient, string reference)
    {
        await using var gw = await AlertingGateway.CreateAsync(start: false);
        var id = (await gw.RaiseAsync(IncidentType.Fall)).Incident.Id;
        var incidentRef = reference switch { "id" => Ref(id), "none" => null, _ => "#" + Ref(id) };

        await Handler(gw).AcknowledgeAsync(gw.Pager, new AlertAcknowledgement("pager", recipient, incidentRef, gw.Time.GetUtcNow(), "acknowledged on the device"));

        Assert.Equal(IncidentState.Raised, (await gw.Incidents.GetAsync(id))!.State);
    }

    [Fact]
    public async Task Acknowledge_AnIncidentAlreadyResolved_IsRefusedWithoutThrowing()
    {
        await using var gw = await AlertingGateway.CreateAsync(start: false);
        var id = (await gw.RaiseAsync(IncidentType.Fall)).Incident.Id;
        await gw.Incidents.ResolveAsync(id, "sam", IncidentOutcome.NoFall, null, "staff-page");

        await Handler(gw).AcknowledgeAsync(gw.Pager, new AlertAcknowledgement("pager", "101", Ref(id), gw.Time.GetUtcNow(), "acknowledged on the device"));

        Assert.Equal(IncidentState.Resolved, (await gw.Incidents.GetAsync(id))!.State);
    }

    [Fact]
    public async Task Withdraw_Resolved_WithdrawsEveryPageStillShowing_Once()
    {
        await using var gw = await AlertingGateway.CreateAsync(start: false);
        var id = (await gw.RaiseAsync(IncidentType.Fall)).Incident.Id;
        await PageAsync(gw.Pager, id, "101", "102");
        await PageAsync(gw.Handset, id, "2001");
        await gw.Incidents.ResolveAsync(id, "sam", IncidentOutcome.NoFall, null, "staff-page");
        var change = await LastChangeAsync(gw, id);

        await Handler(gw).WithdrawAsync(change, []);

        Assert.Equal(["101", "102"], Withdrawn(gw.Pager));
        Assert.Equal(["2001"], Withdrawn(gw.Handset));
        Assert.Empty(Withdrawn(gw.Hook));

        // Withdrawn pages are not showing any more: nothing is withdrawn twice.
        await Handler(gw).WithdrawAsync(change, []);
        Assert.Equal(2, Withdrawn(gw.Pager).Count);
        Assert.Single(Withdrawn(gw.Handset));
    }

    [Fact]
    public async Task Withdraw_AcceptedOnThePager_KeepsTheAcceptingCarersOwnPage()
    {
        await using var gw = await AlertingGateway.CreateAsync(start: false);
        var id = (await gw.RaiseAsync(IncidentType.Fall)).Incident.Id;
        await PageAsync(gw.Pager, id, "101", "102");
        await PageAsync(gw.Handset, id, "2001");
        await gw.Incidents.AcceptAsync(id, "sam", "pager");

        await Handler(gw).WithdrawAsync(await LastChangeAsync(gw, id), []);

        Assert.Equal(["102"], Withdrawn(gw.Pager)); // 101 is Sam's: it stays, as the acceptance came from it
        Assert.Equal(["2001"], Withdrawn(gw.Handset));
    }

    [Fact]
    public async Task Withdraw_WaitsForTheSendsStillOnTheWire_AndWithdrawsTheirPagesToo()
    {
        await using var gw = await AlertingGateway.CreateAsync(start: false);
        var id = (await gw.RaiseAsync(IncidentType.Fall)).Incident.Id;
        await PageAsync(gw.Pager, id, "101");
        var onTheWire = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await gw.Incidents.AcceptAsync(id, "sam", "staff-page");

        var withdrawal = Handler(gw).WithdrawAsync(await LastChangeAsync(gw, id), [onTheWire.Task]);
        Assert.False(withdrawal.IsCompleted);
        Assert.Empty(Withdrawn(gw.Handset));
        await PageAsync(gw.Handset, id, "2001");
        onTheWire.SetResult();
        await withdrawal.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(["101"], Withdrawn(gw.Pager)); // accepted on the staff page: Sam's pager is reset too
        Assert.Equal(["2001"], Withdrawn(gw.Handset));
    }

    [Fact]
    public async Task WithdrawLate_WithdrawsThatOnePage()
    {
        await using var gw = await AlertingGateway.CreateAsync(start: false);
        var message = new AlertMessage("7", ["2001"], "FALL Room 1", AlertPriority.Alarm, AlertKind.Fall);

        await Handler(gw).WithdrawLateAsync(7, gw.Handset, message);

        var cancel = Assert.Single(gw.Handset.Calls);
        Assert.Equal(AlertOperation.Cancel, cancel.Operation);
        Assert.Same(message, cancel.Message);
    }
}
