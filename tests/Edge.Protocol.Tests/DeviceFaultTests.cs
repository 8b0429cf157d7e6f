using Edge.Protocol;

namespace Edge.Protocol.Tests;

/// <summary>The fault codes of the status message: distinct, named, described, and the last one is the decoder's bound.</summary>
public class DeviceFaultTests
{
    [Fact]
    public void Name_EveryDefinedFault_HasADistinctStableName()
    {
        var names = Enum.GetValues<DeviceFault>().Select(DeviceFaults.Name).ToList();

        Assert.Equal(["none", "certificate", "wifi", "broker_unreachable", "broker_refused", "sensor", "power_monitor", "crash"], names);
        Assert.Equal(DeviceFault.Crash, Enum.GetValues<DeviceFault>().Max());
        Assert.Equal(DeviceFaults.Last, Enum.GetValues<DeviceFault>().Max());
    }

    [Theory]
    [InlineData(DeviceFault.Certificate, DeviceFaults.CertificateMissing, "CA certificate: file missing")]
    [InlineData(DeviceFault.Certificate, DeviceFaults.CertificateRefused, "CA certificate: refused by the TLS stack")]
    [InlineData(DeviceFault.WiFi, 4, "Wi-Fi join failed: TokenExpiredWaitingIPAddress")]
    [InlineData(DeviceFault.WiFi, 6, "Wi-Fi join failed: ErrorConnetingToWiFiWhileScanning")]
    [InlineData(DeviceFault.BrokerUnreachable, DeviceFaults.BrokerSocketError, "broker unreachable: socket error (host, port or broker down)")]
    [InlineData(DeviceFault.BrokerRefused, 0x87, "broker refused the connection: not authorized (0x87)")]
    [InlineData(DeviceFault.BrokerRefused, 0x86, "broker refused the connection: bad user name or password (0x86)")]
    [InlineData(DeviceFault.Sensor, DeviceFaults.SensorWrongChip, "accelerometer fault: WHO_AM_I is not an MPU6886")]
    [InlineData(DeviceFault.Crash, DeviceFaults.CrashInNetwork, "rebooted after an unhandled exception in the network thread")]
    public void Describe_FaultAndDetail_SaysWhatFailedInWords(DeviceFault fault, int detail, string expected)
    {
        Assert.Equal(expected, DeviceFaults.Describe(fault, detail));
    }

    [Fact]
    public void Describe_CertificateWiFiAndBroker_AreTellable()
    {
        // The technician must be able to tell these three apart from the board alone.
        string[] lines =
        [
            DeviceFaults.Describe(DeviceFault.Certificate, DeviceFaults.CertificateNotPem),
            DeviceFaults.Describe(DeviceFault.WiFi, 4),
            DeviceFaults.Describe(DeviceFault.BrokerUnreachable, DeviceFaults.BrokerOtherError),
            DeviceFaults.Describe(DeviceFault.BrokerRefused, 0x87),
        ];

        Assert.Equal(lines.Length, lines.Select(l => l.Split(':')[0]).Distinct().Count());
    }

    [Fact]
    public void RoundTrip_StatusWithFault_KeepsCodeDetailCountAndActiveFlag()
    {
        DeviceStatus m = GoldenVectors.StatusSensorFault();

        DeviceStatus back = WireDecoder.Decode(WireEncoder.ToBytes(m)).DeviceStatus!;

        Assert.Equal(DeviceFault.Sensor, back.FaultCode);
        Assert.Equal(DeviceFaults.SensorWrongChip, back.FaultDetail);
        Assert.Equal(1, back.FaultCount);
        Assert.True(back.FaultActive);
    }
}
