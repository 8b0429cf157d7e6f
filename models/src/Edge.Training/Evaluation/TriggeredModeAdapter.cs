using Edge.Firmware.Core;
using Edge.Protocol;
using Edge.Recordings;

namespace Edge.Training.Evaluation;

/// <summary>
/// What a wearable in triggered mode sends, decided by the firmware's own
/// <see cref="PreTrigger"/> (firmware/src/Edge.Firmware.Core) on the quantised counts: a window from
/// <see cref="PreTriggerSeconds"/> before a trigger sample to <see cref="PostTriggerSeconds"/> after
/// it, extended by triggers inside an open window, as <c>SensorNode</c> does. Everything else is not
/// sent, so the detector sees gaps between windows. Defaults are the firmware's
/// <see cref="SensorSettings"/> defaults.
/// </summary>
public sealed record TriggeredModeAdapter
{
    private static readonly SensorSettings Defaults = new();

    /// <summary>Impact trigger, milli-g.</summary>
    public int ImpactThresholdMilliG { get; init; } = Defaults.ImpactThresholdMilliG;

    /// <summary>Free-fall trigger, milli-g.</summary>
    public int FreeFallThresholdMilliG { get; init; } = Defaults.FreeFallThresholdMilliG;

    /// <summary>Minimum free-fall duration, ms.</summary>
    public int FreeFallMinMs { get; init; } = Defaults.FreeFallMinMs;

    /// <summary>Seconds sent before a trigger.</summary>
    public int PreTriggerSeconds { get; init; } = Defaults.PreTriggerSeconds;

    /// <summary>Seconds sent after the last trigger of a window.</summary>
    public int PostTriggerSeconds { get; init; } = Defaults.PostTriggerSeconds;

    /// <summary>For each sample of <paramref name="recording"/>: whether the device would send it.</summary>
    public bool[] SentSamples(DeviceRecording recording)
    {
        ArgumentNullException.ThrowIfNull(recording);
        var rate = recording.SampleRateHz;
        var minSamples = (int)Math.Max(1, (((long)FreeFallMinMs * rate) + 999) / 1000);
        var trigger = new PreTrigger(ImpactThresholdMilliG, FreeFallThresholdMilliG, minSamples, recording.RangeG);
        var n = recording.Length;
        var sent = new bool[n];
        long pre = (long)PreTriggerSeconds * rate;
        long post = (long)PostTriggerSeconds * rate;
        long windowEnd = -1;
        for (var i = 0; i < n; i++)
        {
            var kind = trigger.Update(
                DeviceQuantizer.ToCounts(recording.X[i], recording.RangeG),
                DeviceQuantizer.ToCounts(recording.Y[i], recording.RangeG),
                DeviceQuantizer.ToCounts(recording.Z[i], recording.RangeG));
            if (kind != EventKind.None)
            {
                var open = windowEnd >= i;
                var end = i + post - 1;
                if (!open)
                {
                    for (var j = Math.Max(0, i - pre); j < i; j++)
                    {
                        sent[j] = true;
                    }
                }

                windowEnd = Math.Max(windowEnd, end);
            }

            if (i <= windowEnd)
            {
                sent[i] = true;
            }
        }

        return sent;
    }
}
