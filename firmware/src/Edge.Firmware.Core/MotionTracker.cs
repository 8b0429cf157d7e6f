namespace Edge.Firmware.Core
{
    /// <summary>
    /// Movement bookkeeping for the not-worn heuristic and the heartbeat's activity summary. A sample
    /// is movement when any axis differs from the reference sample by more than the threshold; the
    /// reference then moves to that sample. Slow drift (a resident turning over in bed) therefore
    /// also counts once it adds up to the threshold.
    /// </summary>
    public sealed class MotionTracker
    {
        private readonly int _thresholdCounts;
        private readonly int _rangeG;
        private bool _hasReference;
        private int _refX;
        private int _refY;
        private int _refZ;
        private long _lastActiveSecond = -1;

        /// <summary>Creates a tracker; <paramref name="movementThresholdMilliG"/> per axis.</summary>
        public MotionTracker(int movementThresholdMilliG, int rangeG)
        {
            _thresholdCounts = (int)IntMath.MilliGToCounts(movementThresholdMilliG, rangeG);
            _rangeG = rangeG;
        }

        /// <summary>Device time of the last movement (or of the first sample), µs.</summary>
        public long LastMovementUs { get; private set; }

        /// <summary>Seconds (of device time) with movement since <see cref="ResetSummary"/>.</summary>
        public int ActiveSeconds { get; private set; }

        /// <summary>Largest magnitude since <see cref="ResetSummary"/>, milli-g.</summary>
        public int MaxMagnitudeMilliG { get; private set; }

        /// <summary>Samples seen since <see cref="ResetSummary"/>.</summary>
        public int Samples { get; private set; }

        /// <summary>Feeds one sample taken at <paramref name="timeUs"/>.</summary>
        public void Update(long timeUs, short x, short y, short z)
        {
            Samples++;
            int mg = IntMath.MagnitudeMilliG(x, y, z, _rangeG);
            if (mg > MaxMagnitudeMilliG)
            {
                MaxMagnitudeMilliG = mg;
            }

            if (!_hasReference)
            {
                SetReference(x, y, z);
                LastMovementUs = timeUs;
                return;
            }

            if (Abs(x - _refX) > _thresholdCounts || Abs(y - _refY) > _thresholdCounts || Abs(z - _refZ) > _thresholdCounts)
            {
                SetReference(x, y, z);
                LastMovementUs = timeUs;
                long second = timeUs / 1000000;
                if (second != _lastActiveSecond)
                {
                    _lastActiveSecond = second;
                    ActiveSeconds++;
                }
            }
        }

        /// <summary>True when nothing moved for at least <paramref name="stillUs"/> µs before <paramref name="nowUs"/>.</summary>
        public bool IsStill(long nowUs, long stillUs)
        {
            return _hasReference && nowUs - LastMovementUs >= stillUs;
        }

        /// <summary>Starts a new summary period (after each heartbeat).</summary>
        public void ResetSummary()
        {
            ActiveSeconds = 0;
            MaxMagnitudeMilliG = 0;
            Samples = 0;
        }

        /// <summary>
        /// Starts a new summary period after a status that reported <paramref name="activeSecondsSent"/>:
        /// active seconds counted since that status was built are kept for the next one.
        /// </summary>
        public void StartNextSummary(int activeSecondsSent)
        {
            int rest = ActiveSeconds - activeSecondsSent;
            ResetSummary();
            ActiveSeconds = rest > 0 ? rest : 0;
        }

        private void SetReference(short x, short y, short z)
        {
            _refX = x;
            _refY = y;
            _refZ = z;
            _hasReference = true;
        }

        private static int Abs(int v)
        {
            return v < 0 ? -v : v;
        }
    }
}
