using Edge.Cloud.Api.Ingest;
using Edge.Cloud.Api.Security;
using Edge.Cloud.Data;

namespace Edge.Cloud.Api.Admin;

/// <summary>Secrets for a new user, shown once.</summary>
public sealed record NewUserSecrets(string UserId, string Password, string ApiToken);

/// <summary>Creating organisations, sites, gateways and users. Secrets are returned once and stored only as hashes.</summary>
public sealed class AdminCommands(IDirectoryStore directory, TimeProvider time)
{
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
        var key = Secrets.NewGatewayKey();
        await directory.CreateGatewayAsync(gatewayId, siteId, Secrets.Hash(key), time.GetUtcNow(), ct).ConfigureAwait(false);
        return key;
    }

    /// <summary>
    /// Registers a gateway whose key was generated on site (<c>provision init site --cloud-url</c> shows it
    /// once). Only the key's hash is stored, as for <see cref="CreateGatewayAsync"/>.
    /// </summary>
    public async Task RegisterGatewayAsync(string gatewayId, string siteId, string key, CancellationToken ct = default)
    {
        RequireId(gatewayId, "gateway id");
        if (!key.StartsWith(Secrets.GatewayKeyPrefix, StringComparison.Ordinal) || key.Length < Secrets.GatewayKeyPrefix.Length + 40)
        {
            throw new ArgumentException($"A gateway key starts with '{Secrets.GatewayKeyPrefix}' and carries at least 40 random characters.", nameof(key));
        }

        await directory.CreateGatewayAsync(gatewayId, siteId, Secrets.Hash(key), time.GetUtcNow(), ct).ConfigureAwait(false);
    }

    /// <summary>Creates a user with a random password and an API token (the only time they are visible).</summary>
    public async Task<NewUserSecrets> CreateUserAsync(string orgId, string username, int passwordIterations = PasswordHasher.DefaultIterations, CancellationToken ct = default)
    {
        if (username.Length is 0 or > 200)
        {
            throw new ArgumentException("A user name has 1 to 200 characters.", nameof(username));
        }

        var userId = "u-" + Guid.NewGuid().ToString("N");
        var password = Secrets.NewPassword();
        var token = Secrets.NewUserToken();
        await directory.CreateUserAsync(userId, orgId, username, PasswordHasher.Hash(password, passwordIterations), time.GetUtcNow(), ct).ConfigureAwait(false);
        await directory.AddUserTokenAsync(userId, Secrets.Hash(token), time.GetUtcNow(), ct).ConfigureAwait(false);
        return new NewUserSecrets(userId, password, token);
    }

    private static void RequireId(string id, string what)
    {
        if (!EventValidator.IsId(id))
        {
            throw new ArgumentException($"The {what} '{id}' must be 1-64 letters, digits or . _ : -");
        }
    }
}
