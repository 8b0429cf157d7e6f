using Edge.Alerting;

namespace Edge.Gateway.Alerting;

/// <summary>
/// One policy target, <c>scheme:address</c>, as <c>Edge.Site.Policy.EscalationStep.Notify</c> holds it,
/// and the channel kind that carries it: <c>espa:</c>/<c>pager:</c> → ESPA call address; <c>sip:</c> → SIP
/// handset (extension or <c>user@host</c>); <c>phone:</c> (SMS gateway) and <c>webhook:</c> → the webhook channel;
/// <c>staff:</c> → that staff member's devices (<see cref="EscalationOptions.Staff"/>); <c>page:</c> → the staff
/// page only, which alerts nobody by itself (a board nobody is looking at is not an alert).
/// </summary>
internal readonly record struct AlertTarget(string Scheme, string Address)
{
    public static bool TryParse(string text, out AlertTarget target)
    {
        target = default;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == text.Length - 1)
        {
            return false;
        }

        var scheme = text[..colon];
        if (scheme is not ("espa" or "pager" or "sip" or "phone" or "webhook" or "staff" or "page"))
        {
            return false;
        }

        target = new AlertTarget(scheme, text[(colon + 1)..]);
        return true;
    }

    /// <summary>The channel kind that delivers this target, or null for <c>staff:</c> (expanded) and <c>page:</c> (not an alert).</summary>
    public ChannelKind? Kind => Scheme switch
    {
        "espa" or "pager" => ChannelKind.Espa,
        "sip" => ChannelKind.Sip,
        "phone" or "webhook" => ChannelKind.Webhook,
        _ => null,
    };

    /// <summary>The recipient string handed to the channel.</summary>
    public string Recipient => Scheme == "sip" && Address.Contains('@', StringComparison.Ordinal) && !Address.StartsWith("sip:", StringComparison.Ordinal)
        ? "sip:" + Address
        : Address;

    public override string ToString() => $"{Scheme}:{Address}";
}
