namespace Edge.Protocol
{
    /// <summary>
    /// Little-endian reads and writes on byte arrays. Written out by hand because nanoFramework's
    /// BitConverter follows the CPU's byte order and the desktop's Span helpers do not exist there.
    /// Callers check bounds first.
    /// </summary>
    public static class LittleEndian
    {
        /// <summary>Writes a 16-bit value.</summary>
        public static void WriteUInt16(byte[] b, int offset, ushort value)
        {
            b[offset] = (byte)value;
            b[offset + 1] = (byte)(value >> 8);
        }

        /// <summary>Writes a 32-bit value.</summary>
        public static void WriteUInt32(byte[] b, int offset, uint value)
        {
            b[offset] = (byte)value;
            b[offset + 1] = (byte)(value >> 8);
            b[offset + 2] = (byte)(value >> 16);
            b[offset + 3] = (byte)(value >> 24);
        }

        /// <summary>Writes a 64-bit value.</summary>
        public static void WriteUInt64(byte[] b, int offset, ulong value)
        {
            WriteUInt32(b, offset, (uint)value);
            WriteUInt32(b, offset + 4, (uint)(value >> 32));
        }

        /// <summary>Reads a 16-bit unsigned value.</summary>
        public static ushort ReadUInt16(byte[] b, int offset)
        {
            return (ushort)(b[offset] | (b[offset + 1] << 8));
        }

        /// <summary>Reads a 16-bit signed value.</summary>
        public static short ReadInt16(byte[] b, int offset)
        {
            return (short)(b[offset] | (b[offset + 1] << 8));
        }

        /// <summary>Reads a 32-bit unsigned value.</summary>
        public static uint ReadUInt32(byte[] b, int offset)
        {
            return (uint)(b[offset] | (b[offset + 1] << 8) | (b[offset + 2] << 16)) | ((uint)b[offset + 3] << 24);
        }

        /// <summary>Reads a 64-bit unsigned value.</summary>
        public static ulong ReadUInt64(byte[] b, int offset)
        {
            return ReadUInt32(b, offset) | ((ulong)ReadUInt32(b, offset + 4) << 32);
        }
    }
}
