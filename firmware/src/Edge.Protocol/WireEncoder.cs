using System;

namespace Edge.Protocol
{
    /// <summary>
    /// Encodes protocol messages into a caller's buffer, so the firmware can reuse one buffer per
    /// message type and allocate nothing per batch. Every encode checks its input and the size limit
    /// and throws <see cref="ArgumentException"/> on a message that would not decode.
    /// </summary>
    public static class WireEncoder
    {
        /// <summary>Fixed part of an accelerometer batch without the id and samples: 27 bytes.</summary>
        public const int AccelOverhead = 3 + 4 + 8 + 4 + 1 + 1 + 2 + WireFormat.CrcSize;

        /// <summary>Fixed body of a status message before the firmware version: 35 bytes.</summary>
        public const int StatusFixedBody = 35;

        /// <summary>Fixed part of a status message without the id and firmware version: 42 bytes.</summary>
        public const int StatusOverhead = 3 + StatusFixedBody + WireFormat.CrcSize;

        /// <summary>Fixed part of an event message without the id: 22 bytes.</summary>
        public const int EventOverhead = 3 + 4 + 1 + 8 + 2 + WireFormat.CrcSize;

        /// <summary>Fixed part of a config message without the id: 27 bytes.</summary>
        public const int ConfigOverhead = 3 + 20 + WireFormat.CrcSize;

        /// <summary>Encoded size of an accelerometer batch.</summary>
        public static int AccelSize(string deviceId, int sampleCount)
        {
            return AccelOverhead + IdLength(deviceId) + (6 * sampleCount);
        }

        /// <summary>Encodes <paramref name="m"/> at <paramref name="offset"/>; returns the bytes written.</summary>
        public static int Encode(AccelBatch m, byte[] buffer, int offset)
        {
            if (m == null)
            {
                throw new ArgumentNullException("m");
            }

            if (m.SampleCount < 1 || m.SampleCount > WireFormat.MaxSamplesPerBatch)
            {
                throw new ArgumentException("An accelerometer batch carries 1 to 256 samples.");
            }

            if (m.Samples == null || m.Samples.Length < 3 * m.SampleCount)
            {
                throw new ArgumentException("Samples holds fewer than 3 x SampleCount counts.");
            }

            if (!WireFormat.IsValidRange(m.RangeG))
            {
                throw new ArgumentException("RangeG must be 2, 4, 8 or 16.");
            }

            if (m.SamplePeriodUs < WireFormat.MinSamplePeriodUs || m.SamplePeriodUs > WireFormat.MaxSamplePeriodUs)
            {
                throw new ArgumentException("SamplePeriodUs must be between 1000 and 1000000.");
            }

            if ((m.Flags & ~AccelBatch.KnownFlags) != 0)
            {
                throw new ArgumentException("Flags holds bits version 1 does not define.");
            }

            int size = AccelSize(m.DeviceId, m.SampleCount) + BootIdBytes(m.BootId);
            int p = WriteHeader(MessageType.Accel, m.DeviceId, m.BootId, size, buffer, offset);
            LittleEndian.WriteUInt32(buffer, p, m.Sequence);
            LittleEndian.WriteUInt64(buffer, p + 4, m.FirstSampleTimeUs);
            LittleEndian.WriteUInt32(buffer, p + 12, m.SamplePeriodUs);
            buffer[p + 16] = m.RangeG;
            buffer[p + 17] = m.Flags;
            LittleEndian.WriteUInt16(buffer, p + 18, (ushort)m.SampleCount);
            p += 20;
            int n = 3 * m.SampleCount;
            short[] s = m.Samples;
            for (int i = 0; i < n; i++)
            {
                LittleEndian.WriteUInt16(buffer, p, (ushort)s[i]);
                p += 2;
            }

            return WriteCrc(buffer, offset, p);
        }

        /// <summary>Encodes <paramref name="m"/> at <paramref name="offset"/>; returns the bytes written.</summary>
        public static int Encode(DeviceStatus m, byte[] buffer, int offset)
        {
            if (m == null)
            {
                throw new ArgumentNullException("m");
            }

            string fw = m.FirmwareVersion == null ? string.Empty : m.FirmwareVersion;
            if (fw.Length > WireFormat.MaxFirmwareVersionLength || !IsPrintableAscii(fw))
            {
                throw new ArgumentException("FirmwareVersion must be up to 16 printable ASCII characters.");
            }

            if ((m.Flags & ~DeviceStatus.KnownFlags) != 0)
            {
                throw new ArgumentException("Flags holds bits version 1 does not define.");
            }

            if (m.StateOfChargePercent > 100 && m.StateOfChargePercent != DeviceStatus.UnknownStateOfCharge)
            {
                throw new ArgumentException("StateOfChargePercent must be 0 to 100, or 255 for unknown.");
            }

            if (m.Mode != DeviceMode.Streaming && m.Mode != DeviceMode.Triggered)
            {
                throw new ArgumentException("Mode must be streaming or triggered.");
            }

            if ((byte)m.FaultCode > (byte)DeviceFaults.Last)
            {
                throw new ArgumentException("FaultCode is not a fault version 1 defines.");
            }

            if (m.FaultCode == DeviceFault.None && (m.Flags & DeviceStatus.FlagFaultActive) != 0)
            {
                throw new ArgumentException("FlagFaultActive needs a FaultCode.");
            }

            int size = StatusOverhead + IdLength(m.DeviceId) + fw.Length + BootIdBytes(m.BootId);
            int p = WriteHeader(MessageType.Status, m.DeviceId, m.BootId, size, buffer, offset);
            LittleEndian.WriteUInt32(buffer, p, m.Sequence);
            LittleEndian.WriteUInt32(buffer, p + 4, m.UptimeSeconds);
            LittleEndian.WriteUInt16(buffer, p + 8, m.BatteryMillivolts);
            buffer[p + 10] = m.StateOfChargePercent;
            buffer[p + 11] = m.Flags;
            buffer[p + 12] = unchecked((byte)m.RssiDbm);
            buffer[p + 13] = (byte)m.Mode;
            LittleEndian.WriteUInt16(buffer, p + 14, m.SampleRateHz);
            LittleEndian.WriteUInt16(buffer, p + 16, m.BufferedUnsent);
            LittleEndian.WriteUInt32(buffer, p + 18, m.DroppedBatches);
            LittleEndian.WriteUInt32(buffer, p + 22, m.MissedDeadlines);
            LittleEndian.WriteUInt16(buffer, p + 26, m.ActiveSeconds);
            LittleEndian.WriteUInt16(buffer, p + 28, m.MaxMagnitudeMilliG);
            buffer[p + 30] = (byte)m.FaultCode;
            buffer[p + 31] = m.FaultDetail;
            LittleEndian.WriteUInt16(buffer, p + 32, m.FaultCount);
            buffer[p + 34] = (byte)fw.Length;
            p += WireEncoder.StatusFixedBody;
            for (int i = 0; i < fw.Length; i++)
            {
                buffer[p++] = (byte)fw[i];
            }

            return WriteCrc(buffer, offset, p);
        }

        /// <summary>Encodes <paramref name="m"/> at <paramref name="offset"/>; returns the bytes written.</summary>
        public static int Encode(DeviceEvent m, byte[] buffer, int offset)
        {
            if (m == null)
            {
                throw new ArgumentNullException("m");
            }

            if (m.Kind == EventKind.None || (byte)m.Kind > (byte)EventKind.PostureTrigger)
            {
                throw new ArgumentException("Kind is not an event kind version 1 defines.");
            }

            int size = EventOverhead + IdLength(m.DeviceId) + BootIdBytes(m.BootId);
            int p = WriteHeader(MessageType.Event, m.DeviceId, m.BootId, size, buffer, offset);
            LittleEndian.WriteUInt32(buffer, p, m.Sequence);
            buffer[p + 4] = (byte)m.Kind;
            LittleEndian.WriteUInt64(buffer, p + 5, m.DeviceTimeUs);
            LittleEndian.WriteUInt16(buffer, p + 13, m.Value);
            return WriteCrc(buffer, offset, p + 15);
        }

        /// <summary>Encodes <paramref name="m"/> at <paramref name="offset"/>; returns the bytes written.</summary>
        public static int Encode(DeviceConfig m, byte[] buffer, int offset)
        {
            if (m == null)
            {
                throw new ArgumentNullException("m");
            }

            string error = WireDecoder.CheckConfig(m.Mode, m.SampleRateHz, m.RangeG, m.BatchIntervalMs);
            if (error != null)
            {
                throw new ArgumentException(error);
            }

            int size = ConfigOverhead + IdLength(m.DeviceId) + BootIdBytes(m.BootId);
            int p = WriteHeader(MessageType.Config, m.DeviceId, m.BootId, size, buffer, offset);
            LittleEndian.WriteUInt32(buffer, p, m.Revision);
            buffer[p + 4] = (byte)m.Mode;
            LittleEndian.WriteUInt16(buffer, p + 5, m.SampleRateHz);
            buffer[p + 7] = m.RangeG;
            LittleEndian.WriteUInt16(buffer, p + 8, m.BatchIntervalMs);
            LittleEndian.WriteUInt16(buffer, p + 10, m.ImpactThresholdMilliG);
            LittleEndian.WriteUInt16(buffer, p + 12, m.FreeFallThresholdMilliG);
            buffer[p + 14] = m.PreTriggerSeconds;
            buffer[p + 15] = m.PostTriggerSeconds;
            LittleEndian.WriteUInt16(buffer, p + 16, m.HeartbeatSeconds);
            LittleEndian.WriteUInt16(buffer, p + 18, m.NotWornAfterSeconds);
            return WriteCrc(buffer, offset, p + 20);
        }

        /// <summary>Encodes into a new array of exactly the message's size.</summary>
        public static byte[] ToBytes(AccelBatch m)
        {
            byte[] scratch = new byte[WireFormat.MaxMessageSize];
            return Copy(scratch, Encode(m, scratch, 0));
        }

        /// <summary>Encodes into a new array of exactly the message's size.</summary>
        public static byte[] ToBytes(DeviceStatus m)
        {
            byte[] scratch = new byte[WireFormat.MaxMessageSize];
            return Copy(scratch, Encode(m, scratch, 0));
        }

        /// <summary>Encodes into a new array of exactly the message's size.</summary>
        public static byte[] ToBytes(DeviceEvent m)
        {
            byte[] scratch = new byte[WireFormat.MaxMessageSize];
            return Copy(scratch, Encode(m, scratch, 0));
        }

        /// <summary>Encodes into a new array of exactly the message's size.</summary>
        public static byte[] ToBytes(DeviceConfig m)
        {
            byte[] scratch = new byte[WireFormat.MaxMessageSize];
            return Copy(scratch, Encode(m, scratch, 0));
        }

        private static byte[] Copy(byte[] scratch, int length)
        {
            byte[] result = new byte[length];
            Array.Copy(scratch, result, length);
            return result;
        }

        private static int IdLength(string id)
        {
            if (!WireFormat.IsValidId(id))
            {
                throw new ArgumentException("A device id is 1 to 32 characters of A-Z, a-z, 0-9, '-' and '_'.");
            }

            return id.Length;
        }

        private static int BootIdBytes(uint bootId)
        {
            return bootId == 0 ? 0 : WireFormat.BootIdSize;
        }

        private static int WriteHeader(MessageType type, string id, uint bootId, int size, byte[] buffer, int offset)
        {
            if (size > WireFormat.MaxMessageSize)
            {
                throw new ArgumentException("The message exceeds the 1600-byte protocol limit.");
            }

            if (buffer == null || offset < 0 || offset > buffer.Length - size)
            {
                throw new ArgumentException("The buffer is too small for the message.");
            }

            buffer[offset] = bootId == 0 ? WireFormat.Version : WireFormat.VersionWithBootId;
            buffer[offset + 1] = (byte)type;
            buffer[offset + 2] = (byte)id.Length;
            for (int i = 0; i < id.Length; i++)
            {
                buffer[offset + 3 + i] = (byte)id[i];
            }

            int p = offset + 3 + id.Length;
            if (bootId != 0)
            {
                LittleEndian.WriteUInt32(buffer, p, bootId);
                p += WireFormat.BootIdSize;
            }

            return p;
        }

        private static int WriteCrc(byte[] buffer, int offset, int end)
        {
            uint crc = Crc32.Compute(buffer, offset, end - offset);
            LittleEndian.WriteUInt32(buffer, end, crc);
            return end + WireFormat.CrcSize - offset;
        }

        private static bool IsPrintableAscii(string s)
        {
            for (int i = 0; i < s.Length; i++)
            {
                if (s[i] < ' ' || s[i] > '~')
                {
                    return false;
                }
            }

            return true;
        }
    }
}
