namespace Edge.Recordings;

/// <summary>
/// The wearable's accelerometer as a number: int16 counts at a full-scale range of ±2/4/8/16 g.
/// counts → g is the wire protocol's conversion, <c>g = counts · rangeG / 32768</c> (exactly
/// 2048 counts per g at ±16 g).
/// </summary>
public static class DeviceQuantizer
{
    /// <summary>Counts for a full-scale reading (2^15).</summary>
    public const int FullScaleCounts = 32768;

    /// <summary>The range the wearable runs at: SisFall falls peak far above 8 g.</summary>
    public const int DefaultRangeG = 16;

    /// <summary>Converts g to counts, rounding half away from zero and clipping to int16.</summary>
    public static short ToCounts(float g, int rangeG) => ToCounts(g, rangeG, out _);

    /// <summary>Converts g to counts; <paramref name="clipped"/> tells whether the value was outside the range.</summary>
    public static short ToCounts(float g, int rangeG, out bool clipped)
    {
        ValidateRange(rangeG);
        var scaled = Math.Round((double)g * FullScaleCounts / rangeG, MidpointRounding.AwayFromZero);
        if (double.IsNaN(scaled))
        {
            throw new ArgumentOutOfRangeException(nameof(g), g, "NaN cannot be quantised");
        }

        clipped = scaled is > short.MaxValue or < short.MinValue;
        return (short)Math.Clamp(scaled, short.MinValue, short.MaxValue);
    }

    /// <summary>Converts counts to g exactly as the wire protocol does.</summary>
    public static float ToG(short counts, int rangeG)
    {
        ValidateRange(rangeG);
        return (float)counts * rangeG / FullScaleCounts;
    }

    /// <summary>Quantises a signal in place of <paramref name="counts"/>; returns how many samples clipped.</summary>
    public static int Quantize(ReadOnlySpan<float> g, int rangeG, Span<short> counts)
    {
        if (counts.Length < g.Length)
        {
            throw new ArgumentException("counts is shorter than the signal", nameof(counts));
        }

        var clippedCount = 0;
        for (var i = 0; i < g.Length; i++)
        {
            counts[i] = ToCounts(g[i], rangeG, out var clipped);
            if (clipped)
            {
                clippedCount++;
            }
        }

        return clippedCount;
    }

    private static void ValidateRange(int rangeG)
    {
        if (rangeG is not (2 or 4 or 8 or 16))
        {
            throw new ArgumentOutOfRangeException(nameof(rangeG), rangeG, "the accelerometer range must be 2, 4, 8 or 16 g");
        }
    }
}
