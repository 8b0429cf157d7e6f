using System.Globalization;
using System.Text;
using Edge.Firmware.Core;
using Edge.Protocol;

namespace Edge.Provisioning.Devices;

/// <summary>What goes into one sensor's config file.</summary>
/// <param name="DeviceId">Device id (topics).</param>
/// <param name="Site">Site id (topics).</param>
/// <param name="WifiSsid">The sensors' Wi-Fi network.</param>
/// <param name="WifiPassword">Its WPA2 passphrase (a secret).</param>
/// <param name="BrokerHost">Host name or IP address of the gateway's broker, as in its certificate.</param>
/// <param name="BrokerPort">TLS port.</param>
/// <param name="TlsCaFileName">The CA file's name on the sensor's flash.</param>
/// <param name="MqttUsername">The device's MQTT user name.</param>
/// <param name="MqttPassword">The device's MQTT password (a secret).</param>
/// <param name="Mode">Streaming or triggered.</param>
public sealed record DeviceConfigContent(
    string DeviceId,
    string Site,
    string WifiSsid,
    string WifiPassword,
    string BrokerHost,
    int BrokerPort,
    string TlsCaFileName,
    string MqttUsername,
    string MqttPassword,
    DeviceMode Mode);

/// <summary>
/// Writes the sensor's provisioning file (config.txt on the device's I:\ drive), in exactly the
/// format <see cref="ProvisioningParser"/> (the firmware core) reads: <c>key=value</c> lines with the
/// parser's own key names, and the firmware's own defaults for rate and thresholds written out so the
/// technician sees them. This is the only place that writes the format.
/// </summary>
public static class DeviceConfigFile
{
    /// <summary>Renders the file text.</summary>
    public static string Render(DeviceConfigContent config, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(config);
        var defaults = new SensorSettings();
        var b = new StringBuilder();
        b.AppendLine(CultureInfo.InvariantCulture, $"# Edge fall sensor '{config.DeviceId}' of site '{config.Site}', written by 'edge provision' at {now:u}.");
        b.AppendLine("# SECRET: holds the sensor's MQTT and Wi-Fi passwords. Flash it as config.txt together with " + config.TlsCaFileName + ",");
        b.AppendLine("# then delete this copy (the broker keeps only a hash; 'replace device' issues a new one).");
        Line(b, ProvisioningKeys.DeviceId, config.DeviceId);
        Line(b, ProvisioningKeys.Site, config.Site);
        Line(b, ProvisioningKeys.WifiSsid, config.WifiSsid);
        Line(b, ProvisioningKeys.WifiPassword, config.WifiPassword);
        Line(b, ProvisioningKeys.BrokerHost, config.BrokerHost);
        Line(b, ProvisioningKeys.BrokerPort, config.BrokerPort.ToString(CultureInfo.InvariantCulture));
        Line(b, ProvisioningKeys.TlsCa, config.TlsCaFileName);
        Line(b, ProvisioningKeys.MqttUsername, config.MqttUsername);
        Line(b, ProvisioningKeys.MqttPassword, config.MqttPassword);
        b.AppendLine("# Behaviour: the firmware's defaults, written out. The gateway may change them later over .../config.");
        Line(b, ProvisioningKeys.SampleRateHz, defaults.SampleRateHz.ToString(CultureInfo.InvariantCulture));
        Line(b, ProvisioningKeys.Mode, config.Mode == DeviceMode.Streaming ? "streaming" : "triggered");
        Line(b, ProvisioningKeys.ImpactThresholdMilliG, defaults.ImpactThresholdMilliG.ToString(CultureInfo.InvariantCulture));
        Line(b, ProvisioningKeys.FreeFallThresholdMilliG, defaults.FreeFallThresholdMilliG.ToString(CultureInfo.InvariantCulture));
        Line(b, ProvisioningKeys.FreeFallMinMs, defaults.FreeFallMinMs.ToString(CultureInfo.InvariantCulture));
        Line(b, ProvisioningKeys.PreTriggerSeconds, defaults.PreTriggerSeconds.ToString(CultureInfo.InvariantCulture));
        Line(b, ProvisioningKeys.PostTriggerSeconds, defaults.PostTriggerSeconds.ToString(CultureInfo.InvariantCulture));
        return b.ToString();
    }

    private static void Line(StringBuilder b, string key, string value)
    {
        // The parser trims values and reads lines: a value with a line break or edge spaces would not
        // round-trip. Everything written here is generated or validated first; this guards the format.
        if (value.Length == 0 || value.Contains('\n', StringComparison.Ordinal) || value.Contains('\r', StringComparison.Ordinal) || value.Trim() != value)
        {
            throw new ProvisioningException($"The value for {key} cannot be written to a device config file (empty, line break, or leading/trailing space).");
        }

        b.Append(key).Append('=').Append(value).Append('\n');
    }
}
