using System.Text;
using Edge.TestKit;

namespace Edge.Mqtt.IntegrationTests;

internal static class MqttTestHelpers
{
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(20);

    public static MqttClientOptions Options(MosquittoBroker broker, string? clientId = null, bool cleanSession = true) => new()
    {
        Host = broker.Host,
        Port = broker.Port,
        ClientId = clientId,
        CleanSession = cleanSession,
        KeepAlive = TimeSpan.FromSeconds(10),
        ConnectRetryInitialDelay = TimeSpan.FromMilliseconds(100),
        ConnectRetryMaxDelay = TimeSpan.FromSeconds(1),
    };

    /// <summary>A connected client whose logs go to the test's environment.</summary>
    public static async Task<MqttNetClient> ConnectedAsync(TestEnvironment env, MqttClientOptions options)
    {
        var client = new MqttNetClient(options, env.Logger<MqttNetClient>());
        try
        {
            using var cts = new CancellationTokenSource(WaitLimit);
            await client.ConnectAsync(cts.Token);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Subscribes to <paramref name="filter"/> and waits until the broker has processed it: the client
    /// also subscribes to a private marker topic and publishes to it; the broker handles one connection's
    /// packets in order, so the marker coming back proves the earlier SUBSCRIBE is active.
    /// </summary>
    public static async Task SubscribeAndWaitAsync(MqttNetClient client, string filter, MqttQos qos)
    {
        client.Subscribe(filter, qos);
        await WaitForSubscriptionsAsync(client);
    }

    /// <summary>Proves that every subscription of <paramref name="client"/> is active on the broker now.</summary>
    public static async Task WaitForSubscriptionsAsync(MqttNetClient client)
    {
        var marker = $"edge-test/ready/{client.ClientId}";
        client.Subscribe(marker, MqttQos.AtLeastOnce);
        var token = Guid.NewGuid().ToString("N");
        await client.PublishAsync(marker, Encoding.UTF8.GetBytes(token), MqttQos.AtLeastOnce, false, CancellationToken.None);
        using var cts = new CancellationTokenSource(WaitLimit);
        while (true)
        {
            var m = await client.Messages.ReadAsync(cts.Token);
            client.Acknowledge(m);
            if (m.Topic == marker && Encoding.UTF8.GetString(m.Payload.Span) == token)
            {
                return;
            }
        }
    }

    public static async Task<MqttMessage> ReadAsync(IMqttClient client)
    {
        using var cts = new CancellationTokenSource(WaitLimit);
        return await client.Messages.ReadAsync(cts.Token);
    }

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    public static string Text(MqttMessage m) => Encoding.UTF8.GetString(m.Payload.Span);

    /// <summary>A signal for the next connection event of <paramref name="kind"/> after this call.</summary>
    public static Task<MqttConnectionEvent> NextEvent(IMqttClient client, MqttConnectionEventKind kind)
    {
        var tcs = new TaskCompletionSource<MqttConnectionEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Handler(object? sender, MqttConnectionEvent e)
        {
            if (e.Kind == kind && tcs.TrySetResult(e))
            {
                client.ConnectionChanged -= Handler;
            }
        }

        client.ConnectionChanged += Handler;
        return tcs.Task.WaitAsync(WaitLimit);
    }

    /// <summary>
    /// Waits for a condition on counters that have no event of their own, checking each millisecond until
    /// the deadline. Fails with <paramref name="what"/> on timeout.
    /// </summary>
    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(1));
        using var cts = new CancellationTokenSource(WaitLimit);
        while (!condition())
        {
            try
            {
                await timer.WaitForNextTickAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Timed out after {WaitLimit} waiting for {what}.");
            }
        }
    }
}
