using Microsoft.Extensions.Configuration;

namespace Edge.Gateway.Registry;

/// <summary>
/// The site this gateway serves: <c>Ingest:SiteId</c> when set, else <c>Site:Id</c> (which provisioning writes into
/// gateway-settings.json). Empty when neither is set; ingest's option validation reports that at start-up. Areas that
/// need the site id take this instead of reading the configuration keys themselves.
/// </summary>
/// <param name="Id">The site id (the topic level in <c>care/{site}/sensors/...</c>), or empty when not configured.</param>
public sealed record SiteIdentity(string Id)
{
    /// <summary>Whether a site id is configured.</summary>
    public bool IsKnown => Id.Length > 0;

    /// <summary>The site id as configured.</summary>
    public static SiteIdentity From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new SiteIdentity(configuration["Ingest:SiteId"] is { Length: > 0 } site ? site : configuration["Site:Id"] ?? "");
    }
}
