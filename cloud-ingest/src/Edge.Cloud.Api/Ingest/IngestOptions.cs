using System.ComponentModel.DataAnnotations;
using Edge.Cloud.Contracts;

namespace Edge.Cloud.Api.Ingest;

/// <summary>Limits of the ingest endpoint.</summary>
public sealed class IngestOptions
{
    public const string SectionName = "Ingest";

    /// <summary>Largest request body in bytes (default and maximum 1 MiB).</summary>
    [Range(1024, ContractLimits.MaxBatchBytes)]
    public long MaxBodyBytes { get; set; } = ContractLimits.MaxBatchBytes;

    /// <summary>Most events per batch (default and maximum 1,000).</summary>
    [Range(1, ContractLimits.MaxEventsPerBatch)]
    public int MaxEventsPerBatch { get; set; } = ContractLimits.MaxEventsPerBatch;

    /// <summary>Batches per second each gateway may send, on average. The limit is per API instance.</summary>
    [Range(1, 100_000)]
    public int RequestsPerSecond { get; set; } = 10;

    /// <summary>Batches a gateway may send at once after being quiet (after an outage it catches up in bursts).</summary>
    [Range(1, 100_000)]
    public int Burst { get; set; } = 20;

    /// <summary>How far in the future an event's time may be (gateway clock skew).</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);
}
