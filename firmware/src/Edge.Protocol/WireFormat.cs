namespace Edge.Protocol
{
    /// <summary>Constants of the sensor wire protocol, versions 1 and 2. See docs/wire-protocol.md.</summary>
    public static class WireFormat
    {
        /// <summary>Version 1: the frame carries no boot identity. Written for a message whose BootId is 0 (unknown).</summary>
        public const byte Version = 1;

        /// <summary>
        /// Version 2: as version 1, with the sender's boot identity (u32, never 0) after the device id. Written for
        /// a message whose BootId is set; a receiver tells a rebooted sensor's counters from duplicates by it.
        /// </summary>
        public const byte VersionWithBootId = 2;

        /// <summary>Bytes the boot identity adds to a version 2 frame.</summary>
        public const int BootIdSize = 4;

        /// <summary>Hard upper bound on any encoded message, enforced on encode and decode.</summary>
        public const int MaxMessageSize = 1600;

        /// <summary>Most samples (x, y, z triples) one accelerometer batch may carry.</summary>
        public const int MaxSamplesPerBatch = 256;

        /// <summary>Longest device or site id, in ASCII characters.</summary>
        public const int MaxIdLength = 32;

        /// <summary>Longest firmware version string in a status message.</summary>
        public const int MaxFirmwareVersionLength = 16;

        /// <summary>Bytes of the CRC-32 trailer.</summary>
        public const int CrcSize = 4;

        /// <summary>Longest sample period: one sample per second.</summary>
        public const uint MaxSamplePeriodUs = 1000000;

        /// <summary>Shortest sample period: 1 kHz.</summary>
        public const uint MinSamplePeriodUs = 1000;

        /// <summary>Raw counts per full scale: int16 spans ±32768 counts for ±range g.</summary>
        public const int CountsPerFullScale = 32768;

        /// <summary>True for a full-scale range the MPU6886 supports: 2, 4, 8 or 16 g.</summary>
        public static bool IsValidRange(int rangeG)
        {
            return rangeG == 2 || rangeG == 4 || rangeG == 8 || rangeG == 16;
        }

        /// <summary>Converts raw counts to g exactly: g = counts × range / 32768.</summary>
        public static float CountsToG(short counts, int rangeG)
        {
            return (float)counts * rangeG / CountsPerFullScale;
        }

        /// <summary>
        /// True when <paramref name="id"/> is a valid site or device id: 1 to 32 characters of
        /// A–Z, a–z, 0–9, '-' and '_'. Such ids are safe in MQTT topics (no '/', '+', '#').
        /// </summary>
        public static bool IsValidId(string id)
        {
            if (id == null || id.Length == 0 || id.Length > MaxIdLength)
            {
                return false;
            }

            for (int i = 0; i < id.Length; i++)
            {
                char c = id[i];
                bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
                if (!ok)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>The message type byte that follows the version byte.</summary>
    public enum MessageType : byte
    {
        /// <summary>Not a valid type.</summary>
        None = 0,

        /// <summary>Accelerometer batch, sensor to gateway, on .../accel.</summary>
        Accel = 1,

        /// <summary>Device status, sensor to gateway, retained on .../status (where the ASCII <see cref="LastWill"/> also arrives).</summary>
        Status = 2,

        /// <summary>Button press or on-device trigger, sensor to gateway, on .../event.</summary>
        Event = 3,

        /// <summary>Device settings, gateway to sensor, retained on .../config.</summary>
        Config = 4,
    }

    /// <summary>The sensor's operating mode.</summary>
    public enum DeviceMode : byte
    {
        /// <summary>Continuous batches, one per interval.</summary>
        Streaming = 0,

        /// <summary>Windows around on-device pre-triggers, plus heartbeats.</summary>
        Triggered = 1,
    }

    /// <summary>What an event message reports.</summary>
    public enum EventKind : byte
    {
        /// <summary>Not a valid kind.</summary>
        None = 0,

        /// <summary>The call button was pressed. Top priority; never dropped.</summary>
        ButtonPress = 1,

        /// <summary>The on-device pre-trigger saw an impact above its magnitude threshold.</summary>
        ImpactTrigger = 2,

        /// <summary>The on-device pre-trigger saw free fall below its magnitude threshold.</summary>
        FreeFallTrigger = 3,

        /// <summary>A commissioning test press (technician test mode), not a resident's call.</summary>
        TestPress = 4,

        /// <summary>The on-device pre-trigger saw the body turn (upright to lying) without a hard hit.</summary>
        PostureTrigger = 5,
    }

    /// <summary>Why a decode failed, or <see cref="Ok"/>.</summary>
    public enum DecodeStatus
    {
        /// <summary>The message decoded.</summary>
        Ok = 0,

        /// <summary>Fewer bytes than the message's fields need.</summary>
        Truncated = 1,

        /// <summary>The CRC-32 trailer does not match the bytes.</summary>
        BadCrc = 2,

        /// <summary>The version byte is not <see cref="WireFormat.Version"/>.</summary>
        UnknownVersion = 3,

        /// <summary>The sample count disagrees with the payload length.</summary>
        CountMismatch = 4,

        /// <summary>Longer than <see cref="WireFormat.MaxMessageSize"/>, or too many samples.</summary>
        Oversize = 5,

        /// <summary>A field is outside its allowed range (full scale, period, id characters, flags...).</summary>
        BadRange = 6,

        /// <summary>The type byte is not a known message type.</summary>
        UnknownType = 7,

        /// <summary>The message decoded but is not the type the caller asked for.</summary>
        WrongType = 8,
    }
}
