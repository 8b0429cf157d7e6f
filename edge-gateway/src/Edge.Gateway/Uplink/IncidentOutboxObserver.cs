using Edge.Cloud.Contracts;
using Edge.Gateway.Incidents;
using Edge.Gateway.Registry;
using Edge.Uplink.Outbox;

namespace Edge.Gateway.Uplink;

/// <summary>
/// Writes every incident transition to the uplink outbox inside the transition's transaction (the
/// gateway's <see cref="IIncidentTransitionObserver"/> hook). What leaves the site: labels, ids, times
/// and the outcome. Never the resident's name, free-text notes or details, and never sensor data; the
/// resident is named by a pseudonymous reference (<see cref="ResidentPseudonyms"/>), never the registry id.
/// </summary>
public sealed class IncidentOutboxObserver(OutboxWriter outbox, IDeviceRegistry registry, ResidentPseudonyms pseudonyms) : IIncidentTransitionObserver
{
    public async ValueTask OnTransitionAsync(IncidentTransitionContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var incident = context.Incident;
        var transition = context.Transition;
        var type = transition.Kind switch
        {
            TransitionKind.Raised => UplinkEventTypes.IncidentRaised,
            TransitionKind.Accepted => UplinkEventTypes.IncidentAccepted,
            TransitionKind.Resolved => UplinkEventTypes.IncidentResolved,
            _ => UplinkEventTypes.IncidentUpdated, // re-triggered
        };
        string? unit = null;
        if (incident.ResidentId is { } resident && registry.TryGetResident(resident, out var assignment))
        {
            unit = assignment.UnitId;
        }

        var payload = new IncidentPayload
        {
            Kind = IncidentNames.Name(incident.Type),
            DeviceId = incident.DeviceId,
            ResidentRef = await pseudonyms.ForAsync(incident.ResidentId, context.Transaction, ct).ConfigureAwait(false),
            Unit = unit,
            Room = incident.RoomName,
            AcceptedBy = transition.Kind == TransitionKind.Accepted ? transition.Actor : null,
            Outcome = transition.Kind == TransitionKind.Resolved ? Outcome(incident.Type, transition.Outcome ?? incident.Outcome) : null,
        };
        var id = $"{outbox.GatewayId}:{incident.Id}";
        outbox.Enqueue(context.Transaction, outbox.Incident(context.Transaction, type, id, transition.At, payload));
    }

    /// <summary>The gateway's outcomes in the cloud's words ("no fall" stays "no_fall": the false-alarm report counts it).</summary>
    public static string Outcome(IncidentOutcome? outcome) => outcome switch
    {
        IncidentOutcome.FallConfirmed => IncidentOutcomes.Fall,
        IncidentOutcome.NoFall => IncidentOutcomes.NoFall,
        _ => IncidentOutcomes.Other, // test, other, cleared by the gateway
    };

    /// <summary>
    /// As <see cref="Outcome(IncidentOutcome?)"/>, except that a get-up alert resolved "no fall" means a carer came and
    /// the resident was helped: assistance given, not a false fall alarm (the cloud's false-alarm share is about falls).
    /// </summary>
    public static string Outcome(IncidentType type, IncidentOutcome? outcome) =>
        type == IncidentType.GettingUp && outcome == IncidentOutcome.NoFall ? IncidentOutcomes.AssistanceGiven : Outcome(outcome);
}
