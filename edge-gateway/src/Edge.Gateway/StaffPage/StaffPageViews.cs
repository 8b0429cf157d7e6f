using Edge.Alerting;
using Edge.Gateway.Alerting;
using Edge.Gateway.Incidents;
using Edge.Gateway.Supervision;
using Edge.Uplink.Delivery;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Gateway.StaffPage;

/// <summary>An open incident as the staff page shows it.</summary>
internal sealed record IncidentView(
    long Id, string Type, string TypeLabel, bool Urgent, string State, string? Resident, string? Room, string? Detail,
    DateTimeOffset RaisedAt, double AgeSeconds, string? AcceptedBy, DateTimeOffset? AcceptedAt,
    string Escalation, DateTimeOffset? NextAlertAt, int AlertsSent);

internal sealed record DeviceView(
    string DeviceId, string Resident, string? Room, string State, DateTimeOffset? LastSeen, int? BatteryPercent,
    bool? Worn, bool Charging, string? UnprotectedReason, double UnprotectedMinutes24h, string? Fault, bool FaultActive);

internal sealed record ChannelView(string Name, string Kind, string State, DateTimeOffset Since, string Detail, bool Faulted);

internal sealed record UplinkView(bool Enabled, bool Degraded, bool CloudReachable, DateTimeOffset? UnreachableSince, long Backlog, long AlertBacklog, string? LastError);

internal sealed record BoardView(DateTimeOffset ServerNow, IReadOnlyList<DeviceView> Devices, IReadOnlyList<ChannelView> Channels, UplinkView? Uplink);

internal sealed record IncidentsView(DateTimeOffset ServerNow, IReadOnlyList<IncidentView> Incidents);

/// <summary>Builds the page's views from the gateway's services (the same instances the host runs).</summary>
internal sealed class StaffPageViews(IServiceProvider services, TimeProvider time)
{
    private readonly IIncidentService _incidents = services.GetRequiredService<IIncidentService>();
    private readonly EscalationStore _escalations = services.GetRequiredService<EscalationStore>();

    /// <summary>Open incidents, most urgent first: waiting before accepted, falls and calls before faults, offline, then the rest; oldest first.</summary>
    public async Task<IncidentsView> IncidentsAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var open = await _incidents.ListOpenAsync(ct).ConfigureAwait(false);
        var schedules = (await _escalations.ListActiveAsync(ct).ConfigureAwait(false)).ToDictionary(e => e.IncidentId);
        var list = open
            .OrderBy(i => i.State == IncidentState.Raised ? 0 : 1)
            .ThenBy(i => AlertText.UrgencyRank(i.Type))
            .ThenBy(i => i.RaisedAt)
            .Select(i =>
            {
                var e = schedules.GetValueOrDefault(i.Id);
                var escalation = e switch
                {
                    null => "not scheduled",
                    { Phase: EscalationPhase.Accepted, NextStep: 0 } => "accepted: reminder due",
                    { Phase: EscalationPhase.Accepted } => "accepted: escalates again if not resolved",
                    { LastStep: null } => "waiting for the first alert",
                    _ => e.LastStep,
                };
                return new IncidentView(
                    i.Id, IncidentNames.Name(i.Type), AlertText.TypeLabel(i.Type), !AlertText.IsHoldable(i.Type),
                    IncidentNames.Name(i.State), i.ResidentName, i.RoomName, i.Detail, i.RaisedAt, (now - i.RaisedAt).TotalSeconds,
                    i.AcceptedBy, i.AcceptedAt, escalation, e?.NextDueAt, e?.AlertsSent ?? 0);
            })
            .ToList();
        return new IncidentsView(now, list);
    }

    public async Task<BoardView> BoardAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var devices = new List<DeviceView>();
        if (services.GetService<DeviceSupervisor>() is { } supervisor)
        {
            var minutes = services.GetService<UnprotectedTimeStore>() is { } store
                ? (await store.QueryAsync(now.AddDays(-1), now, null, ct).ConfigureAwait(false))
                    .GroupBy(s => s.ResidentId).ToDictionary(g => g.Key, g => g.Sum(s => s.Minutes))
                : [];
            devices.AddRange(supervisor.GetBoard().Select(d => new DeviceView(
                d.DeviceId, d.ResidentName, d.RoomName, d.State.ToString().ToLowerInvariant(), d.LastSeen, d.BatteryPercent,
                d.Worn, d.Charging, d.UnprotectedReason, Math.Round(minutes.GetValueOrDefault(d.ResidentId), 1), d.Fault, d.FaultActive)));
        }

        var engine = services.GetService<EscalationEngine>();
        var faulted = engine?.FaultedChannels ?? new Dictionary<string, string>();
        var channels = (engine?.Channels ?? [])
            .Select(c => new ChannelView(c.Name, c.Kind.ToString(), faulted.ContainsKey(c.Name) && c.Health.State != ChannelHealthState.Down ? "failed" : c.Health.State.ToString().ToLowerInvariant(),
                c.Health.Since, faulted.TryGetValue(c.Name, out var why) ? why : c.Health.Detail, faulted.ContainsKey(c.Name)))
            .ToList();

        // The uplink is optional (registered when an Uplink section is configured: Uplink/GatewayUplinkExtensions).
        UplinkView? uplink = null;
        if (services.GetService<UplinkStatus>() is { } status)
        {
            var s = status.Current;
            uplink = new UplinkView(s.Enabled, s.Degraded, s.CloudReachable, s.UnreachableSince, s.Backlog, s.AlertBacklog, s.LastError);
        }

        return new BoardView(now, devices, channels, uplink);
    }
}
