namespace Edge.Alerting;

/// <summary>The kinds of channel an escalation tier can address.</summary>
public enum ChannelKind
{
    /// <summary>A pager or DECT system over ESPA 4.4.4 (serial or TCP serial server).</summary>
    Espa,

    /// <summary>A SIP/DECT handset reached with SIP MESSAGE.</summary>
    Sip,

    /// <summary>An HTTPS webhook (SMS gateway, push service, other systems).</summary>
    Webhook,

    /// <summary>The gateway's own staff page.</summary>
    StaffPage,
}

/// <summary>Whether a channel can currently deliver.</summary>
public enum ChannelHealthState
{
    /// <summary>Nothing has been sent or heard yet.</summary>
    Unknown,

    /// <summary>The last exchange with the peer succeeded.</summary>
    Healthy,

    /// <summary>Recent attempts failed, but the link is not known to be dead.</summary>
    Degraded,

    /// <summary>The peer is unreachable (e.g. ESPA polls unanswered, link silent past the dead time).</summary>
    Down,
}

/// <summary>A snapshot of a channel's health.</summary>
/// <param name="State">The state.</param>
/// <param name="Since">When the channel entered this state.</param>
/// <param name="Detail">Why, in short.</param>
public sealed record ChannelHealth(ChannelHealthState State, DateTimeOffset Since, string Detail)
{
    /// <summary>The health of a channel that has not talked to its peer yet.</summary>
    public static ChannelHealth Unknown(DateTimeOffset now) => new(ChannelHealthState.Unknown, now, "no exchange yet");
}

/// <summary>A recipient acknowledged an alert on the device itself (e.g. ESPA status record 7 = 6).</summary>
/// <param name="Channel">The channel that heard it.</param>
/// <param name="Recipient">The recipient address as the peer reported it (ESPA call address, SIP URI).</param>
/// <param name="IncidentId">The incident the acknowledgement maps to, or null when no outstanding alert matched.</param>
/// <param name="At">When it was heard.</param>
/// <param name="Detail">What the peer said.</param>
public sealed record AlertAcknowledgement(string Channel, string Recipient, string? IncidentId, DateTimeOffset At, string Detail);

/// <summary>
/// One way of reaching staff. The escalation engine holds a set of these, sends through them, withdraws alerts
/// when an incident is accepted elsewhere, listens for acknowledgements and watches health to raise
/// "channel down" on the channels that still work. Implementations record every attempt through
/// <see cref="IDeliveryAttemptRecorder"/> and are safe to call concurrently.
/// </summary>
public interface IAlertChannel
{
    /// <summary>A stable name from configuration (e.g. "espa-ward-a"), used in logs and attempt records.</summary>
    string Name { get; }

    /// <summary>What kind of channel this is.</summary>
    ChannelKind Kind { get; }

    /// <summary>The current health; <see cref="HealthChanged"/> fires when it changes.</summary>
    ChannelHealth Health { get; }

    /// <summary>Raised when the health state changes.</summary>
    event EventHandler<ChannelHealth>? HealthChanged;

    /// <summary>Raised when a recipient acknowledges an alert on their device.</summary>
    event EventHandler<AlertAcknowledgement>? Acknowledged;

    /// <summary>Sends an alert to every recipient in <paramref name="message"/>, with the channel's retries.</summary>
    Task<DeliveryResult> SendAsync(AlertMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Withdraws an alert sent earlier, because the incident was accepted elsewhere (ESPA call type 1 reset;
    /// SIP and webhook send a short "accepted" notice). <paramref name="message"/> is the alert as sent.
    /// </summary>
    Task<DeliveryResult> CancelAsync(AlertMessage message, CancellationToken cancellationToken);
}
