using Edge.Mqtt.Native;
using Microsoft.Extensions.Options;

namespace Edge.Mqtt.IntegrationTests;

public sealed class NativeLibraryAndOptionsTests
{
    [Fact]
    public void ProbeVersion_MissingSoname_NamesTheDebianPackage()
    {
        var ex = Assert.Throws<MqttNativeLibraryException>(() => MosquittoLibrary.ProbeVersion("libmosquitto-missing.so.1"));

        Assert.Equal(
            "libmosquitto-missing.so.1 not found: install the Debian package libmosquitto1 (apt-get install libmosquitto1).",
            ex.Message);
    }

    [Fact]
    public void ProbeVersion_LibraryWithoutMosquittoExports_SaysItIsNotLibmosquitto()
    {
        var ex = Assert.Throws<MqttNativeLibraryException>(() => MosquittoLibrary.ProbeVersion("libc.so.6"));

        Assert.Contains("not libmosquitto", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProbeVersion_InstalledLibrary_ReportsVersion2OrNewer()
    {
        var version = MosquittoLibrary.ProbeVersion("libmosquitto.so.1");

        Assert.True(version >= new Version(2, 0, 0), $"version {version}");
        Assert.Equal(version, MosquittoLibrary.EnsureInitialized());
    }

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
            Tls = new MqttTlsOptions { CaFile = "/nonexistent/ca.crt", CertFile = "/nonexistent/c.crt" },
            Will = new MqttWillOptions { Topic = "sensors/+/status" },
        };

        var ex = Assert.Throws<OptionsValidationException>(() => new MosquittoMqttClient(options));

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
        Assert.Equal(9, ex.Failures.Count());
    }

    [Fact]
    public void Validate_DefaultOptions_Succeed()
    {
        var result = new MqttClientOptionsValidator().Validate(null, new MqttClientOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }
}
