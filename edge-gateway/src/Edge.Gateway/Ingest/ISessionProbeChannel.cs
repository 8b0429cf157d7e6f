namespace Edge.Gateway.Ingest;

/// <summary>
/// A source that can send the gateway's session probe (<see cref="BrokerHealth"/>) round through the broker: published
/// QoS 1 to the probe topic, which ingest subscribes to, so it comes back behind the sensor messages queued for the
/// gateway.
/// </summary>
public interface ISessionProbeChannel
{
    /// <summary>Publishes a probe; false when not connected (nothing was sent).</summary>
    ValueTask<bool> PublishProbeAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken ct);
}
