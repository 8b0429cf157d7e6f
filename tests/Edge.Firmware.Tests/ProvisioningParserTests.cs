using Edge.Firmware.Core;
using Edge.Protocol;

namespace Edge.Firmware.Tests;

public class ProvisioningParserTests
{
    private const string Good = """
        # Wearable provisioning, room 12
        device_id=res-012
        site=rosewood
        wifi_ssid=Rosewood Care
        wifi_password=correct horse battery
        broker_host=10.0.0.2
        broker_port=8883
        tls_ca=ca.pem
        mqtt_username=res-012
        mqtt_password=s3cr=t#1
        sample_rate_hz=50
        mode=triggered
        impact_threshold_mg=1500
        freefall_threshold_mg=600
        pre_trigger_s=5
        post_trigger_s=10
        batch_interval_ms=1000
        heartbeat_s=60
        not_worn_after_s=1800
        """;

    private static ConfigError[] Errors(string text) => ProvisioningParser.Parse(text).Errors;

    private static string Replace(string key, string line) =>
        string.Join('\n', Good.Split('\n').Select(l => l.StartsWith(key + "=", StringComparison.Ordinal) ? line : l));

    private static string Without(string key) =>
        string.Join('\n', Good.Split('\n').Where(l => !l.StartsWith(key + "=", StringComparison.Ordinal)));

    [Fact]
    public void Parse_GoodFile_GivesSettings()
    {
        var r = ProvisioningParser.Parse(Good.Replace("\n", "\r\n", StringComparison.Ordinal));
        Assert.True(r.IsOk, string.Join("; ", r.Errors.Select(e => e.ToString())));
        var s = r.Settings;
        Assert.Equal("res-012", s.DeviceId);
        Assert.Equal("Rosewood Care", s.WifiSsid);
        Assert.Equal("s3cr=t#1", s.MqttPassword);
        Assert.Equal(8883, s.BrokerPort);
        Assert.Equal(DeviceMode.Triggered, s.Mode);
        Assert.Equal(1500, s.ImpactThresholdMilliG);
        Assert.Equal(10, s.PostTriggerSeconds);
    }

    [Fact]
    public void Parse_OptionalKeysAbsent_UsesBehaviourDefaults()
    {
        var minimal = string.Join('\n', Good.Split('\n').Take(10));
        var r = ProvisioningParser.Parse(minimal);
        Assert.True(r.IsOk, string.Join("; ", r.Errors.Select(e => e.ToString())));
        Assert.Equal(50, r.Settings.SampleRateHz);
        Assert.Equal(SensorSettings.DefaultImpactThresholdMilliG, r.Settings.ImpactThresholdMilliG);
    }

    [Theory]
    [InlineData("device_id")]
    [InlineData("site")]
    [InlineData("wifi_ssid")]
    [InlineData("wifi_password")]
    [InlineData("broker_host")]
    [InlineData("tls_ca")]
    public void Parse_RequiredKeyMissing_NamesIt(string key)
    {
        var e = Assert.Single(Errors(Without(key)));
        Assert.Equal(key + ": missing; it is required and has no default", e.ToString());
    }

    [Theory]
    [InlineData("mqtt_username")]
    [InlineData("mqtt_password")]
    public void Parse_CredentialMissing_SaysThereAreNoDefaultCredentials(string key)
    {
        var e = Assert.Single(Errors(Without(key)));
        Assert.Equal(key + ": missing; it is required and there are no built-in default credentials", e.ToString());
    }

    [Fact]
    public void Parse_EmptyFile_ReportsEveryRequiredKey()
    {
        var errors = Errors(string.Empty);
        Assert.Equal(ProvisioningKeys.Required, errors.Select(e => e.Key));
    }

    [Fact]
    public void Parse_EmptyPassword_IsAnErrorOnItsLine()
    {
        var e = Assert.Single(Errors(Replace("mqtt_password", "mqtt_password=  ")));
        Assert.Equal("line 10: mqtt_password: has no value after '='", e.ToString());
    }

    [Theory]
    [InlineData("broker_port=88x3", "line 7: broker_port: '88x3' is not a whole number (digits only, no units or decimals)")]
    [InlineData("broker_port=70000", "line 7: broker_port: 70000 is not a TCP port; allowed 1 to 65535")]
    [InlineData("broker_port=0", "line 7: broker_port: 0 is not a TCP port; allowed 1 to 65535")]
    [InlineData("sample_rate_hz=50.0", "line 11: sample_rate_hz: '50.0' is not a whole number (digits only, no units or decimals)")]
    [InlineData("sample_rate_hz=5000", "line 11: sample_rate_hz: 5000 Hz is out of range; allowed 10 to 1000 Hz")]
    [InlineData("sample_rate_hz=30", "line 11: sample_rate_hz: 30 Hz does not give a whole-microsecond period; use a rate that divides 1000000 (e.g. 25, 50, 100, 200)")]
    [InlineData("mode=stream", "line 12: mode: 'stream' is not a mode; use streaming or triggered")]
    [InlineData("impact_threshold_mg=900", "line 13: impact_threshold_mg: 900 mg is out of range; allowed 1100 to 15999 mg")]
    [InlineData("impact_threshold_mg=2 g", "line 13: impact_threshold_mg: '2 g' is not a whole number (digits only, no units or decimals)")]
    [InlineData("freefall_threshold_mg=1200", "line 14: freefall_threshold_mg: 1200 mg is out of range; allowed 50 to 950 mg")]
    [InlineData("pre_trigger_s=0", "line 15: pre_trigger_s: 0 s is out of range; allowed 1 to 30 s")]
    [InlineData("pre_trigger_s=12", "history_s: 10 s must be longer than pre_trigger_s (12 s), so the samples before a trigger are still held when it fires")]
    [InlineData("post_trigger_s=-3", "line 16: post_trigger_s: -3 s is out of range; allowed 1 to 60 s")]
    [InlineData("batch_interval_ms=50", "line 17: batch_interval_ms: 50 ms is out of range; allowed 100 to 10000 ms")]
    [InlineData("batch_interval_ms=6000", "line 17: batch_interval_ms: 6000 ms at 50 Hz must give a whole number of samples per batch between 1 and 256")]
    [InlineData("heartbeat_s=1", "line 18: heartbeat_s: 1 s is out of range; allowed 5 to 3600 s")]
    [InlineData("not_worn_after_s=99999999999", "line 19: not_worn_after_s: '99999999999' is not a whole number (digits only, no units or decimals)")]
    [InlineData("device_id=room/12", "line 2: device_id: 'room/12' is not a device id; use 1 to 32 characters of A-Z, a-z, 0-9, '-' and '_'")]
    [InlineData("site=rose wood", "line 3: site: 'rose wood' is not a site id; use 1 to 32 characters of A-Z, a-z, 0-9, '-' and '_'")]
    [InlineData("wifi_ssid=an-ssid-that-is-longer-than-thirty-two", "line 4: wifi_ssid: is 38 characters; an SSID has at most 32")]
    [InlineData("wifi_password=short", "line 5: wifi_password: is 5 characters; a WPA2 passphrase has 8 to 63")]
    [InlineData("broker_host=gate way", "line 6: broker_host: 'gate way' contains a space; give a host name or IP address")]
    [InlineData("tls_ca=certs/ca.pem", "line 8: tls_ca: 'certs/ca.pem' is not a file name on I:\\ (no spaces or '/'), e.g. ca.pem")]
    public void Parse_BadValue_GivesLineKeyAndReason(string line, string expected)
    {
        var key = line[..line.IndexOf('=', StringComparison.Ordinal)];
        var errors = Errors(Replace(key, line));
        var e = Assert.Single(errors);
        Assert.Equal(expected, e.ToString());
    }

    [Fact]
    public void Parse_UnknownKey_IsAnError()
    {
        var e = Assert.Single(Errors(Good + "\nbrokr_host=10.0.0.3"));
        Assert.Equal("line 20: brokr_host: is not a known key (keys are lower case, e.g. broker_host); check the spelling", e.ToString());
    }

    [Fact]
    public void Parse_RepeatedKey_IsAnErrorNamingTheFirstLine()
    {
        var e = Assert.Single(Errors(Good + "\nbroker_port=1883"));
        Assert.Equal("line 20: broker_port: is set again; it was already set on line 7", e.ToString());
    }

    [Fact]
    public void Parse_LineWithoutEquals_IsAnError()
    {
        var e = Assert.Single(Errors(Good + "\njust some words"));
        Assert.Equal("line 20: 'just some words' is not a key=value line", e.ToString());
    }

    [Fact]
    public void Parse_LineWithoutKey_IsAnError()
    {
        var e = Assert.Single(Errors(Good + "\n=value"));
        Assert.Equal("line 20: the line has no key before '='", e.ToString());
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsAllInLineOrder()
    {
        var text = Replace("broker_port", "broker_port=abc");
        text = Replace("mode", "mode=fast").Replace("broker_port=8883", "broker_port=abc", StringComparison.Ordinal);
        text = string.Join('\n', text.Split('\n').Where(l => !l.StartsWith("mqtt_password", StringComparison.Ordinal)));
        var errors = Errors(text);
        Assert.Equal(["broker_port", "mode", "mqtt_password"], errors.Select(e => e.Key));
        Assert.Equal([7, 11, 0], errors.Select(e => e.Line)); // mode moved up a line with mqtt_password gone
    }

    [Fact]
    public void Parse_HistoryNotLongerThanPreTrigger_IsACrossFieldError()
    {
        var e = Assert.Single(Errors(Good + "\nhistory_s=5"));
        Assert.Equal("line 20: history_s: 5 s must be longer than pre_trigger_s (5 s), so the samples before a trigger are still held when it fires", e.ToString());
    }

    [Theory]
    [InlineData("0", true, 0)]
    [InlineData("-12", true, -12)]
    [InlineData("999999999", true, 999_999_999)]
    [InlineData("1000000000", false, 0)]
    [InlineData("+5", false, 0)]
    [InlineData("-", false, 0)]
    [InlineData("", false, 0)]
    [InlineData("1e3", false, 0)]
    [InlineData("0x10", false, 0)]
    public void TryParseInt_Inputs_ParseOnlyPlainDecimals(string text, bool ok, int value)
    {
        Assert.Equal(ok, ProvisioningParser.TryParseInt(text, out var v));
        Assert.Equal(value, v);
    }
}
