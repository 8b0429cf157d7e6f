using Microsoft.Extensions.Logging;

namespace Edge.Cloud.Api.Diagnostics;

internal static partial class Log
{
    [LoggerMessage(EventIds.BatchStored, LogLevel.Debug, "Gateway {GatewayId}: {Accepted} accepted, {Duplicates} duplicate, {Rejected} rejected")]
    public static partial void BatchStored(ILogger logger, string gatewayId, int accepted, int duplicates, int rejected);

    [LoggerMessage(EventIds.BatchRefused, LogLevel.Warning, "Gateway {GatewayId}: batch refused with {Status}: {Reason}")]
    public static partial void BatchRefused(ILogger logger, string gatewayId, int status, string reason);

    [LoggerMessage(EventIds.EventsRejected, LogLevel.Warning, "Gateway {GatewayId}: {Count} event(s) rejected, first: {Reason}")]
    public static partial void EventsRejected(ILogger logger, string gatewayId, int count, string reason);

    [LoggerMessage(EventIds.RateLimited, LogLevel.Warning, "Rate limit reached for {Partition}")]
    public static partial void RateLimited(ILogger logger, string partition);

    [LoggerMessage(EventIds.GatewayKeyRefused, LogLevel.Warning, "A bearer key was refused for {Path}")]
    public static partial void KeyRefused(ILogger logger, string path);

    [LoggerMessage(EventIds.GatewayForbidden, LogLevel.Warning, "Gateway {Caller} tried to write as {Target}")]
    public static partial void GatewayForbidden(ILogger logger, string caller, string target);

    [LoggerMessage(EventIds.LoginFailed, LogLevel.Warning, "Login failed for a user name of length {Length}")]
    public static partial void LoginFailed(ILogger logger, int length);

    [LoggerMessage(EventIds.LoginSucceeded, LogLevel.Information, "User {UserId} signed in")]
    public static partial void LoginSucceeded(ILogger logger, string userId);

    [LoggerMessage(EventIds.SessionRefused, LogLevel.Information, "Dashboard session of {UserId} refused: {Reason}")]
    public static partial void SessionRefused(ILogger logger, string userId, string reason);

    [LoggerMessage(EventIds.SignedOut, LogLevel.Information, "User {UserId} signed out; the session is ended on the server")]
    public static partial void SignedOut(ILogger logger, string userId);

    [LoggerMessage(EventIds.LoginRefusedDisabled, LogLevel.Warning, "Login refused for disabled user {UserId}")]
    public static partial void LoginRefusedDisabled(ILogger logger, string userId);

    [LoggerMessage(EventIds.SchemaMigrated, LogLevel.Information, "Schema on {Provider}: {Count} migration(s) applied, now at version {Version}")]
    public static partial void SchemaMigrated(ILogger logger, string provider, int count, int version);
}
