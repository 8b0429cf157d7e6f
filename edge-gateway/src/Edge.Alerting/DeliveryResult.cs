namespace Edge.Alerting;

/// <summary>The outcome of one attempt or of a whole send.</summary>
public enum DeliveryOutcome
{
    /// <summary>The peer accepted the alert (ESPA ACK, SIP 2xx, HTTP 2xx).</summary>
    Delivered,

    /// <summary>The peer refused it and a resend will not help (ESPA select refused or 3 NAK, SIP 403/404/603, HTTP 4xx).</summary>
    Refused,

    /// <summary>The peer was busy (ESPA 2 NAK, SIP 486/600, HTTP 429); it was retried and stayed busy.</summary>
    Busy,

    /// <summary>The peer reported corrupted data (ESPA 1 NAK); the same block is sent again.</summary>
    Corrupted,

    /// <summary>The peer asked for credentials (SIP 401/407); the request is sent again with them.</summary>
    Challenged,

    /// <summary>No answer within the configured time.</summary>
    TimedOut,

    /// <summary>Anything else: transport error, unexpected answer, server error.</summary>
    Failed,
}

/// <summary>The result of <see cref="IAlertChannel.SendAsync"/> or <see cref="IAlertChannel.CancelAsync"/>.</summary>
/// <param name="Outcome">The final outcome. <see cref="DeliveryOutcome.Delivered"/> only when every recipient was reached.</param>
/// <param name="Attempts">How many attempts were made in total (every one is also recorded).</param>
/// <param name="Detail">A short human-readable explanation for the log and the staff page.</param>
public sealed record DeliveryResult(DeliveryOutcome Outcome, int Attempts, string Detail)
{
    /// <summary>True when the peer accepted the alert.</summary>
    public bool IsDelivered => Outcome == DeliveryOutcome.Delivered;

    /// <summary>Combines per-recipient results: delivered only if all were; otherwise the first failure wins.</summary>
    public static DeliveryResult Combine(IReadOnlyList<DeliveryResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.Count == 0)
        {
            return new DeliveryResult(DeliveryOutcome.Failed, 0, "no recipients");
        }

        if (results.Count == 1)
        {
            return results[0];
        }

        var attempts = results.Sum(r => r.Attempts);
        var firstBad = results.FirstOrDefault(r => !r.IsDelivered);
        var detail = string.Join("; ", results.Select(r => r.Detail));
        return new DeliveryResult(firstBad?.Outcome ?? DeliveryOutcome.Delivered, attempts, detail);
    }
}

/// <summary>One attempt on the wire, recorded with its outcome (the gateway stores these in SQLite).</summary>
/// <param name="Channel">The channel name (<see cref="IAlertChannel.Name"/>).</param>
/// <param name="Kind">The channel kind.</param>
/// <param name="IncidentId">The incident the alert belongs to.</param>
/// <param name="Recipient">The single recipient this attempt addressed.</param>
/// <param name="Operation">Send or cancel.</param>
/// <param name="AttemptNumber">1 for the first attempt at this recipient, counting resends.</param>
/// <param name="Outcome">What the peer answered.</param>
/// <param name="StartedAt">When the attempt began (from the channel's <see cref="TimeProvider"/>).</param>
/// <param name="Duration">How long until the answer or the timeout.</param>
/// <param name="Detail">The peer's answer in short (e.g. "2 NAK", "401 Unauthorized").</param>
public sealed record DeliveryAttempt(
    string Channel,
    ChannelKind Kind,
    string IncidentId,
    string Recipient,
    AlertOperation Operation,
    int AttemptNumber,
    DeliveryOutcome Outcome,
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    string Detail);

/// <summary>Whether an attempt delivered an alert or withdrew one.</summary>
public enum AlertOperation
{
    /// <summary>An alert was sent.</summary>
    Send,

    /// <summary>An alert was withdrawn because the incident was accepted elsewhere.</summary>
    Cancel,
}

/// <summary>Records every attempt. The gateway implements this over SQLite; it must not throw for a full disk silently.</summary>
public interface IDeliveryAttemptRecorder
{
    /// <summary>Stores one attempt. Called on the channel's send path: keep it short.</summary>
    ValueTask RecordAsync(DeliveryAttempt attempt, CancellationToken cancellationToken);

    /// <summary>
    /// Completes when every attempt recorded before the call is stored, so a reader sees it (a recorder may queue
    /// attempts and write them later; the escalation engine flushes before it reads which pages are outstanding).
    /// </summary>
    Task FlushAsync(CancellationToken cancellationToken);
}

/// <summary>A recorder that keeps nothing, for tools and tests that do not look at attempts.</summary>
public sealed class NullDeliveryAttemptRecorder : IDeliveryAttemptRecorder
{
    /// <summary>The shared instance.</summary>
    public static NullDeliveryAttemptRecorder Instance { get; } = new();

    /// <inheritdoc />
    public ValueTask RecordAsync(DeliveryAttempt attempt, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
