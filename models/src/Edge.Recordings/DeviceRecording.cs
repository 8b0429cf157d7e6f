namespace Edge.Recordings;

/// <summary>
/// A trial as the gateway would receive it from the wearable: resampled to the device rate,
/// quantised to int16 counts at the device range and converted back to g with the wire protocol's
/// formula.
/// </summary>
/// <param name="Trial">Source file.</param>
/// <param name="SampleRateHz">Device rate.</param>
/// <param name="RangeG">Device full-scale range in g.</param>
/// <param name="X">x in g (after quantisation).</param>
/// <param name="Y">y in g (after quantisation).</param>
/// <param name="Z">z in g (after quantisation).</param>
/// <param name="ClippedSamples">Axis samples that hit the int16 limit.</param>
public sealed record DeviceRecording(SisFallTrial Trial, int SampleRateHz, int RangeG, float[] X, float[] Y, float[] Z, int ClippedSamples)
{
    /// <summary>The wearable's default output rate.</summary>
    public const int DefaultRateHz = 50;

    /// <summary>Number of samples per axis.</summary>
    public int Length => X.Length;

    /// <summary>Duration in seconds.</summary>
    public double DurationSeconds => (double)X.Length / SampleRateHz;

    /// <summary>Time of sample <paramref name="index"/> in µs from the start of the recording.</summary>
    public long TimestampUs(int index) => (long)index * 1_000_000 / SampleRateHz;

    /// <summary>Resamples and quantises a SisFall recording for a device at <paramref name="rateHz"/>.</summary>
    public static DeviceRecording FromSisFall(SisFallRecording recording, int rateHz = DefaultRateHz, int rangeG = DeviceQuantizer.DefaultRangeG)
    {
        ArgumentNullException.ThrowIfNull(recording);
        var clipped = 0;
        float[] Axis(float[] source)
        {
            var resampled = Resampler.Resample(source, recording.SampleRateHz, rateHz);
            var counts = new short[resampled.Length];
            clipped += DeviceQuantizer.Quantize(resampled, rangeG, counts);
            var g = new float[counts.Length];
            for (var i = 0; i < counts.Length; i++)
            {
                g[i] = DeviceQuantizer.ToG(counts[i], rangeG);
            }

            return g;
        }

        return new DeviceRecording(recording.Trial, rateHz, rangeG, Axis(recording.X), Axis(recording.Y), Axis(recording.Z), clipped);
    }

    /// <summary>Loads a SisFall trial and converts it for the device.</summary>
    public static DeviceRecording Load(SisFallTrial trial, int rateHz = DefaultRateHz, int rangeG = DeviceQuantizer.DefaultRangeG) =>
        FromSisFall(SisFallLoader.Load(trial), rateHz, rangeG);
}
