using System.Diagnostics;
using System.Globalization;
using System.Text;
using Edge.Mqtt;
using Edge.TestKit;

// Publish -> private Mosquitto -> receive throughput, 600-byte payloads, one publisher and one subscriber
// (two libmosquitto connections in this process). Usage: dotnet run -c Release --project tests/Edge.Mqtt.Load [count]
var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
Console.WriteLine($"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, libmosquitto {Edge.Mqtt.Native.MosquittoLibrary.EnsureInitialized()}");
foreach (var qos in new[] { MqttQos.AtMostOnce, MqttQos.AtLeastOnce, MqttQos.AtMostOnce, MqttQos.AtLeastOnce })
{
    await RunAsync(qos, count);
}

static async Task RunAsync(MqttQos qos, int count)
{
    var brokerOptions = new MosquittoBrokerOptions();
    brokerOptions.ExtraConfig.Add($"max_queued_messages {count * 2}");
    await using var broker = await MosquittoBroker.StartAsync(brokerOptions);
    var topic = "load/" + Guid.NewGuid().ToString("N");
    var marker = topic + "/ready";

    await using var subscriber = new MosquittoMqttClient(new MqttClientOptions
    {
        Port = broker.Port,
        IncomingChannelCapacity = count + 16,
    });
    subscriber.Subscribe(topic, qos);
    subscriber.Subscribe(marker, MqttQos.AtLeastOnce);
    await subscriber.ConnectAsync(CancellationToken.None);
    await subscriber.PublishAsync(marker, Encoding.UTF8.GetBytes("x"), MqttQos.AtLeastOnce, false, CancellationToken.None);
    _ = await subscriber.Messages.ReadAsync(); // the marker: subscriptions are active

    await using var publisher = new MosquittoMqttClient(new MqttClientOptions
    {
        Port = broker.Port,
        MaxInflightMessages = 100,
        OutgoingQueueCapacity = 10_000,
    });
    await publisher.ConnectAsync(CancellationToken.None);

    var payload = new byte[600];
    var received = 0;
    var sw = Stopwatch.StartNew();
    var reader = Task.Run(async () =>
    {
        while (received < count)
        {
            using var idle = new CancellationTokenSource(TimeSpan.FromSeconds(5)); // a loss shows as an idle stop
            try
            {
                _ = await subscriber.Messages.ReadAsync(idle.Token);
                received++;
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return sw.Elapsed;
    });

    for (var i = 0; i < count; i++)
    {
        BitConverter.TryWriteBytes(payload, i);
        await publisher.PublishAsync(topic, payload, qos, false, CancellationToken.None);
    }

    var published = sw.Elapsed;
    var elapsed = await reader;
    if (received < count)
    {
        elapsed -= TimeSpan.FromSeconds(5);
    }

    var stats = subscriber.GetStatistics();
    Console.WriteLine(
        $"QoS {(int)qos}: {count} sent in {published.TotalSeconds:F2} s ({count / published.TotalSeconds:F0}/s), " +
        $"{received} received in {elapsed.TotalSeconds:F2} s => {received / elapsed.TotalSeconds:F0} msg/s end to end; " +
        $"channel drops {stats.MessagesDroppedChannelFull}; broker dropped: {broker.LogContains("Outgoing messages are being dropped")}");
}
