using FsCheck;
using FsCheck.Fluent;

namespace Edge.Protocol.Tests;

/// <summary>FsCheck generators for valid protocol messages and for corruptions of their encodings.</summary>
public static class ProtocolGen
{
    private const string IdChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    public static readonly Gen<byte> U8 = Gen.Choose(0, 255).Select(i => (byte)i);
    public static readonly Gen<ushort> U16 = Gen.Choose(0, 65535).Select(i => (ushort)i);

    public static readonly Gen<uint> U32 =
        Gen.OneOf(
            Gen.Elements(0u, 1u, 0x7FFF_FFFFu, 0x8000_0000u, 0xFFFF_FFFEu, 0xFFFF_FFFFu),
            from hi in U16 from lo in U16 select ((uint)hi << 16) | lo);

    public static readonly Gen<ulong> U64 = from hi in U32 from lo in U32 select ((ulong)hi << 32) | lo;

    public static readonly Gen<string> Id =
        from length in Gen.OneOf(Gen.Choose(1, 8), Gen.Choose(1, WireFormat.MaxIdLength))
        from chars in Gen.ArrayOf(Gen.Elements(IdChars.ToCharArray()), length)
        select new string(chars);

    public static readonly Gen<byte> Range = Gen.Elements<byte>(2, 4, 8, 16);

    public static readonly Gen<AccelBatch> Accel =
        from id in Id
        from seq in U32
        from t0 in U64
        from period in Gen.OneOf(Gen.Elements(1000u, 10_000u, 20_000u, 1_000_000u), Gen.Choose(1000, 1_000_000).Select(i => (uint)i))
        from range in Range
        from flags in Gen.Choose(0, AccelBatch.KnownFlags).Select(i => (byte)i)
        from count in Gen.OneOf(Gen.Choose(1, 8), Gen.Choose(1, WireFormat.MaxSamplesPerBatch), Gen.Constant(WireFormat.MaxSamplesPerBatch))
        from seed in Gen.Choose(int.MinValue, int.MaxValue)
        select new AccelBatch
        {
            DeviceId = id,
            Sequence = seq,
            FirstSampleTimeUs = t0,
            SamplePeriodUs = period,
            RangeG = range,
            Flags = flags,
            SampleCount = count,
            Samples = Samples(seed, count),
        };

    public static readonly Gen<DeviceStatus> Status =
        from id in Id
        from seq in U32
        from uptime in U32
        from mv in U16
        from soc in Gen.OneOf(Gen.Choose(0, 100), Gen.Constant(255)).Select(i => (byte)i)
        from flags in Gen.Choose(0, DeviceStatus.KnownFlags).Select(i => (byte)i)
        from rssi in Gen.Choose(-128, 127).Select(i => (sbyte)i)
        from mode in Gen.Elements(DeviceMode.Streaming, DeviceMode.Triggered)
        from rate in U16
        from buffered in U16
        from dropped in U32
        from missed in U32
        from active in U16
        from maxMg in U16
        from fault in Gen.Choose(0, (int)DeviceFaults.Last).Select(f => (DeviceFault)f)
        from faultDetail in Gen.Choose(0, 255).Select(d => (byte)d)
        from faultCount in U16
        from fwLength in Gen.Choose(0, WireFormat.MaxFirmwareVersionLength)
        from fw in Gen.ArrayOf(Gen.Choose(0x20, 0x7E).Select(c => (char)c), fwLength)
        select new DeviceStatus
        {
            DeviceId = id,
            Sequence = seq,
            UptimeSeconds = uptime,
            BatteryMillivolts = mv,
            StateOfChargePercent = soc,
            Flags = fault == DeviceFault.None ? (byte)(flags & ~DeviceStatus.FlagFaultActive) : flags,
            RssiDbm = rssi,
            Mode = mode,
            SampleRateHz = rate,
            BufferedUnsent = buffered,
            DroppedBatches = dropped,
            MissedDeadlines = missed,
            ActiveSeconds = active,
            MaxMagnitudeMilliG = maxMg,
            FaultCode = fault,
            FaultDetail = faultDetail,
            FaultCount = faultCount,
            FirmwareVersion = new string(fw),
        };

    public static readonly Gen<DeviceEvent> Event =
        from id in Id
        from seq in U32
        from kind in Gen.Choose(1, 5).Select(k => (EventKind)k)
        from time in U64
        from value in U16
        from boot in Gen.Frequency((1, Gen.Constant(0u)), (1, U32))
        select new DeviceEvent { DeviceId = id, BootId = boot, Sequence = seq, Kind = kind, DeviceTimeUs = time, Value = value };

    public static readonly Gen<DeviceConfig> Config =
        from id in Id
        from revision in U32
        from mode in Gen.Elements(DeviceMode.Streaming, DeviceMode.Triggered)
        from rate in Gen.Choose(1, 1000).Select(i => (ushort)i)
        from range in Range
        from batch in Gen.Choose(100, 60000).Select(i => (ushort)i)
        from impact in U16
        from freeFall in U16
        from pre in U8
        from post in U8
        from heartbeat in U16
        from notWorn in U16
        select new DeviceConfig
        {
            DeviceId = id,
            Revision = revision,
            Mode = mode,
            SampleRateHz = rate,
            RangeG = range,
            BatchIntervalMs = batch,
            ImpactThresholdMilliG = impact,
            FreeFallThresholdMilliG = freeFall,
            PreTriggerSeconds = pre,
            PostTriggerSeconds = post,
            HeartbeatSeconds = heartbeat,
            NotWornAfterSeconds = notWorn,
        };

    /// <summary>Any valid message of any type, as its object.</summary>
    public static readonly Gen<object> Message = Gen.OneOf(
        Accel.Select(m => (object)m),
        Status.Select(m => (object)m),
        Event.Select(m => (object)m),
        Config.Select(m => (object)m));

    /// <summary>Raw counts from a seed: random, with the extremes mixed in.</summary>
    private static short[] Samples(int seed, int count)
    {
        var rng = new Random(seed);
        var samples = new short[3 * count];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = (rng.Next(8)) switch
            {
                0 => short.MinValue,
                1 => short.MaxValue,
                2 => 0,
                _ => (short)rng.Next(short.MinValue, short.MaxValue + 1),
            };
        }

        return samples;
    }
}
