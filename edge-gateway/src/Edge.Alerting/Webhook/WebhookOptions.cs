namespace Edge.Alerting.Webhook;

/// <summary>Settings of one webhook channel (HTTPS POST of a JSON event).</summary>
public sealed class WebhookOptions : IValidatableAlertOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Alerting:Webhook";

    /// <summary>The default body: one JSON event per alert.</summary>
    public const string DefaultBodyTemplate =
        "{\"event\":\"{{event}}\",\"incidentId\":\"{{incidentId}}\",\"kind\":\"{{kind}}\",\"urgent\":{{urgent}},\"priority\":\"{{priority}}\",\"text\":\"{{text}}\",\"recipients\":{{recipients}},\"channel\":\"{{channel}}\",\"sentAt\":\"{{sentAt}}\",\"deliveryId\":\"{{deliveryId}}\"}";

    /// <summary>Placeholders a template may use.</summary>
    public static IReadOnlyList<string> Placeholders { get; } =
        ["event", "incidentId", "kind", "urgent", "priority", "text", "recipient", "recipients", "channel", "sentAt", "deliveryId"];

    /// <summary>Channel name in logs and attempt records.</summary>
    public string Name { get; set; } = "webhook";

    /// <summary>The URL to POST to. https is required unless <see cref="AllowInsecureHttp"/>.</summary>
    public Uri? Url { get; set; }

    /// <summary>Allow plain http (only for a receiver on the same host or in tests).</summary>
    public bool AllowInsecureHttp { get; set; }

    /// <summary>Shared secret for the HMAC-SHA256 signature; at least 16 characters.</summary>
    public string Secret { get; set; } = "";

    /// <summary>Header carrying <c>sha256=&lt;hex&gt;</c> over <c>timestamp + "." + body</c>.</summary>
    public string SignatureHeader { get; set; } = "X-Edge-Signature";

    /// <summary>Header carrying the Unix timestamp (seconds) that was signed; receivers reject old ones.</summary>
    public string TimestampHeader { get; set; } = "X-Edge-Timestamp";

    /// <summary>Header carrying an id that stays the same across retries, so receivers can drop duplicates.</summary>
    public string DeliveryIdHeader { get; set; } = "X-Edge-Delivery";

    /// <summary>Body template with <c>{{placeholder}}</c>s; values are JSON-escaped (no quotes added).</summary>
    public string BodyTemplate { get; set; } = DefaultBodyTemplate;

    /// <summary>Content-Type of the body.</summary>
    public string ContentType { get; set; } = "application/json";

    /// <summary>Timeout of one attempt.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts in total (first try plus retries).</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>Delay before the first retry; doubled each time, with jitter.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest delay between retries.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Optional PEM file of the CA that must have issued the server certificate (pinned; system roots ignored).</summary>
    public string? PinnedCaCertificatePath { get; set; }

    /// <inheritdoc />
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Name))
        {
            errors.Add("Name is required.");
        }

        if (Url is null || !Url.IsAbsoluteUri)
        {
            errors.Add("Url must be an absolute URL.");
        }
        else if (Url.Scheme != Uri.UriSchemeHttps && !(AllowInsecureHttp && Url.Scheme == Uri.UriSchemeHttp))
        {
            errors.Add($"Url must use https (is {Url.Scheme}); set AllowInsecureHttp only for a receiver on this host.");
        }

        if (Secret.Length < 16)
        {
            errors.Add("Secret must be at least 16 characters.");
        }

        foreach (var name in (string[])[SignatureHeader, TimestampHeader, DeliveryIdHeader])
        {
            if (string.IsNullOrWhiteSpace(name) || name.Any(c => c <= ' ' || c == ':'))
            {
                errors.Add($"header name '{name}' is not valid.");
            }
        }

        foreach (var unknown in WebhookTemplate.UnknownPlaceholders(BodyTemplate))
        {
            errors.Add($"BodyTemplate uses unknown placeholder {{{{{unknown}}}}}; known: {string.Join(", ", Placeholders)}.");
        }

        Check.Positive(errors, Timeout, nameof(Timeout));
        Check.Range(errors, MaxAttempts, 1, 20, nameof(MaxAttempts));
        Check.Positive(errors, BaseDelay, nameof(BaseDelay));
        if (MaxDelay < BaseDelay)
        {
            errors.Add("MaxDelay must not be shorter than BaseDelay.");
        }

        if (PinnedCaCertificatePath is { Length: > 0 } ca && !File.Exists(ca))
        {
            errors.Add($"PinnedCaCertificatePath '{ca}' does not exist.");
        }

        return errors;
    }
}
