using Edge.TestKit;
using static Edge.Mqtt.IntegrationTests.MqttTestHelpers;

namespace Edge.Mqtt.IntegrationTests;

/// <summary>The same behaviour with many clients driven by one shared poll(2) thread.</summary>
public sealed class EventLoopTests : IDisposable
{
    private readonly MosquittoEventLoop _loop = new("test-loop");

    public void Dispose() => _loop.Dispose();

    [Theory]
    [InlineData(MqttQos.AtMostOnce)]
    [InlineData(MqttQos.AtLeastOnce)]
    [InlineData(MqttQos.ExactlyOnce)]
    public async Task PublishAsync_SharedLoop_SubscriberReceivesEveryPayloadInOrder(MqttQos qos)
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var topic = $"edge-test/{Guid.NewGuid():N}/loop";
        await using var subscriber = await ConnectedAsync(Options(broker), _loop);
        await SubscribeAndWaitAsync(subscriber, topic, qos);
        await using var publisher = await ConnectedAsync(Options(broker), _loop);

        for (var i = 0; i < 200; i++)
        {
            await publisher.PublishAsync(topic, Utf8($"m{i}"), qos, false, CancellationToken.None);
        }

        for (var i = 0; i < 200; i++)
        {
            Assert.Equal($"m{i}", Text(await ReadAsync(subscriber)));
        }

        Assert.Equal(2, _loop.Count);
    }

    [Fact]
    public async Task SharedLoop_BrokerRestartWithQos1DuringOutage_ReconnectsAndDeliversExactlyOnce()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var id = Guid.NewGuid().ToString("N")[..8];
        var topic = $"edge-test/{id}/loop-outage";
        await using var subscriber = await ConnectedAsync(Options(broker, $"lsub-{id}", cleanSession: false), _loop);
        await SubscribeAndWaitAsync(subscriber, topic, MqttQos.AtLeastOnce);
        await using var publisher = await ConnectedAsync(Options(broker, $"lpub-{id}", cleanSession: false), _loop);

        var down = NextEvent(publisher, MqttConnectionEventKind.Disconnected);
        var subscriberBack = NextEvent(subscriber, MqttConnectionEventKind.Connected);
        await broker.StopAsync();
        await down;
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(PublishStatus.QueuedWhileDisconnected, (await publisher.PublishAsync(topic, Utf8($"m{i}"), MqttQos.AtLeastOnce, false, CancellationToken.None)).Status);
        }

        await publisher.PublishAsync(topic, Utf8("sentinel"), MqttQos.AtLeastOnce, false, CancellationToken.None);
        await broker.StartAsync();
        await subscriberBack;

        var seen = new Dictionary<string, int>();
        for (var m = await ReadAsync(subscriber); Text(m) != "sentinel"; m = await ReadAsync(subscriber))
        {
            if (m.Topic == topic)
            {
                seen[Text(m)] = seen.GetValueOrDefault(Text(m)) + 1;
            }
        }

        Assert.Equal(100, seen.Count);
        Assert.All(seen.Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task SharedLoop_WillOnCutAndNoWillOnCleanDispose()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var willTopic = $"edge-test/{Guid.NewGuid():N}/status";
        await using var observer = await ConnectedAsync(Options(broker), _loop);
        await SubscribeAndWaitAsync(observer, willTopic, MqttQos.AtLeastOnce);

        var cutOptions = Options(broker);
        cutOptions.Will = new MqttWillOptions { Topic = willTopic, Payload = Utf8("cut") };
        await using var cut = await ConnectedAsync(cutOptions, _loop);
        Assert.True(cut.SimulateNetworkLoss(holdDown: false));
        Assert.Equal("cut", Text(await ReadAsync(observer)));

        var cleanOptions = Options(broker);
        cleanOptions.Will = new MqttWillOptions { Topic = willTopic, Payload = Utf8("clean") };
        var clean = await ConnectedAsync(cleanOptions, _loop);
        await clean.DisposeAsync();
        await broker.WaitForLogAsync($"Client {clean.ClientId} disconnected", WaitLimit);
        await observer.PublishAsync(willTopic, Utf8("marker"), MqttQos.AtLeastOnce, false, CancellationToken.None);
        Assert.Equal("marker", Text(await ReadAsync(observer)));
    }
}
