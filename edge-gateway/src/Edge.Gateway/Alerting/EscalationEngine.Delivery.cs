using System.Globalization;
using Edge.Alerting;
using Edge.Gateway.Incidents;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Alerting;

/// <summary>
/// How the engine gets a step's alert onto the wire and makes sure it landed: the step and its sends are stored
/// together (<see cref="DeliveryLedger"/>, pending); a send counts only when the channel confirms it; a send that
/// fails, is refused or gets no answer within <see cref="EscalationOptions.SendTimeout"/> moves at once to the
/// next step's targets on the channels that still work (the step's own other channels were sent in parallel);
/// after a restart every unconfirmed send goes out again; when a failed channel works again every open incident
/// is paged on it again.
/// </summary>
public sealed partial class EscalationEngine
{
    /// <summary>Resolves targets to channels. When every channel of the step has failed, it is widened to every step's targets on the working ones.</summary>
    private Dictionary<IAlertChannel, List<string>> Plan(DeliveryGroup group, IReadOnlyList<string> targets, bool widen = true)
    {
        var excluded = ExcludedChannels(group.Incident);
        var byChannel = Resolve(targets, excluded);
        HashSet<string> faulted;
        lock (_lock)
        {
            faulted = [.. _faulted.Keys];
        }

        if (widen && !byChannel.Keys.Any(c => !faulted.Contains(c.Name)))
        {
            foreach (var (channel, recipients) in Resolve(group.Widen, [.. excluded, .. faulted]))
            {
                byChannel[channel] = recipients;
            }
        }

        return byChannel;
    }

    /// <summary>Moves the schedule and stores the step's sends as pending in one transaction, then starts them. False when a transition won.</summary>
    private async Task<bool> MoveAndStartAsync(EscalationState row, EscalationState moved, DeliveryGroup group, Dictionary<IAlertChannel, List<string>> plan, DateTimeOffset now, CancellationToken ct)
    {
        var (done, ids) = await MoveAsync(row, moved, Deliveries(group, plan), now, ct).ConfigureAwait(false);
        if (!done)
        {
            return false;
        }

        Start(group, plan, ids);
        return true;
    }

    private static List<PlannedDelivery> Deliveries(DeliveryGroup group, Dictionary<IAlertChannel, List<string>> plan) =>
        [.. plan.Select(p => new PlannedDelivery(group.Incident.Id, group.Step, group.Label, p.Key.Name, p.Value, group.Text))];

    /// <summary>Starts one send per channel; never waits for the peers.</summary>
    private void Start(DeliveryGroup group, Dictionary<IAlertChannel, List<string>> plan, IReadOnlyList<long>? ledgerIds)
    {
        var incident = group.Incident;
        if (plan.Count == 0)
        {
            LogNobody(incident, UnitOf(incident), $"{group.Label}: no target on a working channel");
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
            Log.Dispatched(_logger, incident.Id, IncidentNames.Name(incident.Type), group.Label, channel.Name, string.Join(", ", recipients));
            Track(incident.Id, SendAsync(group, channel, m, ledgerIds is { } ids && i < ids.Count ? ids[i] : null));
            i++;
        }
    }

    private async Task SendAsync(DeliveryGroup group, IAlertChannel channel, AlertMessage message, long? ledgerId)
    {
        var token = _stopping?.Token ?? CancellationToken.None;
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
            var timeout = Task.Delay(_options.SendTimeout, _time, timer.Token);
            if (await Task.WhenAny(send, timeout).ConfigureAwait(false) == timeout && !send.IsCompleted && !token.IsCancellationRequested)
            {
                gaveUp = true;
                var why = $"no answer within {_options.SendTimeout.TotalSeconds:F0} s";
                Log.SendTimedOut(_logger, group.Incident.Id, channel.Name, string.Join(", ", message.Recipients), why);
                await FailOverAsync(group, channel.Name, why).ConfigureAwait(false);
                await ChannelFailedAsync(channel, why).ConfigureAwait(false);
            }

            await timer.CancelAsync().ConfigureAwait(false);
        }

        DeliveryResult result;
        try
        {
            result = await send.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping?.IsCancellationRequested == true)
        {
            return; // stopping: the ledger row stays pending and is sent again at the next start
        }
#pragma warning disable CA1031 // A channel bug is a channel failure.
        catch (Exception e)
#pragma warning restore CA1031
        {
            result = new DeliveryResult(DeliveryOutcome.Failed, 0, $"channel threw {e.GetType().Name}: {e.Message}");
        }

        Log.Result(_logger, group.Incident.Id, channel.Name, string.Join(", ", message.Recipients), result.Outcome, result.Attempts, result.Detail);
        if (ledgerId is { } id)
        {
            await CompleteLedgerAsync(id, result).ConfigureAwait(false);
        }

        if (result.IsDelivered)
        {
            group.Delivered(channel.Name);
            await ChannelRecoveredAsync(channel, "delivered again").ConfigureAwait(false);
        }
        else
        {
            if (!gaveUp)
            {
                await FailOverAsync(group, channel.Name, $"{result.Outcome}: {result.Detail}").ConfigureAwait(false);
            }

            if (result.Outcome is DeliveryOutcome.Failed or DeliveryOutcome.TimedOut)
            {
                await ChannelFailedAsync(channel, result.Detail).ConfigureAwait(false);
            }
        }

        // A page that was on the wire when the incident was accepted is withdrawn as soon as it lands.
        if (group.LateWithdraw && result.IsDelivered && !await IsAlertingAsync(group.Incident).ConfigureAwait(false))
        {
            await WithdrawOneAsync(group.Incident.Id, channel, message).ConfigureAwait(false);
        }
    }

    private async Task CompleteLedgerAsync(long id, DeliveryResult result)
    {
        try
        {
            await _ledger.CompleteAsync(id, result.IsDelivered, $"{result.Outcome}: {result.Detail}", _time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The page went out (or not) whatever the disk says; an unconfirmed row only means it is sent again after a restart.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.LedgerWriteFailed(_logger, e, id);
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
        if (!await IsAlertingAsync(incident).ConfigureAwait(false))
        {
            return; // accepted or resolved meanwhile: nobody needs it now
        }

        HashSet<string> excluded = [.. ExcludedChannels(incident), .. group.Tried];
        lock (_lock)
        {
            excluded.UnionWith(_faulted.Keys);
        }

        var plan = Resolve(group.FailoverTo, excluded);
        if (plan.Count == 0)
        {
            plan = Resolve(group.Widen, excluded);
        }

        var label = $"{group.Label}, failover from {failed}";
        if (plan.Count == 0)
        {
            LogNobody(incident, UnitOf(incident), $"{label} ({why}): no other working channel; the incident is paged again when one works");
            return;
        }

        Log.FailedOver(_logger, incident.Id, failed, why, string.Join(", ", plan.Keys.Select(c => c.Name)));
        var next = new DeliveryGroup(incident, group.Step, label, group.Text, group.LateWithdraw, group.Widen, group.Widen, group.Tried);
        Start(next, plan, await InsertPendingAsync(Deliveries(next, plan)).ConfigureAwait(false));
    }

    private async Task<IReadOnlyList<long>?> InsertPendingAsync(IReadOnlyList<PlannedDelivery> deliveries)
    {
        try
        {
            return await _ledger.InsertPendingAsync(deliveries, _time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Paging never waits for the disk: the alert goes out unrecorded.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.LedgerWriteFailed(_logger, e, 0);
            return null;
        }
    }

    /// <summary>After a restart: every send no channel confirmed (the gateway stopped while it was on the wire) goes out again.</summary>
    private async Task ResendUnconfirmedAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        await _ledger.AbandonSettledAsync(now, ct).ConfigureAwait(false);
        var unconfirmed = await _ledger.UnconfirmedAsync(ct).ConfigureAwait(false);
        foreach (var u in unconfirmed)
        {
            var d = u.Delivery;
            var incident = await _incidents.GetAsync(d.IncidentId, ct).ConfigureAwait(false);
            if (incident is not { IsOpen: true })
            {
                continue;
            }

            var steps = _policy.Resolve(UnitOf(incident), now)?.Steps ?? [];
            IReadOnlyList<string> all = [.. steps.SelectMany(s => s.Notify).Distinct(StringComparer.Ordinal)];
            var failoverTo = d.Step >= 0 && d.Step + 1 < steps.Count ? steps[d.Step + 1].Notify : all;
            var group = new DeliveryGroup(incident, d.Step, d.Label + " (not confirmed before a restart: sent again)", d.Text, lateWithdraw: true, failoverTo, all);
            var channel = Array.Find(_channels, c => c.Name == d.Channel);
            Log.Resending(_logger, incident.Id, d.Channel, string.Join(", ", d.Recipients), u.CreatedAt);
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
    private async Task RepageAsync(IAlertChannel channel)
    {
        var now = _time.GetUtcNow();
        var token = _stopping?.Token ?? CancellationToken.None;
        HashSet<string> others = [.. _channels.Where(c => c != channel).Select(c => c.Name)];
        foreach (var row in await _store.ListActiveAsync(token).ConfigureAwait(false))
        {
            if (row is not { Phase: EscalationPhase.Alerting, AlertsSent: > 0 })
            {
                continue;
            }

            var incident = await _incidents.GetAsync(row.IncidentId, token).ConfigureAwait(false);
            if (incident is not { State: IncidentState.Raised })
            {
                continue;
            }

            var steps = _policy.Resolve(UnitOf(incident), now)?.Steps ?? [];
            var sent = steps.Take(Math.Max(1, Math.Min(row.NextStep, steps.Count))).SelectMany(s => s.Notify).Distinct(StringComparer.Ordinal).ToList();
            var plan = Resolve(sent, [.. others, .. ExcludedChannels(incident)]);
            if (plan.Count == 0)
            {
                continue;
            }

            var group = new DeliveryGroup(incident, -1, $"paged again: {channel.Name} works again", AlertText.Alert(incident), lateWithdraw: true, failoverTo: [], widen: []);
            Start(group, plan, await InsertPendingAsync(Deliveries(group, plan)).ConfigureAwait(false));
        }
    }

    private Dictionary<IAlertChannel, List<string>> Resolve(IEnumerable<string> targets, HashSet<string> excluded)
    {
        var byChannel = new Dictionary<IAlertChannel, List<string>>();
        foreach (var target in targets)
        {
            foreach (var device in _policy.Expand(target, _kinds))
            {
                foreach (var channel in _channels.Where(c => c.Kind == device.Kind && !excluded.Contains(c.Name)).Take(1))
                {
                    var list = byChannel.TryGetValue(channel, out var l) ? l : byChannel[channel] = [];
                    if (!list.Contains(device.Recipient))
                    {
                        list.Add(device.Recipient);
                    }
                }
            }
        }

        return byChannel;
    }
}
