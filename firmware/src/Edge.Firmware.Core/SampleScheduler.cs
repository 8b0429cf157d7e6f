namespace Edge.Firmware.Core
{
    /// <summary>
    /// Fixed-rate sampling deadlines against a µs clock. Slot k is due at start + k × period. A poll
    /// returns the newest slot that is due; any slot whose deadline passed a full period or more ago
    /// without being taken is a missed deadline: it is counted and skipped, never caught up by
    /// bunching samples together (bunched samples would carry wrong timestamps).
    /// </summary>
    public sealed class SampleScheduler
    {
        private readonly long _periodUs;
        private long _startUs;
        private long _nextSlot;
        private bool _started;

        /// <summary>Creates a schedule with the given period in µs.</summary>
        public SampleScheduler(long periodUs)
        {
            if (periodUs <= 0)
            {
                throw new System.ArgumentException("The sample period must be positive.");
            }

            _periodUs = periodUs;
        }

        /// <summary>Time between samples, µs.</summary>
        public long PeriodUs
        {
            get { return _periodUs; }
        }

        /// <summary>Deadlines that passed by a full period or more without a sample, since start.</summary>
        public long Missed { get; private set; }

        /// <summary>Samples taken since start.</summary>
        public long Taken { get; private set; }

        /// <summary>The deadline of slot 0, µs since boot.</summary>
        public long StartUs
        {
            get { return _startUs; }
        }

        /// <summary>The deadline of the next slot not yet taken or skipped.</summary>
        public long NextDeadlineUs
        {
            get { return _startUs + (_nextSlot * _periodUs); }
        }

        /// <summary>True once <see cref="Start"/> ran.</summary>
        public bool Started
        {
            get { return _started; }
        }

        /// <summary>Starts the schedule: slot 0 is due at <paramref name="nowUs"/>.</summary>
        public void Start(long nowUs)
        {
            _startUs = nowUs;
            _nextSlot = 0;
            Missed = 0;
            Taken = 0;
            _started = true;
        }

        /// <summary>The deadline of <paramref name="slot"/>, µs since boot.</summary>
        public long SlotTimeUs(long slot)
        {
            return _startUs + (slot * _periodUs);
        }

        /// <summary>
        /// Returns the slot to sample now, or -1 when nothing is due yet. Slots skipped because the
        /// caller came a full period or more late are added to <see cref="Missed"/>.
        /// </summary>
        public long Poll(long nowUs)
        {
            if (!_started)
            {
                Start(nowUs);
            }

            if (nowUs < NextDeadlineUs)
            {
                return -1;
            }

            long slot = (nowUs - _startUs) / _periodUs;
            Missed += slot - _nextSlot;
            _nextSlot = slot + 1;
            Taken++;
            return slot;
        }

        /// <summary>µs from <paramref name="nowUs"/> until the next deadline (0 when one is due).</summary>
        public long MicrosUntilNext(long nowUs)
        {
            long wait = NextDeadlineUs - nowUs;
            return wait < 0 ? 0 : wait;
        }
    }
}
