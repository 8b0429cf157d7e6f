using Edge.TestKit;
using static Edge.Mqtt.IntegrationTests.MqttTestHelpers;

namespace Edge.Mqtt.IntegrationTests;

/// <summary>
/// <see cref="MqttClientOptions.ManualAcknowledgement"/>: what the receiver has not acknowledged stays in
/// the broker's session and comes back to the next connection with the same client id (as after a
/// gateway crash), and MQTT 5's receive maximum bounds how much the broker sends ahead.
/// </summary>
public sealed class ManualAcknowledgementTests : IDisposable
{
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task ManualAcknowledgement_ReceiverCutOff_UnacknowledgedMessagesComeBackAcknowledgedOnesDoNot()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var id = Guid.NewGuid().ToString("N")[..8];
        var topic = $"edge-test/{id}/held";
        var receiverOptions = Held(broker, $"held-{id}", receiveMaximum: 100);
        await using var publisher = await ConnectedAsync(_env, Options(broker));

        var first = await ConnectedAsync(_env, receiverOptions);
        try
        {
            await SubscribeAndWaitAsync(first, topic, MqttQos.AtLeastOnce);
            for (var i = 0; i < 10; i++)
            {
                await publisher.PublishAsync(topic, Utf8($"m{i}"), MqttQos.AtLeastOnce, false, CancellationToken.None);
            }

            var received = new List<MqttMessage>();
            for (var i = 0; i < 10; i++)
            {
                received.Add(await ReadAsync(first));
            }

            Assert.All(received, m => Assert.True(m.RequiresAcknowledgement));
            var sentBefore = first.GetStatistics().AcknowledgementsSent;
            foreach (var m in received.Take(5))
            {
                first.Acknowledge(m);
                first.Acknowledge(m); // a second call does nothing
            }

            await UntilAsync(() => first.GetStatistics().AcknowledgementsSent == sentBefore + 5, "five acknowledgements written");

            // The process "crashes": the socket goes without DISCONNECT, nothing more is acknowledged.
            Assert.True(first.SimulateNetworkLoss(holdDown: true));
            foreach (var m in received.Skip(5))
            {
                first.Acknowledge(m); // too late: that connection is gone
            }

            Assert.Equal(5, first.GetStatistics().StaleAcknowledgements);
        }
        finally
        {
            await first.DisposeAsync();
        }

        await using var second = await ConnectedAsync(_env, receiverOptions);
        await publisher.PublishAsync(topic, Utf8("sentinel"), MqttQos.AtLeastOnce, false, CancellationToken.None);
        var again = new List<MqttMessage>();
        while (true)
        {
            var m = await ReadAsync(second);
            second.Acknowledge(m);
            if (Text(m) == "sentinel")
            {
                break;
            }

            again.Add(m);
        }

        Assert.Equal(["m5", "m6", "m7", "m8", "m9"], again.Select(Text).Order());
        Assert.All(again, m => Assert.True(m.Duplicate, $"{Text(m)} is a re-delivery and should say so"));
    }

    [Fact]
    public async Task ManualAcknowledgement_ReceiveMaximum_BrokerSendsNoMoreUntilAcknowledged()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var id = Guid.NewGuid().ToString("N")[..8];
        var topic = $"edge-test/{id}/window";
        await using var receiver = await ConnectedAsync(_env, Held(broker, $"window-{id}", receiveMaximum: 5));
        await SubscribeAndWaitAsync(receiver, topic, MqttQos.AtLeastOnce);
        await UntilAsync(() => receiver.GetStatistics().AcknowledgementsSent == 1, "the subscription marker acknowledged");
        var received0 = receiver.GetStatistics().MessagesReceived;
        await using var publisher = await ConnectedAsync(_env, Options(broker));
        for (var i = 0; i < 20; i++)
        {
            await publisher.PublishAsync(topic, Utf8($"m{i}"), MqttQos.AtLeastOnce, false, CancellationToken.None);
        }

        await UntilAsync(() => publisher.GetStatistics().OutgoingQueued == 0, "the broker has all 20");
        var window = new List<MqttMessage>();
        for (var i = 0; i < 5; i++)
        {
            window.Add(await ReadAsync(receiver));
        }

        // Five unacknowledged: the broker holds the other fifteen in the session.
        using (var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(500)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => receiver.Messages.WaitToReadAsync(quiet.Token).AsTask());
        }

        Assert.Equal(5, receiver.GetStatistics().MessagesReceived - received0);
        var seen = window.Select(Text).ToList();
        window.ForEach(receiver.Acknowledge);
        while (seen.Count < 20)
        {
            var m = await ReadAsync(receiver);
            receiver.Acknowledge(m);
            seen.Add(Text(m));
        }

        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"m{i}"), seen);
    }

    [Fact]
    public async Task AutomaticAcknowledgement_MessagesNeedNoAcknowledgement()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var topic = $"edge-test/{Guid.NewGuid():N}/auto";
        await using var client = await ConnectedAsync(_env, Options(broker));
        await SubscribeAndWaitAsync(client, topic, MqttQos.AtLeastOnce);
        await client.PublishAsync(topic, Utf8("x"), MqttQos.AtLeastOnce, false, CancellationToken.None);

        var m = await ReadAsync(client);

        Assert.False(m.RequiresAcknowledgement);
        client.Acknowledge(m);
        Assert.Equal(0, client.GetStatistics().AcknowledgementsSent);
    }

    private static MqttClientOptions Held(MosquittoBroker broker, string clientId, int receiveMaximum)
    {
        var options = Options(broker, clientId, cleanSession: false);
        options.ProtocolVersion = MqttProtocolVersion.V500;
        options.ReceiveMaximum = receiveMaximum;
        options.ManualAcknowledgement = true;
        return options;
    }
}
