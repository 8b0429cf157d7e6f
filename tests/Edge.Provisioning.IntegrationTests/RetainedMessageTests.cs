using System.Runtime.Versioning;
using Edge.Mqtt;
using Edge.Mqtt.Broker;
using Edge.Protocol;
using Edge.TestKit;

namespace Edge.Provisioning.IntegrationTests;

/// <summary>
/// Issue 16 point 4 on the broker the provisioning generated: what a cloned sensor left retained (a call-button
/// press, a status) is deleted by 'replace device' and 'retire device'; the broker itself cannot refuse the
/// retain flag per topic (see MosquittoFiles), so the deletion, and the gateway's refusal, are what protect.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class RetainedMessageTests : IDisposable
{
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    private static string T(string device, TopicKind kind) => Topics.For("oak", device, kind);

    [Theory]
    [InlineData("replace")]
    [InlineData("retire")]
    public async Task ReplaceOrRetire_DeletesTheDevicesRetainedMessages(string verb)
    {
        using StartedSite started = await ProvisionedSite.StartAsync(_env, "oak", "dev-a", "dev-b");
        (ProvisionedSite site, MosquittoProcess broker) = (started.Site, started.Broker);
        await using (var clone = await site.ConnectAsync(site.Device("dev-a")))
        {
            await PublishAckedAsync(clone, T("dev-a", TopicKind.Event), "press");
            await PublishAckedAsync(clone, T("dev-a", TopicKind.Status), "status");
            await PublishAckedAsync(clone, T("dev-a", TopicKind.Accel), "batch");
        }

        await using (var other = await site.ConnectAsync(site.Device("dev-b")))
        {
            await PublishAckedAsync(other, T("dev-b", TopicKind.Status), "b-status");
        }

        Assert.Equal(["batch", "press", "status"], (await RetainedAsync(site, "dev-a")).Select(Sync.Text).Order());

        CliResult r = site.Cli("", verb, "device", "--dir", site.Layout.Root, "--device", "dev-a",
            "--reload-pid", broker.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("Deleted the retained messages of 'dev-a'", r.Out, StringComparison.Ordinal);
        Assert.Empty(await RetainedAsync(site, "dev-a"));
        Assert.Equal(["b-status"], (await RetainedAsync(site, "dev-b")).Select(Sync.Text));
    }

    [Fact]
    public async Task Retire_WhenTheBrokerIsDown_SaysHowToFinish_AndClearRetainedDoesItLater()
    {
        using StartedSite started = await ProvisionedSite.StartAsync(_env, "oak", "dev-a");
        (ProvisionedSite site, MosquittoProcess broker) = (started.Site, started.Broker);
        await using (var clone = await site.ConnectAsync(site.Device("dev-a")))
        {
            await PublishAckedAsync(clone, T("dev-a", TopicKind.Event), "press");
        }

        Assert.Single(await RetainedAsync(site, "dev-a"));
        await broker.StopAsync();
        CliResult retire = site.Cli("", "retire", "device", "--dir", site.Layout.Root, "--device", "dev-a");
        Assert.True(retire.ExitCode == 0, retire.Error);
        Assert.Contains("were not deleted", retire.Error, StringComparison.Ordinal);
        Assert.Contains("clear-retained", retire.Error, StringComparison.Ordinal);

        await broker.StartAsync();
        CliResult clear = site.Cli("", "clear-retained", "--dir", site.Layout.Root, "--device", "dev-a", "--include-config");

        Assert.True(clear.ExitCode == 0, clear.Error);
        Assert.Empty(await RetainedAsync(site, "dev-a"));
    }

    [Fact]
    public async Task Gateway_MayDeleteARetainedEvent_ButADeviceCannotWriteAnotherDevicesTopics()
    {
        using StartedSite started = await ProvisionedSite.StartAsync(_env, "oak", "dev-a", "dev-b");
        ProvisionedSite site = started.Site;
        await using (var clone = await site.ConnectAsync(site.Device("dev-a")))
        {
            await PublishAckedAsync(clone, T("dev-a", TopicKind.Event), "press");
        }

        await using (var gateway = await site.ConnectAsync(site.Gateway()))
        {
            await PublishAckedAsync(gateway, T("dev-a", TopicKind.Event), "");
        }

        await using (var deviceB = await site.ConnectAsync(site.Device("dev-b")))
        {
            await PublishAckedAsync(deviceB, T("dev-a", TopicKind.Status), "forged"); // dropped by the ACL (acknowledged all the same)
        }

        Assert.Empty(await RetainedAsync(site, "dev-a"));
    }

    // A retained QoS 1 publish, returned once the broker acknowledged it (so disposing the client loses nothing).
    private static async Task PublishAckedAsync(IMqttClient client, string topic, string payload)
    {
        var acked = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnAck(object? sender, MqttPublishAcknowledged ack) => acked.TrySetResult(ack.MessageId);
        client.PublishAcknowledged += OnAck;
        try
        {
            var result = await client.PublishAsync(topic, System.Text.Encoding.UTF8.GetBytes(payload), MqttQos.AtLeastOnce, retain: true, CancellationToken.None);
            Assert.Equal(result.MessageId, await acked.Task.WaitAsync(TimeSpan.FromSeconds(15)));
        }
        finally
        {
            client.PublishAcknowledged -= OnAck;
        }
    }

    // Retained messages on the device's topics, as a fresh subscriber (the gateway's account, read-only use) is
    // given them: they arrive right after the subscription, before the marker the same client publishes next.
    private static async Task<List<MqttMessage>> RetainedAsync(ProvisionedSite site, string device)
    {
        await using var reader = await site.ConnectAsync(site.Gateway());
        foreach (var kind in new[] { TopicKind.Accel, TopicKind.Status, TopicKind.Event })
        {
            reader.Subscribe(T(device, kind), MqttQos.AtLeastOnce);
        }

        return await Sync.MarkerAsync(reader, T(device, TopicKind.Event), reader);
    }
}
