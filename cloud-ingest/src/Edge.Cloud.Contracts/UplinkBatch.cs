namespace Edge.Cloud.Contracts;

/// <summary>The body of <c>POST /api/v1/gateways/{gatewayId}/events</c>.</summary>
public sealed record UplinkBatch
{
    /// <summary>1 to <see cref="ContractLimits.MaxEventsPerBatch"/> events from one gateway.</summary>
    public required IReadOnlyList<UplinkEvent> Events { get; init; }
}

/// <summary>The answer to a batch: one result per event, in the order sent.</summary>
public sealed record UplinkBatchResult
{
    /// <summary>Events stored now.</summary>
    public int Accepted { get; init; }

    /// <summary>Events the cloud already had (same idempotency key): harmless, do not resend.</summary>
    public int Duplicates { get; init; }

    /// <summary>Events refused; resending them will not help.</summary>
    public int Rejected { get; init; }

    /// <summary>Per-event results.</summary>
    public required IReadOnlyList<UplinkEventResult> Results { get; init; }
}

/// <summary>What happened to one event of a batch.</summary>
public sealed record UplinkEventResult
{
    /// <summary>Position in the batch.</summary>
    public int Index { get; init; }

    /// <summary>The event's idempotency key.</summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>One of <see cref="UplinkEventStatus"/>.</summary>
    public required string Status { get; init; }

    /// <summary>Why it was rejected.</summary>
    public string? Reason { get; init; }
}

/// <summary>Per-event statuses.</summary>
public static class UplinkEventStatus
{
    /// <summary>Stored now.</summary>
    public const string Accepted = "accepted";

    /// <summary>Stored before.</summary>
    public const string Duplicate = "duplicate";

    /// <summary>Refused (see the reason); not stored.</summary>
    public const string Rejected = "rejected";
}

/// <summary>Limits both sides honour.</summary>
public static class ContractLimits
{
    /// <summary>Most events in one batch.</summary>
    public const int MaxEventsPerBatch = 1000;

    /// <summary>Largest request body, in bytes (1 MiB).</summary>
    public const long MaxBatchBytes = 1024 * 1024;

    /// <summary>Longest idempotency key.</summary>
    public const int MaxIdempotencyKeyLength = 128;

    /// <summary>Longest id (gateway, site, incident, device).</summary>
    public const int MaxIdLength = 64;

    /// <summary>Longest free label (unit, room, target, detail).</summary>
    public const int MaxLabelLength = 200;

    /// <summary>Most device entries in one health summary.</summary>
    public const int MaxDevicesPerSummary = 2000;

    /// <summary>Most minutes in one day (a 25-hour day when the clocks go back).</summary>
    public const double MaxMinutesPerDay = 1500;
}
