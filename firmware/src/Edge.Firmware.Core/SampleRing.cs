namespace Edge.Firmware.Core
{
    /// <summary>
    /// The last few seconds of samples, preallocated: interleaved x, y, z counts plus the schedule
    /// slot of each sample, so a gap (a missed deadline) is visible and a batch never spans one.
    /// </summary>
    public sealed class SampleRing
    {
        private readonly short[] _xyz;
        private readonly long[] _slots;
        private int _head; // index of the next write
        private int _count;

        /// <summary>Creates a ring holding <paramref name="capacity"/> samples.</summary>
        public SampleRing(int capacity)
        {
            if (capacity < 1)
            {
                throw new System.ArgumentException("The ring needs room for at least one sample.");
            }

            _xyz = new short[3 * capacity];
            _slots = new long[capacity];
        }

        /// <summary>Samples the ring can hold.</summary>
        public int Capacity
        {
            get { return _slots.Length; }
        }

        /// <summary>Samples held now.</summary>
        public int Count
        {
            get { return _count; }
        }

        /// <summary>Slot of the newest sample, or -1 when empty.</summary>
        public long NewestSlot
        {
            get { return _count == 0 ? -1 : _slots[Index(_count - 1)]; }
        }

        /// <summary>Slot of the oldest sample held, or -1 when empty.</summary>
        public long OldestSlot
        {
            get { return _count == 0 ? -1 : _slots[Index(0)]; }
        }

        /// <summary>Appends a sample; slots must increase. The oldest sample is overwritten when full.</summary>
        public void Add(long slot, short x, short y, short z)
        {
            if (_count > 0 && slot <= NewestSlot)
            {
                throw new System.ArgumentException("Slots must increase.");
            }

            _slots[_head] = slot;
            _xyz[3 * _head] = x;
            _xyz[(3 * _head) + 1] = y;
            _xyz[(3 * _head) + 2] = z;
            _head = (_head + 1) % _slots.Length;
            if (_count < _slots.Length)
            {
                _count++;
            }
        }

        /// <summary>The slot of the i-th oldest sample (0 = oldest).</summary>
        public long SlotAt(int i)
        {
            return _slots[Index(i)];
        }

        /// <summary>The x, y, z counts of the i-th oldest sample into <paramref name="xyz"/>.</summary>
        public void SampleAt(int i, short[] xyz)
        {
            int k = 3 * Index(i);
            xyz[0] = _xyz[k];
            xyz[1] = _xyz[k + 1];
            xyz[2] = _xyz[k + 2];
        }

        /// <summary>
        /// Copies the first run of consecutive slots after <paramref name="afterSlot"/> and at most
        /// <paramref name="lastSlot"/> into <paramref name="dest"/> (interleaved), up to
        /// <paramref name="maxSamples"/>. The run ends at the first gap in the slots. Returns the
        /// number copied (0 when nothing qualifies) and the first copied slot in <paramref name="firstSlot"/>.
        /// </summary>
        public int ReadRun(long afterSlot, long lastSlot, int maxSamples, short[] dest, out long firstSlot)
        {
            firstSlot = -1;
            int i = 0;
            while (i < _count && _slots[Index(i)] <= afterSlot)
            {
                i++;
            }

            int n = 0;
            long expected = -1;
            while (i < _count && n < maxSamples)
            {
                int k = Index(i);
                long slot = _slots[k];
                if (slot > lastSlot || (n > 0 && slot != expected))
                {
                    break;
                }

                if (n == 0)
                {
                    firstSlot = slot;
                }

                dest[3 * n] = _xyz[3 * k];
                dest[(3 * n) + 1] = _xyz[(3 * k) + 1];
                dest[(3 * n) + 2] = _xyz[(3 * k) + 2];
                n++;
                expected = slot + 1;
                i++;
            }

            return n;
        }

        private int Index(int i)
        {
            int start = _head - _count;
            if (start < 0)
            {
                start += _slots.Length;
            }

            return (start + i) % _slots.Length;
        }
    }
}
