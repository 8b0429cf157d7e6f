// A test double of the parts of nanoFramework's System.Device.I2c and SpanByte that the shell's
// drivers use, with the same shapes as the compile-only declarations: the drivers' real sources are
// compiled against it and talk to a simulated chip.
#pragma warning disable CA1050, CA1815, CA1034, CA1716, IDE0130
using System.Device.I2c;
using System.Diagnostics;

namespace System
{
    /// <summary>nanoFramework's byte span, reduced to the array it wraps.</summary>
    public readonly struct SpanByte
    {
        public SpanByte(byte[] array) => Array = array;

        public byte[] Array { get; }

        public int Length => Array.Length;
    }
}

namespace System.Device.I2c
{
    public enum I2cTransferStatus
    {
        UnknownError = 0,
        FullTransfer = 1,
        ClockStretchTimeout = 2,
        PartialTransfer = 3,
        SlaveAddressNotAcknowledged = 4,
    }

    public readonly struct I2cTransferResult(I2cTransferStatus status, uint bytes)
    {
        public I2cTransferStatus Status { get; } = status;

        public uint BytesTransferred { get; } = bytes;
    }

    /// <summary>The bus device: forwards each transfer to a simulated chip.</summary>
    public sealed class I2cDevice(Edge.Firmware.Device.Tests.SimulatedChip chip)
    {
        public Edge.Firmware.Device.Tests.SimulatedChip Chip { get; } = chip;

        public I2cTransferResult Write(SpanByte buffer) => Chip.Write(buffer.Array);

        public I2cTransferResult WriteRead(SpanByte writeBuffer, SpanByte readBuffer) => Chip.WriteRead(writeBuffer.Array, readBuffer.Array);
    }
}

namespace Edge.Firmware.Device.Tests
{
    /// <summary>A register file on the bus, with the transfer log and hooks a chip model needs.</summary>
    public class SimulatedChip
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        public byte[] Registers { get; } = new byte[256];

        /// <summary>Every write: (register, value, ms since start).</summary>
        public List<(byte Register, byte Value, double AtMs)> Writes { get; } = [];

        /// <summary>When true the chip does not acknowledge (absent or dead).</summary>
        public bool Absent { get; set; }

        /// <summary>Registers whose reads fail (bus error) while listed.</summary>
        public HashSet<byte> FailingReads { get; } = [];

        protected double NowMs => _clock.Elapsed.TotalMilliseconds;

        public I2cTransferResult Write(byte[] data)
        {
            if (Absent)
            {
                return new(I2cTransferStatus.SlaveAddressNotAcknowledged, 0);
            }

            for (int i = 1; i < data.Length; i++)
            {
                byte reg = (byte)(data[0] + i - 1);
                Writes.Add((reg, data[i], NowMs));
                OnWrite(reg, data[i]);
            }

            return new(I2cTransferStatus.FullTransfer, (uint)data.Length);
        }

        public I2cTransferResult WriteRead(byte[] write, byte[] read)
        {
            if (Absent || FailingReads.Contains(write[0]))
            {
                return new(I2cTransferStatus.SlaveAddressNotAcknowledged, 0);
            }

            for (int i = 0; i < read.Length; i++)
            {
                read[i] = Registers[(byte)(write[0] + i)];
            }

            return new(I2cTransferStatus.FullTransfer, (uint)(write.Length + read.Length));
        }

        protected virtual void OnWrite(byte register, byte value) => Registers[register] = value;
    }
}
