using Edge.Firmware.Core;
using Edge.Protocol;

namespace Edge.Firmware.Tests;

/// <summary>The status reporter on its own: battery, heartbeat, flags, worn, and what a status carries.</summary>
public class StatusReporterTests
{
    private const long Second = 1_000_000;
    private const uint BootId = 0xB007;

    private readonly SensorSettings _settings = Rig.Defaults();
    private readonly MotionTracker _motion = new(50, 16);
    private readonly FaultLog _faults = new();
    private readonly StatusReporter _status;

    public StatusReporterTests() => _status = new StatusReporter(_settings, BootId, _motion, _faults);

    private static BatteryReading Battery(int millivolts = 4000, int percent = 80, bool charging = false, bool external = false) =>
        new() { Millivolts = millivolts, StateOfChargePercent = percent, Charging = charging, ExternalPower = external };

    private DeviceStatus Build(long nowUs) => _status.Build(nowUs, -60, 0, 0, 0);

    /// <summary>Builds and publishes a status at <paramref name="nowUs"/>; nothing is due afterwards.</summary>
    private void Send(long nowUs)
    {
        Build(nowUs);
        _status.Sent(nowUs);
    }

    private DeviceStatus Fill(long nowUs, int rssi = -60, int unsent = 0, long dropped = 0, long missed = 0)
    {
        var s = new DeviceStatus();
        _status.Fill(s, nowUs, rssi, unsent, dropped, missed);
        return s;
    }

    private void Move(long timeUs, short x) => _motion.Update(timeUs, x, 0, 2048);

    [Fact]
    public void Due_AtBoot_IsTrueUntilBuilt()
    {
        Assert.True(_status.Due);

        Build(0);

        Assert.False(_status.Due);
    }

    [Fact]
    public void NotSent_SessionRefusedTheStatus_MakesItDueAgain()
    {
        Build(0);

        _status.NotSent();

        Assert.True(_status.Due);
    }

    [Fact]
    public void BatteryDue_AtBootThenEveryPollInterval()
    {
        Assert.True(_status.BatteryDue(0));

        _status.BatteryRead(Battery(), 2 * Second);

        long next = (2 + _settings.BatteryPollSeconds) * Second;
        Assert.False(_status.BatteryDue(next - 1));
        Assert.True(_status.BatteryDue(next));
    }

    [Fact]
    public void Fill_BeforeAnyBatteryReading_ReportsTheChargeAsUnknown()
    {
        var s = Fill(0);

        Assert.Equal(DeviceStatus.UnknownStateOfCharge, s.StateOfChargePercent);
        Assert.Equal(0, s.BatteryMillivolts);
    }

    [Theory]
    [InlineData(-5, 80, 0, 80)]
    [InlineData(70_000, 80, 65535, 80)]
    [InlineData(4100, 101, 4100, DeviceStatus.UnknownStateOfCharge)]
    [InlineData(4100, -1, 4100, DeviceStatus.UnknownStateOfCharge)]
    [InlineData(3700, 0, 3700, 0)]
    public void Fill_BatteryOutOfRange_IsClampedOrUnknown(int millivolts, int percent, int expectedMv, int expectedPercent)
    {
        _status.BatteryRead(Battery(millivolts, percent), 0);

        var s = Fill(0);

        Assert.Equal(expectedMv, s.BatteryMillivolts);
        Assert.Equal(expectedPercent, s.StateOfChargePercent);
    }

    [Fact]
    public void Fill_CarriesIdentityModeRateUptimeAndCounters()
    {
        var s = Fill(125 * Second + 999_999, rssi: -71, unsent: 150, dropped: 3, missed: 9);

        Assert.Equal(("dev-1", BootId, SensorNode.FirmwareVersion), (s.DeviceId, s.BootId, s.FirmwareVersion));
        Assert.Equal(DeviceMode.Streaming, s.Mode);
        Assert.Equal(50, s.SampleRateHz);
        Assert.Equal(125u, s.UptimeSeconds);
        Assert.Equal(-71, s.RssiDbm);
        Assert.Equal(150, s.BufferedUnsent);
        Assert.Equal(3u, s.DroppedBatches);
        Assert.Equal(9u, s.MissedDeadlines);
    }

    [Theory]
    [InlineData(-200, -128)]
    [InlineData(5, 0)]
    [InlineData(0, 0)]
    public void Fill_RssiOutOfRange_IsClamped(int rssi, int expected)
    {
        Assert.Equal(expected, Fill(0, rssi: rssi).RssiDbm);
    }

    [Fact]
    public void Fill_CountersAboveTheirFields_AreCapped()
    {
        var s = Fill(0, unsent: 70_000);

        Assert.Equal(65535, s.BufferedUnsent);
    }

    [Fact]
    public void Fill_EachStatus_TakesTheNextSequenceNumber()
    {
        uint first = Fill(0).Sequence;
        uint second = Build(0).Sequence;
        uint third = Fill(0).Sequence;

        Assert.Equal((0u, 1u, 2u), (first, second, third));
    }

    [Fact]
    public void Flags_ChargingOnTheDock_ChargingExternalPowerNotWorn()
    {
        Move(0, 0);
        _status.BatteryRead(Battery(charging: true, external: true), 0);

        int flags = _status.Flags(Second);

        Assert.Equal(DeviceStatus.FlagOnline | DeviceStatus.FlagCharging | DeviceStatus.FlagExternalPower, flags);
        Assert.False(_status.IsWorn(Second));
    }

    [Fact]
    public void IsWorn_NoSampleYet_CountsAsWorn()
    {
        Assert.True(_status.IsWorn(10_000 * Second));
        Assert.Equal(DeviceStatus.FlagOnline | DeviceStatus.FlagWorn, _status.Flags(0));
    }

    [Fact]
    public void IsWorn_StillForNotWornAfter_IsNotWorn()
    {
        long notWorn = _settings.NotWornAfterSeconds * Second;
        Move(0, 0);
        Move(Second, 2000); // movement at 1 s

        Assert.True(_status.IsWorn(Second + notWorn - 1));
        Assert.False(_status.IsWorn(Second + notWorn));
    }

    [Fact]
    public void Fill_FaultActive_SetsTheFlagAndCopiesTheRecordUntilCleared()
    {
        _faults.Record(DeviceFault.Sensor, DeviceFaults.SensorReadsFailing, true);

        var active = Fill(0);
        _faults.Clear(DeviceFault.Sensor);
        var cleared = Fill(0);

        Assert.NotEqual(0, active.Flags & DeviceStatus.FlagFaultActive);
        Assert.Equal((DeviceFault.Sensor, DeviceFaults.SensorReadsFailing, (ushort)1), (active.FaultCode, active.FaultDetail, active.FaultCount));
        Assert.Equal(0, cleared.Flags & DeviceStatus.FlagFaultActive);
        Assert.Equal(DeviceFault.Sensor, cleared.FaultCode);
    }

    [Fact]
    public void CheckDue_AfterASend_OnlyAtTheHeartbeat()
    {
        Move(0, 0);
        _status.BatteryRead(Battery(), 0);
        Send(0);
        long heartbeat = _settings.HeartbeatSeconds * Second;

        _status.CheckDue(heartbeat - 1);
        Assert.False(_status.Due);

        _status.CheckDue(heartbeat);
        Assert.True(_status.Due);
    }

    [Theory]
    [InlineData(75, true)]
    [InlineData(76, false)]
    [InlineData(84, false)]
    [InlineData(85, true)]
    public void CheckDue_ChargeMoved_DueFromFivePointsEitherWay(int percentNow, bool due)
    {
        Move(0, 0);
        _status.BatteryRead(Battery(percent: 80), 0);
        Send(0);

        _status.BatteryRead(Battery(percent: percentNow), Second);
        _status.CheckDue(Second);

        Assert.Equal(due, _status.Due);
    }

    [Fact]
    public void CheckDue_PutOnTheCharger_IsDueAtOnce()
    {
        Move(0, 0);
        _status.BatteryRead(Battery(), 0);
        Send(0);

        _status.BatteryRead(Battery(external: true), Second);
        _status.CheckDue(Second);

        Assert.True(_status.Due);
    }

    [Fact]
    public void CheckDue_FaultRecordedWhileTheStatusWasPublished_IsDueAgain()
    {
        Move(0, 0);
        _status.BatteryRead(Battery(), 0);
        Build(0);
        _faults.Record(DeviceFault.BrokerRefused, 0x86, false); // after the status was built
        _status.Sent(0);

        _status.CheckDue(Second);

        Assert.True(_status.Due);
    }

    [Fact]
    public void CheckDue_FaultAlreadyInTheSentStatus_IsNotDue()
    {
        Move(0, 0);
        _status.BatteryRead(Battery(), 0);
        _faults.Record(DeviceFault.BrokerRefused, 0x86, false);
        Send(0);

        _status.CheckDue(Second);

        Assert.False(_status.Due);
    }

    [Fact]
    public void MarkDue_NewSession_IsDueWhateverChanged()
    {
        Move(0, 0);
        Send(0);

        _status.MarkDue();

        Assert.True(_status.Due);
    }

    [Fact]
    public void Sent_KeepsTheActivityReportedAndCountsLaterSecondsForTheNext()
    {
        Move(0, 0);
        Move(1 * Second, 2000);
        Move(2 * Second, 0); // active seconds 1 and 2, peak ~1.4 g
        var built = Build(2 * Second);
        Move(3 * Second, 2000); // while the status is being published

        _status.Sent(3 * Second);

        Assert.Equal(2, built.ActiveSeconds);
        Assert.Equal(2, _status.LastActiveSeconds);
        Assert.Equal(built.MaxMagnitudeMilliG, _status.LastMaxMagnitudeMilliG);
        Assert.True(built.MaxMagnitudeMilliG > 1000);
        Assert.Equal(1, _motion.ActiveSeconds); // second 3 goes into the next status
        Assert.Equal(0, _motion.MaxMagnitudeMilliG);
    }
}
