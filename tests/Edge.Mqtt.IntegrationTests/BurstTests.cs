using Edge.TestKit;
using static Edge.Mqtt.IntegrationTests.MqttTestHelpers;

namespace Edge.Mqtt.IntegrationTests;

public sealed class BurstTests : IDisposable
{
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task Burst_10000Qos1Messages_QueueSizedOnPurpose_NoLoss()
    {
        const int count = 10_000;
        var options = new MosquittoBrokerOptions();
        // The default (1000) silently drops behind a slow subscriber; the gateway's broker sizes it on purpose.
        options.ExtraConfig.Add("max_queued_messages 20000");
        await using var broker = await MosquittoBroker.StartAsync(options);
        var id = Guid.NewGuid().ToString("N")[..8];
        var topic = $"edge-test/{id}/burst";

        var subOptions = Options(broker, $"burst-sub-{id}", cleanSession: false);
        subOptions.IncomingChannelCapacity = count + 100;
        await using var subscriber = await ConnectedAsync(_env, subOptions);
        await SubscribeAndWaitAsync(subscriber, topic, MqttQos.AtLeastOnce);
        var pubOptions = Options(broker, $"burst-pub-{id}", cleanSession: false);
        pubOptions.MaxInflightMessages = 100;
        await using var publisher = await ConnectedAsync(_env, pubOptions);

        var payload = new byte[600];
        for (var i = 0; i < count; i++)
        {
            BitConverter.TryWriteBytes(payload, i);
            await publisher.PublishAsync(topic, payload, MqttQos.AtLeastOnce, false, CancellationToken.None);
        }

        var seen = new bool[count];
        for (var received = 0; received < count; received++)
        {
            var m = await ReadAsync(subscriber);
            Assert.Equal(600, m.Payload.Length);
            var n = BitConverter.ToInt32(m.Payload.Span);
            Assert.False(seen[n], $"duplicate {n}");
            seen[n] = true;
        }

        Assert.All(seen, Assert.True);
        Assert.Equal(0, subscriber.GetStatistics().MessagesDroppedChannelFull);
        Assert.False(broker.LogContains("Outgoing messages are being dropped"));
    }

    [Fact]
    public async Task BrokerQueueTooSmall_OfflinePersistentSubscriber_BrokerLogsDrops()
    {
        var options = new MosquittoBrokerOptions();
        options.ExtraConfig.Add("max_queued_messages 50");
        await using var broker = await MosquittoBroker.StartAsync(options);
        var id = Guid.NewGuid().ToString("N")[..8];
        var topic = $"edge-test/{id}/drops";
        var subscriberId = $"drop-sub-{id}";
        await using (var subscriber = await ConnectedAsync(_env, Options(broker, subscriberId, cleanSession: false)))
        {
            await SubscribeAndWaitAsync(subscriber, topic, MqttQos.AtLeastOnce);
        }

        await using var publisher = await ConnectedAsync(_env, Options(broker));
        for (var i = 0; i < 200; i++)
        {
            await publisher.PublishAsync(topic, Utf8($"m{i}"), MqttQos.AtLeastOnce, false, CancellationToken.None);
        }

        // The pitfall: QoS 1 messages lost with only this log line to show for it.
        var line = await broker.WaitForLogAsync("Outgoing messages are being dropped", WaitLimit);
        Assert.Contains(subscriberId, line, StringComparison.Ordinal);
    }
}
