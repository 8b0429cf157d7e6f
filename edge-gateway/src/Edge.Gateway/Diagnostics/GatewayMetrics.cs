using System.Diagnostics.Metrics;

namespace Edge.Gateway.Diagnostics;

/// <summary>
/// The gateway's instruments on the <c>Edge.Gateway</c> meter. Device ids are not used as tags (a
/// site has hundreds of devices); per-device counts live in <see cref="Ingest.IngestStatistics"/>.
/// </summary>
public sealed class GatewayMetrics
{
    public const string MeterName = "Edge.Gateway";

    private readonly Counter<long> _messagesReceived;
    private readonly Counter<long> _decodeFailures;
    private readonly Counter<long> _unknownDevices;
    private readonly Counter<long> _deviceIdMismatches;
    private readonly Counter<long> _queueDrops;
    private readonly Counter<long> _sequenceGaps;
    private readonly Counter<long> _duplicates;
    private readonly Counter<long> _reordered;
    private readonly Counter<long> _late;
    private readonly Counter<long> _samples;
    private readonly Counter<long> _incidentsRaised;
    private readonly Counter<long> _incidentTransitions;
    private readonly Counter<long> _deviceReboots;
    private readonly Histogram<double> _detectionLatency;
    private readonly Histogram<double> _eventLatency;

    public GatewayMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _messagesReceived = meter.CreateCounter<long>("edge.gateway.messages.received", "{message}", "Sensor messages taken from the broker, by topic kind.");
        _decodeFailures = meter.CreateCounter<long>("edge.gateway.decode.failures", "{message}", "Payloads refused by the wire decoder, by reason.");
        _unknownDevices = meter.CreateCounter<long>("edge.gateway.devices.unknown", "{message}", "Messages from devices not in the registry (ignored).");
        _deviceIdMismatches = meter.CreateCounter<long>("edge.gateway.device_id.mismatches", "{message}", "Payloads whose device id differs from the topic's device (dropped).");
        _queueDrops = meter.CreateCounter<long>("edge.gateway.queue.dropped", "{message}", "Messages dropped because one device's queue was full.");
        _sequenceGaps = meter.CreateCounter<long>("edge.gateway.sequence.gaps", "{batch}", "Accelerometer batches missing from a device's sequence.");
        _duplicates = meter.CreateCounter<long>("edge.gateway.sequence.duplicates", "{batch}", "Duplicate batches or events dropped.");
        _reordered = meter.CreateCounter<long>("edge.gateway.sequence.reordered", "{batch}", "Batches that arrived out of order and were put back in order.");
        _late = meter.CreateCounter<long>("edge.gateway.sequence.late", "{batch}", "Batches that arrived after their gap had been given up on.");
        _samples = meter.CreateCounter<long>("edge.gateway.samples.processed", "{sample}", "Accelerometer samples given to the detector.");
        _incidentsRaised = meter.CreateCounter<long>("edge.gateway.incidents.raised", "{incident}", "Incidents raised, by type.");
        _incidentTransitions = meter.CreateCounter<long>("edge.gateway.incidents.transitions", "{transition}", "Incident transitions stored, by kind.");
        _deviceReboots = meter.CreateCounter<long>("edge.gateway.devices.reboots", "{reboot}", "Device reboots detected from timestamps or uptime going backwards.");
        _detectionLatency = meter.CreateHistogram<double>("edge.gateway.detection.latency", "ms", "From arrival of the batch that completed a fall detection to the incident being committed.");
        _eventLatency = meter.CreateHistogram<double>("edge.gateway.event.latency", "ms", "From arrival of a button press to the manual-call incident being committed.");
    }

    public void MessageReceived(string kind) => _messagesReceived.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void DecodeFailed(string reason) => _decodeFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void UnknownDevice() => _unknownDevices.Add(1);

    public void DeviceIdMismatch() => _deviceIdMismatches.Add(1);

    public void QueueDropped(string kind) => _queueDrops.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void SequenceGap(long missing) => _sequenceGaps.Add(missing);

    public void Duplicate(string kind) => _duplicates.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void Reordered() => _reordered.Add(1);

    public void Late() => _late.Add(1);

    public void SamplesProcessed(int count) => _samples.Add(count);

    public void IncidentRaised(string type) => _incidentsRaised.Add(1, new KeyValuePair<string, object?>("type", type));

    public void IncidentTransition(string kind) => _incidentTransitions.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void DeviceRebooted() => _deviceReboots.Add(1);

    public void DetectionLatency(TimeSpan latency) => _detectionLatency.Record(latency.TotalMilliseconds);

    public void EventLatency(TimeSpan latency) => _eventLatency.Record(latency.TotalMilliseconds);
}
