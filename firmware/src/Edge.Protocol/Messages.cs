namespace Edge.Protocol
{
    /// <summary>
    /// A batch of accelerometer samples from one device: <see cref="SampleCount"/> x, y, z triples of
    /// raw int16 counts at <see cref="RangeG"/> full scale, evenly spaced by <see cref="SamplePeriodUs"/>
    /// from <see cref="FirstSampleTimeUs"/> (device clock, µs since boot).
    /// </summary>
    public sealed class AccelBatch
    {
        /// <summary>Flag: this batch is part of a window sent around an on-device pre-trigger.</summary>
        public const byte FlagTriggeredWindow = 0x01;

        /// <summary>Flag: the first sample is the first after a gap the device knows of (buffer overflow, restart).</summary>
        public const byte FlagAfterGap = 0x02;

        /// <summary>Every flag bit version 1 defines; the others must be zero.</summary>
        public const byte KnownFlags = FlagTriggeredWindow | FlagAfterGap;

        /// <summary>The sending device's id; must equal the device in the topic.</summary>
        public string DeviceId { get; set; }

        /// <summary>
        /// The sender's boot identity: a value that differs from boot to boot (0 = unknown, written as a version 1
        /// frame). Sequence numbers and device time restart at a reboot; with the boot identity a receiver never
        /// mistakes a new boot's messages for duplicates of the previous boot's.
        /// </summary>
        public uint BootId { get; set; }

        /// <summary>Per-device batch sequence number; wraps from 0xFFFFFFFF to 0.</summary>
        public uint Sequence { get; set; }

        /// <summary>Device timestamp of the first sample, µs since boot.</summary>
        public ulong FirstSampleTimeUs { get; set; }

        /// <summary>Time between samples, µs (20,000 at 50 Hz).</summary>
        public uint SamplePeriodUs { get; set; }

        /// <summary>Full-scale range in g: 2, 4, 8 or 16.</summary>
        public byte RangeG { get; set; }

        /// <summary>Flag bits (<see cref="FlagTriggeredWindow"/>, <see cref="FlagAfterGap"/>).</summary>
        public byte Flags { get; set; }

        /// <summary>Number of x, y, z triples in <see cref="Samples"/>.</summary>
        public int SampleCount { get; set; }

        /// <summary>Interleaved raw counts x0, y0, z0, x1, ... ; at least 3 × <see cref="SampleCount"/> long.</summary>
        public short[] Samples { get; set; }

        /// <summary>The x count of sample <paramref name="i"/>, in g.</summary>
        public float XG(int i)
        {
            return WireFormat.CountsToG(Samples[3 * i], RangeG);
        }

        /// <summary>The y count of sample <paramref name="i"/>, in g.</summary>
        public float YG(int i)
        {
            return WireFormat.CountsToG(Samples[(3 * i) + 1], RangeG);
        }

        /// <summary>The z count of sample <paramref name="i"/>, in g.</summary>
        public float ZG(int i)
        {
            return WireFormat.CountsToG(Samples[(3 * i) + 2], RangeG);
        }
    }

    /// <summary>Device health, sent periodically and on change, retained. The last will is not a status: see <see cref="LastWill"/>.</summary>
    public sealed class DeviceStatus
    {
        /// <summary>Flag: the device is connected (a device always sets it; the gateway reads a <see cref="LastWill"/> as "offline").</summary>
        public const byte FlagOnline = 0x01;

        /// <summary>Flag: the battery is charging.</summary>
        public const byte FlagCharging = 0x02;

        /// <summary>Flag: the device believes it is worn.</summary>
        public const byte FlagWorn = 0x04;

        /// <summary>Flag: the device is on external power (docked), whether or not it is charging.</summary>
        public const byte FlagExternalPower = 0x08;

        /// <summary>
        /// Flag: the fault in <see cref="FaultCode"/> is still present now (for example the accelerometer
        /// does not answer), not only something that happened since boot. Never set with <see cref="DeviceFault.None"/>.
        /// </summary>
        public const byte FlagFaultActive = 0x10;

        /// <summary>Every flag bit version 1 defines; the others must be zero.</summary>
        public const byte KnownFlags = FlagOnline | FlagCharging | FlagWorn | FlagExternalPower | FlagFaultActive;

        /// <summary>State of charge value meaning "not known".</summary>
        public const byte UnknownStateOfCharge = 255;

        /// <summary>RSSI value meaning "not known".</summary>
        public const sbyte UnknownRssi = 0;

        /// <summary>The sending device's id.</summary>
        public string DeviceId { get; set; }

        /// <summary>
        /// The sender's boot identity: a value that differs from boot to boot (0 = unknown, written as a version 1
        /// frame). Sequence numbers and device time restart at a reboot; with the boot identity a receiver never
        /// mistakes a new boot's messages for duplicates of the previous boot's.
        /// </summary>
        public uint BootId { get; set; }

        /// <summary>Per-device status sequence number; wraps.</summary>
        public uint Sequence { get; set; }

        /// <summary>Seconds since the device booted.</summary>
        public uint UptimeSeconds { get; set; }

        /// <summary>Battery voltage, millivolts.</summary>
        public ushort BatteryMillivolts { get; set; }

        /// <summary>State of charge 0–100 %, or <see cref="UnknownStateOfCharge"/>.</summary>
        public byte StateOfChargePercent { get; set; }

        /// <summary>Flag bits (<see cref="FlagOnline"/> ...).</summary>
        public byte Flags { get; set; }

        /// <summary>Wi-Fi RSSI in dBm (negative), or <see cref="UnknownRssi"/>.</summary>
        public sbyte RssiDbm { get; set; }

        /// <summary>Streaming or triggered.</summary>
        public DeviceMode Mode { get; set; }

        /// <summary>Accelerometer sample rate, Hz.</summary>
        public ushort SampleRateHz { get; set; }

        /// <summary>Samples buffered on the device and not yet acknowledged by the broker (saturates at 65535).</summary>
        public ushort BufferedUnsent { get; set; }

        /// <summary>Telemetry batches dropped on the device since boot (oldest first, when offline too long).</summary>
        public uint DroppedBatches { get; set; }

        /// <summary>Sampling deadlines missed since boot.</summary>
        public uint MissedDeadlines { get; set; }

        /// <summary>Seconds (of device time) with movement since the previous status (saturates at 65535).</summary>
        public ushort ActiveSeconds { get; set; }

        /// <summary>Largest acceleration magnitude since the previous status, milli-g (saturates at 65535).</summary>
        public ushort MaxMagnitudeMilliG { get; set; }

        /// <summary>
        /// The most recent fault since boot, or the fault that made the device reboot when nothing newer
        /// happened since; <see cref="DeviceFault.None"/> when there was none.
        /// </summary>
        public DeviceFault FaultCode { get; set; }

        /// <summary>What exactly failed, per <see cref="FaultCode"/> (docs/wire-protocol.md, section 3.2; <see cref="DeviceFaults.Describe"/>).</summary>
        public byte FaultDetail { get; set; }

        /// <summary>Faults since boot, counting the one carried over a fault reboot (saturates at 65535).</summary>
        public ushort FaultCount { get; set; }

        /// <summary>Firmware version, up to 16 printable ASCII characters, e.g. "1.0.0".</summary>
        public string FirmwareVersion { get; set; }

        /// <summary>True when the <see cref="FlagOnline"/> bit is set.</summary>
        public bool Online
        {
            get { return (Flags & FlagOnline) != 0; }
        }

        /// <summary>True when the <see cref="FlagCharging"/> bit is set.</summary>
        public bool Charging
        {
            get { return (Flags & FlagCharging) != 0; }
        }

        /// <summary>True when the <see cref="FlagWorn"/> bit is set.</summary>
        public bool Worn
        {
            get { return (Flags & FlagWorn) != 0; }
        }

        /// <summary>True when the <see cref="FlagExternalPower"/> bit is set.</summary>
        public bool ExternalPower
        {
            get { return (Flags & FlagExternalPower) != 0; }
        }

        /// <summary>True when the <see cref="FlagFaultActive"/> bit is set.</summary>
        public bool FaultActive
        {
            get { return (Flags & FlagFaultActive) != 0; }
        }
    }

    /// <summary>A call-button press or an on-device trigger. Each has its own sequence number for dedupe.</summary>
    public sealed class DeviceEvent
    {
        /// <summary>The sending device's id.</summary>
        public string DeviceId { get; set; }

        /// <summary>
        /// The sender's boot identity: a value that differs from boot to boot (0 = unknown, written as a version 1
        /// frame). Sequence numbers and device time restart at a reboot; with the boot identity a receiver never
        /// mistakes a new boot's messages for duplicates of the previous boot's.
        /// </summary>
        public uint BootId { get; set; }

        /// <summary>Per-device event sequence number (separate from batches); wraps.</summary>
        public uint Sequence { get; set; }

        /// <summary>What happened.</summary>
        public EventKind Kind { get; set; }

        /// <summary>Device time of the event, µs since boot.</summary>
        public ulong DeviceTimeUs { get; set; }

        /// <summary>Kind-specific value: peak or trough magnitude in milli-g for triggers, 0 for presses.</summary>
        public ushort Value { get; set; }
    }

    /// <summary>Settings the gateway sends to one device, retained on its config topic.</summary>
    public sealed class DeviceConfig
    {
        /// <summary>The device these settings are for.</summary>
        public string DeviceId { get; set; }

        /// <summary>
        /// The sender's boot identity: a value that differs from boot to boot (0 = unknown, written as a version 1
        /// frame). Sequence numbers and device time restart at a reboot; with the boot identity a receiver never
        /// mistakes a new boot's messages for duplicates of the previous boot's.
        /// </summary>
        public uint BootId { get; set; }

        /// <summary>Revision, increasing; a device applies a revision newer than the one it has.</summary>
        public uint Revision { get; set; }

        /// <summary>Streaming or triggered.</summary>
        public DeviceMode Mode { get; set; }

        /// <summary>Sample rate, Hz (1–1000).</summary>
        public ushort SampleRateHz { get; set; }

        /// <summary>Full-scale range in g.</summary>
        public byte RangeG { get; set; }

        /// <summary>Streaming batch interval, ms.</summary>
        public ushort BatchIntervalMs { get; set; }

        /// <summary>Pre-trigger impact threshold, milli-g.</summary>
        public ushort ImpactThresholdMilliG { get; set; }

        /// <summary>Pre-trigger free-fall threshold, milli-g.</summary>
        public ushort FreeFallThresholdMilliG { get; set; }

        /// <summary>Seconds sent before a pre-trigger.</summary>
        public byte PreTriggerSeconds { get; set; }

        /// <summary>Seconds sent after a pre-trigger.</summary>
        public byte PostTriggerSeconds { get; set; }

        /// <summary>Heartbeat (status) interval, seconds.</summary>
        public ushort HeartbeatSeconds { get; set; }

        /// <summary>Seconds without movement after which the device reports "not worn".</summary>
        public ushort NotWornAfterSeconds { get; set; }
    }
}
