using Edge.Cloud.Api.Ingest;
using Edge.Cloud.Api.Security;
using Edge.Cloud.Contracts;
using Edge.Cloud.Data;

namespace Edge.Cloud.Api.Admin;

/// <summary>Secrets for a new user, shown once.</summary>
public sealed record NewUserSecrets(string UserId, string Password, string ApiToken);

/// <summary>A new gateway key from a rotation, shown once (null when the key was generated on site), and when the old keys stop working.</summary>
public sealed record RotatedKey(string? Key, string KeyId, DateTimeOffset OldKeysExpireAt, int OldKeys);

/// <summary>A new API token, shown once, and its expiry.</summary>
public sealed record IssuedToken(string Token, string TokenId, DateTimeOffset ExpiresAt);

/// <summary>
/// Creating organisations, sites, gateways and users; rotating and revoking gateway keys; disabling users;
/// issuing and revoking API tokens; ending sessions. Secrets are returned once and stored only as hashes.
/// Every change to a credential is written to the audit log with <see cref="Actor"/>.
/// </summary>
public sealed class AdminCommands(IDirectoryStore directory, ICredentialStore credentials, TimeProvider time, CredentialOptions? options = null, string actor = "admin-cli")
{
    private readonly CredentialOptions _options = options ?? new CredentialOptions();

    /// <summary>Who the audit log names for these commands.</summary>
    public string Actor => actor;

    /// <summary>Commands over one store that implements both interfaces (the service's, the CLI's, the tests').</summary>
    public static AdminCommands For(CloudStore store, TimeProvider time, CredentialOptions? options = null, string actor = "admin-cli") =>
        new(store, store, time, options, actor);

    public Task CreateOrganisationAsync(string orgId, string name, CancellationToken ct = default)
    {
        RequireId(orgId, "organisation id");
        return directory.CreateOrganisationAsync(orgId, name, time.GetUtcNow(), ct);
    }

    public Task CreateSiteAsync(string siteId, string orgId, string name, string timeZone = "Europe/London", CancellationToken ct = default)
    {
        RequireId(siteId, "site id");
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _))
        {
            throw new ArgumentException($"Unknown time zone '{timeZone}' (use an IANA id such as Europe/London).", nameof(timeZone));
        }

        return directory.CreateSiteAsync(siteId, orgId, name, timeZone, time.GetUtcNow(), ct);
    }

    /// <summary>Creates a gateway and returns its key (the only time it is ever visible).</summary>
    public async Task<string> CreateGatewayAsync(string gatewayId, string siteId, CancellationToken ct = default)
    {
        RequireId(gatewayId, "gateway id");
        var key = GatewayKey.New();
        await CreateGatewayCoreAsync(gatewayId, siteId, Secrets.Hash(key), ct).ConfigureAwait(false);
        return key;
    }

    /// <summary>
    /// Registers a gateway whose key was generated on site (<c>provision init site --cloud-url</c> shows it
    /// once). Only the key's hash is stored, as for <see cref="CreateGatewayAsync"/>.
    /// </summary>
    public async Task RegisterGatewayAsync(string gatewayId, string siteId, string key, CancellationToken ct = default)
    {
        RequireId(gatewayId, "gateway id");
        RequireGatewayKey(key);
        await CreateGatewayCoreAsync(gatewayId, siteId, Secrets.Hash(key), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Gives a gateway a new key and makes its other keys stop working after <paramref name="overlap"/>
    /// (default <see cref="CredentialOptions.KeyRotationOverlap"/>), so the gateway can switch without losing
    /// events. With <paramref name="onSiteKey"/> the new key is one generated on site; otherwise one is made
    /// here and returned once. Revoke the old key early with <see cref="RevokeGatewayKeysAsync"/> once the
    /// gateway uses the new one (<see cref="ListGatewayKeysAsync"/> shows when each key was last used).
    /// </summary>
    public async Task<RotatedKey> RotateGatewayKeyAsync(string gatewayId, TimeSpan? overlap = null, string? onSiteKey = null, CancellationToken ct = default)
    {
        await RequireGatewayAsync(gatewayId, ct).ConfigureAwait(false);
        var window = overlap ?? _options.KeyRotationOverlap;
        if (window < TimeSpan.Zero)
        {
            throw new ArgumentException("The overlap must not be negative.", nameof(overlap));
        }

        if (onSiteKey is not null)
        {
            RequireGatewayKey(onSiteKey);
        }

        var key = onSiteKey ?? GatewayKey.New();
        var hash = Secrets.Hash(key);
        var now = time.GetUtcNow();
        var end = now + window;
        var old = await credentials.RotateGatewayKeyAsync(gatewayId, hash, now, end,
            Audit(AuditActions.GatewayKeyRotated, gatewayId, $"new key {Secrets.KeyId(hash)}; other keys expire at {end:O}"), ct).ConfigureAwait(false);
        return new RotatedKey(onSiteKey is null ? key : null, Secrets.KeyId(hash), end, old);
    }

    /// <summary>Revokes one key of a gateway (by its id, see <see cref="Secrets.KeyId"/>), or all of them when <paramref name="keyId"/> is null. Takes effect at the next request.</summary>
    public async Task<int> RevokeGatewayKeysAsync(string gatewayId, string? keyId, CancellationToken ct = default)
    {
        var keys = await RequireGatewayAsync(gatewayId, ct).ConfigureAwait(false);
        var hashes = keyId is null ? null : new[] { Pick(keys.Select(k => k.KeyHash), keyId, $"gateway {gatewayId}") };
        return await credentials.RevokeGatewayKeysAsync(gatewayId, hashes, time.GetUtcNow(),
            Audit(AuditActions.GatewayKeyRevoked, gatewayId, keyId is null ? "all keys" : "key " + keyId), ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<GatewayKeyRecord>> ListGatewayKeysAsync(string gatewayId, CancellationToken ct = default) =>
        await RequireGatewayAsync(gatewayId, ct).ConfigureAwait(false);

    /// <summary>Creates a user with a random password and an API token (the only time they are visible).</summary>
    public async Task<NewUserSecrets> CreateUserAsync(string orgId, string username, int passwordIterations = PasswordHash.DefaultIterations, CancellationToken ct = default)
    {
        if (username.Length is 0 or > 200)
        {
            throw new ArgumentException("A user name has 1 to 200 characters.", nameof(username));
        }

        var userId = "u-" + Guid.NewGuid().ToString("N");
        var password = Secrets.NewPassword();
        await directory.CreateUserAsync(userId, orgId, username, PasswordHash.Create(password, passwordIterations), time.GetUtcNow(), ct).ConfigureAwait(false);
        await credentials.AppendAuditAsync(Audit(AuditActions.UserCreated, userId, $"user name {username}, organisation {orgId}"), ct).ConfigureAwait(false);
        var token = await IssueTokenCoreAsync(userId, null, ct).ConfigureAwait(false);
        return new NewUserSecrets(userId, password, token.Token);
    }

    /// <summary>
    /// Disables a user: the dashboard sessions end and the API tokens are revoked in the same transaction,
    /// so nothing the user holds works at the next request. The user cannot sign in again.
    /// </summary>
    public async Task<UserIdentity> DisableUserAsync(string username, CancellationToken ct = default)
    {
        var user = await RequireUserAsync(username, ct).ConfigureAwait(false);
        if (!await credentials.DisableUserAsync(user.UserId, time.GetUtcNow(), Audit(AuditActions.UserDisabled, user.UserId, "user name " + username + "; sessions ended, tokens revoked"), ct).ConfigureAwait(false))
        {
            throw new ArgumentException($"User '{username}' is already disabled.");
        }

        return user;
    }

    /// <summary>Issues another API token for a user, valid for <paramref name="lifetime"/> (default <see cref="CredentialOptions.TokenLifetime"/>).</summary>
    public async Task<IssuedToken> IssueTokenAsync(string username, TimeSpan? lifetime = null, CancellationToken ct = default)
    {
        var user = await RequireUserAsync(username, ct).ConfigureAwait(false);
        if (user.IsDisabled)
        {
            throw new ArgumentException($"User '{username}' is disabled.");
        }

        return await IssueTokenCoreAsync(user.UserId, lifetime, ct).ConfigureAwait(false);
    }

    /// <summary>Revokes one API token of a user (by its id), or all of them when <paramref name="tokenId"/> is null. Takes effect at the next request.</summary>
    public async Task<int> RevokeTokensAsync(string username, string? tokenId, CancellationToken ct = default)
    {
        var user = await RequireUserAsync(username, ct).ConfigureAwait(false);
        var tokens = await credentials.ListUserTokensAsync(user.UserId, ct).ConfigureAwait(false);
        var hashes = tokenId is null ? null : new[] { Pick(tokens.Select(t => t.TokenHash), tokenId, $"user {username}") };
        return await credentials.RevokeUserTokensAsync(user.UserId, hashes, time.GetUtcNow(),
            Audit(AuditActions.TokenRevoked, user.UserId, tokenId is null ? "all tokens" : "token " + tokenId), ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<UserTokenRecord>> ListTokensAsync(string username, CancellationToken ct = default)
    {
        var user = await RequireUserAsync(username, ct).ConfigureAwait(false);
        return await credentials.ListUserTokensAsync(user.UserId, ct).ConfigureAwait(false);
    }

    /// <summary>Ends every dashboard session of a user ("sign out everywhere"), e.g. after a lost laptop.</summary>
    public async Task<int> EndSessionsAsync(string username, CancellationToken ct = default)
    {
        var user = await RequireUserAsync(username, ct).ConfigureAwait(false);
        return await credentials.EndUserSessionsAsync(user.UserId, time.GetUtcNow(), "ended by an administrator",
            Audit(AuditActions.SessionsEnded, user.UserId, "all sessions ended by an administrator"), ct).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<AuditEntry>> ListAuditAsync(TimeSpan period, int limit, CancellationToken ct = default) =>
        credentials.ListAuditAsync(time.GetUtcNow() - period, limit, ct);

    private async Task CreateGatewayCoreAsync(string gatewayId, string siteId, byte[] hash, CancellationToken ct)
    {
        await directory.CreateGatewayAsync(gatewayId, siteId, hash, time.GetUtcNow(), ct).ConfigureAwait(false);
        await credentials.AppendAuditAsync(Audit(AuditActions.GatewayCreated, gatewayId, $"site {siteId}, key {Secrets.KeyId(hash)}"), ct).ConfigureAwait(false);
    }

    private async Task<IssuedToken> IssueTokenCoreAsync(string userId, TimeSpan? lifetime, CancellationToken ct)
    {
        var life = lifetime ?? _options.TokenLifetime;
        if (life <= TimeSpan.Zero || life > _options.MaxTokenLifetime)
        {
            throw new ArgumentException($"A token lives more than 0 and at most {_options.MaxTokenLifetime.TotalDays:0} days.", nameof(lifetime));
        }

        var token = Secrets.NewUserToken();
        var hash = Secrets.Hash(token);
        var now = time.GetUtcNow();
        var expires = now + life;
        await credentials.AddUserTokenAsync(userId, hash, now, expires,
            Audit(AuditActions.TokenIssued, userId, $"token {Secrets.KeyId(hash)}, expires {expires:O}"), ct).ConfigureAwait(false);
        return new IssuedToken(token, Secrets.KeyId(hash), expires);
    }

    private async Task<IReadOnlyList<GatewayKeyRecord>> RequireGatewayAsync(string gatewayId, CancellationToken ct)
    {
        var keys = await credentials.ListGatewayKeysAsync(gatewayId, ct).ConfigureAwait(false);
        return keys.Count > 0 ? keys : throw new ArgumentException($"There is no gateway '{gatewayId}'.");
    }

    private async Task<UserIdentity> RequireUserAsync(string username, CancellationToken ct) =>
        await directory.FindUserByUsernameAsync(username, ct).ConfigureAwait(false) ?? throw new ArgumentException($"There is no user '{username}'.");

    private static byte[] Pick(IEnumerable<byte[]> hashes, string id, string owner) =>
        hashes.FirstOrDefault(h => string.Equals(Secrets.KeyId(h), id, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"{owner} has no key or token with id '{id}' (list them to see the ids).");

    private AuditEntry Audit(string action, string target, string detail) => new(time.GetUtcNow(), actor, action, target, detail);

    private static void RequireGatewayKey(string key)
    {
        if (!GatewayKey.IsWellFormed(key))
        {
            throw new ArgumentException($"A gateway key is '{GatewayKey.Prefix}' and {GatewayKey.RandomCharacters} base64url characters (as the admin command or edge provision makes it).", nameof(key));
        }
    }

    private static void RequireId(string id, string what)
    {
        if (!EventValidator.IsId(id))
        {
            throw new ArgumentException($"The {what} '{id}' must be 1-64 letters, digits or . _ : -");
        }
    }
}
