using System.Globalization;
using Edge.Alerting;
using Edge.Gateway.Incidents;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Alerting;

/// <summary>
/// What happens when someone answers. An acknowledgement on a device (ESPA call status 6) accepts the incident as
/// the carer that device belongs to. An incident accepted or resolved (anywhere) has its pages withdrawn (ESPA
/// call type 1; SIP and webhook send a short notice), except on the accepting carer's own devices on the channel
/// they accepted through; a page still on the wire then is withdrawn as soon as it lands. Logs under the engine's
/// category.
/// </summary>
internal sealed partial class AcceptanceHandler(
    IIncidentService incidents,
    EscalationStore store,
    EscalationPolicySource policy,
    AlertRouter router,
    IDeliveryAttemptRecorder recorder,
    EscalationWork work,
    ILogger<EscalationEngine> logger)
{
    /// <summary>Listens for acknowledgements on every channel.</summary>
    public void Attach()
    {
        foreach (var channel in router.Channels)
        {
            channel.Acknowledged += OnAcknowledged;
        }
    }

    /// <summary>Stops listening for acknowledgements.</summary>
    public void Detach()
    {
        foreach (var channel in router.Channels)
        {
            channel.Acknowledged -= OnAcknowledged;
        }
    }

    /// <summary>A recipient acknowledged on the device: the carer that device belongs to accepts.</summary>
    public async Task AcknowledgeAsync(IAlertChannel channel, AlertAcknowledgement ack)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(ack);
        if (ack.IncidentId is null || !long.TryParse(ack.IncidentId, NumberStyles.None, CultureInfo.InvariantCulture, out var incidentId))
        {
            Log.Unattributed(logger, channel.Name, ack.Recipient, ack.IncidentId ?? "(none)", "no outstanding page matches");
            return;
        }

        var staff = policy.StaffForDevice(channel.Kind, ack.Recipient);
        if (staff is null)
        {
            // An incident is accepted by a named carer; a group pager names nobody.
            Log.Unattributed(logger, channel.Name, ack.Recipient, ack.IncidentId, $"the device is not assigned to a staff member in {EscalationOptions.SectionName}:Staff; accept on the staff page");
            return;
        }

        try
        {
            await incidents.AcceptAsync(incidentId, staff, channel.Name, work.Stopping).ConfigureAwait(false);
            Log.AcknowledgedOnDevice(logger, incidentId, staff, channel.Name, ack.Recipient);
        }
        catch (IncidentTransitionException e)
        {
            Log.AcknowledgementFailed(logger, incidentId, staff, channel.Name, e.Message);
        }
    }

    /// <summary>
    /// Withdraws every page still showing for an accepted or resolved incident, once the sends still on the wire
    /// (<paramref name="sending"/>) have finished, so their pages are withdrawn too.
    /// </summary>
    public async Task WithdrawAsync(IncidentChange change, Task[] sending)
    {
        ArgumentNullException.ThrowIfNull(change);
        var incident = change.Incident;
        try
        {
            await Task.WhenAll(sending).ConfigureAwait(false);
            await recorder.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            var outstanding = await store.OutstandingPagesAsync(incident.Id, CancellationToken.None).ConfigureAwait(false);
            var keep = change.Transition.Kind == TransitionKind.Accepted
                ? policy.DevicesOf(change.Transition.Actor).Select(d => d.Recipient).ToHashSet(StringComparer.Ordinal)
                : [];
            foreach (var group in outstanding.GroupBy(o => o.Channel, StringComparer.Ordinal))
            {
                var channel = router.Channel(group.Key);
                var recipients = group.Select(g => g.Recipient)
                    .Where(r => !(channel?.Name == change.Transition.Channel && keep.Contains(r)))
                    .Distinct(StringComparer.Ordinal).ToList();
                if (channel is null || recipients.Count == 0)
                {
                    continue;
                }

                var message = new AlertMessage(incident.Id.ToString(CultureInfo.InvariantCulture), recipients, AlertText.Alert(incident), AlertText.Priority(incident.Type), AlertText.Kind(incident.Type));
                var result = await channel.CancelAsync(message, work.Stopping).ConfigureAwait(false);
                Log.Withdrawn(logger, incident.Id, channel.Name, string.Join(", ", recipients), result.Outcome, change.Transition.Actor);
            }
        }
        catch (OperationCanceledException) when (work.IsStopping)
        {
        }
#pragma warning disable CA1031 // A failed withdrawal leaves a stale page; it must not stop escalation.
        catch (Exception e)
#pragma warning restore CA1031
        {
            work.Failed(e);
        }
    }

    /// <summary>Withdraws one page that landed after its incident was accepted or resolved.</summary>
    public async Task WithdrawLateAsync(long incidentId, IAlertChannel channel, AlertMessage message)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            var result = await channel.CancelAsync(message, work.Stopping).ConfigureAwait(false);
            Log.Withdrawn(logger, incidentId, channel.Name, string.Join(", ", message.Recipients), result.Outcome, "(late page)");
        }
        catch (OperationCanceledException) when (work.IsStopping)
        {
        }
    }

    private void OnAcknowledged(object? sender, AlertAcknowledgement ack)
    {
        if (sender is IAlertChannel channel)
        {
            work.Track(0, work.Guard(AcknowledgeAsync(channel, ack)));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.PagesWithdrawn, Level = LogLevel.Information, Message = "Incident #{IncidentId}: pages withdrawn on {Channel} for {Recipients}: {Outcome} (accepted/resolved by {Actor})")]
        public static partial void Withdrawn(ILogger logger, long incidentId, string channel, string recipients, DeliveryOutcome outcome, string actor);

        [LoggerMessage(EventId = EventIds.AcknowledgedOnDevice, Level = LogLevel.Information, Message = "Incident #{IncidentId} accepted by {Staff} on {Channel} (device {Recipient})")]
        public static partial void AcknowledgedOnDevice(ILogger logger, long incidentId, string staff, string channel, string recipient);

        [LoggerMessage(EventId = EventIds.AcknowledgementUnattributed, Level = LogLevel.Warning, Message = "Acknowledgement on {Channel} from {Recipient} for incident {IncidentId} not applied: {Why}")]
        public static partial void Unattributed(ILogger logger, string channel, string recipient, string incidentId, string why);

        [LoggerMessage(EventId = EventIds.AcknowledgementFailed, Level = LogLevel.Warning, Message = "Incident #{IncidentId}: acknowledgement by {Staff} on {Channel} refused: {Why}")]
        public static partial void AcknowledgementFailed(ILogger logger, long incidentId, string staff, string channel, string why);
    }
}
