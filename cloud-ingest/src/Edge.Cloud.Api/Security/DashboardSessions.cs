using System.Security.Claims;
using Edge.Cloud.Api.Diagnostics;
using Edge.Cloud.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Edge.Cloud.Api.Security;

/// <summary>
/// Dashboard sessions kept on the server. The cookie carries a random session id (inside the Data
/// Protection envelope); the database keeps its hash, its user, when it started, when it was last used
/// and whether it has ended. Every request checks that row, so signing out, disabling the user or
/// <c>admin end-sessions</c> ends the session at once on every instance, whatever copy of the cookie
/// someone kept. A session ends after <see cref="CredentialOptions.SessionIdleTimeout"/> without requests
/// and <see cref="CredentialOptions.SessionLifetime"/> after sign-in.
/// </summary>
internal sealed class DashboardSessions(
    ICredentialStore store, LastUseRecorder lastUse, IOptions<CredentialOptions> options, TimeProvider time, ILogger<DashboardSessions> logger)
{
    public const string SessionClaim = "edge:sid";

    /// <summary>Starts a session for <paramref name="user"/> and returns the principal to put in the cookie.</summary>
    public async Task<ClaimsPrincipal> StartAsync(UserIdentity user, CancellationToken ct)
    {
        var id = Secrets.NewSessionId();
        var now = time.GetUtcNow();
        var hash = Secrets.Hash(id);
        await store.CreateSessionAsync(hash, user.UserId, now, now + options.Value.SessionLifetime,
            new AuditEntry(now, user.UserId, AuditActions.SessionStarted, user.UserId, "session " + Secrets.KeyId(hash)), ct).ConfigureAwait(false);
        Claim[] claims = [.. BearerKeyHandler.UserClaims(user), new Claim(SessionClaim, id)];
        return new ClaimsPrincipal(new ClaimsIdentity(claims, EdgeClaims.CookieScheme));
    }

    /// <summary>Cookie validation on every request: the session must exist, be open, within both lifetimes, and its user enabled.</summary>
    public async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var id = context.Principal?.FindFirst(SessionClaim)?.Value;
        var ct = context.HttpContext.RequestAborted;
        var now = time.GetUtcNow();
        var hash = id is null ? null : Secrets.Hash(id);
        var session = hash is null ? null : await store.FindSessionAsync(hash, ct).ConfigureAwait(false);
        var refusal = session switch
        {
            null => "unknown session",
            { EndedAt: not null } => "session ended (" + (session.EndReason ?? "signed out") + ")",
            { User.IsDisabled: true } => "user disabled",
            _ when now >= session.ExpiresAt => "session lifetime over",
            _ when now - session.LastSeenAt >= options.Value.SessionIdleTimeout => "session idle too long",
            _ => null,
        };

        if (refusal is not null)
        {
            if (session is { EndedAt: null })
            {
                await store.EndSessionAsync(hash!, now, refusal, null, ct).ConfigureAwait(false);
            }

            Log.SessionRefused(logger, session?.User.UserId ?? "?", refusal);
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(EdgeClaims.CookieScheme).ConfigureAwait(false);
            return;
        }

        if (lastUse.ShouldWrite("session", hash!))
        {
            await store.TouchSessionAsync(hash!, now, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Ends the session of the signed-in cookie (sign-out). A cookie replayed afterwards is refused.</summary>
    public async Task EndAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(EdgeClaims.CookieScheme).ConfigureAwait(false);
        if (result.Principal?.FindFirst(SessionClaim)?.Value is { } id)
        {
            var now = time.GetUtcNow();
            var hash = Secrets.Hash(id);
            var userId = result.Principal.Get(EdgeClaims.UserId) ?? "?";
            if (await store.EndSessionAsync(hash, now, "signed out",
                new AuditEntry(now, userId, AuditActions.SessionEnded, userId, "session " + Secrets.KeyId(hash) + " signed out"), context.RequestAborted).ConfigureAwait(false))
            {
                Log.SignedOut(logger, userId);
            }
        }

        await context.SignOutAsync(EdgeClaims.CookieScheme).ConfigureAwait(false);
    }
}
