namespace Edge.Firmware.Core
{
    /// <summary>
    /// Exponential reconnect backoff with "equal jitter": attempt n waits between d/2 and d, where
    /// d = min(cap, initial × 2^n). The random half spreads a whole ward's sensors out after the
    /// gateway or access point comes back, instead of all reconnecting in the same instant.
    /// </summary>
    public sealed class Backoff
    {
        private readonly int _initialMs;
        private readonly int _maxMs;
        private readonly IRandom _random;
        private int _attempt;

        /// <summary>Creates a backoff from <paramref name="initialMs"/> doubling up to <paramref name="maxMs"/>.</summary>
        public Backoff(int initialMs, int maxMs, IRandom random)
        {
            if (initialMs < 1 || maxMs < initialMs)
            {
                throw new System.ArgumentException("Backoff needs 1 <= initial <= max.");
            }

            if (random == null)
            {
                throw new System.ArgumentNullException("random");
            }

            _initialMs = initialMs;
            _maxMs = maxMs;
            _random = random;
        }

        /// <summary>Failed attempts since the last <see cref="Reset"/>.</summary>
        public int Attempts
        {
            get { return _attempt; }
        }

        /// <summary>The un-jittered ceiling for the attempt after <paramref name="failures"/> failures.</summary>
        public int CeilingMs(int failures)
        {
            long d = _initialMs;
            for (int i = 0; i < failures && d < _maxMs; i++)
            {
                d *= 2;
            }

            return d > _maxMs ? _maxMs : (int)d;
        }

        /// <summary>Delay before the next attempt, in ms; counts one more failure.</summary>
        public int NextDelayMs()
        {
            int ceiling = CeilingMs(_attempt);
            if (_attempt < 30)
            {
                _attempt++;
            }

            int half = ceiling / 2;
            return half + _random.Next(ceiling - half + 1);
        }

        /// <summary>Starts over after a successful connection.</summary>
        public void Reset()
        {
            _attempt = 0;
        }
    }
}
