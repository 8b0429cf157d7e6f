using Edge.Logging;
using Microsoft.Extensions.Logging;

namespace Edge.Alerting;

/// <summary>
/// Every log event of the alert channels. Their ids (6000–6299, alert path: operators alert on them) are in the
/// gateway process's registry, <see cref="EventIds"/> (project Edge.Logging).
/// </summary>
internal static partial class AlertingLog
{
    // 6000–6099: ESPA 4.4.4
    [LoggerMessage(EventIds.EspaLinkOpen, LogLevel.Information, "ESPA {Channel}: link open on {Transport} as {Role}")]
    public static partial void EspaLinkOpen(ILogger logger, string channel, string transport, string role);

    [LoggerMessage(EventIds.EspaLinkFailed, LogLevel.Warning, "ESPA {Channel}: link to {Transport} failed; reopening in {Delay}")]
    public static partial void EspaLinkFailed(ILogger logger, string channel, string transport, TimeSpan delay, Exception exception);

    [LoggerMessage(EventIds.EspaPageResult, LogLevel.Information, "ESPA {Channel}: page to {Address} for incident {IncidentId} {Outcome} after {Attempts} attempt(s): {Detail}")]
    public static partial void EspaPageResult(ILogger logger, string channel, string address, string incidentId, DeliveryOutcome outcome, int attempts, string detail);

    [LoggerMessage(EventIds.EspaNegativeAnswer, LogLevel.Warning, "ESPA {Channel}: paging system answered {Answer} to {Address} for incident {IncidentId} (attempt {Attempt})")]
    public static partial void EspaNegativeAnswer(ILogger logger, string channel, string answer, string address, string incidentId, int attempt);

    [LoggerMessage(EventIds.EspaLinkDown, LogLevel.Error, "ESPA {Channel}: paging link down: {Detail}")]
    public static partial void EspaLinkDown(ILogger logger, string channel, string detail);

    [LoggerMessage(EventIds.EspaLinkUp, LogLevel.Information, "ESPA {Channel}: paging link up: {Detail}")]
    public static partial void EspaLinkUp(ILogger logger, string channel, string detail);

    [LoggerMessage(EventIds.EspaAcknowledged, LogLevel.Information, "ESPA {Channel}: {Address} acknowledged incident {IncidentId}")]
    public static partial void EspaAcknowledged(ILogger logger, string channel, string address, string? incidentId);

    [LoggerMessage(EventIds.EspaStatus, LogLevel.Information, "ESPA {Channel}: status from paging system: {Block}")]
    public static partial void EspaStatus(ILogger logger, string channel, string block);

    [LoggerMessage(EventIds.EspaBadBlock, LogLevel.Warning, "ESPA {Channel}: discarded a received block: {Reason}")]
    public static partial void EspaBadBlock(ILogger logger, string channel, string reason);

    [LoggerMessage(EventIds.EspaTransmitterFailure, LogLevel.Warning, "ESPA {Channel}: paging system reports transmitter failure")]
    public static partial void EspaTransmitterFailure(ILogger logger, string channel);

    [LoggerMessage(EventIds.EspaTruncated, LogLevel.Warning, "ESPA {Channel}: message for {Address} cut to {Length} characters")]
    public static partial void EspaTruncated(ILogger logger, string channel, string address, int length);

    // 6100–6199: SIP MESSAGE
    [LoggerMessage(EventIds.SipResult, LogLevel.Information, "SIP {Channel}: MESSAGE to {Target} for incident {IncidentId} {Outcome} after {Attempts} attempt(s): {Detail}")]
    public static partial void SipResult(ILogger logger, string channel, string target, string incidentId, DeliveryOutcome outcome, int attempts, string detail);

    [LoggerMessage(EventIds.SipIgnored, LogLevel.Warning, "SIP {Channel}: ignored a datagram from {Remote}: {Reason}")]
    public static partial void SipIgnored(ILogger logger, string channel, string remote, string reason);

    [LoggerMessage(EventIds.SipReceiveFailed, LogLevel.Error, "SIP {Channel}: receive loop failed")]
    public static partial void SipReceiveFailed(ILogger logger, string channel, Exception exception);

    // 6200–6299: webhook
    [LoggerMessage(EventIds.WebhookResult, LogLevel.Information, "Webhook {Channel}: incident {IncidentId} {Outcome} after {Attempts} attempt(s): {Detail}")]
    public static partial void WebhookResult(ILogger logger, string channel, string incidentId, DeliveryOutcome outcome, int attempts, string detail);

    [LoggerMessage(EventIds.WebhookRetry, LogLevel.Warning, "Webhook {Channel}: attempt {Attempt} for incident {IncidentId} failed ({Detail}); retrying in {Delay}")]
    public static partial void WebhookRetry(ILogger logger, string channel, int attempt, string incidentId, string detail, TimeSpan delay);
}
