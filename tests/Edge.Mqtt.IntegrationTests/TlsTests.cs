using Edge.TestKit;
using static Edge.Mqtt.IntegrationTests.MqttTestHelpers;

namespace Edge.Mqtt.IntegrationTests;

public sealed class TlsTests : IAsyncLifetime
{
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
        await using var client = await ConnectedAsync(options);
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
        await using var client = await ConnectedAsync(options);

        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task ConnectAsync_WrongCa_FailsWithCertificateError()
    {
        await using var broker = await StartTlsBrokerAsync(requireClientCertificate: false);
        var options = Options(broker);
        options.Tls = new MqttTlsOptions { CaFile = _certs.OtherCaCert };
        await using var client = new MosquittoMqttClient(options);
        var tlsEvent = NextEvent(client, MqttConnectionEventKind.TlsError);
        using var cts = new CancellationTokenSource(WaitLimit);

        var ex = await Assert.ThrowsAsync<MqttConnectException>(() => client.ConnectAsync(cts.Token));

        Assert.Contains("certificate verify failed", ex.Message, StringComparison.Ordinal);
        Assert.Contains("certificate verify failed", (await tlsEvent).Message, StringComparison.Ordinal);
        Assert.False(client.IsConnected);
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
