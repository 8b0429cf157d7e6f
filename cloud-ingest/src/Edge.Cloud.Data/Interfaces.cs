using Edge.Cloud.Contracts;

namespace Edge.Cloud.Data;

/// <summary>Stores uplink events once per (gateway, idempotency key) and keeps the read projections current.</summary>
public interface IIngestStore
{
    /// <summary>
    /// Stores a batch of already-validated events in one transaction. Returns, per event, true when it
    /// was stored now and false when the same (gateway, idempotency key) was stored before.
    /// </summary>
    Task<bool[]> InsertAsync(IReadOnlyList<UplinkEvent> events, DateTimeOffset receivedAt, CancellationToken cancellationToken);
}

/// <summary>Organisations, sites, gateways and users.</summary>
public interface IDirectoryStore
{
    Task CreateOrganisationAsync(string orgId, string name, DateTimeOffset now, CancellationToken cancellationToken);

    Task CreateSiteAsync(string siteId, string orgId, string name, string timeZone, DateTimeOffset now, CancellationToken cancellationToken);

    Task CreateGatewayAsync(string gatewayId, string siteId, byte[] keyHash, DateTimeOffset now, CancellationToken cancellationToken);

    Task CreateUserAsync(string userId, string orgId, string username, string passwordHash, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The gateway of a key that is neither revoked nor expired at <paramref name="now"/>; null otherwise.</summary>
    Task<GatewayIdentity?> FindGatewayByKeyHashAsync(byte[] keyHash, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The user with this name, disabled or not (see <see cref="UserIdentity.IsDisabled"/>).</summary>
    Task<UserIdentity?> FindUserByUsernameAsync(string username, CancellationToken cancellationToken);

    /// <summary>The enabled user of a token that is neither revoked nor expired at <paramref name="now"/>; null otherwise.</summary>
    Task<UserIdentity?> FindUserByTokenHashAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken);

    Task<IReadOnlyList<SiteRecord>> GetSitesAsync(string orgId, CancellationToken cancellationToken);
}

/// <summary>Read side for the query API and the dashboard.</summary>
public interface IReportStore
{
    /// <summary>Incidents of the given sites raised in [from, to).</summary>
    Task<IReadOnlyList<IncidentRecord>> GetIncidentsAsync(IReadOnlyCollection<string> siteIds, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    /// <summary>Incidents of the given sites not resolved yet, whenever raised.</summary>
    Task<IReadOnlyList<IncidentRecord>> GetOpenIncidentsAsync(IReadOnlyCollection<string> siteIds, CancellationToken cancellationToken);

    /// <summary>Devices of the given sites, with unprotected seconds from health summaries whose period starts in [from, to).</summary>
    Task<IReadOnlyList<DeviceRecord>> GetDevicesAsync(IReadOnlyCollection<string> siteIds, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    /// <summary>Stored events of one site in arrival order (diagnostics and tests).</summary>
    Task<IReadOnlyList<StoredEvent>> GetEventsAsync(string siteId, CancellationToken cancellationToken);

    /// <summary>Number of stored events.</summary>
    Task<long> CountEventsAsync(CancellationToken cancellationToken);
}

/// <summary>Creates and upgrades the schema.</summary>
public interface ISchemaMigrator
{
    /// <summary>Applies every migration not applied yet (up to <paramref name="targetVersion"/>); returns how many ran.</summary>
    Task<int> MigrateAsync(int? targetVersion, CancellationToken cancellationToken);

    /// <summary>Versions recorded in the migrations table, ascending.</summary>
    Task<IReadOnlyList<int>> GetAppliedVersionsAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Revocable credentials: gateway keys (several per gateway while rotating), user API tokens, dashboard
/// sessions on the server, disabling users, and the audit log. Every change is written together with its
/// audit entry in one transaction.
/// </summary>
public interface ICredentialStore
{
    /// <summary>Adds a key to a gateway (e.g. one generated on site); the gateway's other keys are untouched.</summary>
    Task AddGatewayKeyAsync(string gatewayId, byte[] keyHash, DateTimeOffset now, AuditEntry audit, CancellationToken cancellationToken);

    /// <summary>
    /// Adds a new key and makes every other live key of the gateway expire at <paramref name="oldKeysExpireAt"/>
    /// (not later than it would anyway). Returns how many old keys now expire.
    /// </summary>
    Task<int> RotateGatewayKeyAsync(string gatewayId, byte[] newKeyHash, DateTimeOffset now, DateTimeOffset oldKeysExpireAt, AuditEntry audit, CancellationToken cancellationToken);

    /// <summary>Revokes the given keys of the gateway (all of its keys when <paramref name="keyHashes"/> is null) at once. Returns how many were live.</summary>
    Task<int> RevokeGatewayKeysAsync(string gatewayId, IReadOnlyCollection<byte[]>? keyHashes, DateTimeOffset now, AuditEntry audit, CancellationToken cancellationToken);

    Task<IReadOnlyList<GatewayKeyRecord>> ListGatewayKeysAsync(string gatewayId, CancellationToken cancellationToken);

    /// <summary>Records that a key was used (callers throttle this).</summary>
    Task TouchGatewayKeyAsync(byte[] keyHash, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Adds an API token for a user, with its expiry.</summary>
    Task AddUserTokenAsync(string userId, byte[] tokenHash, DateTimeOffset now, DateTimeOffset expiresAt, AuditEntry audit, CancellationToken cancellationToken);

    /// <summary>Revokes the given tokens of the user (all when <paramref name="tokenHashes"/> is null). Returns how many were live.</summary>
    Task<int> RevokeUserTokensAsync(string userId, IReadOnlyCollection<byte[]>? tokenHashes, DateTimeOffset now, AuditEntry audit, CancellationToken cancellationToken);

    Task<IReadOnlyList<UserTokenRecord>> ListUserTokensAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Records that a token was used (callers throttle this).</summary>
    Task TouchUserTokenAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Disables a user: its sessions end and its tokens are revoked in the same transaction. False when already disabled or unknown.</summary>
    Task<bool> DisableUserAsync(string userId, DateTimeOffset now, AuditEntry audit, CancellationToken cancellationToken);

    /// <summary>Starts a dashboard session that ends at <paramref name="expiresAt"/> at the latest.</summary>
    Task CreateSessionAsync(byte[] sessionHash, string userId, DateTimeOffset now, DateTimeOffset expiresAt, AuditEntry audit, CancellationToken cancellationToken);

    /// <summary>The session and its user, whatever its state (the caller decides whether it is still valid).</summary>
    Task<SessionRecord?> FindSessionAsync(byte[] sessionHash, CancellationToken cancellationToken);

    /// <summary>Records activity on a session (callers throttle this).</summary>
    Task TouchSessionAsync(byte[] sessionHash, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Ends one session (sign-out, timeout). False when it had already ended.</summary>
    Task<bool> EndSessionAsync(byte[] sessionHash, DateTimeOffset now, string reason, AuditEntry? audit, CancellationToken cancellationToken);

    /// <summary>Ends every open session of a user ("sign out everywhere"). Returns how many ended.</summary>
    Task<int> EndUserSessionsAsync(string userId, DateTimeOffset now, string reason, AuditEntry audit, CancellationToken cancellationToken);

    Task AppendAuditAsync(AuditEntry entry, CancellationToken cancellationToken);

    /// <summary>The newest audit entries at or after <paramref name="since"/>, newest first.</summary>
    Task<IReadOnlyList<AuditEntry>> ListAuditAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken);
}
