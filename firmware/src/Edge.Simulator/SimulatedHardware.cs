using Edge.Firmware.Core;

namespace Edge.Simulator;

/// <summary>A device's µs-since-boot clock, driven by the simulation's clock.</summary>
internal sealed class SimulatedClock(Func<long> simulationNowUs, long bootOffsetUs) : IMicrosecondClock
{
    public long NowMicroseconds => simulationNowUs() + bootOffsetUs;
}

/// <summary>
/// The accelerometer of a simulated wearable: plays a recording sample by sample (one per read, so
/// the stream is exactly the resampled recording) and otherwise synthetic motion. When a recording
/// ends, the device stays still in the orientation the recording ended in.
/// </summary>
internal sealed class SimulatedAccelerometer(SyntheticMotion synthetic, int rangeG) : IAccelerometer
{
    private short[]? _recording;
    private int _index;

    public int RangeG { get; } = rangeG;

    public SyntheticMotion Synthetic { get; } = synthetic;

    public bool Playing => _recording is not null;

    public void Play(short[] xyz)
    {
        _recording = xyz;
        _index = 0;
    }

    public void Synthesize(string activity)
    {
        _recording = null;
        Synthetic.Set(activity);
    }

    public bool Read(short[] xyz)
    {
        if (_recording is { } r)
        {
            xyz[0] = r[3 * _index];
            xyz[1] = r[(3 * _index) + 1];
            xyz[2] = r[(3 * _index) + 2];
            _index++;
            if (3 * _index >= r.Length)
            {
                var perG = 32768f / RangeG;
                Synthetic.Hold(xyz[0] / perG, xyz[1] / perG, xyz[2] / perG);
                _recording = null;
            }

            return true;
        }

        var (x, y, z) = Synthetic.NextCounts(RangeG);
        xyz[0] = x;
        xyz[1] = y;
        xyz[2] = z;
        return true;
    }
}

/// <summary>A battery the scenario sets; voltage follows a linear Li-ion curve (3.3–4.2 V).</summary>
internal sealed class SimulatedBattery : IBattery
{
    public int Percent { get; set; } = 90;

    public bool OnCharger { get; set; }

    public void Read(BatteryReading reading)
    {
        reading.StateOfChargePercent = Percent;
        reading.Millivolts = 3300 + (9 * Percent);
        reading.ExternalPower = OnCharger;
        reading.Charging = OnCharger && Percent < 100;
    }
}

/// <summary>Jitter for the firmware's reconnect backoff.</summary>
internal sealed class SimulatedRandom(int seed) : IRandom
{
    private readonly Random _r = new(seed);

    public int Next(int maxExclusive) => _r.Next(maxExclusive);
}
