using Edge.Recordings;

namespace Edge.Recordings.Tests;

public sealed class ResamplerTests
{
    private static float[] Tone(double hz, double amplitude, double offset, int rate, double seconds)
    {
        var n = (int)(seconds * rate);
        var s = new float[n];
        for (var i = 0; i < n; i++)
        {
            s[i] = (float)(offset + (amplitude * Math.Sin(2 * Math.PI * hz * i / rate)));
        }

        return s;
    }

    private static double Rms(ReadOnlySpan<float> s, double mean)
    {
        double sum = 0;
        foreach (var v in s)
        {
            sum += (v - mean) * (v - mean);
        }

        return Math.Sqrt(sum / s.Length);
    }

    [Fact]
    public void Resample_200To50_HasQuarterLengthAndPassesDcExactly()
    {
        var input = Enumerable.Repeat(-1f, 3000).ToArray();

        var output = Resampler.Resample(input, 200, 50);

        Assert.Equal(750, output.Length);
        Assert.All(output, v => Assert.Equal(-1f, v, 5));
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(5.0)]
    [InlineData(15.0)]
    [InlineData(20.0)]
    public void Resample_PassbandTone_KeepsAmplitudeAndPhase(double hz)
    {
        var input = Tone(hz, 1, 1, 200, 10);

        var output = Resampler.Resample(input, 200, 50);

        // Interior only (edge extension affects the first and last filter spans).
        for (var k = 50; k < output.Length - 50; k++)
        {
            var expected = 1 + Math.Sin(2 * Math.PI * hz * k / 50);
            Assert.Equal(expected, output[k], 2e-3);
        }
    }

    [Theory]
    [InlineData(25.0)]
    [InlineData(30.0)]
    [InlineData(40.0)] // would alias to 10 Hz at 50 Hz without the filter
    [InlineData(60.0)]
    [InlineData(95.0)]
    public void Resample_ToneAtOrAboveOutputNyquist_DoesNotAlias(double hz)
    {
        var input = Tone(hz, 1, 0, 200, 10);

        var output = Resampler.Resample(input, 200, 50);

        // A unit sine has RMS 0.707; ≥ 70 dB stopband leaves < 3.2e-4 × that.
        var rms = Rms(output.AsSpan(50, output.Length - 100), 0);
        Assert.True(rms < 0.707 * 3.2e-4, $"{hz} Hz leaked with RMS {rms}");
    }

    [Fact]
    public void Design_200To50_DocumentedPassbandAndStopband()
    {
        var r = new Resampler(200, 50);

        Assert.Equal(20, r.PassbandEdgeHz, 9);
        Assert.Equal(25, r.StopbandEdgeHz, 9);
        for (var f = 0.0; f <= 20; f += 0.5)
        {
            Assert.InRange(20 * Math.Log10(r.MagnitudeResponse(f)), -0.01, 0.01);
        }

        for (var f = 25.0; f <= 100; f += 0.25)
        {
            Assert.True(20 * Math.Log10(r.MagnitudeResponse(f)) <= -70, $"{f} Hz: {20 * Math.Log10(r.MagnitudeResponse(f)):F1} dB");
        }
    }

    [Fact]
    public void Stream_SameSamplesAsOffline_ExceptAtTheEnd()
    {
        var input = Tone(3, 0.5, -1, 200, 5).Select((v, i) => v + (i % 7 == 0 ? 0.3f : 0)).ToArray();
        var r = new Resampler(200, 50);
        var offline = r.Process(input);

        var stream = r.CreateStream();
        var streamed = new List<float>();
        Span<float> chunk = stackalloc float[stream.MaxOutputsPerInput];
        foreach (var v in input)
        {
            var n = stream.Push(v, chunk);
            for (var i = 0; i < n; i++)
            {
                streamed.Add(chunk[i]);
            }
        }

        Assert.True(streamed.Count < offline.Length);
        Assert.True(streamed.Count >= offline.Length - ((r.HalfWidth / 4) + 1));
        for (var i = 0; i < streamed.Count; i++)
        {
            Assert.Equal(offline[i], streamed[i]);
        }
    }

    [Fact]
    public void Resample_Upsampling_InterpolatesSlowTone()
    {
        var input = Tone(2, 1, 0, 50, 6);

        var output = Resampler.Resample(input, 50, 200);

        Assert.Equal(((input.Length - 1) * 4) + 1, output.Length);
        for (var k = 200; k < output.Length - 200; k++)
        {
            Assert.Equal(Math.Sin(2 * Math.PI * 2 * k / 200), output[k], 2e-3);
        }
    }

    [Fact]
    public void Resample_SameRate_ReturnsCopy()
    {
        var input = new[] { 1f, 2f, 3f };

        var output = Resampler.Resample(input, 50, 50);

        Assert.Equal(input, output);
        Assert.NotSame(input, output);
    }
}
