using System.Globalization;
using Edge.Alerting;
using Edge.Gateway.Incidents;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Alerting;

/// <summary>
/// Gets a step's alert onto the wire and makes sure it landed. A send counts only when the channel confirms it; a
/// send that fails, is refused or gets no answer within <see cref="EscalationOptions.SendTimeout"/> moves at once to
/// the next step's targets on the channels that still work (the step's own other channels were sent in parallel);
/// each send's outcome is stored in the <see cref="DeliveryLedger"/>; after a restart every unconfirmed send goes
/// out again; when a failed channel works again every open incident is paged on it again. An alert that reaches
/// nobody is logged as an error. Logs under the engine's category.
/// </summary>
internal sealed partial class AlertDispatcher(
    AlertRouter router,
    ChannelFaultMonitor faults,
    AcceptanceHandler acceptance,
    UnsavedMoves moves,
    DeliveryLedger ledger,
    EscalationStore store,
    IIncidentService incidents,
    EscalationPolicySource policy,
    EscalationWork work,
    IOptions<EscalationOptions> options,
    TimeProvider time,
    ILogger<EscalationEngine> logger)
{
    private readonly TimeSpan _sendTimeout = options.Value.SendTimeout;

    /// <summary>The ledger rows of a group's sends, one per channel in plan order.</summary>
    public static List<PlannedDelivery> Deliveries(DeliveryGroup group, Dictionary<IAlertChannel, List<string>> plan) =>
        [.. plan.Select(p => new PlannedDelivery(group.Incident.Id, group.Step, group.Label, p.Key.Name, p.Value, group.Text))];

    /// <summary>Starts one send per channel of <paramref name="plan"/> (the ledger rows in the same order, or null); never waits for them.</summary>
    public void Start(DeliveryGroup group, Dictionary<IAlertChannel, List<string>> plan, IReadOnlyList<long>? ledgerIds)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(plan);
        var incident = group.Incident;
        if (plan.Count == 0)
        {
            Nobody(incident, $"{group.Label}: no target on a working channel");
            return;
        }

        // Every send is registered before the first starts: a channel that fails at once must see the others pending.
        foreach (var channel in plan.Keys)
        {
            group.Started(channel.Name);
        }

        var i = 0;
        foreach (var (channel, recipients) in plan)
        {
            var m = new AlertMessage(incident.Id.ToString(CultureInfo.InvariantCulture), recipients, group.Text, AlertText.Priority(incident.Type), AlertText.Kind(incident.Type));
            Log.Dispatched(logger, incident.Id, IncidentNames.Name(incident.Type), group.Label, channel.Name, string.Join(", ", recipients));
            work.Track(incident.Id, SendAsync(group, channel, m, ledgerIds is { } ids && i < ids.Count ? ids[i] : null));
            i++;
        }
    }

    /// <summary>Logs that an incident's alert reaches nobody: an error under a policy, a warning without one.</summary>
    public void Nobody(Incident incident, string why)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var unit = router.UnitOf(incident) ?? "(all)";
        if (policy.Policy is null)
        {
            Log.NobodyNoPolicy(logger, incident.Id, IncidentNames.Name(incident.Type), unit, why);
        }
        else
        {
            Log.Nobody(logger, incident.Id, IncidentNames.Name(incident.Type), unit, why);
        }
    }

    /// <summary>After a restart: every send no channel confirmed (the gateway stopped while it was on the wire) goes out again.</summary>
    public async Task ResendUnconfirmedAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await ledger.AbandonSettledAsync(now, ct).ConfigureAwait(false);
        var unconfirmed = await ledger.UnconfirmedAsync(ct).ConfigureAwait(false);
        foreach (var u in unconfirmed)
        {
            var d = u.Delivery;
            var incident = await incidents.GetAsync(d.IncidentId, ct).ConfigureAwait(false);
            if (incident is not { IsOpen: true })
            {
                continue;
            }

            var schedule = router.ScheduleFor(incident, now);
            IReadOnlyList<string> all = schedule?.Everyone ?? [];
            var failoverTo = schedule?.FailoverOf(d.Step) ?? [];
            var group = new DeliveryGroup(incident, d.Step, d.Label + " (not confirmed before a restart: sent again)", d.Text, lateWithdraw: true, failoverTo, all);
            var channel = router.Channel(d.Channel);
            Log.Resending(logger, incident.Id, d.Channel, string.Join(", ", d.Recipients), u.CreatedAt);
            if (channel is null)
            {
                await CompleteLedgerAsync(u.Id, new DeliveryResult(DeliveryOutcome.Failed, 0, "channel no longer configured")).ConfigureAwait(false);
                group.Started(d.Channel);
                await FailOverAsync(group, d.Channel, "the channel is no longer configured").ConfigureAwait(false);
                continue;
            }

            Start(group, new Dictionary<IAlertChannel, List<string>> { [channel] = [.. d.Recipients] }, [u.Id]);
        }
    }

    /// <summary>A failed channel works again: every open incident still waiting for someone is paged on it again.</summary>
    public async Task RepageAsync(IAlertChannel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var now = time.GetUtcNow();
        var token = work.Stopping;
        HashSet<string> others = [.. router.Channels.Where(c => c != channel).Select(c => c.Name)];
        foreach (var row in await store.ListActiveAsync(token).ConfigureAwait(false))
        {
            if (row is not { Phase: EscalationPhase.Alerting, AlertsSent: > 0 })
            {
                continue;
            }

            var incident = await incidents.GetAsync(row.IncidentId, token).ConfigureAwait(false);
            if (incident is not { State: IncidentState.Raised })
            {
                continue;
            }

            var sent = router.ScheduleFor(incident, now)?.SentBefore(row.NextStep) ?? [];
            var plan = router.Resolve(sent, [.. others, .. router.Excluded(incident)]);
            if (plan.Count == 0)
            {
                continue;
            }

            var group = new DeliveryGroup(incident, -1, $"paged again: {channel.Name} works again", AlertText.Alert(incident), lateWithdraw: true, failoverTo: [], widen: []);
            await StartRecordedAsync(group, plan).ConfigureAwait(false);
        }
    }

    private async Task SendAsync(DeliveryGroup group, IAlertChannel channel, AlertMessage message, long? ledgerId)
    {
        var token = work.Stopping;
        Task<DeliveryResult> send;
        try
        {
            send = channel.SendAsync(message, token);
        }
#pragma warning disable CA1031 // A channel bug is a channel failure: report it and move the alert on.
        catch (Exception e)
#pragma warning restore CA1031
        {
            send = Task.FromResult(new DeliveryResult(DeliveryOutcome.Failed, 0, $"channel threw {e.GetType().Name}: {e.Message}"));
        }

        // A channel that never answers (a hung peer) must not hold the alert: past the send timeout the
        // alert moves on, and the send's own result is still recorded when it comes.
        var gaveUp = false;
        if (!send.IsCompleted)
        {
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(token);
            var timeout = Task.Delay(_sendTimeout, time, timer.Token);
            if (await Task.WhenAny(send, timeout).ConfigureAwait(false) == timeout && !send.IsCompleted && !token.IsCancellationRequested)
            {
                gaveUp = true;
                var why = $"no answer within {_sendTimeout.TotalSeconds:F0} s";
                Log.SendTimedOut(logger, group.Incident.Id, channel.Name, string.Join(", ", message.Recipients), why);
                await FailOverAsync(group, channel.Name, why).ConfigureAwait(false);
                await faults.FailedAsync(channel, why).ConfigureAwait(false);
            }

            await timer.CancelAsync().ConfigureAwait(false);
        }

        DeliveryResult result;
        try
        {
            result = await send.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (work.IsStopping)
        {
            return; // stopping: the ledger row stays pending and is sent again at the next start
        }
#pragma warning disable CA1031 // A channel bug is a channel failure.
        catch (Exception e)
#pragma warning restore CA1031
        {
            result = new DeliveryResult(DeliveryOutcome.Failed, 0, $"channel threw {e.GetType().Name}: {e.Message}");
        }

        Log.Result(logger, group.Incident.Id, channel.Name, string.Join(", ", message.Recipients), result.Outcome, result.Attempts, result.Detail);
        if (ledgerId is { } id)
        {
            await CompleteLedgerAsync(id, result).ConfigureAwait(false);
        }

        if (result.IsDelivered)
        {
            group.Delivered(channel.Name);
            await faults.RecoveredAsync(channel, "delivered again").ConfigureAwait(false);
        }
        else
        {
            if (!gaveUp)
            {
                await FailOverAsync(group, channel.Name, $"{result.Outcome}: {result.Detail}").ConfigureAwait(false);
            }

            if (result.Outcome is DeliveryOutcome.Failed or DeliveryOutcome.TimedOut)
            {
                await faults.FailedAsync(channel, result.Detail).ConfigureAwait(false);
            }
        }

        // A page that was on the wire when the incident was accepted is withdrawn as soon as it lands.
        if (group.LateWithdraw && result.IsDelivered && !await moves.IsAlertingAsync(group.Incident).ConfigureAwait(false))
        {
            await acceptance.WithdrawLateAsync(group.Incident.Id, channel, message).ConfigureAwait(false);
        }
    }

    private async Task CompleteLedgerAsync(long id, DeliveryResult result)
    {
        try
        {
            await ledger.CompleteAsync(id, result.IsDelivered, $"{result.Outcome}: {result.Detail}", time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The page went out (or not) whatever the disk says; an unconfirmed row only means it is sent again after a restart.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.LedgerWriteFailed(logger, e, id);
        }
    }

    /// <summary>
    /// Every channel of the group failed: the alert goes at once to the next step's targets on the channels that
    /// work (never back to a channel it already failed on), else to every step's targets there.
    /// </summary>
    private async Task FailOverAsync(DeliveryGroup group, string failed, string why)
    {
        if (!group.Failed(failed))
        {
            return;
        }

        var incident = group.Incident;
        if (!await moves.IsAlertingAsync(incident).ConfigureAwait(false))
        {
            return; // accepted or resolved meanwhile: nobody needs it now
        }

        var plan = router.FailoverPlan(group);
        var label = $"{group.Label}, failover from {failed}";
        if (plan.Count == 0)
        {
            Nobody(incident, $"{label} ({why}): no other working channel; the incident is paged again when one works");
            return;
        }

        Log.FailedOver(logger, incident.Id, failed, why, string.Join(", ", plan.Keys.Select(c => c.Name)));
        var next = new DeliveryGroup(incident, group.Step, label, group.Text, group.LateWithdraw, group.Widen, group.Widen, group.Tried);
        await StartRecordedAsync(next, plan).ConfigureAwait(false);
    }

    /// <summary>Stores the group's sends as pending, then starts them; paging never waits for the disk (unrecorded when it refuses).</summary>
    private async Task StartRecordedAsync(DeliveryGroup group, Dictionary<IAlertChannel, List<string>> plan)
    {
        IReadOnlyList<long>? ids;
        try
        {
            ids = await ledger.InsertPendingAsync(Deliveries(group, plan), time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Paging never waits for the disk: the alert goes out unrecorded.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.LedgerWriteFailed(logger, e, 0);
            ids = null;
        }

        Start(group, plan, ids);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.AlertDispatched, Level = LogLevel.Information, Message = "Incident #{IncidentId} {Type}: {Step} on {Channel} to {Recipients}")]
        public static partial void Dispatched(ILogger logger, long incidentId, string type, string step, string channel, string recipients);

        [LoggerMessage(EventId = EventIds.AlertResult, Level = LogLevel.Information, Message = "Incident #{IncidentId} on {Channel} to {Recipients}: {Outcome} after {Attempts} attempt(s): {Detail}")]
        public static partial void Result(ILogger logger, long incidentId, string channel, string recipients, DeliveryOutcome outcome, int attempts, string detail);

        [LoggerMessage(EventId = EventIds.NobodyToAlert, Level = LogLevel.Error, Message = "Incident #{IncidentId} {Type} in unit {Unit} reaches nobody: {Why}")]
        public static partial void Nobody(ILogger logger, long incidentId, string type, string unit, string why);

        [LoggerMessage(EventId = EventIds.NotPagedNoPolicy, Level = LogLevel.Warning, Message = "Incident #{IncidentId} {Type} in unit {Unit} is not paged (no escalation policy): {Why}")]
        public static partial void NobodyNoPolicy(ILogger logger, long incidentId, string type, string unit, string why);

        [LoggerMessage(EventId = EventIds.SendTimedOut, Level = LogLevel.Error, Message = "Incident #{IncidentId} on {Channel} to {Recipients}: {Why}; moving the alert to the channels that work")]
        public static partial void SendTimedOut(ILogger logger, long incidentId, string channel, string recipients, string why);

        [LoggerMessage(EventId = EventIds.FailedOver, Level = LogLevel.Warning, Message = "Incident #{IncidentId}: not delivered on {Channel} ({Why}); sent at once on {Channels}")]
        public static partial void FailedOver(ILogger logger, long incidentId, string channel, string why, string channels);

        [LoggerMessage(EventId = EventIds.ResendingUnconfirmed, Level = LogLevel.Warning, Message = "Incident #{IncidentId}: the send on {Channel} to {Recipients} of {CreatedAt:O} was never confirmed (the gateway stopped); sending it again")]
        public static partial void Resending(ILogger logger, long incidentId, string channel, string recipients, DateTimeOffset createdAt);

        [LoggerMessage(EventId = EventIds.LedgerWriteFailed, Level = LogLevel.Error, Message = "Could not store the state of alert delivery {Id} (0: a new one); the alert is sent regardless")]
        public static partial void LedgerWriteFailed(ILogger logger, Exception exception, long id);
    }
}
