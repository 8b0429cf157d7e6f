using System;

namespace Edge.Protocol
{
    /// <summary>
    /// Decodes protocol messages without trusting them. A decode never throws on malformed bytes,
    /// never reads outside [offset, offset + length), and never allocates more than the size limit:
    /// the sample array is allocated only after the count has been checked against the length.
    /// Checks run in this order: size limit, minimum length, version, CRC, type, id, fields.
    /// </summary>
    public static class WireDecoder
    {
        private const int MinimumMessage = 3 + WireFormat.CrcSize;

        /// <summary>Decodes any message type.</summary>
        /// <exception cref="ArgumentException">The buffer, offset and length do not describe a range of the array (a caller bug, not bad input).</exception>
        public static DecodeResult Decode(byte[] buffer, int offset, int length)
        {
            if (buffer == null || offset < 0 || length < 0 || offset > buffer.Length - length)
            {
                throw new ArgumentException("offset and length must describe a range inside buffer.");
            }

            if (length > WireFormat.MaxMessageSize)
            {
                return DecodeResult.Fail(DecodeStatus.Oversize, MessageType.None, null);
            }

            if (length < MinimumMessage)
            {
                return DecodeResult.Fail(DecodeStatus.Truncated, MessageType.None, null);
            }

            byte version = buffer[offset];
            if (version != WireFormat.Version && version != WireFormat.VersionWithBootId)
            {
                return DecodeResult.Fail(DecodeStatus.UnknownVersion, MessageType.None, null);
            }

            int end = offset + length - WireFormat.CrcSize;
            if (Crc32.Compute(buffer, offset, end - offset) != LittleEndian.ReadUInt32(buffer, end))
            {
                return DecodeResult.Fail(DecodeStatus.BadCrc, MessageType.None, null);
            }

            MessageType type = (MessageType)buffer[offset + 1];
            if (type != MessageType.Accel && type != MessageType.Status && type != MessageType.Event && type != MessageType.Config)
            {
                return DecodeResult.Fail(DecodeStatus.UnknownType, MessageType.None, null);
            }

            int idLength = buffer[offset + 2];
            if (idLength < 1 || idLength > WireFormat.MaxIdLength)
            {
                return DecodeResult.Fail(DecodeStatus.BadRange, type, null);
            }

            int p = offset + 3;
            if (p + idLength > end)
            {
                return DecodeResult.Fail(DecodeStatus.Truncated, type, null);
            }

            string id = ReadAscii(buffer, p, idLength);
            if (!WireFormat.IsValidId(id))
            {
                return DecodeResult.Fail(DecodeStatus.BadRange, type, null);
            }

            p += idLength;
            uint bootId = 0;
            if (version == WireFormat.VersionWithBootId)
            {
                if (p + WireFormat.BootIdSize > end)
                {
                    return DecodeResult.Fail(DecodeStatus.Truncated, type, id);
                }

                bootId = LittleEndian.ReadUInt32(buffer, p);
                if (bootId == 0)
                {
                    // Version 2 means "boot identity known"; 0 is written as version 1, so every encoding stays canonical.
                    return DecodeResult.Fail(DecodeStatus.BadRange, type, id);
                }

                p += WireFormat.BootIdSize;
            }

            DecodeResult r;
            switch (type)
            {
                case MessageType.Accel: r = DecodeAccel(buffer, p, end, id); break;
                case MessageType.Status: r = DecodeStatusMessage(buffer, p, end, id); break;
                case MessageType.Event: r = DecodeEvent(buffer, p, end, id); break;
                default: r = DecodeConfig(buffer, p, end, id); break;
            }

            if (r.IsOk)
            {
                r.BootId = bootId;
                if (r.Accel != null)
                {
                    r.Accel.BootId = bootId;
                }
                else if (r.DeviceStatus != null)
                {
                    r.DeviceStatus.BootId = bootId;
                }
                else if (r.Event != null)
                {
                    r.Event.BootId = bootId;
                }
                else if (r.Config != null)
                {
                    r.Config.BootId = bootId;
                }
            }

            return r;
        }

        /// <summary>Decodes the whole array.</summary>
        public static DecodeResult Decode(byte[] buffer)
        {
            if (buffer == null)
            {
                throw new ArgumentNullException("buffer");
            }

            return Decode(buffer, 0, buffer.Length);
        }

        /// <summary>Decodes and requires <paramref name="expected"/>; any other valid type gives <see cref="DecodeStatus.WrongType"/>.</summary>
        public static DecodeResult Decode(byte[] buffer, int offset, int length, MessageType expected)
        {
            DecodeResult r = Decode(buffer, offset, length);
            if (r.IsOk && r.Type != expected)
            {
                return DecodeResult.Fail(DecodeStatus.WrongType, r.Type, r.DeviceId);
            }

            return r;
        }

        /// <summary>
        /// Checks the settings fields a config shares with the encoder; returns null when they are
        /// valid, or a message naming the bad field.
        /// </summary>
        public static string CheckConfig(DeviceMode mode, ushort sampleRateHz, byte rangeG, ushort batchIntervalMs)
        {
            if (mode != DeviceMode.Streaming && mode != DeviceMode.Triggered)
            {
                return "Mode must be streaming (0) or triggered (1).";
            }

            if (sampleRateHz < 1 || sampleRateHz > 1000)
            {
                return "SampleRateHz must be between 1 and 1000.";
            }

            if (!WireFormat.IsValidRange(rangeG))
            {
                return "RangeG must be 2, 4, 8 or 16.";
            }

            if (batchIntervalMs < 100 || batchIntervalMs > 60000)
            {
                return "BatchIntervalMs must be between 100 and 60000.";
            }

            return null;
        }

        private static DecodeResult DecodeAccel(byte[] b, int p, int end, string id)
        {
            if (end - p < 20)
            {
                return DecodeResult.Fail(DecodeStatus.Truncated, MessageType.Accel, id);
            }

            AccelBatch m = new AccelBatch();
            m.DeviceId = id;
            m.Sequence = LittleEndian.ReadUInt32(b, p);
            m.FirstSampleTimeUs = LittleEndian.ReadUInt64(b, p + 4);
            m.SamplePeriodUs = LittleEndian.ReadUInt32(b, p + 12);
            m.RangeG = b[p + 16];
            m.Flags = b[p + 17];
            int count = LittleEndian.ReadUInt16(b, p + 18);
            p += 20;

            if (count > WireFormat.MaxSamplesPerBatch)
            {
                return DecodeResult.Fail(DecodeStatus.Oversize, MessageType.Accel, id);
            }

            if (count == 0 || end - p != 6 * count)
            {
                return DecodeResult.Fail(DecodeStatus.CountMismatch, MessageType.Accel, id);
            }

            if (!WireFormat.IsValidRange(m.RangeG)
                || m.SamplePeriodUs < WireFormat.MinSamplePeriodUs
                || m.SamplePeriodUs > WireFormat.MaxSamplePeriodUs
                || (m.Flags & ~AccelBatch.KnownFlags) != 0)
            {
                return DecodeResult.Fail(DecodeStatus.BadRange, MessageType.Accel, id);
            }

            short[] samples = new short[3 * count];
            for (int i = 0; i < samples.Length; i++)
            {
                samples[i] = LittleEndian.ReadInt16(b, p);
                p += 2;
            }

            m.SampleCount = count;
            m.Samples = samples;
            DecodeResult r = Ok(MessageType.Accel, id);
            r.Accel = m;
            return r;
        }

        private static DecodeResult DecodeStatusMessage(byte[] b, int p, int end, string id)
        {
            if (end - p < WireEncoder.StatusFixedBody)
            {
                return DecodeResult.Fail(DecodeStatus.Truncated, MessageType.Status, id);
            }

            DeviceStatus m = new DeviceStatus();
            m.DeviceId = id;
            m.Sequence = LittleEndian.ReadUInt32(b, p);
            m.UptimeSeconds = LittleEndian.ReadUInt32(b, p + 4);
            m.BatteryMillivolts = LittleEndian.ReadUInt16(b, p + 8);
            m.StateOfChargePercent = b[p + 10];
            m.Flags = b[p + 11];
            m.RssiDbm = unchecked((sbyte)b[p + 12]);
            byte mode = b[p + 13];
            m.SampleRateHz = LittleEndian.ReadUInt16(b, p + 14);
            m.BufferedUnsent = LittleEndian.ReadUInt16(b, p + 16);
            m.DroppedBatches = LittleEndian.ReadUInt32(b, p + 18);
            m.MissedDeadlines = LittleEndian.ReadUInt32(b, p + 22);
            m.ActiveSeconds = LittleEndian.ReadUInt16(b, p + 26);
            m.MaxMagnitudeMilliG = LittleEndian.ReadUInt16(b, p + 28);
            byte fault = b[p + 30];
            m.FaultDetail = b[p + 31];
            m.FaultCount = LittleEndian.ReadUInt16(b, p + 32);
            int fwLength = b[p + 34];
            p += WireEncoder.StatusFixedBody;

            if (fwLength > WireFormat.MaxFirmwareVersionLength)
            {
                return DecodeResult.Fail(DecodeStatus.BadRange, MessageType.Status, id);
            }

            if (end - p != fwLength)
            {
                return DecodeResult.Fail(end - p < fwLength ? DecodeStatus.Truncated : DecodeStatus.CountMismatch, MessageType.Status, id);
            }

            if ((m.Flags & ~DeviceStatus.KnownFlags) != 0
                || (m.StateOfChargePercent > 100 && m.StateOfChargePercent != DeviceStatus.UnknownStateOfCharge)
                || mode > (byte)DeviceMode.Triggered
                || fault > (byte)DeviceFaults.Last
                || (fault == (byte)DeviceFault.None && (m.Flags & DeviceStatus.FlagFaultActive) != 0))
            {
                return DecodeResult.Fail(DecodeStatus.BadRange, MessageType.Status, id);
            }

            for (int i = 0; i < fwLength; i++)
            {
                if (b[p + i] < (byte)' ' || b[p + i] > (byte)'~')
                {
                    return DecodeResult.Fail(DecodeStatus.BadRange, MessageType.Status, id);
                }
            }

            m.Mode = (DeviceMode)mode;
            m.FaultCode = (DeviceFault)fault;
            m.FirmwareVersion = ReadAscii(b, p, fwLength);
            DecodeResult r = Ok(MessageType.Status, id);
            r.DeviceStatus = m;
            return r;
        }

        private static DecodeResult DecodeEvent(byte[] b, int p, int end, string id)
        {
            if (end - p < 15)
            {
                return DecodeResult.Fail(DecodeStatus.Truncated, MessageType.Event, id);
            }

            if (end - p != 15)
            {
                return DecodeResult.Fail(DecodeStatus.CountMismatch, MessageType.Event, id);
            }

            byte kind = b[p + 4];
            if (kind == (byte)EventKind.None || kind > (byte)EventKind.PostureTrigger)
            {
                return DecodeResult.Fail(DecodeStatus.BadRange, MessageType.Event, id);
            }

            DeviceEvent m = new DeviceEvent();
            m.DeviceId = id;
            m.Sequence = LittleEndian.ReadUInt32(b, p);
            m.Kind = (EventKind)kind;
            m.DeviceTimeUs = LittleEndian.ReadUInt64(b, p + 5);
            m.Value = LittleEndian.ReadUInt16(b, p + 13);
            DecodeResult r = Ok(MessageType.Event, id);
            r.Event = m;
            return r;
        }

        private static DecodeResult DecodeConfig(byte[] b, int p, int end, string id)
        {
            if (end - p < 20)
            {
                return DecodeResult.Fail(DecodeStatus.Truncated, MessageType.Config, id);
            }

            if (end - p != 20)
            {
                return DecodeResult.Fail(DecodeStatus.CountMismatch, MessageType.Config, id);
            }

            byte mode = b[p + 4];
            ushort rate = LittleEndian.ReadUInt16(b, p + 5);
            byte range = b[p + 7];
            ushort interval = LittleEndian.ReadUInt16(b, p + 8);
            if (mode > (byte)DeviceMode.Triggered || CheckConfig((DeviceMode)mode, rate, range, interval) != null)
            {
                return DecodeResult.Fail(DecodeStatus.BadRange, MessageType.Config, id);
            }

            DeviceConfig m = new DeviceConfig();
            m.DeviceId = id;
            m.Revision = LittleEndian.ReadUInt32(b, p);
            m.Mode = (DeviceMode)mode;
            m.SampleRateHz = rate;
            m.RangeG = range;
            m.BatchIntervalMs = interval;
            m.ImpactThresholdMilliG = LittleEndian.ReadUInt16(b, p + 10);
            m.FreeFallThresholdMilliG = LittleEndian.ReadUInt16(b, p + 12);
            m.PreTriggerSeconds = b[p + 14];
            m.PostTriggerSeconds = b[p + 15];
            m.HeartbeatSeconds = LittleEndian.ReadUInt16(b, p + 16);
            m.NotWornAfterSeconds = LittleEndian.ReadUInt16(b, p + 18);
            DecodeResult r = Ok(MessageType.Config, id);
            r.Config = m;
            return r;
        }

        private static DecodeResult Ok(MessageType type, string id)
        {
            return DecodeResult.Fail(DecodeStatus.Ok, type, id);
        }

        private static string ReadAscii(byte[] b, int offset, int count)
        {
            char[] chars = new char[count];
            for (int i = 0; i < count; i++)
            {
                chars[i] = (char)b[offset + i];
            }

            return new string(chars);
        }
    }
}
