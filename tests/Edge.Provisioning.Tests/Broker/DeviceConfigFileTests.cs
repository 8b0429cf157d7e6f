using Edge.Firmware.Core;
using Edge.Protocol;
using Edge.Provisioning.Devices;

namespace Edge.Provisioning.Tests.Broker;

public sealed class DeviceConfigFileTests
{
    private static readonly DeviceConfigContent Config = new(
        "dev-01", "oak", "Care Net 5G", "wifi=pass#word", "edge-gw.local", 8883, "ca.pem", "dev-01.1", "Ab-_09xyzXYZ0123456789ab", DeviceMode.Streaming);

    [Fact]
    public void Render_ParsedByTheFirmwareParser_GivesBackEveryValue()
    {
        ProvisioningResult result = ProvisioningParser.Parse(DeviceConfigFile.Render(Config, DateTimeOffset.UnixEpoch));

        Assert.True(result.IsOk, string.Join("; ", result.Errors.Select(e => e.ToString())));
        SensorSettings s = result.Settings;
        Assert.Equal("dev-01", s.DeviceId);
        Assert.Equal("oak", s.Site);
        Assert.Equal("Care Net 5G", s.WifiSsid);
        Assert.Equal("wifi=pass#word", s.WifiPassword);
        Assert.Equal("edge-gw.local", s.BrokerHost);
        Assert.Equal(8883, s.BrokerPort);
        Assert.Equal("ca.pem", s.TlsCa);
        Assert.Equal("dev-01.1", s.MqttUsername);
        Assert.Equal("Ab-_09xyzXYZ0123456789ab", s.MqttPassword);
        Assert.Equal(DeviceMode.Streaming, s.Mode);
        Assert.Equal(new SensorSettings().ImpactThresholdMilliG, s.ImpactThresholdMilliG);
    }

    [Fact]
    public void Render_WritesEveryRequiredKeyOfTheFirmware()
    {
        string text = DeviceConfigFile.Render(Config, DateTimeOffset.UnixEpoch);

        Assert.All(ProvisioningKeys.Required, key => Assert.Contains("\n" + key + "=", "\n" + text, StringComparison.Ordinal));
    }

    [Fact]
    public void Render_ValueWithLineBreak_IsRefused()
    {
        var bad = Config with { WifiPassword = "two\nlines" };

        Assert.Throws<ProvisioningException>(() => DeviceConfigFile.Render(bad, DateTimeOffset.UnixEpoch));
    }
}
