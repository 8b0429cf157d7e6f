using Edge.Simulator;

namespace Edge.FaultKit;

/// <summary>The simulator's synthetic motion as sample arrays (g, at <see cref="SensorPublisher.RateHz"/>): standing still, then a fall and lying still.</summary>
public static class FallMotion
{
    public static (float[] X, float[] Y, float[] Z) Make(int standSeconds, int fallSeconds, int seed = 7)
    {
        var motion = new SyntheticMotion(SensorPublisher.RateHz, seed);
        var n = (standSeconds + fallSeconds) * SensorPublisher.RateHz;
        var (x, y, z) = (new float[n], new float[n], new float[n]);
        motion.Set("idle");
        for (var i = 0; i < n; i++)
        {
            if (i == standSeconds * SensorPublisher.RateHz)
            {
                motion.Set("fall");
            }

            (x[i], y[i], z[i]) = motion.Next();
        }

        return (x, y, z);
    }
}
