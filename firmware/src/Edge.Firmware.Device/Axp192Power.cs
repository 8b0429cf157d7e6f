using System;
using System.Device.I2c;
using Edge.Firmware.Core;
using Edge.Protocol;

namespace Edge.Firmware.Device
{
    /// <summary>AXP192 registers used here (X-Powers AXP192 datasheet, "Register description", REG xxH).</summary>
    public enum Axp192Register : byte
    {
        /// <summary>REG 00H input power status: bit 7 ACIN present, bit 5 VBUS present, bit 2 battery current direction.</summary>
        InputPowerStatus = 0x00,

        /// <summary>REG 01H power mode and charging status: bit 7 over-temperature, bit 6 charging, bit 5 battery present.</summary>
        ChargeStatus = 0x01,

        /// <summary>REG 12H output control: bit 0 DC-DC1 (ESP32 3.3 V), bit 2 LDO2 (LCD backlight), bit 3 LDO3 (LCD logic), bit 4 DC-DC2, bit 6 EXTEN.</summary>
        OutputControl = 0x12,

        /// <summary>REG 33H charge control 1: bit 7 enable, bits 6:5 target voltage (10 = 4.2 V), bit 4 end current (0 = 10 %), bits 3:0 current (0000 = 100 mA).</summary>
        ChargeControl1 = 0x33,

        /// <summary>REG 78H battery voltage ADC, high 8 bits; REG 79H holds the low 4 bits. 1.1 mV per LSB.</summary>
        BatteryVoltageHigh = 0x78,

        /// <summary>REG 82H ADC enable 1: bit 7 battery voltage, bit 3 VBUS voltage.</summary>
        AdcEnable1 = 0x82,
    }

    /// <summary>
    /// Battery and charger state from the M5StickC Plus's AXP192 over I²C, driven directly: the board
    /// package nanoFramework.M5StickCPlus is not used (its static constructor switches the LCD
    /// backlight on and it pulls about 18 packages the wearable does not need), and neither is the
    /// Iot.Device.Axp192 binding (every reading allocates UnitsNet values, and its charge-control
    /// API is not on the reference page). <see cref="Initialize"/> does what the board package did that
    /// a wearable needs: a charge current safe for the 120 mAh cell, the battery-voltage ADC on, and
    /// the LCD's backlight (LDO2) and logic (LDO3) off.
    /// </summary>
    public sealed class Axp192Power : IBattery
    {
        /// <summary>The AXP192's I²C address.</summary>
        public const int DefaultAddress = 0x34;

        /// <summary>Charging on, 4.2 V target, end at 10 % of the current, 100 mA (under 1 C for the 120 mAh cell; the register's power-on default is higher).</summary>
        public const byte Charge100mA4V2 = 0xC0;

        /// <summary>LDO2 (backlight) and LDO3 (LCD logic) enable bits in <see cref="Axp192Register.OutputControl"/>.</summary>
        public const byte LcdRails = 0x0C;

        /// <summary>Battery-voltage ADC enable bit in <see cref="Axp192Register.AdcEnable1"/>.</summary>
        public const byte BatteryVoltageAdc = 0x80;

        /// <summary>VBUS (USB) present bit in <see cref="Axp192Register.InputPowerStatus"/>.</summary>
        public const byte VbusPresent = 0x20;

        /// <summary>ACIN (dock 5 V) present bit in <see cref="Axp192Register.InputPowerStatus"/>.</summary>
        public const byte AcinPresent = 0x80;

        /// <summary>Charging bit in <see cref="Axp192Register.ChargeStatus"/> (BatteryStatus.Charging, 0x40).</summary>
        public const byte Charging = 0x40;

        private readonly I2cDevice _device;
        private readonly byte[] _register = new byte[1];
        private readonly byte[] _write2 = new byte[2];
        private readonly byte[] _one = new byte[1];
        private readonly byte[] _two = new byte[2];

        /// <summary>Takes the bus device (the caller owns the bus and pins). No bus traffic until <see cref="Initialize"/>.</summary>
        public Axp192Power(I2cDevice device)
        {
            _device = device;
        }

        /// <summary>Where a failed reading is recorded as <see cref="DeviceFault.PowerMonitor"/> (set once the node exists).</summary>
        public FaultLog Faults { get; set; }

        /// <summary>
        /// Sets the charge current, enables the battery-voltage ADC and switches the LCD rails off,
        /// each by read-modify-write and read back. Returns false when the chip does not answer or a
        /// register does not read back; never throws. Nothing is written to a register whose read
        /// failed: a blind write to the output control register could switch off the ESP32's own supply.
        /// </summary>
        public bool Initialize()
        {
            if (!WriteRegister(Axp192Register.ChargeControl1, Charge100mA4V2))
            {
                return false;
            }

            int adc = ReadRegister(Axp192Register.AdcEnable1);
            if (adc < 0 || !WriteRegister(Axp192Register.AdcEnable1, (byte)(adc | BatteryVoltageAdc)))
            {
                return false;
            }

            int outputs = ReadRegister(Axp192Register.OutputControl);
            if (outputs < 0 || !WriteRegister(Axp192Register.OutputControl, (byte)(outputs & ~LcdRails)))
            {
                return false;
            }

            return ReadRegister(Axp192Register.ChargeControl1) == Charge100mA4V2
                && (ReadRegister(Axp192Register.AdcEnable1) & BatteryVoltageAdc) != 0
                && ReadRegister(Axp192Register.OutputControl) == (outputs & ~LcdRails);
        }

        /// <inheritdoc />
        public void Read(BatteryReading reading)
        {
            int input = ReadRegister(Axp192Register.InputPowerStatus);
            int charge = ReadRegister(Axp192Register.ChargeStatus);
            int mv = ReadBatteryMillivolts();
            if (input < 0 || charge < 0 || mv < 0)
            {
                reading.Millivolts = 0;
                reading.StateOfChargePercent = DeviceStatus.UnknownStateOfCharge;
                reading.Charging = false;
                reading.ExternalPower = false;
                FaultLog faults = Faults;
                if (faults != null)
                {
                    faults.Record(DeviceFault.PowerMonitor, 0, true);
                }

                return;
            }

            reading.Millivolts = mv;
            reading.StateOfChargePercent = EstimatePercent(mv);
            reading.Charging = (charge & Charging) != 0;

            // On the dock or USB whether or not the cell is charging: a full cell on the dock is not
            // charging, and must not look unplugged (issue 14).
            reading.ExternalPower = (input & (VbusPresent | AcinPresent)) != 0;
            FaultLog log = Faults;
            if (log != null)
            {
                log.Clear(DeviceFault.PowerMonitor);
            }
        }

        /// <summary>
        /// Open-circuit Li-ion curve, coarse: 3.30 V = 0 %, 4.15 V = 100 %, linear between. Good to about
        /// ±15 %; the AXP192's coulomb counter would be better once calibrated per cell.
        /// </summary>
        public static int EstimatePercent(int millivolts)
        {
            if (millivolts <= 0)
            {
                return DeviceStatus.UnknownStateOfCharge;
            }

            int pct = (millivolts - 3300) * 100 / 850;
            return pct < 0 ? 0 : (pct > 100 ? 100 : pct);
        }

        // 12-bit ADC: high byte = bits 11:4, low nibble of the next register = bits 3:0; 1.1 mV per LSB.
        private int ReadBatteryMillivolts()
        {
            _register[0] = (byte)Axp192Register.BatteryVoltageHigh;
            I2cTransferResult r = _device.WriteRead(new SpanByte(_register), new SpanByte(_two));
            if (r.Status != I2cTransferStatus.FullTransfer)
            {
                return -1;
            }

            int raw = (_two[0] << 4) | (_two[1] & 0x0F);
            return raw * 11 / 10;
        }

        private int ReadRegister(Axp192Register register)
        {
            _register[0] = (byte)register;
            I2cTransferResult r = _device.WriteRead(new SpanByte(_register), new SpanByte(_one));
            return r.Status == I2cTransferStatus.FullTransfer ? _one[0] : -1;
        }

        private bool WriteRegister(Axp192Register register, byte value)
        {
            _write2[0] = (byte)register;
            _write2[1] = value;
            I2cTransferResult r = _device.Write(new SpanByte(_write2));
            return r.Status == I2cTransferStatus.FullTransfer;
        }
    }
}
