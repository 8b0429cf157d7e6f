// Over 400 lines on purpose: one test class for the escalation loop end to end, one scenario per method.
using Edge.Alerting;
using Edge.Gateway.Alerting;
using Edge.Gateway.Incidents;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Gateway.Tests.Alerting;

public class EscalationEngineTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Fall_TiersFireAtTheirDelays_ThenEveryoneIsRealertedUntilAccepted()
    {
        await using var gw = await AlertingGateway.CreateAsync();
        var fall = (await gw.RaiseAsync(IncidentType.Fall)).Incident;
        await gw.SettleAsync();

        var page = Assert.Single(gw.Pager.Sends);
        Assert.Equal(AlertingGateway.Start, page.At);
        Assert.Equal(["101"], page.Message.Recipients);
        Assert.Equal(AlertPriority.Alarm, page.Message.Priority);
        Assert.StartsWith("FALL Room 1 Alice #", page.Message.Text, StringComparison.Ordinal);
        Assert.Equal(fall.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), page.Message.IncidentId);

        await gw.AdvanceInStepsAsync(TimeSpan.FromSeconds(59), Second);
        Assert.Empty(gw.Handset.Sends);
        await gw.AdvanceAsync(Second);
        var handset = Assert.Single(gw.Handset.Sends);
        Assert.Equal(AlertingGateway.Start.AddSeconds(60), handset.At);
        Assert.Equal(["2001"], handset.Message.Recipients);

        await gw.AdvanceInStepsAsync(TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(10));
        Assert.Equal(AlertingGateway.Start.AddMinutes(3), Assert.Single(gw.Hook.Sends).At);

        // No tier left: every tier's recipients again, every RepeatInterval (2 min by default), for as long as it takes.
        await gw.AdvanceInStepsAsync(TimeSpan.FromMinutes(30), TimeSpan.FromSeconds(30));
        var repeats = gw.Pager.Sends.Skip(1).Select(s => s.At).ToList();
        Assert.Equal(15, repeats.Count);
        Assert.Equal(AlertingGateway.Start.AddMinutes(5), repeats[0]);
        Assert.All(repeats.Zip(repeats.Skip(1)), p => Assert.Equal(TimeSpan.FromMinutes(2), p.Second - p.First));
        Assert.Equal(16, gw.Handset.Sends.Count);
        Assert.Equal(16, gw.Hook.Sends.Count);
        var state = await gw.Store.GetAsync(fall.Id, CancellationToken.None);
        Assert.Equal(EscalationPhase.Alerting, state!.Phase);
        Assert.Equal("repeat 15", state.LastStep);
    }

    [Fact]
    public async Task Accept_StopsEscalation_AndWithdrawsThePagesElsewhere()
    {
        await using var gw = await AlertingGateway.CreateAsync();
        var id = (await gw.RaiseAsync(IncidentType.Fall)).Incident.Id;
        await gw.SettleAsync();
        await gw.AdvanceInStepsAsync(TimeSpan.FromSeconds(70), TimeSpan.FromSeconds(10));
        Assert.Single(gw.Handset.Sends);

        await gw.Incidents.AcceptAsync(id, "sam", "staff-page");
        var reset = await gw.Pager.WaitForAsync(c => c.Operation == AlertOperation.Cancel);
        var notice = await gw.Handset.WaitForAsync(c => c.Operation == AlertOperation.Cancel);
        Assert.Equal(["101"], reset.Message.Recipients);
        Assert.Equal(["2001"], notice.Message.Recipients);

        // Until the reminder (5 min after acceptance) nothing more goes out: no tier 3, no repeats.
        await gw.AdvanceInStepsAsync(TimeSpan.FromSeconds(290), TimeSpan.FromSeconds(10));
        Assert.Single(gw.Pager.Sends);
        Assert.Single(gw.Handset.Sends);
        Assert.Empty(gw.Hook.Sends);
    }

    [Fact]
    public async Task AcceptedButNotResolved_RemindsTheCarer_ThenEscalationResumes()
    {
        await using var gw = await AlertingGateway.CreateAsync();
        var id = (await gw.RaiseAsync(IncidentType.ManualCall)).Incident.Id;
        await gw.SettleAsync();
        await gw.AdvanceAsync(TimeSpan.FromSeconds(30));
        await gw.Incidents.AcceptAsync(id, "sam", "staff-page");
        await gw.Pager.WaitForAsync(c => c.Operation == AlertOperation.Cancel);
        var acceptedAt = gw.Time.GetUtcNow();

        await gw.AdvanceInStepsAsync(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(15));
        var reminder = gw.Pager.Sends[^1];
        Assert.Equal(acceptedAt.AddMinutes(5), reminder.At);
        Assert.Equal(["101"], reminder.Message.Recipients); // sam's pager (Alerting:Escalation:Staff:sam)
        Assert.StartsWith("REMINDER CALL Room 1 Alice", reminder.Message.Text, StringComparison.Ordinal);
        Assert.Contains("accepted by sam 5 min ago", reminder.Message.Text, StringComparison.Ordinal);
        Assert.Empty(gw.Handset.Sends);

        // Resume at 10 min: tier 1 at once, tier 2 a minute later, as for a new incident.
        await gw.AdvanceInStepsAsync(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(15));
        var resumed = gw.Pager.Sends[^1];
        Assert.Equal(acceptedAt.AddMinutes(10), resumed.At);
        Assert.StartsWith("UNRESOLVED CALL Room 1 Alice", resumed.Message.Text, StringComparison.Ordinal);
        await gw.AdvanceInStepsAsync(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(15));
        Assert.Equal(acceptedAt.AddMinutes(11), Assert.Single(gw.Handset.Sends).At);
        Assert.Equal("tier 2 of 3, round 2", (await gw.Store.GetAsync(id, CancellationToken.None))!.LastStep);
    }

    [Fact]
    public async Task Resolve_EndsEscalation_NoReminderAndNoRepeats()
    {
        await using var gw = await AlertingGateway.CreateAsync();
        var id = (await gw.RaiseAsync(IncidentType.Fall)).Incident.Id;
        await gw.SettleAsync();
        await gw.Incidents.AcceptAsync(id, "sam", "staff-page");
        await gw.AdvanceAsync(TimeSpan.FromMinutes(1));
        await gw.Incidents.ResolveAsync(id, "sam", IncidentOutcome.NoFall, null, "staff-page");

        await gw.AdvanceInStepsAsync(TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(1));

        Assert.Single(gw.Pager.Sends);
        Assert.Empty(gw.Handset.Sends);
        Assert.Equal(EscalationPhase.Done, (await gw.Store.GetAsync(id, CancellationToken.None))!.Phase);
    }

    [Fact]
    public async Task QuietHours_HoldBatteryLow_ButNeverAFall()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Alerting:Escalation:QuietHoursFrom"] = "22:00",
            ["Alerting:Escalation:QuietHoursTo"] = "08:30",
        };
        await using var gw = await AlertingGateway.CreateAsync(settings: settings);
        await gw.RaiseAsync(IncidentType.BatteryLow, "res2");
        await gw.RaiseAsync(IncidentType.Fall);
        await gw.SettleAsync();

        var page = Assert.Single(gw.Pager.Sends);
        Assert.StartsWith("FALL", page.Message.Text, StringComparison.Ordinal);

        await gw.AdvanceInStepsAsync(TimeSpan.FromMinutes(29), TimeSpan.FromMinutes(1));
        Assert.DoesNotContain(gw.Pager.Sends, s => s.Message.Text.StartsWith("BATTERY", StringComparison.Ordinal));
        await gw.AdvanceAsync(TimeSpan.FromMinutes(1));
        var battery = Assert.Single(gw.Pager.Sends, s => s.Message.Text.StartsWith("BATTERY LOW Room 2 Bob", StringComparison.Ordinal));
        Assert.Equal(AlertingGateway.Start.AddMinutes(30), battery.At);
        Assert.Equal(AlertPriority.Normal, battery.Message.Priority);
    }

    [Fact]
    public async Task RateLimit_ThrottlesNonUrgentAlerts_ButNotManualCalls()
    {
        var settings = new Dictionary<string, string?> { ["Alerting:Escalation:NonUrgentMaxPerHour"] = "2" };
        await using var gw = await AlertingGateway.CreateAsync(settings: settings);
        await gw.RaiseAsync(IncidentType.NotWorn, "res1");
        await gw.RaiseAsync(IncidentType.BatteryLow, "res2");
        await gw.RaiseAsync(IncidentType.ManualCall, "res2");
        await gw.SettleAsync();
        Assert.Equal(3, gw.Pager.Sends.Count); // two non-urgent alerts use up the hour's budget

        // Tier 2 is due after 60 s for all three: the call goes out, the two non-urgent ones wait for the hour.
        await gw.AdvanceInStepsAsync(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(30));
        var call = Assert.Single(gw.Handset.Sends);
        Assert.StartsWith("CALL Room 2 Bob", call.Message.Text, StringComparison.Ordinal);
        await gw.AdvanceInStepsAsync(TimeSpan.FromMinutes(58), TimeSpan.FromMinutes(1));
        Assert.DoesNotContain(gw.Handset.Sends, s => !s.Message.Text.StartsWith("CALL", StringComparison.Ordinal));

        await gw.AdvanceAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(AlertingGateway.Start.AddHours(1), Assert.Single(gw.Handset.Sends, s => s.Message.Text.StartsWith("BATTERY LOW", StringComparison.Ordinal)).At);
        Assert.Equal(AlertingGateway.Start.AddHours(1), Assert.Single(gw.Handset.Sends, s => s.Message.Text.StartsWith("SENSOR NOT WORN", StringComparison.Ordinal)).At);
    }

    [Fact]
    public async Task ManualCall_SkipsThePreAlarmDelay_AFallWaitsForIt()
    {
        var settings = new Dictionary<string, string?> { ["Alerting:Escalation:FallPreAlarmDelay"] = "00:00:20" };
        await using var gw = await AlertingGateway.CreateAsync(settings: settings);
        await gw.RaiseAsync(IncidentType.Fall, "res1");
        await gw.RaiseAsync(IncidentType.ManualCall, "res2");
        await gw.SettleAsync();

        var call = Assert.Single(gw.Pager.Sends);
        Assert.StartsWith("CALL Room 2 Bob", call.Message.Text, StringComparison.Ordinal);
        Assert.Equal(AlertingGateway.Start, call.At);

        await gw.AdvanceInStepsAsync(TimeSpan.FromSeconds(19), Second);
        Assert.Single(gw.Pager.Sends);
        await gw.AdvanceAsync(Second);
        Assert.Equal(AlertingGateway.Start.AddSeconds(20), Assert.Single(gw.Pager.Sends, s => s.Message.Text.StartsWith("FALL", StringComparison.Ordinal)).At);
    }

    [Fact]
    public async Task FailingChannel_RaisesGatewayFaultOnTheOthers_AndEscalationContinuesThere()
    {
        await using var gw = await AlertingGateway.CreateAsync();
        gw.Pager.Outcome = DeliveryOutcome.TimedOut;
        var fall = (await gw.RaiseAsync(IncidentType.Fall)).Incident;
        await gw.SettleAsync();

        // The pager link failed: a gateway fault is raised and goes out at once on the handset and webhook.
        var fault = Assert.Single(await gw.Incidents.ListOpenAsync(), i => i.Type == IncidentType.GatewayFault);
        Assert.Equal("channel:pager", fault.Subject);
        await gw.SettleAsync();
        var onHandset = await gw.Handset.WaitForAsync(c => c.Message.IncidentId == fault.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await gw.Hook.WaitForAsync(c => c.Message.IncidentId == fault.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.StartsWith("GATEWAY FAULT Espa channel pager failed", onHandset.Message.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(gw.Pager.Sends, s => s.Message.IncidentId == fault.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Tier 1 was not delivered, so the fall went at once to tier 2's handset; it keeps escalating: tier 2
        // again a minute later, tier 3 on the webhook.
        await gw.AdvanceInStepsAsync(TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(10));
        var fallId = fall.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal([AlertingGateway.Start, AlertingGateway.Start.AddMinutes(1)], gw.Handset.Sends.Where(s => s.Message.IncidentId == fallId).Select(s => s.At));
        Assert.Equal(AlertingGateway.Start.AddMinutes(3), Assert.Single(gw.Hook.Sends, s => s.Message.IncidentId == fallId).At);

        // The pager delivers again: the fault clears itself.
        gw.Pager.Outcome = DeliveryOutcome.Delivered;
        await gw.AdvanceInStepsAsync(TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(10));
        Assert.Equal(IncidentOutcome.Cleared, (await gw.Incidents.GetAsync(fault.Id))!.Outcome);
    }

    [Fact]
    public async Task ChannelHealthDown_RaisesGatewayFault_AndAFallOnThatChannelIsWidenedToTheOthers()
    {
        await using var gw = await AlertingGateway.CreateAsync();
        gw.Pager.SetHealth(ChannelHealthState.Down, "no poll answered for 120 s");
        await gw.Engine.WhenIdleAsync();
        Assert.Single(await gw.Incidents.ListOpenAsync(), i => i.Type == IncidentType.GatewayFault && i.Subject == "channel:pager");

        gw.Pager.Outcome = DeliveryOutcome.Failed;
        var fall = (await gw.RaiseAsync(IncidentType.Fall)).Incident;
        await gw.SettleAsync();

        // Tier 1 is on the failed pager only: it is still tried, and widened at once to the handset and webhook.
        var fallId = fall.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Single(gw.Pager.Sends, s => s.Message.IncidentId == fallId);
        Assert.Equal(AlertingGateway.Start, Assert.Single(gw.Handset.Sends, s => s.Message.IncidentId == fallId).At);
        Assert.Equal(AlertingGateway.Start, Assert.Single(gw.Hook.Sends, s => s.Message.IncidentId == fallId).At);
    }

    [Fact]
    public async Task AcknowledgedOnThePager_AcceptsAsThatCarer_ViaTheChannel()
    {
        await using var gw = await AlertingGateway.CreateAsync();
        var id = (await gw.RaiseAsync(IncidentType.Fall)).Incident.Id;
        await gw.SettleAsync();
        await gw.AdvanceInStepsAsync(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10));

        gw.Pager.Acknowledge("101", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await gw.Engine.WhenIdleAsync();
        await gw.Handset.WaitForAsync(c => c.Operation == AlertOperation.Cancel);

        var incident = await gw.Incidents.GetAsync(id);
        Assert.Equal(IncidentState.Accepted, incident!.State);
        Assert.Equal("sam", incident.AcceptedBy);
        var accepted = (await gw.Incidents.GetTransitionsAsync(id)).Single(t => t.Kind == TransitionKind.Accepted);
        Assert.Equal("pager", accepted.Channel);
        await gw.Engine.WhenIdleAsync();
        Assert.DoesNotContain(gw.Pager.Calls, c => c.Operation == AlertOperation.Cancel); // sam's own pager keeps the call
    }

    [Fact]
    public async Task AcknowledgedOnAnUnassignedPager_DoesNotAcceptForNobody()
    {
        await using var gw = await AlertingGateway.CreateAsync();
        var id = (await gw.RaiseAsync(IncidentType.Fall)).Incident.Id;
        await gw.SettleAsync();

        gw.Pager.Acknowledge("999", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await gw.Engine.WhenIdleAsync();

        Assert.Equal(IncidentState.Raised, (await gw.Incidents.GetAsync(id))!.State);
    }

    [Fact]
    public async Task Restart_ResumesOpenEscalationsFromTheDatabase()
    {
        var dir = new Edge.TestKit.TempDirectory("edge-alerting");
        var time = new FakeTimeProvider(AlertingGateway.Start);
        var first = await AlertingGateway.CreateAsync(dir: dir, time: time);
        var id = (await first.RaiseAsync(IncidentType.Fall)).Incident.Id;
        await first.SettleAsync();
        Assert.Single(first.Pager.Sends);
        await first.StopKeepingFilesAsync();

        time.Advance(TimeSpan.FromSeconds(45));
        await using var second = await AlertingGateway.CreateAsync(dir: dir, time: time);
        Assert.Empty(second.Pager.Sends); // tier 1 was sent before the restart
        Assert.Empty(second.Handset.Sends);
        await second.AdvanceInStepsAsync(TimeSpan.FromSeconds(15), Second);
        Assert.Equal(AlertingGateway.Start.AddMinutes(1), Assert.Single(second.Handset.Sends).At);
        Assert.Equal(id.ToString(System.Globalization.CultureInfo.InvariantCulture), second.Handset.Sends[0].Message.IncidentId);
    }

    [Fact]
    public async Task EveryAttempt_IsStoredWithChannelRecipientOutcomeAndTimes()
    {
        await using var gw = await AlertingGateway.CreateAsync();
        gw.Handset.Outcome = DeliveryOutcome.Busy;
        var id = (await gw.RaiseAsync(IncidentType.Fall)).Incident.Id;
        await gw.SettleAsync();
        await gw.AdvanceInStepsAsync(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(30));

        var rows = new List<(string Channel, string Kind, string Recipient, string Op, string Outcome, string Started, string Finished)>();
        using (var c = new SqliteConnection($"Data Source={gw.Dir.File("gateway.db")}"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT channel, channel_kind, recipient, operation, outcome, started_at, finished_at FROM notification_attempts WHERE incident_id = $id ORDER BY id";
            cmd.Parameters.AddWithValue("$id", id);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                rows.Add((r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6)));
            }
        }

        // The busy handset did not deliver tier 2, so it moved at once to tier 3 (the manager's webhook).
        Assert.Equal(
            [("pager", "espa", "101", "send", "delivered", "2026-03-02T08:00:00.000Z", "2026-03-02T08:00:00.003Z"),
             ("handset", "sip", "2001", "send", "busy", "2026-03-02T08:01:00.000Z", "2026-03-02T08:01:00.003Z"),
             ("hook", "webhook", "manager", "send", "delivered", "2026-03-02T08:01:00.000Z", "2026-03-02T08:01:00.003Z")],
            rows);
    }

    [Fact]
    public async Task TierChannelFails_AlertMovesAtOnceToTheNextTier_AndTheStepCountsOnlyWhenConfirmed()
    {
        await using var gw = await AlertingGateway.CreateAsync();
        gw.Pager.Outcome = DeliveryOutcome.Refused;
        var fall = (await gw.RaiseAsync(IncidentType.Fall)).Incident;
        await gw.SettleAsync();

        // Tier 1 (pager only) refused: tier 2's handset gets it now, not a minute later.
        var handset = await gw.Handset.WaitForAsync(c => c.Message.IncidentId == fall.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(AlertingGateway.Start, handset.At);
        Assert.Equal([("pager", "failed"), ("handset", "confirmed")], await DeliveriesAsync(gw, fall.Id));
    }

    [Fact]
    public async Task AllChannelsOfTheNextTierFailed_FailoverWidensToEveryTierOnWorkingChannels()
    {
        await using var gw = await AlertingGateway.CreateAsync();
        gw.Pager.Outcome = DeliveryOutcome.Failed;
        gw.Handset.SetHealth(ChannelHealthState.Down, "DECT base unreachable");
        await gw.Engine.WhenIdleAsync();
        var call = (await gw.RaiseAsync(IncidentType.ManualCall)).Incident;
        await gw.SettleAsync();

        var hook = await gw.Hook.WaitForAsync(c => c.Message.IncidentId == call.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(AlertingGateway.Start, hook.At);
        Assert.Equal(["manager"], hook.Message.Recipients);
    }

    [Fact]
    public async Task Restart_RepeatsEverySendNoChannelConfirmed()
    {
        using var dir = new Edge.TestKit.TempDirectory("edge-alerting-restart");
        var time = new FakeTimeProvider(AlertingGateway.Start);
        var first = await AlertingGateway.CreateAsync(dir: dir, time: time);
        first.Pager.Hold = true; // the page is on the wire when the gateway stops
        var fall = (await first.RaiseAsync(IncidentType.Fall)).Incident;
        await first.Engine.ProcessDueAsync();
        await first.Pager.WaitForAsync(c => c.Operation == AlertOperation.Send);
        await first.StopKeepingFilesAsync();
        Assert.Equal([("pager", "pending")], await DeliveriesAsync(dir.File("gateway.db"), fall.Id));

        await using var second = await AlertingGateway.CreateAsync(dir: dir, time: time);
        var again = await second.Pager.WaitForAsync(c => c.Message.IncidentId == fall.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await second.Engine.WhenIdleAsync();
        Assert.Equal(AlertingGateway.Start, again.At);
        Assert.Equal([("pager", "confirmed")], await DeliveriesAsync(second, fall.Id));
    }

    [Fact]
    public async Task ChannelWorksAgain_EveryOpenIncidentIsPagedOnItAgain()
    {
        await using var gw = await AlertingGateway.CreateAsync();
        gw.Pager.SetHealth(ChannelHealthState.Down, "no poll answered for 120 s");
        gw.Pager.Outcome = DeliveryOutcome.Failed;
        await gw.Engine.WhenIdleAsync();
        var fall = (await gw.RaiseAsync(IncidentType.Fall)).Incident;
        await gw.SettleAsync();
        var fallId = fall.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var before = gw.Pager.Sends.Count(s => s.Message.IncidentId == fallId);

        gw.Pager.Outcome = DeliveryOutcome.Delivered;
        gw.Pager.SetHealth(ChannelHealthState.Healthy, "polls answered again");
        await gw.Engine.WhenIdleAsync();

        Assert.Equal(before + 1, gw.Pager.Sends.Count(s => s.Message.IncidentId == fallId));
        Assert.Equal(["101"], gw.Pager.Sends.Last(s => s.Message.IncidentId == fallId).Message.Recipients);
    }

    private static Task<List<(string Channel, string State)>> DeliveriesAsync(AlertingGateway gw, long incidentId) => DeliveriesAsync(gw.Dir.File("gateway.db"), incidentId);

    private static async Task<List<(string Channel, string State)>> DeliveriesAsync(string db, long incidentId)
    {
        var rows = new List<(string, string)>();
        await using var c = new SqliteConnection($"Data Source={db};Pooling=False");
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT channel, state FROM alert_deliveries WHERE incident_id = $id ORDER BY id";
        cmd.Parameters.AddWithValue("$id", incidentId);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            rows.Add((r.GetString(0), r.GetString(1)));
        }

        return rows;
    }
}
