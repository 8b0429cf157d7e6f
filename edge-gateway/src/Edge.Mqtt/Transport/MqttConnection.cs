namespace Edge.Mqtt.Transport;

/// <summary>
/// One accepted connection of <see cref="MqttNetClient"/>: the MQTTnet client that carries it, its
/// generation (1 for the first, +1 per reconnect) and a signal that completes when it is gone.
/// </summary>
internal sealed class MqttConnection : IDisposable
{
    private readonly CancellationTokenSource _lifetime = new();
    private readonly TaskCompletionSource<string> _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public MqttConnection(MQTTnet.IMqttClient client, int generation)
    {
        Client = client;
        Generation = generation;
    }

    public MQTTnet.IMqttClient Client { get; }

    public int Generation { get; }

    /// <summary>Cancelled when the connection is gone: ends whatever still waits on it.</summary>
    public CancellationToken Lifetime => _lifetime.Token;

    /// <summary>Completes with the reason once the connection is gone.</summary>
    public Task<string> Lost => _lost.Task;

    /// <summary>Marks the connection gone (first reason wins).</summary>
    public void MarkLost(string reason)
    {
        if (_lost.TrySetResult(reason))
        {
            try
            {
                _lifetime.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    public void Dispose()
    {
        MarkLost("disposed");
        Client.Dispose();
        _lifetime.Dispose();
    }
}
