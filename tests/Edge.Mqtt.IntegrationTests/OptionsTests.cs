using Edge.TestKit;
using Microsoft.Extensions.Options;

namespace Edge.Mqtt.IntegrationTests;

public sealed class OptionsTests : IDisposable
{
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    [Fact]
    public void Constructor_InvalidOptions_ReportsEveryError()
    {
        var options = new MqttClientOptions
        {
            Host = "",
            Port = 0,
            CleanSession = false,
            ClientId = null,
            Password = "secret",
            MaxInflightMessages = 50,
            OutgoingQueueCapacity = 10,
            SocketBufferSize = 1024,
            Tls = new MqttTlsOptions { CaFile = "/nonexistent/ca.crt", CertFile = "/nonexistent/c.crt" },
            Will = new MqttWillOptions { Topic = "sensors/+/status" },
        };

        var ex = Assert.Throws<OptionsValidationException>(() => new MqttNetClient(options, _env.Logger<MqttNetClient>()));

        var text = string.Join('\n', ex.Failures);
        Assert.Contains("Mqtt:Host", text, StringComparison.Ordinal);
        Assert.Contains("Mqtt:Port", text, StringComparison.Ordinal);
        Assert.Contains("Mqtt:ClientId is required when CleanSession is false", text, StringComparison.Ordinal);
        Assert.Contains("Mqtt:Password needs Mqtt:Username", text, StringComparison.Ordinal);
        Assert.Contains("OutgoingQueueCapacity (10) must be at least MaxInflightMessages (50)", text, StringComparison.Ordinal);
        Assert.Contains("CaFile '/nonexistent/ca.crt' does not exist", text, StringComparison.Ordinal);
        Assert.Contains("CertFile and Mqtt:Tls:KeyFile must be given together", text, StringComparison.Ordinal);
        Assert.Contains("file '/nonexistent/c.crt' does not exist", text, StringComparison.Ordinal);
        Assert.Contains("Will:Topic", text, StringComparison.Ordinal);
        Assert.Contains("Mqtt:SocketBufferSize must be 4096..67108864 bytes (was 1024)", text, StringComparison.Ordinal);
        Assert.Equal(10, ex.Failures.Count());
    }

    [Fact]
    public void Validate_DefaultOptions_Succeed()
    {
        var result = new MqttClientOptionsValidator().Validate(null, new MqttClientOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_ReceiveMaximumWithMqtt311_SaysItNeedsMqtt5()
    {
        var result = new MqttClientOptionsValidator().Validate(null, new MqttClientOptions { ReceiveMaximum = 100 });

        Assert.True(result.Failed);
        Assert.Contains("Mqtt:ReceiveMaximum needs Mqtt:ProtocolVersion V500", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_CaFileWithoutCertificate_FailsClearly()
    {
        var empty = Path.GetTempFileName();
        try
        {
            var options = new MqttClientOptions { Tls = new MqttTlsOptions { CaFile = empty } };

            var ex = Assert.Throws<MqttException>(() => new MqttNetClient(options, _env.Logger<MqttNetClient>()));

            Assert.Contains("holds no PEM certificate", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(empty);
        }
    }
}
