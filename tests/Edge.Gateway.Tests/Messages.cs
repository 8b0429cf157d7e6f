using Edge.Protocol;

namespace Edge.Gateway.Tests;

/// <summary>Builds real protocol messages with the firmware's encoder.</summary>
internal static class Messages
{
    public const int PeriodUs = 20_000;
    public const int SamplesPerBatch = 25;

    /// <summary>A batch of a resident standing still (1 g on y), sequence <paramref name="seq"/>, starting at device time seq × 0.5 s.</summary>
    public static AccelBatch Still(string device, uint seq, ulong? firstUs = null, int count = SamplesPerBatch)
    {
        var samples = new short[3 * count];
        for (var i = 0; i < count; i++)
        {
            samples[(3 * i) + 1] = -2048; // -1 g at ±16 g
            samples[3 * i] = (short)(i % 3); // a little noise
        }

        return new AccelBatch
        {
            DeviceId = device,
            Sequence = seq,
            FirstSampleTimeUs = firstUs ?? (ulong)seq * PeriodUs * (ulong)count,
            SamplePeriodUs = PeriodUs,
            RangeG = 16,
            SampleCount = count,
            Samples = samples,
        };
    }

    /// <summary>Accelerometer magnitudes (g, along y) per sample, as consecutive batches from sequence <paramref name="firstSeq"/>.</summary>
    public static List<AccelBatch> FromMagnitudes(string device, uint firstSeq, float[] magnitudes)
    {
        var batches = new List<AccelBatch>();
        for (var start = 0; start < magnitudes.Length; start += SamplesPerBatch)
        {
            var count = Math.Min(SamplesPerBatch, magnitudes.Length - start);
            var samples = new short[3 * count];
            for (var i = 0; i < count; i++)
            {
                samples[(3 * i) + 1] = (short)Math.Clamp(-magnitudes[start + i] * 2048, short.MinValue, short.MaxValue);
            }

            var seq = firstSeq + (uint)batches.Count;
            batches.Add(new AccelBatch
            {
                DeviceId = device,
                Sequence = seq,
                FirstSampleTimeUs = (ulong)start * PeriodUs,
                SamplePeriodUs = PeriodUs,
                RangeG = 16,
                SampleCount = count,
                Samples = samples,
            });
        }

        return batches;
    }

    public static byte[] Bytes(AccelBatch b) => WireEncoder.ToBytes(b);

    public static byte[] Status(string device, uint seq, byte soc = 80, bool online = true, bool worn = true, bool externalPower = false, bool charging = false, DeviceMode mode = DeviceMode.Streaming, uint uptime = 100, ushort activeSeconds = 0,
        DeviceFault fault = DeviceFault.None, byte faultDetail = 0, ushort faultCount = 0, bool faultActive = false)
    {
        if (!online)
        {
            return LastWill.Payload(device); // what the broker publishes when the device vanishes
        }

        byte flags = DeviceStatus.FlagOnline;
        if (worn)
        {
            flags |= DeviceStatus.FlagWorn;
        }

        if (externalPower)
        {
            flags |= DeviceStatus.FlagExternalPower;
        }

        if (charging)
        {
            flags |= DeviceStatus.FlagCharging;
        }

        if (faultActive)
        {
            flags |= DeviceStatus.FlagFaultActive;
        }

        return WireEncoder.ToBytes(new DeviceStatus
        {
            DeviceId = device,
            Sequence = seq,
            UptimeSeconds = uptime,
            BatteryMillivolts = 3900,
            StateOfChargePercent = soc,
            Flags = flags,
            RssiDbm = -60,
            Mode = mode,
            SampleRateHz = 50,
            ActiveSeconds = activeSeconds,
            MaxMagnitudeMilliG = (ushort)(activeSeconds > 0 ? 1400 : 1000),
            FaultCode = fault,
            FaultDetail = faultDetail,
            FaultCount = faultCount,
            FirmwareVersion = "1.0.0",
        });
    }

    public static byte[] Button(string device, uint seq, ulong timeUs = 1_000_000, EventKind kind = EventKind.ButtonPress) =>
        WireEncoder.ToBytes(new DeviceEvent { DeviceId = device, Sequence = seq, Kind = kind, DeviceTimeUs = timeUs });
}
