using Edge.Protocol;

namespace Edge.Protocol.Tests;

/// <summary>Helpers over the protocol API: encode any message object, hex, field-by-field equality.</summary>
public static class Codec
{
    public static byte[] Encode(object message) => message switch
    {
        AccelBatch m => WireEncoder.ToBytes(m),
        DeviceStatus m => WireEncoder.ToBytes(m),
        DeviceEvent m => WireEncoder.ToBytes(m),
        DeviceConfig m => WireEncoder.ToBytes(m),
        _ => throw new ArgumentException("not a protocol message", nameof(message)),
    };

    /// <summary>The decoded message object of an Ok result, or null.</summary>
    public static object? Message(DecodeResult r) =>
        (object?)r.Accel ?? (object?)r.DeviceStatus ?? (object?)r.Event ?? r.Config;

    public static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    public static byte[] FromHex(string hex) => Convert.FromHexString(hex);

    /// <summary>Every field of two messages, as text; equal strings mean equal messages.</summary>
    public static string Describe(object? m) => m switch
    {
        null => "null",
        AccelBatch a => $"accel id={a.DeviceId} seq={a.Sequence} t0={a.FirstSampleTimeUs} period={a.SamplePeriodUs} range={a.RangeG} flags={a.Flags} n={a.SampleCount} samples=[{string.Join(",", a.Samples.Take(3 * a.SampleCount))}]",
        DeviceStatus s => $"status id={s.DeviceId} seq={s.Sequence} up={s.UptimeSeconds} mv={s.BatteryMillivolts} soc={s.StateOfChargePercent} flags={s.Flags} rssi={s.RssiDbm} mode={s.Mode} rate={s.SampleRateHz} buf={s.BufferedUnsent} drop={s.DroppedBatches} miss={s.MissedDeadlines} active={s.ActiveSeconds} maxmg={s.MaxMagnitudeMilliG} fault={s.FaultCode}/{s.FaultDetail}/{s.FaultCount} fw='{s.FirmwareVersion ?? string.Empty}'",
        DeviceEvent e => $"event id={e.DeviceId} seq={e.Sequence} kind={e.Kind} t={e.DeviceTimeUs} value={e.Value}",
        DeviceConfig c => $"config id={c.DeviceId} rev={c.Revision} mode={c.Mode} rate={c.SampleRateHz} range={c.RangeG} batch={c.BatchIntervalMs} impact={c.ImpactThresholdMilliG} ff={c.FreeFallThresholdMilliG} pre={c.PreTriggerSeconds} post={c.PostTriggerSeconds} hb={c.HeartbeatSeconds} nw={c.NotWornAfterSeconds}",
        _ => throw new ArgumentException("not a protocol message", nameof(m)),
    };
}
