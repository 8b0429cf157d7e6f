using System;
using System.Device.I2c;
using System.Threading;
using Edge.Firmware.Core;
using Edge.Protocol;

namespace Edge.Firmware.Device
{
    /// <summary>MPU6886 registers used here (TDK InvenSense MPU-6886 datasheet rev 1.1, section 12 "Register map").</summary>
    public enum Register : byte
    {
        /// <summary>0x19 SMPLRT_DIV: sample rate divider (datasheet 12.1).</summary>
        SampleRateDivider = 0x19,

        /// <summary>0x1C ACCEL_CONFIG: bits 4:3 ACCEL_FS_SEL, 3 = ±16 g, 2048 LSB/g (datasheet 12.5).</summary>
        AccelConfig = 0x1C,

        /// <summary>0x1D ACCEL_CONFIG2: bit 3 ACCEL_FCHOICE_B, bits 2:0 A_DLPF_CFG, digital low-pass filter (datasheet 12.6).</summary>
        AccelConfig2 = 0x1D,

        /// <summary>0x3B ACCEL_XOUT_H: first of six bytes X_H, X_L, Y_H, Y_L, Z_H, Z_L, big-endian (datasheet 12.20).</summary>
        AccelXOutH = 0x3B,

        /// <summary>
        /// 0x69 ACCEL_INTEL_CTRL: bit 1 OUTPUT_LIMIT. "To avoid limiting sensor output to less than
        /// 0x7FFF, set this bit to 1. This should be done every time the MPU-6886 is powered up"
        /// (datasheet, register 105): without it ±16 g readings clip at about ±15.94 g.
        /// </summary>
        AccelIntelligenceControl = 0x69,

        /// <summary>0x6B PWR_MGMT_1: bit 7 DEVICE_RESET, bit 6 SLEEP, bits 2:0 CLKSEL (datasheet 12.39).</summary>
        PowerManagement1 = 0x6B,

        /// <summary>0x6C PWR_MGMT_2: bits 2:0 put gyro x/y/z in standby (datasheet 12.40).</summary>
        PowerManagement2 = 0x6C,

        /// <summary>0x75 WHO_AM_I: reads 0x19 on the MPU6886 (datasheet 12.44).</summary>
        WhoAmI = 0x75,
    }

    /// <summary>
    /// Reads the MPU6886 accelerometer as raw registers at ±16 g (2048 counts per g) into
    /// preallocated buffers. The Iot.Device.Mpu6886 binding is not used: it always scales by
    /// 8 g / 32768 even after the range is changed, and every read allocates. <see cref="Initialize"/>
    /// wakes and configures the chip and reads the configuration back; until it succeeds
    /// <see cref="Read"/> returns false and the shell reports a <see cref="DeviceFault.Sensor"/> fault.
    /// </summary>
    public sealed class Mpu6886Accelerometer : IAccelerometer
    {
        /// <summary>I²C address with AD0 low (M5StickC Plus).</summary>
        public const int DefaultAddress = 0x68;

        /// <summary>WHO_AM_I of the MPU6886.</summary>
        public const byte WhoAmIValue = 0x19;

        /// <summary>ACCEL_CONFIG for ±16 g: ACCEL_FS_SEL = 3 in bits 4:3.</summary>
        public const byte FullScale16G = 3 << 3;

        /// <summary>ACCEL_CONFIG2: A_DLPF_CFG = 4, 21.2 Hz bandwidth, below the 25 Hz Nyquist of 50 Hz sampling (FCHOICE_B = 0).</summary>
        public const byte DlpfTwentyOneHz = 0x04;

        /// <summary>ACCEL_INTEL_CTRL with only OUTPUT_LIMIT set (no wake-on-motion logic).</summary>
        public const byte OutputLimit = 0x02;

        /// <summary>PWR_MGMT_1: clock auto-select, not sleeping.</summary>
        public const byte ClockAuto = 0x01;

        /// <summary>PWR_MGMT_1: device reset (self-clearing).</summary>
        public const byte DeviceReset = 0x80;

        /// <summary>PWR_MGMT_2: gyroscope x, y, z in standby (it is not used and costs about 2.5 mA).</summary>
        public const byte GyroStandby = 0x07;

        /// <summary>Milliseconds to wait after waking or resetting the chip before writing to it, as the nanoFramework binding does.</summary>
        public const int WakeDelayMs = 10;

        private readonly I2cDevice _device;
        private readonly byte[] _register = new byte[1];
        private readonly byte[] _write2 = new byte[2];
        private readonly byte[] _raw = new byte[6];
        private readonly byte[] _one = new byte[1];
        private bool _ready;

        /// <summary>Takes the bus device (the caller owns the bus and pins). No bus traffic until <see cref="Initialize"/>.</summary>
        public Mpu6886Accelerometer(I2cDevice device)
        {
            _device = device;
        }

        /// <inheritdoc />
        public int RangeG
        {
            get { return 16; }
        }

        /// <summary>True once <see cref="Initialize"/> succeeded.</summary>
        public bool IsReady
        {
            get { return _ready; }
        }

        /// <summary>
        /// Checks WHO_AM_I, wakes and resets the chip (waiting <see cref="WakeDelayMs"/> after each),
        /// selects ±16 g, the 21 Hz filter and the output limit, puts the gyroscope in standby, and reads
        /// every written register back. Returns 0 when the chip runs as configured, otherwise the
        /// <see cref="DeviceFault.Sensor"/> detail (<see cref="DeviceFaults.SensorNoAnswer"/>,
        /// <see cref="DeviceFaults.SensorWrongChip"/>, <see cref="DeviceFaults.SensorConfigMismatch"/>).
        /// Never throws; may be called again to retry.
        /// </summary>
        public int Initialize()
        {
            _ready = false;
            int who = ReadRegister(Register.WhoAmI);
            if (who < 0)
            {
                return DeviceFaults.SensorNoAnswer;
            }

            if (who != WhoAmIValue)
            {
                return DeviceFaults.SensorWrongChip;
            }

            // Wake (clear SLEEP), reset to known defaults, then select the clock: the chip ignores
            // writes for a few ms after each of these, so wait before the next one.
            if (!WriteRegister(Register.PowerManagement1, 0x00))
            {
                return DeviceFaults.SensorNoAnswer;
            }

            Thread.Sleep(WakeDelayMs);
            if (!WriteRegister(Register.PowerManagement1, DeviceReset))
            {
                return DeviceFaults.SensorNoAnswer;
            }

            Thread.Sleep(WakeDelayMs);
            if (!WriteRegister(Register.PowerManagement1, ClockAuto))
            {
                return DeviceFaults.SensorNoAnswer;
            }

            Thread.Sleep(WakeDelayMs);
            if (!WriteRegister(Register.PowerManagement2, GyroStandby)
                || !WriteRegister(Register.AccelConfig, FullScale16G)
                || !WriteRegister(Register.AccelConfig2, DlpfTwentyOneHz)
                || !WriteRegister(Register.AccelIntelligenceControl, OutputLimit))
            {
                return DeviceFaults.SensorNoAnswer;
            }

            int power1 = ReadRegister(Register.PowerManagement1);
            int power2 = ReadRegister(Register.PowerManagement2);
            int range = ReadRegister(Register.AccelConfig);
            int filter = ReadRegister(Register.AccelConfig2);
            int limit = ReadRegister(Register.AccelIntelligenceControl);
            if (power1 < 0 || power2 < 0 || range < 0 || filter < 0 || limit < 0)
            {
                return DeviceFaults.SensorNoAnswer;
            }

            bool asked = (power1 & 0x40) == 0 // not asleep
                && (power2 & 0x3F) == GyroStandby // accelerometer on, gyroscope in standby
                && (range & 0x18) == FullScale16G
                && (filter & 0x0F) == DlpfTwentyOneHz
                && (limit & OutputLimit) != 0;
            if (!asked)
            {
                return DeviceFaults.SensorConfigMismatch;
            }

            _ready = true;
            return 0;
        }

        /// <inheritdoc />
        public bool Read(short[] xyz)
        {
            if (!_ready)
            {
                return false;
            }

            _register[0] = (byte)Register.AccelXOutH;
            I2cTransferResult r = _device.WriteRead(new SpanByte(_register), new SpanByte(_raw));
            if (r.Status != I2cTransferStatus.FullTransfer)
            {
                return false;
            }

            xyz[0] = (short)((_raw[0] << 8) | _raw[1]);
            xyz[1] = (short)((_raw[2] << 8) | _raw[3]);
            xyz[2] = (short)((_raw[4] << 8) | _raw[5]);
            return true;
        }

        // The register's value, or -1 when the bus transfer failed.
        private int ReadRegister(Register register)
        {
            _register[0] = (byte)register;
            I2cTransferResult r = _device.WriteRead(new SpanByte(_register), new SpanByte(_one));
            return r.Status == I2cTransferStatus.FullTransfer ? _one[0] : -1;
        }

        private bool WriteRegister(Register register, byte value)
        {
            _write2[0] = (byte)register;
            _write2[1] = value;
            I2cTransferResult r = _device.Write(new SpanByte(_write2));
            return r.Status == I2cTransferStatus.FullTransfer;
        }
    }
}
