using System.Collections.Concurrent;
using Edge.Logging;
using Edge.TestKit;
using static Edge.Mqtt.IntegrationTests.MqttTestHelpers;

namespace Edge.Mqtt.IntegrationTests;

/// <summary><see cref="IMqttClient.PublishAcknowledged"/> against a real broker.</summary>
public sealed class PublishAcknowledgedTests : IDisposable
{
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    /// <summary>Collects acknowledgements and signals when a given set has arrived.</summary>
    private sealed class AckCollector
    {
        private readonly Lock _lock = new();
        private readonly List<MqttPublishAcknowledged> _acks = [];
        private HashSet<int>? _waitFor;
        private TaskCompletionSource? _done;

        public void OnAck(object? sender, MqttPublishAcknowledged e)
        {
            lock (_lock)
            {
                _acks.Add(e);
                if (_waitFor is not null && _waitFor.IsSubsetOf(_acks.Select(a => a.MessageId)))
                {
                    _done!.TrySetResult();
                }
            }
        }

        public List<MqttPublishAcknowledged> Snapshot()
        {
            lock (_lock)
            {
                return [.. _acks];
            }
        }

        public Task WaitForAsync(IEnumerable<int> mids)
        {
            lock (_lock)
            {
                _waitFor = [.. mids];
                _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                if (_waitFor.IsSubsetOf(_acks.Select(a => a.MessageId)))
                {
                    _done.TrySetResult();
                }

                return _done.Task.WaitAsync(WaitLimit);
            }
        }
    }

    [Fact]
    public async Task PublishAsync_Qos1_EachMessageIdIsAcknowledgedExactlyOnce()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var client = await ConnectedAsync(_env, Options(broker, "ack-qos1"));
        var acks = new AckCollector();
        client.PublishAcknowledged += acks.OnAck;

        var mids = new List<int>();
        for (var i = 0; i < 500; i++)
        {
            var r = await client.PublishAsync("ack/qos1", Utf8($"m{i}"), MqttQos.AtLeastOnce, false, CancellationToken.None);
            Assert.Equal(PublishStatus.Accepted, r.Status);
            mids.Add(r.MessageId);
        }

        await acks.WaitForAsync(mids);
        var got = acks.Snapshot();
        Assert.Equal(mids.Order(), got.Select(a => a.MessageId).Order());
        Assert.All(got, a => Assert.Equal(MqttQos.AtLeastOnce, a.Qos));
    }

    [Fact]
    public async Task PublishAsync_Qos0_IsNeverAcknowledged()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var client = await ConnectedAsync(_env, Options(broker, "ack-qos0"));
        var acks = new AckCollector();
        client.PublishAcknowledged += acks.OnAck;

        for (var i = 0; i < 50; i++)
        {
            await client.PublishAsync("ack/qos0", Utf8($"m{i}"), MqttQos.AtMostOnce, false, CancellationToken.None);
        }

        // One connection is handled in order: once the QoS 1 marker is acknowledged, every QoS 0
        // message before it has long been written.
        var marker = await client.PublishAsync("ack/marker", Utf8("marker"), MqttQos.AtLeastOnce, false, CancellationToken.None);
        await acks.WaitForAsync([marker.MessageId]);

        var only = Assert.Single(acks.Snapshot());
        Assert.Equal(marker.MessageId, only.MessageId);
        Assert.Equal(50, client.GetStatistics().MessagesPublished - 1);
    }

    [Fact]
    public async Task PublishAsync_Qos1WhileBrokerDown_AcknowledgedAfterTheReconnect()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var client = await ConnectedAsync(_env, Options(broker, "ack-outage"));
        var acks = new AckCollector();
        client.PublishAcknowledged += acks.OnAck;
        var down = NextEvent(client, MqttConnectionEventKind.Disconnected);
        await broker.StopAsync();
        await down.WaitAsync(WaitLimit);

        var r = await client.PublishAsync("ack/outage", Utf8("queued"), MqttQos.AtLeastOnce, false, CancellationToken.None);
        Assert.Equal(PublishStatus.QueuedWhileDisconnected, r.Status);
        Assert.Empty(acks.Snapshot());

        await broker.StartAsync();
        await acks.WaitForAsync([r.MessageId]);
        Assert.Equal(r.MessageId, Assert.Single(acks.Snapshot()).MessageId);
    }

    [Fact]
    public async Task PublishAcknowledged_HandlerThrows_OtherHandlersAndTheClientCarryOn()
    {
        // The throwing handler is the fault under test: the client logs it and carries on.
        _env.ExpectError(EventIds.MqttAcknowledgedHandlerFailed, "handler bug");
        await using var broker = await MosquittoBroker.StartAsync();
        await using var client = await ConnectedAsync(_env, Options(broker, "ack-throw"));
        var acks = new AckCollector();
        var thrown = new ConcurrentBag<int>();
        client.PublishAcknowledged += (_, e) =>
        {
            thrown.Add(e.MessageId);
            throw new InvalidOperationException("handler bug");
        };
        client.PublishAcknowledged += acks.OnAck;

        var first = await client.PublishAsync("ack/throw", Utf8("1"), MqttQos.AtLeastOnce, false, CancellationToken.None);
        var second = await client.PublishAsync("ack/throw", Utf8("2"), MqttQos.AtLeastOnce, false, CancellationToken.None);
        await acks.WaitForAsync([first.MessageId, second.MessageId]);

        Assert.Equal(2, thrown.Count);
        Assert.True(client.IsConnected);
        await SubscribeAndWaitAsync(client, "ack/after", MqttQos.AtLeastOnce);
    }
}
