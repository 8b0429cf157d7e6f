using Edge.Gateway.Supervision;
using Edge.Protocol;

namespace Edge.Gateway.Tests.Supervision;

/// <summary>The device board shows the fault a device reports in its status, in words, told apart by kind.</summary>
public class DeviceFaultBoardTests
{
    private static async Task<DeviceBoardEntry> BoardAfterAsync(TestGateway gw, string device, byte[] status)
    {
        gw.Offer(device, "status", status);
        await gw.DrainAsync();
        await gw.Supervisor.EvaluateAsync(CancellationToken.None);
        return gw.Supervisor.GetBoard().Single(d => d.DeviceId == device);
    }

    [Fact]
    public async Task Board_NoFault_ShowsNone()
    {
        await using var gw = await TestGateway.CreateAsync();

        var row = await BoardAfterAsync(gw, "dev1", Messages.Status("dev1", 1));

        Assert.Null(row.Fault);
        Assert.False(row.FaultActive);
    }

    [Theory]
    [InlineData(DeviceFault.Certificate, DeviceFaults.CertificateRefused, "CA certificate: refused by the TLS stack (1 since boot)")]
    [InlineData(DeviceFault.WiFi, 4, "Wi-Fi join failed: TokenExpiredWaitingIPAddress (1 since boot)")]
    [InlineData(DeviceFault.BrokerUnreachable, DeviceFaults.BrokerSocketError, "broker unreachable: socket error (host, port or broker down) (1 since boot)")]
    [InlineData(DeviceFault.BrokerRefused, 0x87, "broker refused the connection: not authorized (0x87) (1 since boot)")]
    public async Task Board_CertificateWiFiOrBrokerFaultAfterReconnect_IsShownInWords(DeviceFault fault, byte detail, string expected)
    {
        await using var gw = await TestGateway.CreateAsync();

        var row = await BoardAfterAsync(gw, "dev1", Messages.Status("dev1", 1, fault: fault, faultDetail: detail, faultCount: 1));

        Assert.Equal(expected, row.Fault);
        Assert.False(row.FaultActive);
    }

    [Fact]
    public async Task Board_ActiveSensorFault_IsMarkedNow_AndClearsToPastWhenTheDeviceSaysSo()
    {
        await using var gw = await TestGateway.CreateAsync();

        var row = await BoardAfterAsync(gw, "dev1", Messages.Status("dev1", 1, fault: DeviceFault.Sensor, faultDetail: DeviceFaults.SensorWrongChip, faultCount: 1, faultActive: true));
        Assert.Equal("accelerometer fault: WHO_AM_I is not an MPU6886 (now)", row.Fault);
        Assert.True(row.FaultActive);

        row = await BoardAfterAsync(gw, "dev1", Messages.Status("dev1", 2, fault: DeviceFault.Sensor, faultDetail: DeviceFaults.SensorWrongChip, faultCount: 1));
        Assert.False(row.FaultActive);
        Assert.EndsWith("(1 since boot)", row.Fault, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Board_LastWill_HidesTheFaultOfTheOnlineStatus()
    {
        await using var gw = await TestGateway.CreateAsync();
        await BoardAfterAsync(gw, "dev1", Messages.Status("dev1", 1, fault: DeviceFault.Crash, faultDetail: DeviceFaults.CrashInNetwork, faultCount: 1));

        var row = await BoardAfterAsync(gw, "dev1", Messages.Status("dev1", 0, online: false));

        Assert.Null(row.Fault);
    }
}
