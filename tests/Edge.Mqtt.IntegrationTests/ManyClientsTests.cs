using System.Text;
using Edge.TestKit;
using static Edge.Mqtt.IntegrationTests.MqttTestHelpers;

namespace Edge.Mqtt.IntegrationTests;

/// <summary>A thousand clients in one process, as the simulator runs a ward: each with its own id, will and socket.</summary>
public sealed class ManyClientsTests : IDisposable
{
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task ThousandClients_EachPublishesQos1_ObserverReceivesEveryOneOnce()
    {
        const int count = 1_000;
        await using var broker = await MosquittoBroker.StartAsync();
        var root = $"edge-test/{Guid.NewGuid():N}";
        var observerOptions = Options(broker);
        observerOptions.IncomingChannelCapacity = count + 16;
        await using var observer = await ConnectedAsync(_env, observerOptions);
        await SubscribeAndWaitAsync(observer, $"{root}/+/data", MqttQos.AtLeastOnce);

        var clients = new MqttNetClient[count];
        try
        {
            // Connect in waves, as the simulator does: a storm of a thousand handshakes helps nobody.
            for (var start = 0; start < count; start += 50)
            {
                await Task.WhenAll(Enumerable.Range(start, Math.Min(50, count - start)).Select(async i =>
                {
                    var options = Options(broker, $"many-{i:D4}");
                    options.Will = new MqttWillOptions { Topic = $"{root}/{i:D4}/status", Payload = Utf8("offline") };
                    clients[i] = await ConnectedAsync(_env, options);
                }));
            }

            Assert.All(clients, c => Assert.True(c.IsConnected));
            await Task.WhenAll(clients.Select((c, i) => c.PublishAsync($"{root}/{i:D4}/data", Utf8($"{i}"), MqttQos.AtLeastOnce, false, CancellationToken.None).AsTask()));

            var seen = new HashSet<int>();
            for (var n = 0; n < count; n++)
            {
                var m = await ReadAsync(observer);
                Assert.True(seen.Add(int.Parse(Encoding.UTF8.GetString(m.Payload.Span), System.Globalization.CultureInfo.InvariantCulture)), "duplicate delivery");
            }

            Assert.Equal(count, seen.Count);
            await UntilAsync(() => clients.All(c => c.GetStatistics().MessagesPublished == 1), "every PUBACK");
        }
        finally
        {
            await Task.WhenAll(clients.Where(c => c is not null).Select(c => c.DisposeAsync().AsTask()));
        }
    }
}
