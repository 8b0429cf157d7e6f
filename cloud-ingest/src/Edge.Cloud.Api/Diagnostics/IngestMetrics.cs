using System.Diagnostics.Metrics;

namespace Edge.Cloud.Api.Diagnostics;

/// <summary>Instruments on the <c>Edge.Cloud.Ingest</c> meter. Gateway ids are not tags (there are many).</summary>
internal sealed class IngestMetrics
{
    public const string MeterName = "Edge.Cloud.Ingest";

    private readonly Counter<long> _events;
    private readonly Counter<long> _refusedBatches;
    private readonly Histogram<int> _batchSize;

    public IngestMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _events = meter.CreateCounter<long>("edge.cloud.ingest.events", "{event}", "Events received, by status (accepted, duplicate, rejected).");
        _refusedBatches = meter.CreateCounter<long>("edge.cloud.ingest.batches.refused", "{batch}", "Whole batches refused, by HTTP status.");
        _batchSize = meter.CreateHistogram<int>("edge.cloud.ingest.batch.size", "{event}", "Events per accepted batch.");
    }

    public void Recorded(int accepted, int duplicates, int rejected)
    {
        _events.Add(accepted, new KeyValuePair<string, object?>("status", "accepted"));
        _events.Add(duplicates, new KeyValuePair<string, object?>("status", "duplicate"));
        _events.Add(rejected, new KeyValuePair<string, object?>("status", "rejected"));
        _batchSize.Record(accepted + duplicates + rejected);
    }

    public void Refused(int status) => _refusedBatches.Add(1, new KeyValuePair<string, object?>("status", status));
}
