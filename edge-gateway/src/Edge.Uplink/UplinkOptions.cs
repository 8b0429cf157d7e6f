using Edge.Cloud.Contracts;
using Microsoft.Extensions.Options;

namespace Edge.Uplink;

/// <summary>Where and how the gateway delivers its outbox.</summary>
public sealed class UplinkOptions
{
    public const string SectionName = "Uplink";

    /// <summary>Send to the cloud. When false the outbox is still written (nothing is lost), just not sent.</summary>
    public bool Enabled { get; set; }

    /// <summary>The cloud ingest base address, e.g. https://cloud.example.org/.</summary>
    public Uri? CloudUrl { get; set; }

    /// <summary>This gateway's id, as created in the cloud (<c>admin create-gateway</c>).</summary>
    public string GatewayId { get; set; } = "";

    /// <summary>The site the gateway belongs to.</summary>
    public string SiteId { get; set; } = "";

    /// <summary>The gateway key (prefer <see cref="GatewayKeyFile"/>: a file readable by the gateway user only).</summary>
    public string? GatewayKey { get; set; }

    /// <summary>A file holding the gateway key.</summary>
    public string? GatewayKeyFile { get; set; }

    /// <summary>
    /// Optional PEM file with the only CA trusted for the cloud's certificate (pinning). Without it the
    /// system trust store is used.
    /// </summary>
    public string? PinnedCaCertificateFile { get; set; }

    /// <summary>Events per request (at most 1,000, the cloud's limit).</summary>
    public int BatchSize { get; set; } = 250;

    /// <summary>
    /// The site opts in to sharing residents' mobility trends: one <c>mobility.daily</c> event per resident per completed
    /// day (minutes walking and lying, steps, sit-to-stands, night-time transitions). Off by default: then the outbox
    /// refuses such events and the trends stay on site.
    /// </summary>
    public bool ShareMobilityTrends { get; set; }

    /// <summary>How long a health summary is worth sending. Incident events never expire.</summary>
    public TimeSpan HealthTimeToLive { get; set; } = TimeSpan.FromDays(2);

    /// <summary>First retry delay after a failure; doubles per failure up to <see cref="MaxBackoff"/>, with jitter.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest wait between attempts while the cloud is unreachable.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often an idle sender looks at the outbox.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Timeout of one request.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The key from <see cref="GatewayKey"/> or <see cref="GatewayKeyFile"/>.</summary>
    public string? ResolveKey() =>
        !string.IsNullOrWhiteSpace(GatewayKey) ? GatewayKey.Trim()
        : !string.IsNullOrWhiteSpace(GatewayKeyFile) && File.Exists(GatewayKeyFile) ? File.ReadAllText(GatewayKeyFile).Trim()
        : null;
}

/// <summary>Checks every setting and reports all problems at once, at start.</summary>
public sealed class UplinkOptionsValidator : IValidateOptions<UplinkOptions>
{
    public ValidateOptionsResult Validate(string? name, UplinkOptions o)
    {
        var errors = new List<string>();
        if (o.BatchSize is < 1 or > ContractLimits.MaxEventsPerBatch)
        {
            errors.Add($"Uplink:BatchSize must be 1..{ContractLimits.MaxEventsPerBatch}.");
        }

        if (o.InitialBackoff <= TimeSpan.Zero || o.MaxBackoff < o.InitialBackoff)
        {
            errors.Add("Uplink:InitialBackoff must be positive and not above Uplink:MaxBackoff.");
        }

        if (o.PollInterval <= TimeSpan.Zero || o.RequestTimeout <= TimeSpan.Zero || o.HealthTimeToLive <= TimeSpan.Zero)
        {
            errors.Add("Uplink:PollInterval, RequestTimeout and HealthTimeToLive must be positive.");
        }

        if (string.IsNullOrWhiteSpace(o.GatewayId) || string.IsNullOrWhiteSpace(o.SiteId))
        {
            errors.Add("Uplink:GatewayId and Uplink:SiteId are required (the outbox stamps every event with them).");
        }

        if (o.Enabled)
        {
            if (o.CloudUrl is null || !o.CloudUrl.IsAbsoluteUri)
            {
                errors.Add("Uplink:CloudUrl must be an absolute URL when the uplink is enabled.");
            }

            if (o.ResolveKey() is null)
            {
                errors.Add("Uplink:GatewayKey or Uplink:GatewayKeyFile (an existing file) is required when the uplink is enabled.");
            }

            if (o.PinnedCaCertificateFile is { } ca && !File.Exists(ca))
            {
                errors.Add($"Uplink:PinnedCaCertificateFile '{ca}' does not exist.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
