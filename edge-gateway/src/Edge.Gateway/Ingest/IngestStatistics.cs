using System.Collections.Concurrent;

namespace Edge.Gateway.Ingest;

/// <summary>Per-device ingest counters (for diagnostics and tests); the metrics carry the totals.</summary>
public sealed record DeviceIngestCounters(
    string DeviceId,
    long Received,
    long QueueDropped,
    long DeviceIdMismatches,
    IReadOnlyDictionary<string, long> Malformed,
    long BatchesDelivered,
    long GapBatches,
    long Duplicates,
    long Reordered,
    long Late,
    long Reboots,
    long DuplicateEvents,
    long SkippedRateMismatch,
    long SkippedNotWorn);

/// <summary>Site-wide ingest counters.</summary>
public sealed record IngestTotals(long Received, long ForeignTopics, long UnknownDeviceMessages, int UnknownDeviceIds, long TransportDropped);

/// <summary>Thread-safe site-wide counters kept by ingest.</summary>
internal sealed class IngestTotalsCounter
{
    private const int MaxUnknownIds = 10_000;
    private readonly ConcurrentDictionary<string, byte> _unknownIds = new(StringComparer.Ordinal);
    private long _received;
    private long _foreign;
    private long _unknown;

    public void Received() => Interlocked.Increment(ref _received);

    public void Foreign() => Interlocked.Increment(ref _foreign);

    public void Unknown(string deviceId)
    {
        Interlocked.Increment(ref _unknown);
        if (_unknownIds.Count < MaxUnknownIds)
        {
            _unknownIds.TryAdd(deviceId, 0);
        }
    }

    public IngestTotals Snapshot(long transportDropped) =>
        new(Interlocked.Read(ref _received), Interlocked.Read(ref _foreign), Interlocked.Read(ref _unknown), _unknownIds.Count, transportDropped);
}
