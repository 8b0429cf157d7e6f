namespace Edge.Protocol
{
    /// <summary>
    /// The outcome of a decode: <see cref="Status"/> is <see cref="DecodeStatus.Ok"/> and exactly one
    /// of the message properties is set, or <see cref="Status"/> says why the bytes were refused.
    /// </summary>
    public sealed class DecodeResult
    {
        /// <summary>Ok, or the reason the bytes were refused.</summary>
        public DecodeStatus Status { get; set; }

        /// <summary>The type byte, when it could be read.</summary>
        public MessageType Type { get; set; }

        /// <summary>The accelerometer batch, when Type is Accel and Status is Ok.</summary>
        public AccelBatch Accel { get; set; }

        /// <summary>The status message, when Type is Status and Status is Ok.</summary>
        public DeviceStatus DeviceStatus { get; set; }

        /// <summary>The event, when Type is Event and Status is Ok.</summary>
        public DeviceEvent Event { get; set; }

        /// <summary>The config, when Type is Config and Status is Ok.</summary>
        public DeviceConfig Config { get; set; }

        /// <summary>The device id in the payload, when it could be read (even if later fields failed).</summary>
        public string DeviceId { get; set; }

        /// <summary>The sender's boot identity (version 2 frames), or 0 for a version 1 frame.</summary>
        public uint BootId { get; set; }

        /// <summary>True when the message decoded.</summary>
        public bool IsOk
        {
            get { return Status == DecodeStatus.Ok; }
        }

        /// <summary>A stable lower-case name for a status, for logs and metric tags (nano's enum ToString gives numbers).</summary>
        public static string Name(DecodeStatus status)
        {
            switch (status)
            {
                case DecodeStatus.Ok: return "ok";
                case DecodeStatus.Truncated: return "truncated";
                case DecodeStatus.BadCrc: return "bad_crc";
                case DecodeStatus.UnknownVersion: return "unknown_version";
                case DecodeStatus.CountMismatch: return "count_mismatch";
                case DecodeStatus.Oversize: return "oversize";
                case DecodeStatus.BadRange: return "bad_range";
                case DecodeStatus.UnknownType: return "unknown_type";
                case DecodeStatus.WrongType: return "wrong_type";
                default: return "unknown_status";
            }
        }

        internal static DecodeResult Fail(DecodeStatus status, MessageType type, string deviceId)
        {
            DecodeResult r = new DecodeResult();
            r.Status = status;
            r.Type = type;
            r.DeviceId = deviceId;
            return r;
        }
    }
}
