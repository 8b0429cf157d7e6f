using System;
using System.Device.I2c;
using Edge.Firmware.Core;

namespace Edge.Firmware.Device
{
    /// <summary>MPU6886 registers used here (InvenSense MPU-6886 datasheet rev 1.1, section 12 "Register map").</summary>
    public enum Register : byte
    {
        /// <summary>0x19 SMPLRT_DIV: sample rate divider (datasheet 12.1).</summary>
        SampleRateDivider = 0x19,

        /// <summary>0x1C ACCEL_CONFIG: bits 4:3 ACCEL_FS_SEL, 3 = ±16 g (datasheet 12.5).</summary>
        AccelConfig = 0x1C,

        /// <summary>0x1D ACCEL_CONFIG2: bits 2:0 A_DLPF_CFG, digital low-pass filter (datasheet 12.6).</summary>
        AccelConfig2 = 0x1D,

        /// <summary>0x3B ACCEL_XOUT_H: first of six bytes X_H, X_L, Y_H, Y_L, Z_H, Z_L, big-endian (datasheet 12.20).</summary>
        AccelXOutH = 0x3B,

        /// <summary>0x6B PWR_MGMT_1: bit 6 SLEEP, bits 2:0 CLKSEL (datasheet 12.39).</summary>
        PowerManagement1 = 0x6B,

        /// <summary>0x6C PWR_MGMT_2: bits 2:0 disable gyro x/y/z (datasheet 12.40).</summary>
        PowerManagement2 = 0x6C,

        /// <summary>0x75 WHO_AM_I: reads 0x19 on the MPU6886 (datasheet 12.44).</summary>
        WhoAmI = 0x75,
    }

    /// <summary>
    /// Reads the MPU6886 accelerometer as raw registers at ±16 g (2048 counts per g) into
    /// preallocated buffers. The Iot.Device.Mpu6886 binding is not used for samples: it always
    /// scales by 8 g / 32768 even after the range is changed, and every read allocates.
    /// </summary>
    public sealed class Mpu6886Accelerometer : IAccelerometer
    {
        /// <summary>I²C address with AD0 low (M5StickC Plus).</summary>
        public const int DefaultAddress = 0x68;

        private const byte WhoAmIValue = 0x19;
        private const byte FullScale16G = 3 << 3;
        private const byte DlpfTwentyHz = 0x04; // A_DLPF_CFG = 4: 21.2 Hz bandwidth, below the 25 Hz Nyquist of 50 Hz sampling

        private readonly I2cDevice _device;
        private readonly byte[] _register = new byte[1];
        private readonly byte[] _write2 = new byte[2];
        private readonly byte[] _raw = new byte[6];
        private readonly byte[] _one = new byte[1];

        /// <summary>Takes the bus device (the caller owns the bus and pins) and configures the chip.</summary>
        public Mpu6886Accelerometer(I2cDevice device)
        {
            _device = device;
            if (ReadRegister(Register.WhoAmI) != WhoAmIValue)
            {
                throw new InvalidOperationException("No MPU6886 at the I2C address (WHO_AM_I mismatch).");
            }

            WriteRegister(Register.PowerManagement1, 0x01); // wake, auto-select the best clock
            WriteRegister(Register.PowerManagement2, 0x07); // gyroscope off: it is not used and costs ~2.5 mA
            WriteRegister(Register.AccelConfig, FullScale16G);
            WriteRegister(Register.AccelConfig2, DlpfTwentyHz);
        }

        /// <inheritdoc />
        public int RangeG
        {
            get { return 16; }
        }

        /// <inheritdoc />
        public bool Read(short[] xyz)
        {
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

        private byte ReadRegister(Register register)
        {
            _register[0] = (byte)register;
            I2cTransferResult r = _device.WriteRead(new SpanByte(_register), new SpanByte(_one));
            if (r.Status != I2cTransferStatus.FullTransfer)
            {
                throw new InvalidOperationException("MPU6886 register read failed.");
            }

            return _one[0];
        }

        private void WriteRegister(Register register, byte value)
        {
            _write2[0] = (byte)register;
            _write2[1] = value;
            I2cTransferResult r = _device.Write(new SpanByte(_write2));
            if (r.Status != I2cTransferStatus.FullTransfer)
            {
                throw new InvalidOperationException("MPU6886 register write failed.");
            }
        }
    }
}
