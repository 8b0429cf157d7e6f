namespace Edge.Cloud.Data;

public sealed record GatewayIdentity(string GatewayId, string SiteId, string OrgId, byte[] KeyHash);

public sealed record UserIdentity(string UserId, string OrgId, string Username, string PasswordHash, DateTimeOffset? DisabledAt = null)
{
    public bool IsDisabled => DisabledAt is not null;
}

public sealed record SiteRecord(string SiteId, string OrgId, string Name, string TimeZone);

public sealed record IncidentRecord(
    string SiteId,
    string IncidentId,
    string? Kind,
    string? DeviceId,
    string? ResidentRef,
    string? Unit,
    string? Room,
    DateTimeOffset? RaisedAt,
    DateTimeOffset? AcceptedAt,
    DateTimeOffset? ResolvedAt,
    string? Outcome,
    string? AcceptedBy,
    long? EscalationLevel,
    long LastSequence)
{
    public TimeSpan? TimeToAccept => RaisedAt is { } r && AcceptedAt is { } a ? a - r : null;

    public TimeSpan? TimeToResolve => RaisedAt is { } r && ResolvedAt is { } s ? s - r : null;

    public bool IsOpen => ResolvedAt is null;
}

public sealed record DeviceRecord(
    string SiteId,
    string DeviceId,
    string? ResidentRef,
    string? Unit,
    string State,
    long? BatteryPercent,
    DateTimeOffset StateAt,
    long UnprotectedSeconds);

public sealed record StoredEvent(
    long EventId,
    string GatewayId,
    string IdempotencyKey,
    string SiteId,
    string Type,
    DateTimeOffset OccurredAt,
    DateTimeOffset ReceivedAt,
    string? IncidentId,
    long? Sequence,
    string Payload);
