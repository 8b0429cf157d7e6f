namespace Edge.Detection.Tests;

/// <summary>Synthetic waist signals at 50 Hz.</summary>
internal static class Signals
{
    public const int Rate = 50;
    public const long PeriodUs = 20_000;

    /// <summary>
    /// Upright still (0, −1, 0) for <paramref name="uprightSeconds"/>, 0.4 s of free fall at 0.3 g,
    /// one impact sample of 5 g, then lying still on the side (1, 0, 0) for <paramref name="lyingSeconds"/>.
    /// Returns the samples and the impact index.
    /// </summary>
    public static (float[] X, float[] Y, float[] Z, int Impact) Fall(double uprightSeconds = 4, double lyingSeconds = 5)
    {
        var x = new List<float>();
        var y = new List<float>();
        var z = new List<float>();
        void Add(float a, float b, float c, int n)
        {
            for (var i = 0; i < n; i++)
            {
                x.Add(a);
                y.Add(b);
                z.Add(c);
            }
        }

        Add(0, -1, 0, (int)(uprightSeconds * Rate));
        Add(0, -0.3f, 0, 20);
        var impact = x.Count;
        Add(3, -4, 0, 1);
        Add(1, 0, 0, (int)(lyingSeconds * Rate));
        return ([.. x], [.. y], [.. z], impact);
    }

    /// <summary>
    /// A soft fall without a hard hit: upright still (0, −1, 0) for <paramref name="uprightSeconds"/>, then the
    /// body turns to lying on the side over 1.5 s with small bumps (never above 1.3 g), then lies still
    /// (1, 0, 0). <c>Lying</c> is the first sample of the lying part.
    /// </summary>
    public static (float[] X, float[] Y, float[] Z, int Lying) SlowFall(double uprightSeconds = 5, double lyingSeconds = 8)
    {
        var up = (int)(uprightSeconds * Rate);
        var turn = (int)(1.5 * Rate);
        var lie = (int)(lyingSeconds * Rate);
        var n = up + turn + lie;
        var x = new float[n];
        var y = new float[n];
        var z = new float[n];
        for (var i = 0; i < n; i++)
        {
            var a = i < up ? 0 : i < up + turn ? (i - up) / (float)turn * MathF.PI / 2 : MathF.PI / 2;
            var bump = i >= up && i < up + turn ? 1f + (0.3f * MathF.Sin((i - up) * MathF.PI * 4 / turn)) : 1f;
            x[i] = MathF.Sin(a) * bump;
            y[i] = -MathF.Cos(a) * bump;
        }

        return (x, y, z, up + turn);
    }

    /// <summary>Lying on the back (0, 0, 1), rolling to the side (1, 0, 0) over 1 s and back, in bed: always lying.</summary>
    public static (float[] X, float[] Y, float[] Z) Roll(double lyingSeconds = 6)
    {
        var still = (int)(lyingSeconds * Rate);
        var turn = Rate;
        var n = (3 * still) + (2 * turn);
        var x = new float[n];
        var y = new float[n];
        var z = new float[n];
        for (var i = 0; i < n; i++)
        {
            var p = i - still;
            var q = i - ((2 * still) + turn);
            var a = i < still ? 0 : p < turn ? p / (float)turn * MathF.PI / 2 : q < 0 ? MathF.PI / 2 : q < turn ? (1 - (q / (float)turn)) * MathF.PI / 2 : 0;
            x[i] = MathF.Sin(a);
            z[i] = MathF.Cos(a);
        }

        return (x, y, z);
    }

    /// <summary>Walking upright: gravity along −y with a 2 Hz vertical bounce (±0.25 g) and a 1 Hz sway (±0.1 g).</summary>
    public static (float[] X, float[] Y, float[] Z) Walk(double seconds)
    {
        var n = (int)(seconds * Rate);
        var x = new float[n];
        var y = new float[n];
        var z = new float[n];
        for (var i = 0; i < n; i++)
        {
            var t = i / (float)Rate;
            x[i] = 0.1f * MathF.Sin(2 * MathF.PI * t);
            y[i] = -1f - (0.25f * MathF.Sin(4 * MathF.PI * t));
            z[i] = 0.05f * MathF.Cos(4 * MathF.PI * t);
        }

        return (x, y, z);
    }

    public static (float[] X, float[] Y, float[] Z) Concat(params (float[] X, float[] Y, float[] Z, int Impact)[] parts) =>
        (parts.SelectMany(p => p.X).ToArray(), parts.SelectMany(p => p.Y).ToArray(), parts.SelectMany(p => p.Z).ToArray());
}

/// <summary>Rotations of a clip worn crooked.</summary>
internal static class Rotation
{
    public static float[,] AboutX(double degrees)
    {
        var a = (float)(degrees * Math.PI / 180);
        return new[,] { { 1, 0, 0 }, { 0, MathF.Cos(a), -MathF.Sin(a) }, { 0, MathF.Sin(a), MathF.Cos(a) } };
    }

    public static (float X, float Y, float Z) Apply(float[,] r, (float X, float Y, float Z) v) =>
        ((r[0, 0] * v.X) + (r[0, 1] * v.Y) + (r[0, 2] * v.Z), (r[1, 0] * v.X) + (r[1, 1] * v.Y) + (r[1, 2] * v.Z), (r[2, 0] * v.X) + (r[2, 1] * v.Y) + (r[2, 2] * v.Z));

    public static (float[] X, float[] Y, float[] Z) Apply(float[,] r, (float[] X, float[] Y, float[] Z) s)
    {
        var n = s.X.Length;
        var x = new float[n];
        var y = new float[n];
        var z = new float[n];
        for (var i = 0; i < n; i++)
        {
            (x[i], y[i], z[i]) = Apply(r, (s.X[i], s.Y[i], s.Z[i]));
        }

        return (x, y, z);
    }
}
