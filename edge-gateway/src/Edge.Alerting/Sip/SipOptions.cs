namespace Edge.Alerting.Sip;

/// <summary>Settings of the SIP MESSAGE channel (RFC 3428 over UDP).</summary>
public sealed class SipOptions : IValidatableAlertOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Alerting:Sip";

    /// <summary>Channel name in logs and attempt records.</summary>
    public string Name { get; set; } = "sip";

    /// <summary>Local address to bind ("0.0.0.0" for any).</summary>
    public string LocalAddress { get; set; } = "0.0.0.0";

    /// <summary>Local UDP port; 0 picks a free one (responses come back to it through Via/rport).</summary>
    public int LocalPort { get; set; }

    /// <summary>SIP domain: a recipient given as a bare extension ("2001") becomes sip:2001@Domain.</summary>
    public string Domain { get; set; } = "";

    /// <summary>Outbound proxy / SIP server host every request is sent to; empty sends to the host in each target URI.</summary>
    public string ProxyHost { get; set; } = "";

    /// <summary>Outbound proxy port.</summary>
    public int ProxyPort { get; set; } = 5060;

    /// <summary>The user part of our From URI.</summary>
    public string FromUser { get; set; } = "edge-gateway";

    /// <summary>Display name in From.</summary>
    public string FromDisplayName { get; set; } = "Edge Gateway";

    /// <summary>Digest username; empty when the server does not authenticate us.</summary>
    public string Username { get; set; } = "";

    /// <summary>Digest password.</summary>
    public string Password { get; set; } = "";

    /// <summary>RFC 3261 T1 (round-trip estimate): first retransmission interval.</summary>
    public TimeSpan T1 { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>RFC 3261 T2: the retransmission interval cap.</summary>
    public TimeSpan T2 { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>RFC 3261 Timer F (64×T1 by default): no final response by then means timed out.</summary>
    public TimeSpan? TimerF { get; set; }

    /// <summary>Longest body in characters; longer text is cut.</summary>
    public int MaxTextLength { get; set; } = 480;

    /// <summary>Text sent when an incident was accepted elsewhere; {0} is the original text.</summary>
    public string CancelTextFormat { get; set; } = "Accepted by a colleague: {0}";

    /// <summary>User-Agent header.</summary>
    public string UserAgent { get; set; } = "Edge.Alerting";

    /// <summary>The effective Timer F.</summary>
    public TimeSpan EffectiveTimerF => TimerF ?? T1 * 64;

    /// <inheritdoc />
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Name))
        {
            errors.Add("Name is required.");
        }

        if (!System.Net.IPAddress.TryParse(LocalAddress, out _))
        {
            errors.Add($"LocalAddress '{LocalAddress}' is not an IP address.");
        }

        Check.Range(errors, LocalPort, 0, 65535, nameof(LocalPort));
        if (string.IsNullOrWhiteSpace(Domain) && string.IsNullOrWhiteSpace(ProxyHost))
        {
            errors.Add("Domain or ProxyHost is required (recipients that are bare extensions need a domain).");
        }

        if (!string.IsNullOrWhiteSpace(ProxyHost))
        {
            Check.Range(errors, ProxyPort, 1, 65535, nameof(ProxyPort));
        }

        if (string.IsNullOrWhiteSpace(FromUser) || FromUser.Any(c => c is ' ' or '@' or ':' or '<' or '>'))
        {
            errors.Add("FromUser must be a SIP user part without spaces, '@', ':' or angle brackets.");
        }

        if (!string.IsNullOrEmpty(Username) && string.IsNullOrEmpty(Password))
        {
            errors.Add("Password is required when Username is set.");
        }

        Check.Positive(errors, T1, nameof(T1));
        Check.Positive(errors, T2, nameof(T2));
        if (T2 < T1)
        {
            errors.Add("T2 must not be shorter than T1.");
        }

        if (TimerF is { } f && f <= TimeSpan.Zero)
        {
            errors.Add("TimerF must be greater than zero.");
        }

        Check.Range(errors, MaxTextLength, 1, 10_000, nameof(MaxTextLength));
        if (!CancelTextFormat.Contains("{0}", StringComparison.Ordinal))
        {
            errors.Add("CancelTextFormat must contain {0}.");
        }

        return errors;
    }
}
