using Edge.Logging;
using Edge.TestKit;
using static Edge.Mqtt.IntegrationTests.MqttTestHelpers;

namespace Edge.Mqtt.IntegrationTests;

public sealed class TlsTests : IAsyncLifetime, IDisposable
{
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    private TempDirectory _pki = null!;
    private TestCertificates _certs = null!;

    public async Task InitializeAsync()
    {
        _pki = new TempDirectory("edge-pki");
        _certs = await TestCertificates.CreateAsync(_pki.Path);
    }

    public Task DisposeAsync()
    {
        _pki.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ConnectAsync_TestCa_ConnectsOverTlsAndDelivers()
    {
        await using var broker = await StartTlsBrokerAsync(requireClientCertificate: false);
        var options = Options(broker);
        options.Tls = new MqttTlsOptions { CaFile = _certs.CaCert };
        await using var client = await ConnectedAsync(_env, options);
        var topic = $"edge-test/{Guid.NewGuid():N}/tls";
        await SubscribeAndWaitAsync(client, topic, MqttQos.AtLeastOnce);
        await client.PublishAsync(topic, Utf8("secret"), MqttQos.AtLeastOnce, false, CancellationToken.None);

        Assert.Equal("secret", Text(await ReadAsync(client)));
    }

    [Fact]
    public async Task ConnectAsync_ClientCertificateRequired_ConnectsWithClientCertificate()
    {
        await using var broker = await StartTlsBrokerAsync(requireClientCertificate: true);
        var options = Options(broker);
        options.Tls = new MqttTlsOptions { CaFile = _certs.CaCert, CertFile = _certs.ClientCert, KeyFile = _certs.ClientKey };
        await using var client = await ConnectedAsync(_env, options);

        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task ConnectAsync_WrongCa_FailsWithCertificateError()
    {
        // The foreign CA is the fault under test: the client says why it cannot connect.
        _env.ExpectError(EventIds.MqttTlsError, "certificate verify failed");
        _env.ExpectError(EventIds.MqttConnectRefused, "certificate verify failed");
        await using var broker = await StartTlsBrokerAsync(requireClientCertificate: false);
        var options = Options(broker);
        options.Tls = new MqttTlsOptions { CaFile = _certs.OtherCaCert };
        await using var client = new MqttNetClient(options, _env.Logger<MqttNetClient>());
        var tlsEvent = NextEvent(client, MqttConnectionEventKind.TlsError);
        using var cts = new CancellationTokenSource(WaitLimit);

        var ex = await Assert.ThrowsAsync<MqttConnectException>(() => client.ConnectAsync(cts.Token));

        Assert.Contains("certificate verify failed", ex.Message, StringComparison.Ordinal);
        Assert.Contains("certificate verify failed", (await tlsEvent).Message, StringComparison.Ordinal);
        Assert.False(client.IsConnected);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task BrokerKilledOrStoppedThenBack_TlsClientReconnectsWithin10SecondsAndReceivesAgain(bool kill)
    {
        await using var broker = await StartTlsBrokerAsync(requireClientCertificate: false);
        var topic = $"edge-test/{Guid.NewGuid():N}/back";
        var options = Options(broker, $"tls-back-{(kill ? "kill" : "stop")}", cleanSession: false);
        options.Tls = new MqttTlsOptions { CaFile = _certs.CaCert };
        // The production backoff (1 s doubling to 5 s), not the tests' short one.
        options.ConnectRetryInitialDelay = new MqttClientOptions().ConnectRetryInitialDelay;
        options.ConnectRetryMaxDelay = new MqttClientOptions().ConnectRetryMaxDelay;
        await using var client = await ConnectedAsync(_env, options);
        await SubscribeAndWaitAsync(client, topic, MqttQos.AtLeastOnce);

        var down = NextEvent(client, MqttConnectionEventKind.Disconnected);
        if (kill)
        {
            broker.Kill();
        }
        else
        {
            await broker.StopAsync();
        }

        await down;

        // Stay away until the backoff has grown (1 s, 2 s, then 4 s before the next attempt): "how soon after"
        // is then measured against a long wait, not the first quick retry.
        var failures = 0;
        var longest = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Count(object? sender, MqttConnectionEvent e)
        {
            if (e.Kind == MqttConnectionEventKind.ConnectFailed && Interlocked.Increment(ref failures) == 3)
            {
                longest.TrySetResult();
            }
        }

        client.ConnectionChanged += Count;
        await longest.Task.WaitAsync(TimeSpan.FromSeconds(30));
        client.ConnectionChanged -= Count;

        var back = NextEvent(client, MqttConnectionEventKind.Connected);
        var since = System.Diagnostics.Stopwatch.StartNew();
        await broker.StartAsync();
        await back;
        Assert.True(since.Elapsed < TimeSpan.FromSeconds(10), $"reconnected {since.Elapsed.TotalSeconds:F1} s after the broker came back");

        await WaitForSubscriptionsAsync(client);
        await client.PublishAsync(topic, Utf8("after"), MqttQos.AtLeastOnce, false, CancellationToken.None);
        Assert.Equal("after", Text(await ReadAsync(client)));
    }

    private async Task<MosquittoBroker> StartTlsBrokerAsync(bool requireClientCertificate)
    {
        var options = new MosquittoBrokerOptions();
        foreach (var line in _certs.BrokerConfig)
        {
            options.ExtraConfig.Add(line);
        }

        if (requireClientCertificate)
        {
            options.ExtraConfig.Add("require_certificate true");
        }

        return await MosquittoBroker.StartAsync(options);
    }
}
