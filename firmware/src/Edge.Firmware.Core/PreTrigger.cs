using Edge.Protocol;

namespace Edge.Firmware.Core
{
    /// <summary>
    /// The cheap on-device pre-trigger: an impact (magnitude above a threshold), a free fall
    /// (magnitude below a threshold for a minimum number of consecutive samples), or a turn of the
    /// body (the fast-moving mean of the acceleration vector more than
    /// <see cref="PostureFireDegrees"/> from the slow-moving one: the wearer went from upright to
    /// lying, or lay down, without a hard hit; the gateway's soft path needs that window). Magnitudes
    /// and angles are compared squared, in integer counts, so no square root runs per sample.
    /// An impact fires on the sample that crosses the threshold upwards; a free fall fires once per
    /// run, on the sample that completes the minimum duration; a turn fires once and re-arms when the
    /// two means are within <see cref="PostureRearmDegrees"/> again.
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

        /// <summary>A turn fires when the fast and slow means are at least this far apart (degrees).</summary>
        public const int PostureFireDegrees = 50;

        /// <summary>A turn re-arms when the means are within this angle again (degrees).</summary>
        public const int PostureRearmDegrees = 30;

        // cos² of the two angles, in hundredths: cos²(50°) = 0.413, cos²(30°) = 0.75.
        private const long FireCos2Percent = 41;
        private const long RearmCos2Percent = 75;

        // Moving means in counts × 64 (fixed point): fast α = 1/8 (≈ 0.16 s at 50 Hz), slow α = 1/64 (≈ 1.3 s).
        private const int FixedShift = 6;
        private const int FastShift = 3;
        private const int SlowShift = 6;
        private readonly int _angleShift;
        private readonly long _minSlowSquared;
        private long _fx;
        private long _fy;
        private long _fz;
        private long _sx;
        private long _sy;
        private long _sz;
        private bool _meansStarted;
        private bool _turned;

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

            // Angles are compared at about 512 counts per g, so the squared products stay inside a long.
            int perG = IntMath.CountsPerG(rangeG);
            int shift = 0;
            while ((perG >> shift) > 512)
            {
                shift++;
            }

            _angleShift = shift;
            long half = (perG >> shift) / 2;
            _minSlowSquared = half * half;
        }

        /// <summary>Magnitude in milli-g that made the last trigger fire: the impact sample, or the free-fall trough.</summary>
        public int LastValueMilliG { get; private set; }

        /// <summary>
        /// Feeds one sample. Returns <see cref="EventKind.ImpactTrigger"/>,
        /// <see cref="EventKind.FreeFallTrigger"/>, <see cref="EventKind.PostureTrigger"/> or
        /// <see cref="EventKind.None"/> (an impact or free fall wins over a turn on the same sample).
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
            if (UpdatePosture(x, y, z) && result == EventKind.None)
            {
                LastValueMilliG = ToMilliG(m2);
                result = EventKind.PostureTrigger;
            }

            return result;
        }

        // The turn test: true on the sample where the fast mean first leaves the slow one by the fire angle.
        private bool UpdatePosture(short x, short y, short z)
        {
            long px = (long)x << FixedShift;
            long py = (long)y << FixedShift;
            long pz = (long)z << FixedShift;
            if (!_meansStarted)
            {
                _fx = _sx = px;
                _fy = _sy = py;
                _fz = _sz = pz;
                _meansStarted = true;
                return false;
            }

            _fx += (px - _fx) >> FastShift;
            _fy += (py - _fy) >> FastShift;
            _fz += (pz - _fz) >> FastShift;
            _sx += (px - _sx) >> SlowShift;
            _sy += (py - _sy) >> SlowShift;
            _sz += (pz - _sz) >> SlowShift;

            int down = FixedShift + _angleShift;
            long fx = _fx >> down, fy = _fy >> down, fz = _fz >> down;
            long sx = _sx >> down, sy = _sy >> down, sz = _sz >> down;
            long s2 = (sx * sx) + (sy * sy) + (sz * sz);
            long f2 = (fx * fx) + (fy * fy) + (fz * fz);
            if (s2 < _minSlowSquared || f2 < _minSlowSquared)
            {
                return false; // in free fall or still settling: no direction to compare
            }

            long dot = (fx * sx) + (fy * sy) + (fz * sz);
            long product = (f2 / 16) * (s2 / 16);
            long dot2 = (dot / 16) * (dot / 16);
            if (!_turned)
            {
                if (dot <= 0 || dot2 * 100 < FireCos2Percent * product)
                {
                    _turned = true;
                    return true;
                }
            }
            else if (dot > 0 && dot2 * 100 > RearmCos2Percent * product)
            {
                _turned = false;
            }

            return false;
        }

        /// <summary>Forgets the current free-fall run, impact state and orientation means.</summary>
        public void Reset()
        {
            _aboveImpact = false;
            _freeFallRun = 0;
            _meansStarted = false;
            _turned = false;
        }

        private int ToMilliG(long magnitudeSquared)
        {
            long mg = IntMath.CountsToMilliG(IntMath.Sqrt(magnitudeSquared), _rangeG);
            return mg > 65535 ? 65535 : (int)mg;
        }
    }
}
