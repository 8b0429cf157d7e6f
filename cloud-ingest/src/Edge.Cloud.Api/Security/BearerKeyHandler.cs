using System.Security.Claims;
using System.Text.Encodings.Web;
using Edge.Cloud.Api.Diagnostics;
using Edge.Cloud.Contracts;
using Edge.Cloud.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Edge.Cloud.Api.Security;

/// <summary>
/// <c>Authorization: Bearer edgegw_...</c> authenticates a gateway; <c>Bearer edgeusr_...</c> an
/// organisation user's API token. The key's SHA-256 is looked up and compared in constant time. Only a
/// key that is neither revoked nor expired (and a token whose user is not disabled) authenticates; the
/// lookup runs on every request, so a revocation takes effect at the next request on every instance.
/// </summary>
internal sealed class BearerKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IDirectoryStore directory,
    ICredentialStore credentials,
    LastUseRecorder lastUse,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var key = header["Bearer ".Length..].Trim();
        if (key.Length is 0 or > 256)
        {
            return Fail();
        }

        var hash = Secrets.Hash(key);
        var now = time.GetUtcNow();
        if (key.StartsWith(GatewayKey.Prefix, StringComparison.Ordinal))
        {
            var gateway = await directory.FindGatewayByKeyHashAsync(hash, now, Context.RequestAborted).ConfigureAwait(false);
            if (gateway is null || !Secrets.Matches(key, gateway.KeyHash))
            {
                return Fail();
            }

            if (lastUse.ShouldWrite("gateway-key", hash))
            {
                await credentials.TouchGatewayKeyAsync(hash, now, Context.RequestAborted).ConfigureAwait(false);
            }

            return Success(
                new Claim(EdgeClaims.Kind, EdgeClaims.KindGateway),
                new Claim(EdgeClaims.GatewayId, gateway.GatewayId),
                new Claim(EdgeClaims.SiteId, gateway.SiteId),
                new Claim(EdgeClaims.OrgId, gateway.OrgId));
        }

        if (key.StartsWith(Secrets.UserTokenPrefix, StringComparison.Ordinal))
        {
            var user = await directory.FindUserByTokenHashAsync(hash, now, Context.RequestAborted).ConfigureAwait(false);
            if (user is null)
            {
                return Fail();
            }

            if (lastUse.ShouldWrite("user-token", hash))
            {
                await credentials.TouchUserTokenAsync(hash, now, Context.RequestAborted).ConfigureAwait(false);
            }

            return Success(UserClaims(user));
        }

        return Fail();
    }

    internal static Claim[] UserClaims(UserIdentity user) =>
    [
        new(EdgeClaims.Kind, EdgeClaims.KindUser),
        new(EdgeClaims.UserId, user.UserId),
        new(EdgeClaims.OrgId, user.OrgId),
        new(ClaimTypes.Name, user.Username),
    ];

    private AuthenticateResult Fail()
    {
        Log.KeyRefused(Logger, Request.Path);
        return AuthenticateResult.Fail("Invalid key.");
    }

    private AuthenticateResult Success(params Claim[] claims) =>
        AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name)), Scheme.Name));
}
