using System.Device.I2c;
using Edge.Firmware.Core;
using Edge.Protocol;

namespace Edge.Firmware.Device.Tests;

/// <summary>An AXP192 with the M5StickC Plus's power-on state: ESP32 rail and both LCD rails on.</summary>
public sealed class SimulatedAxp192 : SimulatedChip
{
    public SimulatedAxp192()
    {
        Registers[0x12] = 0x4D; // EXTEN, LDO3, LDO2, DC-DC1
        Registers[0x33] = 0xC8; // charging on, 4.2 V, 780 mA: far too much for a 120 mAh cell
        Registers[0x82] = 0x03;
    }

    public void SetBattery(int millivolts)
    {
        int raw = millivolts * 10 / 11;
        Registers[0x78] = (byte)(raw >> 4);
        Registers[0x79] = (byte)(raw & 0x0F);
    }
}

public class Axp192PowerTests
{
    [Fact]
    public void Initialize_SwitchesBacklightAndLcdOff_KeepsTheEsp32RailAndSetsA100mACharge()
    {
        var chip = new SimulatedAxp192();
        var power = new Axp192Power(new I2cDevice(chip));

        Assert.True(power.Initialize());

        Assert.Equal(0x41, chip.Registers[0x12]);       // LDO2 and LDO3 off; DC-DC1 and EXTEN untouched
        Assert.Equal(0xC0, chip.Registers[0x33]);       // 4.2 V, 100 mA
        Assert.Equal(0x80, chip.Registers[0x82] & 0x80); // battery-voltage ADC on
    }

    [Fact]
    public void Initialize_OutputControlUnreadable_NeverWritesIt()
    {
        var chip = new SimulatedAxp192();
        chip.FailingReads.Add(0x12);
        var power = new Axp192Power(new I2cDevice(chip));

        Assert.False(power.Initialize());

        Assert.DoesNotContain(chip.Writes, w => w.Register == 0x12);
        Assert.Equal(0x4D, chip.Registers[0x12]);
    }

    [Theory]
    [InlineData(0x20, 0x00, true, false)]  // USB present, full cell: docked, not charging
    [InlineData(0x80, 0x00, true, false)]  // dock 5 V (ACIN) present, full cell
    [InlineData(0x20, 0x40, true, true)]   // USB present, charging
    [InlineData(0x00, 0x00, false, false)] // on battery
    public void Read_ExternalPowerComesFromVbusOrAcin_NotFromCharging(byte input, byte charge, bool external, bool charging)
    {
        var chip = new SimulatedAxp192();
        chip.Registers[0x00] = input;
        chip.Registers[0x01] = charge;
        chip.SetBattery(4150);
        var power = new Axp192Power(new I2cDevice(chip));
        var reading = new BatteryReading();

        power.Read(reading);

        Assert.Equal(external, reading.ExternalPower);
        Assert.Equal(charging, reading.Charging);
        Assert.InRange(reading.Millivolts, 4148, 4150);
        Assert.Equal(99, reading.StateOfChargePercent);
    }

    [Fact]
    public void Read_ChipNotAnswering_ReportsUnknownAndAnActivePowerMonitorFault_ThatClearsWhenItAnswers()
    {
        var chip = new SimulatedAxp192 { Absent = true };
        var faults = new FaultLog();
        var power = new Axp192Power(new I2cDevice(chip)) { Faults = faults };
        var reading = new BatteryReading();

        power.Read(reading);

        Assert.Equal(DeviceStatus.UnknownStateOfCharge, reading.StateOfChargePercent);
        Assert.Equal(DeviceFault.PowerMonitor, faults.Code);
        Assert.True(faults.Active);

        chip.Absent = false;
        chip.SetBattery(3800);
        power.Read(reading);
        Assert.False(faults.Active);
        Assert.Equal(58, reading.StateOfChargePercent);
    }
}
