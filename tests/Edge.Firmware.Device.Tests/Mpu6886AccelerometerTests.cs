using System.Device.I2c;
using Edge.Protocol;

namespace Edge.Firmware.Device.Tests;

/// <summary>
/// An MPU6886 as the datasheet describes it: WHO_AM_I 0x19, reset to sleeping defaults, and (as on
/// the real chip) writes within a few ms of waking or resetting are lost.
/// </summary>
public sealed class SimulatedMpu6886 : SimulatedChip
{
    private double _busyUntilMs;

    public SimulatedMpu6886()
    {
        Reset();
    }

    /// <summary>Writes ignored because they came too soon after a wake or reset.</summary>
    public int LostWrites { get; private set; }

    /// <summary>When set, ACCEL_CONFIG keeps this value whatever is written (a stuck or different part).</summary>
    public byte? StuckRange { get; set; }

    public void Reset()
    {
        Array.Clear(Registers);
        Registers[0x75] = 0x19;
        Registers[0x6B] = 0x41; // SLEEP, CLKSEL 1
    }

    protected override void OnWrite(byte register, byte value)
    {
        if (NowMs < _busyUntilMs)
        {
            LostWrites++;
            return;
        }

        switch (register)
        {
            case 0x6B when (value & 0x80) != 0:
                Reset();
                _busyUntilMs = NowMs + 9;
                return;
            case 0x6B when (Registers[0x6B] & 0x40) != 0 && (value & 0x40) == 0:
                Registers[0x6B] = value;
                _busyUntilMs = NowMs + 9; // waking up
                return;
            case 0x1C when StuckRange is { } stuck:
                Registers[0x1C] = stuck;
                return;
            default:
                Registers[register] = value;
                return;
        }
    }
}

public class Mpu6886AccelerometerTests
{
    [Fact]
    public void Initialize_RealChip_ConfiguresSixteenGFilterOutputLimitAndGyroStandby()
    {
        var chip = new SimulatedMpu6886();
        var accel = new Mpu6886Accelerometer(new I2cDevice(chip));

        Assert.Equal(0, accel.Initialize());

        Assert.True(accel.IsReady);
        Assert.Equal(0, chip.LostWrites);
        Assert.Equal(0x18, chip.Registers[0x1C]);        // ACCEL_FS_SEL 3: ±16 g
        Assert.Equal(0x04, chip.Registers[0x1D]);        // A_DLPF_CFG 4: 21 Hz
        Assert.Equal(0x02, chip.Registers[0x69] & 0x02); // OUTPUT_LIMIT: no clipping at 15.94 g
        Assert.Equal(0x07, chip.Registers[0x6C]);        // gyro in standby
        Assert.Equal(0x00, chip.Registers[0x6B] & 0x40); // awake
    }

    [Fact]
    public void Initialize_WaitsAfterWakeAndAfterResetBeforeTheNextWrite()
    {
        var chip = new SimulatedMpu6886();
        var accel = new Mpu6886Accelerometer(new I2cDevice(chip));

        accel.Initialize();

        var power = chip.Writes.Where(w => w.Register == 0x6B).ToList();
        Assert.Equal([0x00, 0x80, 0x01], power.Select(w => w.Value));
        var configStart = chip.Writes.First(w => w.Register != 0x6B).AtMs;
        Assert.True(power[1].AtMs - power[0].AtMs >= Mpu6886Accelerometer.WakeDelayMs - 0.5, "no wait after wake");
        Assert.True(power[2].AtMs - power[1].AtMs >= Mpu6886Accelerometer.WakeDelayMs - 0.5, "no wait after reset");
        Assert.True(configStart - power[2].AtMs >= Mpu6886Accelerometer.WakeDelayMs - 0.5, "no wait after clock select");
    }

    [Fact]
    public void Initialize_WrongWhoAmI_IsAWrongChipFaultAndReadsFail()
    {
        var chip = new SimulatedMpu6886();
        chip.Registers[0x75] = 0x70; // an MPU6500, not a 6886
        var accel = new Mpu6886Accelerometer(new I2cDevice(chip));

        Assert.Equal(DeviceFaults.SensorWrongChip, accel.Initialize());
        Assert.False(accel.IsReady);
        Assert.False(accel.Read(new short[3]));
        Assert.Empty(chip.Writes);
    }

    [Fact]
    public void Initialize_RangeDoesNotReadBack_IsAConfigMismatchFault()
    {
        var chip = new SimulatedMpu6886 { StuckRange = 0x10 }; // stays at ±8 g
        var accel = new Mpu6886Accelerometer(new I2cDevice(chip));

        Assert.Equal(DeviceFaults.SensorConfigMismatch, accel.Initialize());
        Assert.False(accel.IsReady);
    }

    [Fact]
    public void Initialize_NoChipOnTheBus_IsANoAnswerFault_AndARetryAfterItAppearsWorks()
    {
        var chip = new SimulatedMpu6886 { Absent = true };
        var accel = new Mpu6886Accelerometer(new I2cDevice(chip));

        Assert.Equal(DeviceFaults.SensorNoAnswer, accel.Initialize());

        chip.Absent = false;
        Assert.Equal(0, accel.Initialize());
        Assert.True(accel.IsReady);
    }

    [Fact]
    public void Read_FullScaleRegisters_GivesBigEndianCountsUpToPlus32767()
    {
        var chip = new SimulatedMpu6886();
        var accel = new Mpu6886Accelerometer(new I2cDevice(chip));
        accel.Initialize();
        byte[] sample = [0x7F, 0xFF, 0x80, 0x00, 0x08, 0x00]; // +32767, -32768, +2048 (1 g)
        sample.CopyTo(chip.Registers, 0x3B);

        var xyz = new short[3];
        Assert.True(accel.Read(xyz));

        Assert.Equal([32767, -32768, 2048], xyz.Select(v => (int)v));
        Assert.Equal(16, accel.RangeG);
    }

    [Fact]
    public void Read_BusError_ReturnsFalse()
    {
        var chip = new SimulatedMpu6886();
        var accel = new Mpu6886Accelerometer(new I2cDevice(chip));
        accel.Initialize();
        chip.FailingReads.Add(0x3B);

        Assert.False(accel.Read(new short[3]));
    }
}
