namespace Edge.Gateway.Ingest;

/// <summary>
/// The gateway's own connection to the broker, as the MQTT client reports it (<c>IMqttClient.ConnectionChanged</c>),
/// with the times of the last outage. When the broker restarts, it publishes every sensor's last will and the sensors
/// need a while to reconnect: supervision must not take that for sensors going offline. Thread-safe.
/// </summary>
public sealed class BrokerConnection(TimeProvider time)
{
    private readonly Lock _lock = new();
    private bool _everConnected;
    private bool _connected;
    private DateTimeOffset? _downSince;
    private DateTimeOffset? _lastDownAt;
    private DateTimeOffset? _reconnectedAt;

    /// <summary>The client reports the broker accepted the connection.</summary>
    public void Connected()
    {
        lock (_lock)
        {
            if (_everConnected && !_connected)
            {
                _reconnectedAt = time.GetUtcNow();
            }

            _everConnected = true;
            _connected = true;
            _downSince = null;
        }
    }

    /// <summary>The client reports the connection lost (or a connect attempt failed).</summary>
    public void Disconnected()
    {
        lock (_lock)
        {
            if (_connected || _downSince is null)
            {
                _downSince ??= time.GetUtcNow();
                _lastDownAt = _downSince;
            }

            _connected = false;
        }
    }

    /// <summary>
    /// True while a device-offline decision must wait: the gateway's own link is down, it came back less than
    /// <paramref name="grace"/> ago (the sensors are still reconnecting), or <paramref name="heardAt"/> (when the
    /// will or the silence was noticed) lies just before the link went down (the broker publishes the wills as it
    /// shuts down, a moment before the gateway sees its own connection close).
    /// </summary>
    public bool Excuses(DateTimeOffset now, DateTimeOffset? heardAt, TimeSpan grace, TimeSpan settle)
    {
        lock (_lock)
        {
            if (_downSince is not null)
            {
                return true;
            }

            if (_reconnectedAt is { } back && now - back < grace)
            {
                return true;
            }

            return heardAt is { } at && _lastDownAt is { } down && at >= down - settle && at <= (_reconnectedAt ?? now) + grace && now - at < grace + settle;
        }
    }
}
