namespace Edge.Alerting;

/// <summary>What kind of incident an alert is about. Falls, manual calls, gateway faults and residents getting up are urgent.</summary>
public enum AlertKind
{
    /// <summary>A fall detected by the model.</summary>
    Fall,

    /// <summary>A resident pressed the button on the sensor.</summary>
    ManualCall,

    /// <summary>The gateway lost a channel or a component; raised on the channels that still work.</summary>
    GatewayFault,

    /// <summary>A non-urgent device condition (battery low, not worn, offline).</summary>
    NonUrgent,

    /// <summary>A resident at high risk of falling is getting up (prevention). Never held, sent at priority 2, below a fall.</summary>
    GettingUp,
}

/// <summary>Priority as the recipient sees it. Values follow ESPA 4.4.4 record 6.</summary>
public enum AlertPriority
{
    /// <summary>ESPA priority 1.</summary>
    Alarm = 1,

    /// <summary>ESPA priority 2.</summary>
    High = 2,

    /// <summary>ESPA priority 3.</summary>
    Normal = 3,
}

/// <summary>One alert to hand to a channel.</summary>
/// <param name="IncidentId">The incident this alert belongs to; acknowledgements are mapped back to it.</param>
/// <param name="Recipients">Channel-specific addresses: ESPA call addresses, SIP URIs or extensions, webhook recipient ids.</param>
/// <param name="Text">Display text. Channels transliterate and truncate it as their peer requires.</param>
/// <param name="Priority">Priority shown to the recipient.</param>
/// <param name="Kind">Urgent (fall, manual call, gateway fault, getting up) or non-urgent.</param>
public sealed record AlertMessage(
    string IncidentId,
    IReadOnlyList<string> Recipients,
    string Text,
    AlertPriority Priority,
    AlertKind Kind)
{
    /// <summary>Falls, manual calls, gateway faults and residents getting up are never muted, throttled or held.</summary>
    public bool IsUrgent => Kind is AlertKind.Fall or AlertKind.ManualCall or AlertKind.GatewayFault or AlertKind.GettingUp;
}
