namespace Edge.Cloud.Data;

/// <summary>One entry of the audit log: who did what to which credential or account, and when.</summary>
/// <param name="At">When it happened.</param>
/// <param name="Actor">Who did it: <c>admin-cli:&lt;os user&gt;</c>, or the user id for a user's own action.</param>
/// <param name="Action">What was done, e.g. <c>gateway-key.revoked</c> (see <see cref="AuditActions"/>).</param>
/// <param name="Target">The gateway, user or session concerned.</param>
/// <param name="Detail">More context (key id, expiry, reason); never a secret.</param>
public sealed record AuditEntry(DateTimeOffset At, string Actor, string Action, string Target, string? Detail = null);

/// <summary>The audit log's action names. They keep their meaning forever.</summary>
public static class AuditActions
{
    public const string GatewayCreated = "gateway.created";
    public const string GatewayKeyAdded = "gateway-key.added";
    public const string GatewayKeyRotated = "gateway-key.rotated";
    public const string GatewayKeyRevoked = "gateway-key.revoked";
    public const string UserCreated = "user.created";
    public const string UserDisabled = "user.disabled";
    public const string TokenIssued = "user-token.issued";
    public const string TokenRevoked = "user-token.revoked";
    public const string SessionStarted = "session.started";
    public const string SessionEnded = "session.ended";
    public const string SessionsEnded = "sessions.ended";
}

/// <summary>A gateway key as the administrator sees it (the secret itself is never stored).</summary>
public sealed record GatewayKeyRecord(
    string GatewayId, byte[] KeyHash, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt)
{
    /// <summary>True when the key authenticates at <paramref name="now"/>.</summary>
    public bool IsLive(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);
}

/// <summary>A user's API token as the administrator sees it.</summary>
public sealed record UserTokenRecord(
    string UserId, byte[] TokenHash, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt)
{
    public bool IsLive(DateTimeOffset now) => RevokedAt is null && ExpiresAt > now;
}

/// <summary>A dashboard session, joined with its user.</summary>
public sealed record SessionRecord(
    byte[] SessionHash,
    UserIdentity User,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastSeenAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? EndedAt,
    string? EndReason);
