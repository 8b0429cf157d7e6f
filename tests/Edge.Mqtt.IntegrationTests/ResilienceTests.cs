using Edge.TestKit;
using static Edge.Mqtt.IntegrationTests.MqttTestHelpers;

namespace Edge.Mqtt.IntegrationTests;

public sealed class ResilienceTests : IDisposable
{
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task Will_ClientCutOffWithoutDisconnect_BrokerPublishesWill()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var willTopic = $"edge-test/{Guid.NewGuid():N}/status";
        await using var observer = await ConnectedAsync(_env, Options(broker));
        await SubscribeAndWaitAsync(observer, willTopic, MqttQos.AtLeastOnce);

        var options = Options(broker);
        options.Will = new MqttWillOptions { Topic = willTopic, Payload = Utf8("offline"), Qos = MqttQos.AtLeastOnce };
        await using var sensor = await ConnectedAsync(_env, options);
        Assert.True(sensor.SimulateNetworkLoss(holdDown: false), "could not shut the socket down");

        var will = await ReadAsync(observer);
        Assert.Equal(willTopic, will.Topic);
        Assert.Equal("offline", Text(will));
    }

    [Fact]
    public async Task Will_CleanDispose_NoWillPublished()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var willTopic = $"edge-test/{Guid.NewGuid():N}/status";
        await using var observer = await ConnectedAsync(_env, Options(broker));
        await SubscribeAndWaitAsync(observer, willTopic, MqttQos.AtLeastOnce);

        var options = Options(broker);
        options.Will = new MqttWillOptions { Topic = willTopic, Payload = Utf8("offline"), Qos = MqttQos.AtLeastOnce };
        var sensor = await ConnectedAsync(_env, options);
        await sensor.DisposeAsync();
        await broker.WaitForLogAsync($"Client {sensor.ClientId} disconnected", WaitLimit);

        // The broker has handled the DISCONNECT; anything it would publish for it comes before this marker.
        await observer.PublishAsync(willTopic, Utf8("marker"), MqttQos.AtLeastOnce, false, CancellationToken.None);
        Assert.Equal("marker", Text(await ReadAsync(observer)));
    }

    [Fact]
    public async Task BrokerRestart_ClientsReconnect_SubscriptionsRestored()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var topic = $"edge-test/{Guid.NewGuid():N}/after-restart";
        // Clean sessions: the broker forgets the subscription, so only the client's re-subscribe brings it back.
        await using var subscriber = await ConnectedAsync(_env, Options(broker));
        await SubscribeAndWaitAsync(subscriber, topic, MqttQos.AtLeastOnce);
        await using var publisher = await ConnectedAsync(_env, Options(broker));

        var subscriberBack = NextEvent(subscriber, MqttConnectionEventKind.Connected);
        var publisherBack = NextEvent(publisher, MqttConnectionEventKind.Connected);
        var lost = NextEvent(subscriber, MqttConnectionEventKind.Disconnected);
        await broker.RestartAsync();
        await lost;
        await subscriberBack;
        await publisherBack;
        Assert.True(subscriber.IsConnected);
        await WaitForSubscriptionsAsync(subscriber);

        await publisher.PublishAsync(topic, Utf8("hello again"), MqttQos.AtLeastOnce, false, CancellationToken.None);
        var m = await ReadAsync(subscriber);
        Assert.Equal(topic, m.Topic);
        Assert.Equal("hello again", Text(m));
        Assert.Equal(1, subscriber.GetStatistics().Reconnects);
    }

    [Fact]
    public async Task Qos1PublishedDuringOutage_PersistentSessions_DeliveredExactlyOnceAfterRestart()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var id = Guid.NewGuid().ToString("N")[..8];
        var topic = $"edge-test/{id}/outage";
        await using var subscriber = await ConnectedAsync(_env, Options(broker, $"sub-{id}", cleanSession: false));
        await SubscribeAndWaitAsync(subscriber, topic, MqttQos.AtLeastOnce);
        await using var publisher = await ConnectedAsync(_env, Options(broker, $"pub-{id}", cleanSession: false));

        var publisherDown = NextEvent(publisher, MqttConnectionEventKind.Disconnected);
        var subscriberDown = NextEvent(subscriber, MqttConnectionEventKind.Disconnected);
        await broker.StopAsync();
        await publisherDown;
        await subscriberDown;

        const int count = 300;
        for (var i = 0; i < count; i++)
        {
            var r = await publisher.PublishAsync(topic, Utf8($"m{i}"), MqttQos.AtLeastOnce, false, CancellationToken.None);
            Assert.Equal(PublishStatus.QueuedWhileDisconnected, r.Status);
        }

        // Published last, so it arrives after every earlier message from this session (MQTT keeps order per topic).
        await publisher.PublishAsync(topic, Utf8("sentinel"), MqttQos.AtLeastOnce, false, CancellationToken.None);
        var qos0 = await publisher.PublishAsync(topic, Utf8("lost"), MqttQos.AtMostOnce, false, CancellationToken.None);
        Assert.Equal(PublishStatus.DroppedNotConnected, qos0.Status);

        await broker.StartAsync();

        var seen = new Dictionary<string, int>();
        while (true)
        {
            var m = await ReadAsync(subscriber);
            if (m.Topic != topic)
            {
                continue;
            }

            var text = Text(m);
            if (text == "sentinel")
            {
                break;
            }

            seen[text] = seen.GetValueOrDefault(text) + 1;
        }

        Assert.Equal(count, seen.Count);
        Assert.All(seen, kv => Assert.Equal(1, kv.Value));
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"m{i}").Order(), seen.Keys.Order());
        var stats = publisher.GetStatistics();
        Assert.Equal(count + 1, stats.PublishesQueuedWhileDisconnected);
        Assert.Equal(1, stats.PublishesDroppedNotConnected);
        Assert.DoesNotContain("lost", seen.Keys);
    }

    [Fact]
    public async Task ConnectAsync_BrokerDownAtFirstConnect_ConnectsWhenBrokerStarts()
    {
        await using var broker = MosquittoBroker.Create();
        var topic = $"edge-test/{Guid.NewGuid():N}/late";
        await using var client = new MqttNetClient(Options(broker), _env.Logger<MqttNetClient>());
        client.Subscribe(topic, MqttQos.AtLeastOnce);
        var failed = NextEvent(client, MqttConnectionEventKind.ConnectFailed);
        using var cts = new CancellationTokenSource(WaitLimit);
        var connecting = client.ConnectAsync(cts.Token);

        var failure = await failed;
        Assert.False(connecting.IsCompleted);
        Assert.Contains("refused", failure.Message, StringComparison.OrdinalIgnoreCase);

        await broker.StartAsync();
        await connecting;
        Assert.True(client.IsConnected);
        await WaitForSubscriptionsAsync(client);
        await client.PublishAsync(topic, Utf8("finally"), MqttQos.AtLeastOnce, false, CancellationToken.None);
        Assert.Equal("finally", Text(await ReadAsync(client)));
    }

    [Fact]
    public async Task PublishAsync_OutgoingQueueFullWhileBrokerDown_WaitsThenCompletesAfterReconnect()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var options = Options(broker, $"bounded-{Guid.NewGuid():N}"[..20], cleanSession: false);
        options.MaxInflightMessages = 2;
        options.OutgoingQueueCapacity = 5;
        await using var client = await ConnectedAsync(_env, options);
        var down = NextEvent(client, MqttConnectionEventKind.Disconnected);
        await broker.StopAsync();
        await down;

        for (var i = 0; i < 5; i++)
        {
            var r = await client.PublishAsync("edge-test/bounded", Utf8($"m{i}"), MqttQos.AtLeastOnce, false, CancellationToken.None);
            Assert.Equal(PublishStatus.QueuedWhileDisconnected, r.Status);
        }

        Assert.Equal(5, client.GetStatistics().OutgoingQueued);
        var sixth = client.PublishAsync("edge-test/bounded", Utf8("m5"), MqttQos.AtLeastOnce, false, CancellationToken.None).AsTask();
        Assert.False(sixth.IsCompleted, "the sixth publish must wait for a free slot, not be queued without bound");

        await broker.StartAsync();
        var result = await sixth.WaitAsync(WaitLimit);
        Assert.NotEqual(PublishStatus.DroppedNotConnected, result.Status);
        await UntilAsync(() => client.GetStatistics().OutgoingQueued == 0, "every publish acknowledged");
        Assert.Equal(6, client.GetStatistics().MessagesPublished);
    }

    [Fact]
    public async Task PublishAsync_Cancelled_WhileQueueFull_ThrowsAndFreesNothing()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var options = Options(broker);
        options.MaxInflightMessages = 1;
        options.OutgoingQueueCapacity = 1;
        await using var client = await ConnectedAsync(_env, options);
        var down = NextEvent(client, MqttConnectionEventKind.Disconnected);
        await broker.StopAsync();
        await down;

        await client.PublishAsync("edge-test/x", Utf8("a"), MqttQos.AtLeastOnce, false, CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var waiting = client.PublishAsync("edge-test/x", Utf8("b"), MqttQos.AtLeastOnce, false, cts.Token).AsTask();
        Assert.False(waiting.IsCompleted);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(1, client.GetStatistics().OutgoingQueued);
    }
}
