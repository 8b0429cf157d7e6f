using System.Security.Claims;

namespace Edge.Cloud.Api.Security;

/// <summary>Claim types and policies of the service.</summary>
public static class EdgeClaims
{
    public const string Kind = "edge:kind";
    public const string GatewayId = "edge:gateway";
    public const string SiteId = "edge:site";
    public const string OrgId = "edge:org";
    public const string UserId = "edge:user";

    public const string KindGateway = "gateway";
    public const string KindUser = "user";

    /// <summary>Authorization policy: a gateway key.</summary>
    public const string GatewayPolicy = "gateway";

    /// <summary>Authorization policy: an organisation user (cookie or API token).</summary>
    public const string OrgUserPolicy = "org-user";

    public const string BearerScheme = "EdgeBearer";
    public const string CookieScheme = "EdgeCookie";
    public const string SelectorScheme = "Edge";

    public static string? Get(this ClaimsPrincipal user, string type) => user.FindFirst(type)?.Value;
}
