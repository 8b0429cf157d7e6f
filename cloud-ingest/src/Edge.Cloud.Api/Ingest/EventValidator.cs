using Edge.Cloud.Contracts;

namespace Edge.Cloud.Api.Ingest;

/// <summary>Checks one event against the contract; returns why it is rejected, or null when it is fine.</summary>
public static class EventValidator
{
    private static readonly DateTimeOffset Earliest = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly HashSet<string> Outcomes =
        [IncidentOutcomes.Fall, IncidentOutcomes.NoFall, IncidentOutcomes.AssistanceGiven, IncidentOutcomes.Other];

    private static readonly HashSet<string> States =
        [DeviceStates.Protected, DeviceStates.Offline, DeviceStates.Docked, DeviceStates.NotWorn, DeviceStates.BatteryLow];

    public static string? Validate(UplinkEvent e, DateTimeOffset now, TimeSpan maxSkew)
    {
        if (!IsKey(e.IdempotencyKey))
        {
            return $"idempotencyKey must be 1-{ContractLimits.MaxIdempotencyKeyLength} printable ASCII characters";
        }

        if (!UplinkEventTypes.All.Contains(e.Type))
        {
            return $"unknown event type '{Truncate(e.Type)}'";
        }

        if (e.OccurredAt > now + maxSkew)
        {
            return "occurredAt is in the future";
        }

        if (e.OccurredAt < Earliest)
        {
            return "occurredAt is before 2020";
        }

        var payloads = (e.Incident is null ? 0 : 1) + (e.Notification is null ? 0 : 1) + (e.Health is null ? 0 : 1) + (e.Device is null ? 0 : 1) + (e.Mobility is null ? 0 : 1);
        if (payloads != 1)
        {
            return "exactly one payload must be set, the one that matches the type";
        }

        return e.Type switch
        {
            _ when UplinkEventTypes.IsIncident(e.Type) => ValidateIncident(e),
            UplinkEventTypes.NotificationAttempt => ValidateNotification(e),
            UplinkEventTypes.HealthSummary => ValidateHealth(e),
            UplinkEventTypes.DeviceHealth => ValidateDevice(e),
            UplinkEventTypes.MobilityDaily => ValidateMobility(e),
            _ => "unknown event type",
        };
    }

    private static string? ValidateIncident(UplinkEvent e)
    {
        if (e.Incident is not { } p)
        {
            return $"{e.Type} needs an incident payload";
        }

        if (!IsId(e.IncidentId))
        {
            return "incidentId is missing or invalid";
        }

        if (e.Sequence is not >= 1)
        {
            return "sequence must be 1 or more for incident events";
        }

        if (e.Type == UplinkEventTypes.IncidentResolved && (p.Outcome is null || !Outcomes.Contains(p.Outcome)))
        {
            return "incident.resolved needs an outcome: fall, no_fall, assistance_given or other";
        }

        if (p.Score is { } s && (double.IsNaN(s) || s < 0 || s > 1))
        {
            return "score must be within [0, 1]";
        }

        return OptionalId(p.DeviceId, "deviceId") ?? Labels(p.Kind, p.ResidentRef, p.Unit, p.Room, p.AcceptedBy);
    }

    private static string? ValidateNotification(UplinkEvent e)
    {
        if (e.Notification is not { } n)
        {
            return "notification.attempt needs a notification payload";
        }

        if (!IsId(e.IncidentId))
        {
            return "incidentId is missing or invalid";
        }

        if (string.IsNullOrWhiteSpace(n.Channel) || string.IsNullOrWhiteSpace(n.Result) || n.Attempt < 1)
        {
            return "notification needs a channel, a result and an attempt of 1 or more";
        }

        return Labels(n.Channel, n.Result, n.Target, n.Detail);
    }

    private static string? ValidateHealth(UplinkEvent e)
    {
        if (e.Health is not { } h)
        {
            return "health.summary needs a health payload";
        }

        if (h.PeriodEnd <= h.PeriodStart)
        {
            return "periodEnd must be after periodStart";
        }

        if (h.Devices.Count > ContractLimits.MaxDevicesPerSummary)
        {
            return $"at most {ContractLimits.MaxDevicesPerSummary} devices per summary";
        }

        if (h.DevicesTotal < 0 || h.DevicesProtected < 0 || h.DevicesProtected > h.DevicesTotal)
        {
            return "devicesProtected must be within [0, devicesTotal]";
        }

        var periodSeconds = (long)Math.Ceiling((h.PeriodEnd - h.PeriodStart).TotalSeconds);
        foreach (var d in h.Devices)
        {
            var reason = OptionalId(d.DeviceId, "deviceId") ?? State(d.State, d.BatteryPercent) ?? Labels(d.ResidentRef, d.Unit);
            if (d.DeviceId is null)
            {
                reason ??= "deviceId is missing";
            }

            if (reason is null && (d.UnprotectedSeconds < 0 || d.UnprotectedSeconds > periodSeconds))
            {
                reason = "unprotectedSeconds must be within the period";
            }

            if (reason is not null)
            {
                return $"device '{Truncate(d.DeviceId)}': {reason}";
            }
        }

        return null;
    }

    private static string? ValidateDevice(UplinkEvent e)
    {
        if (e.Device is not { } d)
        {
            return "device.health needs a device payload";
        }

        return (IsId(d.DeviceId) ? null : "deviceId is missing or invalid") ?? State(d.State, d.BatteryPercent) ?? Labels(d.ResidentRef, d.Unit);
    }

    /// <summary>Daily aggregates of a day that is over, within what a day can hold; nothing else is accepted.</summary>
    private static string? ValidateMobility(UplinkEvent e)
    {
        if (e.Mobility is not { } m)
        {
            return "mobility.daily needs a mobility payload";
        }

        if (!DateOnly.TryParseExact(m.Day, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var day))
        {
            return "mobility.daily day must be a calendar day, yyyy-MM-dd";
        }

        // The day must be over where the site is: no time zone is ahead of UTC by more than 14 h.
        if (e.OccurredAt < new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddHours(-14))
        {
            return "mobility.daily may only be sent once its day is over";
        }

        if (e.IncidentId is not null || e.Sequence is not null)
        {
            return "mobility.daily belongs to no incident";
        }

        double[] minutes = [m.WornMinutes, m.WalkingMinutes, m.LyingMinutes];
        if (minutes.Any(v => double.IsNaN(v) || v < 0 || v > ContractLimits.MaxMinutesPerDay) || m.WalkingMinutes + m.LyingMinutes > m.WornMinutes + 1)
        {
            return $"mobility.daily minutes must be within one day (0-{ContractLimits.MaxMinutesPerDay}) and walking + lying within the minutes worn";
        }

        if (m.Steps is < 0 or > 200_000 || m.SitToStands is < 0 or > 2_000 || m.NightTransitions is < 0 or > 2_000 || m.Cadence is { } c && (double.IsNaN(c) || c < 0 || c > 300))
        {
            return "mobility.daily counts out of range";
        }

        return Labels(m.ResidentRef, m.Unit);
    }

    private static string? State(string state, int? battery)
    {
        if (state is null || !States.Contains(state))
        {
            return $"unknown device state '{Truncate(state)}'";
        }

        return battery is < 0 or > 100 ? "batteryPercent must be within [0, 100]" : null;
    }

    private static string? OptionalId(string? id, string name) => id is null || IsId(id) ? null : $"{name} is invalid";

    private static string? Labels(params string?[] labels) =>
        labels.Any(l => l is not null && (l.Length > ContractLimits.MaxLabelLength || l.Any(char.IsControl)))
            ? $"labels must be at most {ContractLimits.MaxLabelLength} characters without control characters"
            : null;

    /// <summary>Ids: 1-64 characters of letters, digits and <c>. _ : -</c>.</summary>
    public static bool IsId(string? id) =>
        id is { Length: > 0 and <= ContractLimits.MaxIdLength } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-');

    private static bool IsKey(string? key) =>
        key is { Length: > 0 and <= ContractLimits.MaxIdempotencyKeyLength } && key.All(c => c is > ' ' and <= '~');

    private static string Truncate(string? s) => s is null ? "" : s.Length <= 40 ? s : s[..40] + "...";
}
