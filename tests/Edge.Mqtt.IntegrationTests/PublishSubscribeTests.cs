using Edge.TestKit;
using static Edge.Mqtt.IntegrationTests.MqttTestHelpers;

namespace Edge.Mqtt.IntegrationTests;

public sealed class PublishSubscribeTests : IAsyncLifetime, IDisposable
{
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    private MosquittoBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await MosquittoBroker.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Theory]
    [InlineData(MqttQos.AtMostOnce)]
    [InlineData(MqttQos.AtLeastOnce)]
    [InlineData(MqttQos.ExactlyOnce)]
    public async Task PublishAsync_AtEachQos_SubscriberReceivesEveryPayloadOnceInOrder(MqttQos qos)
    {
        var topic = $"edge-test/{Guid.NewGuid():N}/qos{(int)qos}";
        await using var subscriber = await ConnectedAsync(_env, Options(_broker));
        await SubscribeAndWaitAsync(subscriber, topic, qos);
        await using var publisher = await ConnectedAsync(_env, Options(_broker));

        for (var i = 0; i < 50; i++)
        {
            var result = await publisher.PublishAsync(topic, Utf8($"m{i}"), qos, false, CancellationToken.None);
            Assert.Equal(PublishStatus.Accepted, result.Status);
        }

        for (var i = 0; i < 50; i++)
        {
            var m = await ReadAsync(subscriber);
            Assert.Equal(topic, m.Topic);
            Assert.Equal($"m{i}", Text(m));
            Assert.Equal(qos, m.Qos);
            Assert.False(m.Retain);
        }

        Assert.False(subscriber.Messages.TryRead(out var extra), $"unexpected extra message {extra?.Topic}");
        await UntilAsync(() => publisher.GetStatistics().OutgoingQueued == 0, "all publishes acknowledged");
        Assert.Equal(50, publisher.GetStatistics().MessagesPublished);
    }

    [Fact]
    public async Task Subscribe_RetainedMessage_DeliveredWithRetainFlag()
    {
        var topic = $"edge-test/{Guid.NewGuid():N}/retained";
        await using var publisher = await ConnectedAsync(_env, Options(_broker));
        await publisher.PublishAsync(topic, Utf8("kept"), MqttQos.AtLeastOnce, true, CancellationToken.None);
        await UntilAsync(() => publisher.GetStatistics().OutgoingQueued == 0, "the retained publish acknowledged");

        await using var subscriber = await ConnectedAsync(_env, Options(_broker));
        subscriber.Subscribe(topic, MqttQos.AtLeastOnce);
        var m = await ReadAsync(subscriber);

        Assert.Equal("kept", Text(m));
        Assert.True(m.Retain);
    }

    [Fact]
    public async Task IncomingChannelFull_MoreMessagesThanCapacity_ExcessDroppedAndCounted()
    {
        var topic = $"edge-test/{Guid.NewGuid():N}/flood";
        var options = Options(_broker);
        options.IncomingChannelCapacity = 5;
        await using var subscriber = await ConnectedAsync(_env, options);
        await SubscribeAndWaitAsync(subscriber, topic, MqttQos.AtLeastOnce);
        await using var publisher = await ConnectedAsync(_env, Options(_broker));
        Assert.False(subscriber.Messages.TryRead(out _));

        var before = subscriber.GetStatistics();
        for (var i = 0; i < 40; i++)
        {
            await publisher.PublishAsync(topic, Utf8($"m{i}"), MqttQos.AtLeastOnce, false, CancellationToken.None);
        }

        await UntilAsync(() => subscriber.GetStatistics().MessagesReceived - before.MessagesReceived == 40, "40 deliveries");
        var after = subscriber.GetStatistics();
        Assert.Equal(35, after.MessagesDroppedChannelFull - before.MessagesDroppedChannelFull);
        var kept = new List<string>();
        while (subscriber.Messages.TryRead(out var m))
        {
            kept.Add(Text(m));
        }

        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], kept);
    }
}
