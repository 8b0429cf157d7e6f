using System.Diagnostics;
using System.Globalization;
using System.Text;
using Edge.Mqtt;
using Edge.TestKit;

// Publish -> private Mosquitto -> receive throughput, 600-byte payloads, one publisher and one subscriber
// (two Edge.Mqtt connections over MQTTnet in this process). Usage: dotnet run -c Release --project edge-gateway/bench/Edge.Mqtt.Load [count]
// Or: ... clients N — N connections in this process, each publishing one QoS 1 message.
Console.WriteLine($"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, MQTTnet {typeof(MQTTnet.MqttClientFactory).Assembly.GetName().Version}");
if (args is ["clients", var n, ..])
{
    await ManyClientsAsync(int.Parse(n, CultureInfo.InvariantCulture));
    return;
}

var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
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

    await using var subscriber = new MqttNetClient(new MqttClientOptions
    {
        Port = broker.Port,
        IncomingChannelCapacity = count + 16,
    });
    subscriber.Subscribe(topic, qos);
    subscriber.Subscribe(marker, MqttQos.AtLeastOnce);
    await subscriber.ConnectAsync(CancellationToken.None);
    await subscriber.PublishAsync(marker, Encoding.UTF8.GetBytes("x"), MqttQos.AtLeastOnce, false, CancellationToken.None);
    _ = await subscriber.Messages.ReadAsync(); // the marker: subscriptions are active

    await using var publisher = new MqttNetClient(new MqttClientOptions
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

static async Task ManyClientsAsync(int clients)
{
    var brokerOptions = new MosquittoBrokerOptions();
    brokerOptions.ExtraConfig.Add($"max_queued_messages {clients * 2}"); // the observer gets one message per client at once
    await using var broker = await MosquittoBroker.StartAsync(brokerOptions);
    await using var observer = new MqttNetClient(new MqttClientOptions { Port = broker.Port, IncomingChannelCapacity = clients + 16 });
    observer.Subscribe("many/#", MqttQos.AtLeastOnce);
    await observer.ConnectAsync(CancellationToken.None);
    await observer.PublishAsync("many/ready", new byte[] { 1 }, MqttQos.AtLeastOnce, false, CancellationToken.None);
    _ = await observer.Messages.ReadAsync();

    var sw = Stopwatch.StartNew();
    var all = new MqttNetClient[clients];
    for (var i = 0; i < clients; i++)
    {
        all[i] = new MqttNetClient(new MqttClientOptions { Port = broker.Port, ClientId = $"sensor-{i:D4}", CleanSession = false });
    }

    await Parallel.ForEachAsync(all, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (c, ct) => await c.ConnectAsync(ct));
    var connected = sw.Elapsed;
    using var self = Process.GetCurrentProcess();
    self.Refresh();
    Console.WriteLine($"{clients} clients connected in {connected.TotalSeconds:F2} s; threads {self.Threads.Count}, RSS {self.WorkingSet64 / (1 << 20)} MiB");

    sw.Restart();
    for (var i = 0; i < clients; i++)
    {
        await all[i].PublishAsync($"many/{i}", new byte[600], MqttQos.AtLeastOnce, false, CancellationToken.None);
    }

    for (var i = 0; i < clients; i++)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _ = await observer.Messages.ReadAsync(cts.Token);
    }

    Console.WriteLine($"one message from each of {clients} clients received in {sw.Elapsed.TotalSeconds:F2} s");
    sw.Restart();
    foreach (var c in all)
    {
        await c.DisposeAsync();
    }

    Console.WriteLine($"{clients} clients disposed in {sw.Elapsed.TotalSeconds:F2} s");
}
