using System.Text;
using Edge.Firmware.Core;
using Edge.Protocol;

namespace Edge.Firmware.Tests;

/// <summary>The fault record the status carries: recorded by the shell, sent at once, active while the condition lasts.</summary>
public class FaultTests
{
    [Fact]
    public void Status_NoFault_CarriesZeroCodeAndNoActiveFlag()
    {
        var rig = new Rig();
        rig.Run(1_000_000);

        var s = rig.Publisher.Statuses.First();
        Assert.Equal(DeviceFault.None, s.FaultCode);
        Assert.Equal(0, s.FaultCount);
        Assert.False(s.FaultActive);
    }

    [Fact]
    public void RecordFault_BrokerRefusedWhileDown_FirstStatusAfterReconnectSaysSo()
    {
        var rig = new Rig(connected: false);
        rig.Publisher.ConnectResults.Enqueue(false);
        rig.Publisher.ConnectResults.Enqueue(false);

        // The adapter records the refusal on each failed connect, as M2MqttPublisher does.
        rig.Publisher.OnConnectFailed = () => rig.Node.Faults.Record(DeviceFault.BrokerRefused, 0x87, false);
        rig.Run(5_000_000);

        var s = rig.Publisher.Statuses.First();
        Assert.Equal(DeviceFault.BrokerRefused, s.FaultCode);
        Assert.Equal(0x87, s.FaultDetail);
        Assert.Equal(2, s.FaultCount);
        Assert.False(s.FaultActive);
    }

    [Fact]
    public void RecordFault_WhileConnected_SendsAStatusAtOnceNotAtTheHeartbeat()
    {
        var rig = new Rig();
        rig.Run(5_000_000);
        Assert.Single(rig.Publisher.Statuses);

        rig.Node.Faults.Record(DeviceFault.Sensor, DeviceFaults.SensorWrongChip, true);
        rig.Run(100_000);

        var s = rig.Publisher.Statuses.Last();
        Assert.Equal(2, rig.Publisher.Statuses.Count());
        Assert.Equal(DeviceFault.Sensor, s.FaultCode);
        Assert.True(s.FaultActive);

        rig.Node.Faults.Clear(DeviceFault.Sensor);
        rig.Run(100_000);
        var cleared = rig.Publisher.Statuses.Last();
        Assert.Equal(3, rig.Publisher.Statuses.Count());
        Assert.Equal(DeviceFault.Sensor, cleared.FaultCode);
        Assert.False(cleared.FaultActive);
    }

    [Fact]
    public void SampleReads_FailForASecond_RaiseAnActiveSensorFaultThatClearsWhenReadsWork()
    {
        var rig = new Rig();
        rig.Run(2_000_000);
        rig.Accel.Fail = true;
        rig.Run(900_000);
        Assert.False(rig.Node.Faults.Active); // a glitch of under a second is only counted

        rig.Run(200_000);
        Assert.True(rig.Node.Faults.Active);
        Assert.Equal(DeviceFault.Sensor, rig.Node.Faults.Code);
        Assert.Equal(DeviceFaults.SensorReadsFailing, rig.Node.Faults.Detail);
        Assert.True(rig.Publisher.Statuses.Last().FaultActive);

        rig.Accel.Fail = false;
        rig.Run(100_000);
        Assert.False(rig.Node.Faults.Active);
        Assert.False(rig.Publisher.Statuses.Last().FaultActive);
        Assert.Equal(1, rig.Node.Faults.Count);
    }

    [Fact]
    public void Record_SameActiveFaultAgain_IsNotCountedTwice()
    {
        var log = new FaultLog();
        log.Record(DeviceFault.Sensor, 2, true);
        log.Record(DeviceFault.Sensor, 2, true);
        log.Record(DeviceFault.WiFi, 4, false);
        log.Record(DeviceFault.WiFi, 4, false);

        Assert.Equal(3, log.Count);
        Assert.Equal(DeviceFault.WiFi, log.Code);
        Assert.False(log.Active);
    }

    [Fact]
    public void SampleReads_FailingAfterTheShellReportedAWrongChip_KeepTheWrongChipDetail()
    {
        var rig = new Rig();
        rig.Node.Faults.Record(DeviceFault.Sensor, DeviceFaults.SensorWrongChip, true);
        rig.Accel.Fail = true;
        rig.Run(3_000_000);

        Assert.Equal(DeviceFaults.SensorWrongChip, rig.Node.Faults.Detail);
        Assert.Equal(1, rig.Node.Faults.Count);
        Assert.All(rig.Publisher.Statuses, s => Assert.Equal(DeviceFaults.SensorWrongChip, s.FaultDetail));
    }

    [Fact]
    public void Clear_AnotherFault_LeavesTheActiveOneActive()
    {
        var log = new FaultLog();
        log.Record(DeviceFault.Sensor, 1, true);
        log.Clear(DeviceFault.PowerMonitor);

        Assert.True(log.Active);
    }
}

/// <summary>The CA file as the nanoFramework certificate parser needs it: PEM text ending in one NUL.</summary>
public class PemCertificateTests
{
    private const string Pem = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2Vy\n-----END CERTIFICATE-----\n";

    [Fact]
    public void NulTerminated_PemFile_EndsInExactlyOneNulAfterTheText()
    {
        byte[] file = Encoding.ASCII.GetBytes(Pem);

        byte[] pem = PemCertificate.NulTerminated(file, file.Length)!;

        Assert.Equal(file.Length + 1, pem.Length);
        Assert.Equal(0, pem[^1]);
        Assert.Equal(Pem, Encoding.ASCII.GetString(pem, 0, pem.Length - 1));
    }

    [Fact]
    public void NulTerminated_FileAlreadyEndingInNuls_KeepsOne()
    {
        byte[] file = [.. Encoding.ASCII.GetBytes(Pem), 0, 0];

        byte[] pem = PemCertificate.NulTerminated(file, file.Length)!;

        Assert.Equal(Pem.Length + 1, pem.Length);
        Assert.Equal(0, pem[^1]);
        Assert.NotEqual(0, pem[^2]);
    }

    [Fact]
    public void NulTerminated_Utf8ByteOrderMark_IsDropped()
    {
        byte[] file = [0xEF, 0xBB, 0xBF, .. Encoding.ASCII.GetBytes(Pem)];

        byte[] pem = PemCertificate.NulTerminated(file, file.Length)!;

        Assert.Equal((byte)'-', pem[0]);
        Assert.Equal(Pem.Length + 1, pem.Length);
    }

    [Fact]
    public void NulTerminated_UsesOnlyTheGivenLength()
    {
        byte[] file = [.. Encoding.ASCII.GetBytes(Pem), (byte)'x', (byte)'y'];

        byte[] pem = PemCertificate.NulTerminated(file, Pem.Length)!;

        Assert.Equal(Pem.Length + 1, pem.Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\n")]
    [InlineData("-----BEGIN CERTIFICATE-----\nabc\n")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----\n")]
    public void NulTerminated_NotAPemCertificate_IsNull(string text)
    {
        byte[] file = Encoding.ASCII.GetBytes(text);

        Assert.Null(PemCertificate.NulTerminated(file, file.Length));
    }

    [Fact]
    public void NulTerminated_DerBinaryOrNulInside_IsNull()
    {
        byte[] der = [0x30, 0x82, 0x01, 0xB3, 0x30, 0x82];
        byte[] nulInside = [.. Encoding.ASCII.GetBytes("-----BEGIN CERTIFICATE-----\n"), 0, .. Encoding.ASCII.GetBytes("-----END CERTIFICATE-----\n")];

        Assert.Null(PemCertificate.NulTerminated(der, der.Length));
        Assert.Null(PemCertificate.NulTerminated(nulInside, nulInside.Length));
        Assert.Null(PemCertificate.NulTerminated(null!, 0));
    }
}
