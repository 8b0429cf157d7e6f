using System.Numerics;
using Edge.Protocol;

namespace Edge.Gateway.Tests.Prevention;

/// <summary>Synthetic waist motion (SisFall axes: upright reads y = −1 g) as real protocol batches, 50 Hz, 25 samples each.</summary>
internal sealed class PostureBatches(string device)
{
    public static readonly Vector3 Upright = new(0, -1, 0);
    public static readonly Vector3 OnSide = new(1, 0, 0);
    public static readonly Vector3 OnBack = new(0, 0, 1);

    private readonly List<Vector3> _samples = [];
    private readonly Random _rng = new(7);
    private uint _seq;
    private int _sent;

    public double Seconds => _samples.Count / 50.0;

    public PostureBatches Still(Vector3 reading, double seconds)
    {
        for (var i = 0; i < (int)(seconds * 50); i++)
        {
            _samples.Add(reading + Noise(0.004f));
        }

        return this;
    }

    public PostureBatches Rotate(Vector3 from, Vector3 to, double seconds)
    {
        var n = (int)(seconds * 50);
        for (var i = 0; i < n; i++)
        {
            var k = 0.5f - (0.5f * MathF.Cos(MathF.PI * (i + 1) / n));
            _samples.Add(Vector3.Normalize(Vector3.Lerp(from, to, k)) + Noise(0.01f));
        }

        return this;
    }

    /// <summary>Rolling over in bed: the reading turns about the long axis, staying horizontal, with bumps.</summary>
    public PostureBatches Roll(Vector3 from, Vector3 to, double seconds)
    {
        var n = (int)(seconds * 50);
        for (var i = 0; i < n; i++)
        {
            var k = (i + 1) / (float)n;
            var bump = 0.15f * MathF.Sin(2 * MathF.PI * 2.5f * i / 50);
            _samples.Add((Vector3.Normalize(Vector3.Lerp(from, to, k)) * (1 + bump)) + Noise(0.02f));
        }

        return this;
    }

    public PostureBatches Walk(double seconds)
    {
        for (var i = 0; i < (int)(seconds * 50); i++)
        {
            var t = i / 50.0;
            var v = 0.25f * (float)Math.Sin(2 * Math.PI * (100 / 60.0) * t);
            _samples.Add((Upright * (1 + v)) + new Vector3(0.08f * (float)Math.Sin(Math.PI * (100 / 60.0) * t), 0, 0) + Noise(0.03f));
        }

        return this;
    }

    /// <summary>The batches not taken yet (whole batches only), with device times continuing from the last ones.</summary>
    public List<AccelBatch> Take()
    {
        var batches = new List<AccelBatch>();
        while (_sent + Messages.SamplesPerBatch <= _samples.Count)
        {
            var samples = new short[3 * Messages.SamplesPerBatch];
            for (var i = 0; i < Messages.SamplesPerBatch; i++)
            {
                var s = _samples[_sent + i];
                samples[3 * i] = Counts(s.X);
                samples[(3 * i) + 1] = Counts(s.Y);
                samples[(3 * i) + 2] = Counts(s.Z);
            }

            batches.Add(new AccelBatch
            {
                DeviceId = device,
                Sequence = _seq++,
                FirstSampleTimeUs = (ulong)_sent * Messages.PeriodUs,
                SamplePeriodUs = Messages.PeriodUs,
                RangeG = 16,
                SampleCount = Messages.SamplesPerBatch,
                Samples = samples,
            });
            _sent += Messages.SamplesPerBatch;
        }

        return batches;
    }

    private static short Counts(float g) => (short)Math.Clamp(Math.Round(g * 2048), short.MinValue, short.MaxValue);

    private Vector3 Noise(float sigma) => new(Gauss(sigma), Gauss(sigma), Gauss(sigma));

    private float Gauss(float sigma)
    {
        var u1 = 1.0 - _rng.NextDouble();
        var u2 = _rng.NextDouble();
        return sigma * (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }
}
