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

    Task AddUserTokenAsync(string userId, byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken);

    Task<GatewayIdentity?> FindGatewayByKeyHashAsync(byte[] keyHash, CancellationToken cancellationToken);

    Task<UserIdentity?> FindUserByUsernameAsync(string username, CancellationToken cancellationToken);

    Task<UserIdentity?> FindUserByTokenHashAsync(byte[] tokenHash, CancellationToken cancellationToken);

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
