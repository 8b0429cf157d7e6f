using System.Collections.Concurrent;

namespace Edge.Recordings;

/// <summary>
/// Rational-ratio sample-rate converter with a Kaiser-windowed-sinc anti-alias filter, evaluated in
/// polyphase form (one precomputed tap set per output phase).
/// </summary>
/// <remarks>
/// <para>Filter: with <c>nyq = min(from, to) / 2</c>, the passband edge is <c>0.8·nyq</c>, the
/// stopband edge is <c>nyq</c> and the stopband attenuation is at least 70 dB (Kaiser β = 6.76). For
/// 200 Hz → 50 Hz that is flat (ripple &lt; 0.01 dB) to 20 Hz and ≤ −70 dB from 25 Hz up, so nothing
/// above the device's Nyquist frequency folds back into the band, with a 174-tap filter (0.87 s span).
/// Each phase is normalised to unit DC gain, so gravity passes exactly.</para>
/// <para>Output sample <c>k</c> is aligned with input time <c>k / toHz</c> (the filter is centred,
/// zero phase). Before the first and after the last input sample the signal is held constant
/// (edge extension), which avoids the 1 g step that zero-padding gravity would create.</para>
/// <para>The streaming form (<see cref="CreateStream"/>) gives the same samples as
/// <see cref="Resample(float[], int, int)"/> except that it cannot see the end of the signal; it
/// emits output <c>k</c> once the input <c>HalfWidth</c> samples after <c>k / toHz</c> has arrived.</para>
/// </remarks>
public sealed class Resampler
{
    private static readonly ConcurrentDictionary<(int, int), Resampler> Cache = new();

    private readonly float[][] _phases;

    /// <summary>Designs a converter from <paramref name="fromHz"/> to <paramref name="toHz"/>.</summary>
    public Resampler(int fromHz, int toHz, double stopbandAttenuationDb = 70, double passbandFraction = 0.8)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(fromHz, 0);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(toHz, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(stopbandAttenuationDb, 21);
        if (passbandFraction is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(passbandFraction), passbandFraction, "must be in (0, 1)");
        }

        FromHz = fromHz;
        ToHz = toHz;
        var gcd = Gcd(fromHz, toHz);
        Up = toHz / gcd;
        Down = fromHz / gcd;
        var nyquist = Math.Min(fromHz, toHz) / 2.0;
        PassbandEdgeHz = passbandFraction * nyquist;
        StopbandEdgeHz = nyquist;
        StopbandAttenuationDb = stopbandAttenuationDb;

        // Kaiser design (Oppenheim & Schafer): length from attenuation and transition width.
        var transition = 2 * Math.PI * (StopbandEdgeHz - PassbandEdgeHz) / fromHz;
        var length = (int)Math.Ceiling((stopbandAttenuationDb - 7.95) / (2.285 * transition)) + 1;
        HalfWidth = (length + 1) / 2;
        var beta = stopbandAttenuationDb > 50
            ? 0.1102 * (stopbandAttenuationDb - 8.7)
            : 0.5842 * Math.Pow(stopbandAttenuationDb - 21, 0.4) + 0.07886 * (stopbandAttenuationDb - 21);
        var cutoff = (PassbandEdgeHz + StopbandEdgeHz) / 2 / fromHz; // cycles per input sample
        var i0Beta = BesselI0(beta);

        _phases = new float[Up][];
        for (var p = 0; p < Up; p++)
        {
            var frac = (double)p / Up;
            var taps = new double[2 * HalfWidth];
            var sum = 0.0;
            for (var j = 0; j < taps.Length; j++)
            {
                // Tap j multiplies input n0 - HalfWidth + 1 + j; tau is output time minus input time.
                var tau = frac + HalfWidth - 1 - j;
                var r = tau / HalfWidth;
                var window = Math.Abs(r) >= 1 ? 0 : BesselI0(beta * Math.Sqrt(1 - (r * r))) / i0Beta;
                var x = 2 * cutoff * tau;
                var sinc = Math.Abs(x) < 1e-12 ? 1.0 : Math.Sin(Math.PI * x) / (Math.PI * x);
                taps[j] = 2 * cutoff * sinc * window;
                sum += taps[j];
            }

            _phases[p] = taps.Select(t => (float)(t / sum)).ToArray();
        }
    }

    /// <summary>Input rate in Hz.</summary>
    public int FromHz { get; }

    /// <summary>Output rate in Hz.</summary>
    public int ToHz { get; }

    /// <summary>Interpolation factor L (to / gcd).</summary>
    public int Up { get; }

    /// <summary>Decimation factor M (from / gcd).</summary>
    public int Down { get; }

    /// <summary>Half the filter span, in input samples (also the streaming look-ahead).</summary>
    public int HalfWidth { get; }

    /// <summary>Passband edge in Hz.</summary>
    public double PassbandEdgeHz { get; }

    /// <summary>Stopband edge in Hz (the lower of the two Nyquist frequencies).</summary>
    public double StopbandEdgeHz { get; }

    /// <summary>Designed minimum stopband attenuation in dB.</summary>
    public double StopbandAttenuationDb { get; }

    /// <summary>Number of output samples for <paramref name="inputLength"/> input samples.</summary>
    public int OutputLength(int inputLength) =>
        inputLength <= 0 ? 0 : (int)((long)(inputLength - 1) * Up / Down) + 1;

    /// <summary>Resamples a whole signal (shared designs are cached per rate pair).</summary>
    public static float[] Resample(float[] samples, int fromHz, int toHz)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (fromHz == toHz)
        {
            return (float[])samples.Clone();
        }

        return Cache.GetOrAdd((fromHz, toHz), key => new Resampler(key.Item1, key.Item2)).Process(samples);
    }

    /// <summary>Resamples a whole signal with this design.</summary>
    public float[] Process(ReadOnlySpan<float> samples)
    {
        var output = new float[OutputLength(samples.Length)];
        if (output.Length == 0)
        {
            return output;
        }

        var stream = CreateStream();
        var written = 0;
        Span<float> chunk = stackalloc float[Up];
        foreach (var sample in samples)
        {
            var n = stream.Push(sample, chunk);
            written += Copy(chunk[..n], output, written);
        }

        // Hold the last sample until every output up to the last input time is out.
        var last = samples[^1];
        while (written < output.Length)
        {
            var n = stream.Push(last, chunk);
            written += Copy(chunk[..n], output, written);
        }

        return output;
    }

    /// <summary>Starts a streaming conversion (one per signal; not thread-safe).</summary>
    public Stream CreateStream() => new(this);

    /// <summary>Magnitude response of phase 0 at <paramref name="frequencyHz"/> (for tests and docs).</summary>
    public double MagnitudeResponse(double frequencyHz)
    {
        double re = 0, im = 0;
        var taps = _phases[0];
        for (var j = 0; j < taps.Length; j++)
        {
            var w = 2 * Math.PI * frequencyHz / FromHz * j;
            re += taps[j] * Math.Cos(w);
            im -= taps[j] * Math.Sin(w);
        }

        return Math.Sqrt((re * re) + (im * im));
    }

    private static int Copy(Span<float> from, float[] to, int at)
    {
        var n = Math.Min(from.Length, to.Length - at);
        from[..n].CopyTo(to.AsSpan(at));
        return n;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }

    private static double BesselI0(double x)
    {
        // Power series; converges quickly for the beta values used here (< 15).
        double sum = 1, term = 1, half = x / 2;
        for (var k = 1; k < 200; k++)
        {
            term *= half / k;
            var t2 = term * term;
            sum += t2;
            if (t2 < sum * 1e-17)
            {
                break;
            }
        }

        return sum;
    }

    /// <summary>Streaming state of a <see cref="Resampler"/>: push input samples, receive output samples.</summary>
    public sealed class Stream
    {
        private readonly Resampler _design;
        private readonly float[] _buffer; // doubled ring so a contiguous window always exists
        private readonly int _span;
        private long _inputIndex = -1;
        private long _nextOutput;
        private int _head;

        internal Stream(Resampler design)
        {
            _design = design;
            _span = 2 * design.HalfWidth;
            _buffer = new float[2 * _span];
        }

        /// <summary>Most output samples one <see cref="Push"/> can produce (ceil(L/M)).</summary>
        public int MaxOutputsPerInput => (_design.Up + _design.Down - 1) / _design.Down;

        /// <summary>
        /// Adds one input sample and writes the output samples that became computable into
        /// <paramref name="output"/> (which must hold <see cref="MaxOutputsPerInput"/>); returns how many.
        /// Before the first sample the signal is taken to equal the first sample.
        /// </summary>
        public int Push(float sample, Span<float> output)
        {
            if (_inputIndex < 0)
            {
                Array.Fill(_buffer, sample);
                _head = 0;
            }

            _inputIndex++;
            _buffer[_head] = sample;
            _buffer[_head + _span] = sample;
            _head = (_head + 1) % _span;

            var written = 0;
            while (true)
            {
                var numerator = _nextOutput * _design.Down;
                var n0 = numerator / _design.Up;
                if (n0 + _design.HalfWidth > _inputIndex)
                {
                    break;
                }

                // The window n0-H+1 .. n0+H ends at the newest sample only when n0+H == inputIndex;
                // in general it ends (inputIndex - (n0+H)) samples earlier.
                var lag = (int)(_inputIndex - (n0 + _design.HalfWidth));
                var start = _head - lag;
                if (start < 0)
                {
                    start += _span;
                }

                var taps = _design._phases[(int)(numerator % _design.Up)];
                var window = _buffer.AsSpan(start, _span);
                double acc = 0;
                for (var j = 0; j < taps.Length; j++)
                {
                    acc += taps[j] * window[j];
                }

                output[written++] = (float)acc;
                _nextOutput++;
            }

            return written;
        }
    }
}
