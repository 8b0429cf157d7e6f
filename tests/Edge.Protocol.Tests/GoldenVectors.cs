using Edge.Protocol;

namespace Edge.Protocol.Tests;

/// <summary>
/// The single source of the golden vectors: fixed inputs and the exact bytes the encoder must produce.
/// docs/wire-protocol.md carries the same hex; <c>SpecPageTests</c> fails if the two drift apart.
/// </summary>
public static class GoldenVectors
{
    /// <summary>One named vector: the message and its encoding in lower-case hex without spaces.</summary>
    public sealed record Vector(string Name, object Message, string Hex);

    public const string DeviceId = "m5-0001";

    /// <summary>Two samples at ±16 g: (0, 0, +1 g) and (-1 g, +32767 counts, -32768 counts).</summary>
    public static AccelBatch Accel16G() => new()
    {
        DeviceId = DeviceId,
        Sequence = 42,
        FirstSampleTimeUs = 1_000_000,
        SamplePeriodUs = 20_000,
        RangeG = 16,
        Flags = 0,
        SampleCount = 2,
        Samples = [0, 0, 2048, -2048, 32767, -32768],
    };

    /// <summary>A triggered-window batch right at the sequence wrap, after a gap, at ±8 g.</summary>
    public static AccelBatch AccelTriggeredAtWrap() => new()
    {
        DeviceId = DeviceId,
        Sequence = 0xFFFF_FFFF,
        FirstSampleTimeUs = 0x0000_0001_0000_0000,
        SamplePeriodUs = 10_000,
        RangeG = 8,
        Flags = AccelBatch.FlagTriggeredWindow | AccelBatch.FlagAfterGap,
        SampleCount = 1,
        Samples = [4096, -4096, 1],
    };

    /// <summary>An online, worn, triggered-mode status.</summary>
    public static DeviceStatus Status() => new()
    {
        DeviceId = DeviceId,
        Sequence = 7,
        UptimeSeconds = 3600,
        BatteryMillivolts = 3950,
        StateOfChargePercent = 87,
        Flags = DeviceStatus.FlagOnline | DeviceStatus.FlagWorn,
        RssiDbm = -61,
        Mode = DeviceMode.Triggered,
        SampleRateHz = 50,
        BufferedUnsent = 0,
        DroppedBatches = 0,
        MissedDeadlines = 3,
        ActiveSeconds = 42,
        MaxMagnitudeMilliG = 2315,
        FirmwareVersion = "1.0.0",
    };

    /// <summary>The next heartbeat of the same device after its accelerometer stopped answering as an MPU6886: an active sensor fault.</summary>
    public static DeviceStatus StatusSensorFault() => new()
    {
        DeviceId = DeviceId,
        Sequence = 8,
        UptimeSeconds = 3660,
        BatteryMillivolts = 3948,
        StateOfChargePercent = 87,
        Flags = DeviceStatus.FlagOnline | DeviceStatus.FlagWorn | DeviceStatus.FlagFaultActive,
        RssiDbm = -61,
        Mode = DeviceMode.Triggered,
        SampleRateHz = 50,
        BufferedUnsent = 0,
        DroppedBatches = 0,
        MissedDeadlines = 3,
        ActiveSeconds = 0,
        MaxMagnitudeMilliG = 1002,
        FaultCode = DeviceFault.Sensor,
        FaultDetail = DeviceFaults.SensorWrongChip,
        FaultCount = 1,
        FirmwareVersion = "1.0.0",
    };

    /// <summary>Name of the last-will vector on the spec page (ASCII, not a framed message).</summary>
    public const string LastWillName = "last-will";

    /// <summary>The MQTT last will of <see cref="DeviceId"/>: ASCII "offline:v1:m5-0001".</summary>
    public const string LastWillHex = "6f66666c696e653a76313a6d352d30303031";

    /// <summary>A call-button press 5 s after boot.</summary>
    public static DeviceEvent ButtonPress() => new()
    {
        DeviceId = DeviceId,
        Sequence = 1,
        Kind = EventKind.ButtonPress,
        DeviceTimeUs = 5_000_000,
        Value = 0,
    };

    /// <summary>Version 2: the same press from a boot identified as 0x2A4C19E5 (a rebooted sensor presses at the same sequence and time).</summary>
    public static DeviceEvent ButtonPressWithBootId()
    {
        var e = ButtonPress();
        e.BootId = 0x2A4C19E5;
        return e;
    }

    /// <summary>Version 2: the two-sample ±16 g batch from a boot identified as 0x2A4C19E5.</summary>
    public static AccelBatch Accel16GWithBootId()
    {
        var b = Accel16G();
        b.BootId = 0x2A4C19E5;
        return b;
    }

    /// <summary>An impact pre-trigger with a 3.2 g peak.</summary>
    public static DeviceEvent ImpactTrigger() => new()
    {
        DeviceId = DeviceId,
        Sequence = 2,
        Kind = EventKind.ImpactTrigger,
        DeviceTimeUs = 7_250_000,
        Value = 3200,
    };

    /// <summary>A triggered-mode config at 50 Hz and ±16 g.</summary>
    public static DeviceConfig Config() => new()
    {
        DeviceId = DeviceId,
        Revision = 3,
        Mode = DeviceMode.Triggered,
        SampleRateHz = 50,
        RangeG = 16,
        BatchIntervalMs = 1000,
        ImpactThresholdMilliG = 2500,
        FreeFallThresholdMilliG = 400,
        PreTriggerSeconds = 10,
        PostTriggerSeconds = 20,
        HeartbeatSeconds = 60,
        NotWornAfterSeconds = 1800,
    };

    /// <summary>CRC-32 check input: the nine ASCII bytes "123456789".</summary>
    public const string CrcCheckInput = "123456789";

    /// <summary>CRC-32 of <see cref="CrcCheckInput"/>, written little-endian as the trailer would be.</summary>
    public const string CrcCheckHex = "2639f4cb";

    public const uint CrcCheckValue = 0xCBF43926;

    public static Vector[] All() =>
    [
        new("accel-16g-2-samples", Accel16G(),
            "0101076d352d303030312a00000040420f0000000000204e00001000020000000000000800f8ff7f00804d0ca131"),
        new("accel-8g-triggered-at-wrap", AccelTriggeredAtWrap(),
            "0101076d352d30303031ffffffff00000000010000001027000008030100001000f0010093448f48"),
        new("status-online", Status(),
            "0102076d352d3030303107000000100e00006e0f5705c3013200000000000000030000002a000b090000000005312e302e30d05c5a9c"),
        new("status-sensor-fault", StatusSensorFault(),
            "0102076d352d30303031080000004c0e00006c0f5715c3013200000000000000030000000000ea030502010005312e302e3063f6f612"),
        new("event-button-press", ButtonPress(),
            "0103076d352d303030310100000001404b4c0000000000000047b6c1cb"),
        new("event-button-press-boot-id", ButtonPressWithBootId(),
            "0203076d352d30303031e5194c2a0100000001404b4c000000000000007eddd92b"),
        new("accel-16g-2-samples-boot-id", Accel16GWithBootId(),
            "0201076d352d30303031e5194c2a2a00000040420f0000000000204e00001000020000000000000800f8ff7f0080f4c73919"),
        new("event-impact-trigger", ImpactTrigger(),
            "0103076d352d30303031020000000250a06e0000000000800caa95f555"),
        new("config-triggered", Config(),
            "0104076d352d303030310300000001320010e803c40990010a143c0008072e3888fc"),
    ];
}
