using Edge.Protocol;

namespace Edge.Firmware.Core
{
    /// <summary>
    /// The cheap on-device pre-trigger: an impact (magnitude above a threshold) or a free fall
    /// (magnitude below a threshold for a minimum number of consecutive samples). Magnitudes are
    /// compared squared, in counts², so no square root runs per sample.
    /// An impact fires on the sample that crosses the threshold upwards; a free fall fires once per
    /// run, on the sample that completes the minimum duration.
    /// </summary>
    public sealed class PreTrigger
    {
        private readonly long _impactSquared;
        private readonly long _freeFallSquared;
        private readonly int _freeFallMinSamples;
        private readonly int _rangeG;
        private bool _aboveImpact;
        private int _freeFallRun;
        private long _freeFallMinSquared;

        /// <summary>Creates a pre-trigger; thresholds in milli-g, duration in samples.</summary>
        public PreTrigger(int impactThresholdMilliG, int freeFallThresholdMilliG, int freeFallMinSamples, int rangeG)
        {
            if (!WireFormat.IsValidRange(rangeG))
            {
                throw new System.ArgumentException("rangeG must be 2, 4, 8 or 16.");
            }

            if (freeFallMinSamples < 1)
            {
                throw new System.ArgumentException("The free-fall duration must be at least one sample.");
            }

            long impact = IntMath.MilliGToCounts(impactThresholdMilliG, rangeG);
            long freeFall = IntMath.MilliGToCounts(freeFallThresholdMilliG, rangeG);
            _impactSquared = impact * impact;
            _freeFallSquared = freeFall * freeFall;
            _freeFallMinSamples = freeFallMinSamples;
            _rangeG = rangeG;
        }

        /// <summary>Magnitude in milli-g that made the last trigger fire: the impact sample, or the free-fall trough.</summary>
        public int LastValueMilliG { get; private set; }

        /// <summary>
        /// Feeds one sample. Returns <see cref="EventKind.ImpactTrigger"/>,
        /// <see cref="EventKind.FreeFallTrigger"/> or <see cref="EventKind.None"/>.
        /// </summary>
        public EventKind Update(short x, short y, short z)
        {
            long m2 = IntMath.MagnitudeSquared(x, y, z);

            EventKind result = EventKind.None;
            if (m2 < _freeFallSquared)
            {
                if (_freeFallRun == 0 || m2 < _freeFallMinSquared)
                {
                    _freeFallMinSquared = m2;
                }

                _freeFallRun++;
                if (_freeFallRun == _freeFallMinSamples)
                {
                    LastValueMilliG = ToMilliG(_freeFallMinSquared);
                    result = EventKind.FreeFallTrigger;
                }
            }
            else
            {
                _freeFallRun = 0;
            }

            bool above = m2 > _impactSquared;
            if (above && !_aboveImpact)
            {
                LastValueMilliG = ToMilliG(m2);
                result = EventKind.ImpactTrigger;
            }

            _aboveImpact = above;
            return result;
        }

        /// <summary>Forgets the current free-fall run and impact state.</summary>
        public void Reset()
        {
            _aboveImpact = false;
            _freeFallRun = 0;
        }

        private int ToMilliG(long magnitudeSquared)
        {
            long mg = IntMath.CountsToMilliG(IntMath.Sqrt(magnitudeSquared), _rangeG);
            return mg > 65535 ? 65535 : (int)mg;
        }
    }
}
