using Edge.TestKit;
using static Edge.Mqtt.IntegrationTests.MqttTestHelpers;

namespace Edge.Mqtt.IntegrationTests;

/// <summary><see cref="MqttNetClient.SimulateNetworkLoss"/> and <see cref="MqttNetClient.RestoreNetwork"/>.</summary>
public sealed class NetworkLossTests : IDisposable
{
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task SimulateNetworkLoss_HeldDown_WillPublishedNoReconnectUntilRestoredThenQueuedMessageDelivered()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var willTopic = $"edge-test/{Guid.NewGuid():N}/status";
        var dataTopic = $"edge-test/{Guid.NewGuid():N}/data";
        await using var observer = await ConnectedAsync(_env, Options(broker, "net-loss-observer"));
        await SubscribeAndWaitAsync(observer, willTopic, MqttQos.AtLeastOnce);
        await SubscribeAndWaitAsync(observer, dataTopic, MqttQos.AtLeastOnce);
        var options = Options(broker, "net-loss-device");
        options.Will = new MqttWillOptions { Topic = willTopic, Payload = Utf8("offline") };
        await using var device = await ConnectedAsync(_env, options);

        var down = NextEvent(device, MqttConnectionEventKind.Disconnected);
        Assert.True(device.SimulateNetworkLoss());
        Assert.Equal("offline", Text(await ReadAsync(observer)));
        await down;
        Assert.True(device.NetworkHeldDown);

        // Held down: several reconnect periods (100 ms initial delay here) pass without a connect.
        var up = NextEvent(device, MqttConnectionEventKind.Connected);
        await Assert.ThrowsAsync<TimeoutException>(() => up.WaitAsync(TimeSpan.FromSeconds(2)));
        Assert.False(device.IsConnected);
        var queued = await device.PublishAsync(dataTopic, Utf8("while down"), MqttQos.AtLeastOnce, false, CancellationToken.None);
        Assert.Equal(PublishStatus.QueuedWhileDisconnected, queued.Status);

        device.RestoreNetwork();
        await up;
        Assert.False(device.NetworkHeldDown);
        Assert.Equal("while down", Text(await ReadAsync(observer)));
        Assert.Equal(1, device.GetStatistics().Reconnects);
    }
}
