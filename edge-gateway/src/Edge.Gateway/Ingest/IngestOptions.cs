using System.ComponentModel.DataAnnotations;
using Edge.Protocol;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Ingest;

/// <summary>Ingest settings. The broker connection itself is the <c>Mqtt</c> section (Edge.Mqtt's options).</summary>
public sealed class IngestOptions
{
    public const string SectionName = "Ingest";

    /// <summary>
    /// The site id in the topics (<c>care/{SiteId}/sensors/...</c>). Must match the registry's site. There is no
    /// built-in default: when it is not set, <c>Site:Id</c> (which provisioning writes into gateway-settings.json) is used.
    /// </summary>
    public string SiteId { get; set; } = "";

    /// <summary>
    /// Accelerometer batches one device may have waiting. Beyond it that device's new batches are dropped
    /// and counted. Deep enough for a device replaying its offline buffer after a reconnect (1,024 batches
    /// of 25 samples is over 8 minutes at 50 Hz).
    /// </summary>
    [Range(2, 100_000)]
    public int DeviceQueueCapacity { get; set; } = 1024;

    /// <summary>Messages waiting over all devices; caps memory (about 250 bytes each). Beyond it new messages are dropped and counted.</summary>
    [Range(100, 10_000_000)]
    public int MaxQueuedMessages { get; set; } = 100_000;

    /// <summary>Status and event messages one device may have waiting (served before accelerometer batches).</summary>
    [Range(2, 1_000)]
    public int DeviceControlQueueCapacity { get; set; } = 32;

    /// <summary>Messages processed for one device before the next device gets a turn.</summary>
    [Range(1, 1_000)]
    public int FairnessQuantum { get; set; } = 4;

    /// <summary>Out-of-order batches held while waiting for a missing one.</summary>
    [Range(0, 64)]
    public int ReorderWindow { get; set; } = 4;

    /// <summary>How long a missing batch is waited for before it is counted as a gap.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan ReorderTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Device timestamps going back by more than this (on a batch that is not a recent duplicate) mean the device rebooted. Well above the reorder window, so a late batch is not mistaken for a restart.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan RebootBackstep { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Batches in the clock-offset estimate (minimum of arrival − device time over this many).</summary>
    [Range(1, 4096)]
    public int ClockWindowBatches { get; set; } = 64;

    /// <summary>
    /// Longest a device's accelerometer batches stay unacknowledged at the broker after its last batch
    /// (see <see cref="AcknowledgementLedger"/>): a device that falls silent (offline, switched off) gets its
    /// last batches acknowledged after this. Longer than a Wi-Fi drop after which the device replays a fall's
    /// remaining samples; the broker keeps them in the session meanwhile.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan AcknowledgementHoldLimit { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Each repeated warning (unknown device, malformed payload, queue full) is logged at most once per this interval per device and reason.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan WarningLogInterval { get; set; } = TimeSpan.FromMinutes(1);
}

internal sealed class IngestOptionsValidator : IValidateOptions<IngestOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrEmpty(options.SiteId))
        {
            errors.Add("Ingest:SiteId is not set (nor Site:Id, which provisioning writes into gateway-settings.json): the gateway must know the site id of its sensors' topics, care/{site}/sensors/...");
        }
        else if (!WireFormat.IsValidId(options.SiteId))
        {
            errors.Add($"Ingest:SiteId '{options.SiteId}' must be 1-32 characters of A-Z a-z 0-9 - _ (it is a topic level).");
        }

        if (options.FairnessQuantum > options.DeviceQueueCapacity)
        {
            errors.Add($"Ingest:FairnessQuantum ({options.FairnessQuantum}) must not exceed Ingest:DeviceQueueCapacity ({options.DeviceQueueCapacity}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
