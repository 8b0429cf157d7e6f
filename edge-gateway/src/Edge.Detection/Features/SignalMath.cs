namespace Edge.Detection.Features;

/// <summary>Small statistics over window segments, shared by the impact and soft feature sets.</summary>
internal static class SignalMath
{
    /// <summary>Radians to degrees.</summary>
    public const float Degrees = 180f / MathF.PI;

    /// <summary>Standard gravity, m/s².</summary>
    public const float StandardGravity = 9.81f;

    public static (float Mean, float Std) MeanStd(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty)
        {
            return (0, 0);
        }

        float sum = 0;
        foreach (var v in values)
        {
            sum += v;
        }

        var mean = sum / values.Length;
        float sq = 0;
        foreach (var v in values)
        {
            sq += (v - mean) * (v - mean);
        }

        return (mean, MathF.Sqrt(sq / values.Length));
    }

    /// <summary>Magnitude of the change of the acceleration vector from sample i−1 to i, g/s.</summary>
    public static float Jerk(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> z, int i, float rate)
    {
        float dx = x[i] - x[i - 1], dy = y[i] - y[i - 1], dz = z[i] - z[i - 1];
        return MathF.Sqrt((dx * dx) + (dy * dy) + (dz * dz)) * rate;
    }

    /// <summary>Mean acceleration vector over [s0, s1) (zero for an empty segment).</summary>
    public static Vector MeanVector(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> z, int s0, int s1)
    {
        float ax = 0, ay = 0, az = 0;
        for (var i = s0; i < s1; i++)
        {
            ax += x[i];
            ay += y[i];
            az += z[i];
        }

        var n = Math.Max(1, s1 - s0);
        return new Vector(ax / n, ay / n, az / n);
    }

    /// <summary>Angle between two vectors in degrees (0 when either is zero).</summary>
    public static float Angle(Vector a, Vector b)
    {
        var na = a.Length;
        var nb = b.Length;
        if (na < 1e-6f || nb < 1e-6f)
        {
            return 0;
        }

        return MathF.Acos(Math.Clamp(a.Dot(b) / (na * nb), -1f, 1f)) * Degrees;
    }

    /// <summary>
    /// Vertical velocity (m/s) and displacement (m) from the magnitude: ∫(|a| − 1 g) from s0, and their
    /// most negative values over [s0, s1). Orientation-free, so it survives the body turning while falling;
    /// sideways accelerations count as upward, so it underestimates a drop.
    /// </summary>
    public static (float VelocityMin, float DisplacementMin) MagnitudeIntegrals(ReadOnlySpan<float> magnitude, int s0, int s1, float dt)
    {
        float v = 0, d = 0, vMin = 0, dMin = 0;
        for (var i = s0; i < s1; i++)
        {
            v += (magnitude[i] - 1f) * StandardGravity * dt;
            d += v * dt;
            vMin = Math.Min(vMin, v);
            dMin = Math.Min(dMin, d);
        }

        return (vMin, dMin);
    }

    /// <summary>
    /// The same integrals in the gravity frame: each sample is projected on the direction of the mean
    /// acceleration over ± <paramref name="halfWidth"/> samples around it (a moving estimate of "up" that
    /// follows the body as it turns), minus 1 g.
    /// </summary>
    public static (float VelocityMin, float DisplacementMin) GravityFrameIntegrals(
        ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> z, int s0, int s1, int halfWidth, float dt)
    {
        var n = x.Length;
        float v = 0, d = 0, vMin = 0, dMin = 0;
        for (var i = s0; i < s1; i++)
        {
            var g = MeanVector(x, y, z, Math.Max(0, i - halfWidth), Math.Min(n, i + halfWidth + 1));
            var gn = g.Length;
            if (gn < 1e-6f)
            {
                continue;
            }

            var vertical = (((x[i] * g.X) + (y[i] * g.Y) + (z[i] * g.Z)) / gn) - 1f;
            v += vertical * StandardGravity * dt;
            d += v * dt;
            vMin = Math.Min(vMin, v);
            dMin = Math.Min(dMin, d);
        }

        return (vMin, dMin);
    }
}

/// <summary>A 3-vector in the device frame, g.</summary>
internal readonly record struct Vector(float X, float Y, float Z)
{
    public float Length => MathF.Sqrt((X * X) + (Y * Y) + (Z * Z));

    public float Dot(Vector o) => (X * o.X) + (Y * o.Y) + (Z * o.Z);
}
