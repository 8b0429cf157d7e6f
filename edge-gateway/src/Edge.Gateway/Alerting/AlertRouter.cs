using Edge.Alerting;
using Edge.Gateway.Incidents;
using Edge.Gateway.Registry;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Alerting;

/// <summary>
/// Who gets an incident's alert, and on which channel. Resolves policy targets (<c>espa:101</c>, <c>staff:sam</c>,
/// ...) to recipients on this gateway's channels (the first channel of each device's kind); excludes channels an
/// alert must not use (a gateway fault is never sent on a failed channel); widens a step whose every channel has
/// failed to every tier's targets on the channels that work. The incident's unit (from the registry) picks the
/// policy slot, and so its <see cref="EscalationSchedule"/>.
/// </summary>
internal sealed class AlertRouter
{
    private readonly EscalationPolicySource _policy;
    private readonly IDeviceRegistry _registry;
    private readonly IAlertChannel[] _channels;
    private readonly HashSet<ChannelKind> _kinds;
    private readonly ChannelFaultMonitor _faults;
    private readonly EscalationOptions _options;

    public AlertRouter(EscalationPolicySource policy, IDeviceRegistry registry, IEnumerable<IAlertChannel> channels, ChannelFaultMonitor faults, IOptions<EscalationOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _policy = policy;
        _registry = registry;
        _channels = [.. channels];
        _kinds = [.. _channels.Select(c => c.Kind)];
        _faults = faults;
        _options = options.Value;
    }

    /// <summary>The channels alerts go out on.</summary>
    public IReadOnlyList<IAlertChannel> Channels => _channels;

    /// <summary>The kinds of channel this gateway has.</summary>
    public IReadOnlySet<ChannelKind> Kinds => _kinds;

    /// <summary>The configured channel named <paramref name="name"/>, or null.</summary>
    public IAlertChannel? Channel(string name) => Array.Find(_channels, c => c.Name == name);

    /// <summary>The incident's unit, or null: gateway faults, or a resident no longer in the registry (every unit's staff).</summary>
    public string? UnitOf(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        return incident.ResidentId is { } resident && _registry.TryGetResident(resident, out var a) ? a.UnitId : null;
    }

    /// <summary>The incident's schedule in the policy slot in effect at <paramref name="now"/>, or null when no slot with steps covers its unit.</summary>
    public EscalationSchedule? ScheduleFor(Incident incident, DateTimeOffset now) => ScheduleFor(UnitOf(incident), incident.Type, now);

    /// <summary>The schedule for an incident of <paramref name="type"/> in <paramref name="unit"/> at <paramref name="now"/>, or null.</summary>
    public EscalationSchedule? ScheduleFor(string? unit, IncidentType type, DateTimeOffset now) =>
        _policy.Resolve(unit, now)?.Steps is { Count: > 0 } steps ? new EscalationSchedule(steps, EscalationSchedule.RepeatFor(type, _options)) : null;

    /// <summary>Recipients per channel for <paramref name="targets"/>, leaving out the <paramref name="excluded"/> channels.</summary>
    public Dictionary<IAlertChannel, List<string>> Resolve(IEnumerable<string> targets, HashSet<string> excluded)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(excluded);
        var byChannel = new Dictionary<IAlertChannel, List<string>>();
        foreach (var target in targets)
        {
            foreach (var device in _policy.Expand(target, Kinds))
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

    /// <summary>Channels the incident's alerts must not use: for a gateway fault, the failed channels and the channel it is about.</summary>
    public HashSet<string> Excluded(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        if (incident.Type != IncidentType.GatewayFault)
        {
            return [];
        }

        // A fault is alerted on the channels that still work.
        var excluded = _faults.FaultedNames();
        if (incident.Subject.StartsWith(EscalationEngine.ChannelFaultSubjectPrefix, StringComparison.Ordinal))
        {
            excluded.Add(incident.Subject[EscalationEngine.ChannelFaultSubjectPrefix.Length..]);
        }

        return excluded;
    }

    /// <summary>
    /// The sends of a step: its targets per channel. When <paramref name="widen"/> and every channel of the step has
    /// failed, the step is widened to every tier's targets (<see cref="DeliveryGroup.Widen"/>) on the working channels.
    /// </summary>
    public Dictionary<IAlertChannel, List<string>> Plan(DeliveryGroup group, IReadOnlyList<string> targets, bool widen = true)
    {
        ArgumentNullException.ThrowIfNull(group);
        var excluded = Excluded(group.Incident);
        var byChannel = Resolve(targets, excluded);
        var faulted = _faults.FaultedNames();
        if (widen && !byChannel.Keys.Any(c => !faulted.Contains(c.Name)))
        {
            foreach (var (channel, recipients) in Resolve(group.Widen, [.. excluded, .. faulted]))
            {
                byChannel[channel] = recipients;
            }
        }

        return byChannel;
    }

    /// <summary>
    /// Where a group goes when every channel of it failed: the next tier's targets on working channels it was not
    /// tried on yet, else every tier's targets there. Empty when no working channel is left.
    /// </summary>
    public Dictionary<IAlertChannel, List<string>> FailoverPlan(DeliveryGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        HashSet<string> excluded = [.. Excluded(group.Incident), .. group.Tried, .. _faults.FaultedNames()];
        var plan = Resolve(group.FailoverTo, excluded);
        return plan.Count > 0 ? plan : Resolve(group.Widen, excluded);
    }

    /// <summary>The targets a reminder goes to: the devices of the carer who accepted, else (none known or none on a channel here) <paramref name="fallback"/>.</summary>
    public IReadOnlyList<string> ReminderTargets(Incident incident, IReadOnlyList<string> fallback)
    {
        ArgumentNullException.ThrowIfNull(incident);
        IReadOnlyList<string> targets = incident.AcceptedBy is { } staff ? [.. _policy.DevicesOf(staff).Select(t => t.ToString())] : [];
        return targets.Any(t => _policy.Expand(t, Kinds).Any()) ? targets : fallback;
    }
}
