using Edge.Recordings;

namespace Edge.Training.Evaluation;

/// <summary>
/// What a wearable in triggered mode would send: windows of <see cref="PreTriggerSeconds"/> before and
/// <see cref="PostTriggerSeconds"/> after every sample whose magnitude is at or above
/// <see cref="ImpactThresholdG"/> or at or below <see cref="FreeFallThresholdG"/>; overlapping windows
/// merge; everything else is not sent, so the detector sees gaps between windows.
/// </summary>
/// <remarks>
/// This is an adapter for the evaluation only. The device's own pre-trigger belongs in
/// <c>firmware/src/Edge.Firmware.Core</c> (nano subset); when it exists, this adapter should delegate
/// to it so the evaluation measures the device's exact logic. The parameters mirror the wire
/// protocol's config message (impact and free-fall thresholds in milli-g, pre/post seconds).
/// </remarks>
public sealed record TriggeredModeAdapter
{
    /// <summary>Impact trigger, g.</summary>
    public double ImpactThresholdG { get; init; } = 2.0;

    /// <summary>Free-fall trigger, g.</summary>
    public double FreeFallThresholdG { get; init; } = 0.6;

    /// <summary>Seconds sent before a trigger.</summary>
    public int PreTriggerSeconds { get; init; } = 3;

    /// <summary>Seconds sent after the last trigger.</summary>
    public int PostTriggerSeconds { get; init; } = 3;

    /// <summary>For each sample of <paramref name="recording"/>: whether the device would send it.</summary>
    public bool[] SentSamples(DeviceRecording recording)
    {
        ArgumentNullException.ThrowIfNull(recording);
        var n = recording.Length;
        var sent = new bool[n];
        var pre = PreTriggerSeconds * recording.SampleRateHz;
        var post = PostTriggerSeconds * recording.SampleRateHz;
        var impact = (float)(ImpactThresholdG * ImpactThresholdG);
        var freeFall = (float)(FreeFallThresholdG * FreeFallThresholdG);
        var sentUpTo = -1; // last index already marked
        for (var i = 0; i < n; i++)
        {
            var m2 = (recording.X[i] * recording.X[i]) + (recording.Y[i] * recording.Y[i]) + (recording.Z[i] * recording.Z[i]);
            if (m2 >= impact || m2 <= freeFall)
            {
                var from = Math.Max(Math.Max(0, i - pre), sentUpTo + 1);
                var to = Math.Min(n - 1, i + post);
                for (var j = from; j <= to; j++)
                {
                    sent[j] = true;
                }

                sentUpTo = Math.Max(sentUpTo, to);
            }
        }

        return sent;
    }
}
