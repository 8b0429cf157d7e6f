using Edge.Protocol;

namespace Edge.Firmware.Core
{
    /// <summary>A preallocated telemetry batch waiting for the broker.</summary>
    internal sealed class TelemetrySlot
    {
        internal TelemetrySlot(int maxSamples)
        {
            Samples = new short[3 * maxSamples];
        }

        internal short[] Samples { get; private set; }

        internal int Count { get; set; }

        internal long FirstSlot { get; set; }

        internal uint Sequence { get; set; }

        internal byte Flags { get; set; }

        internal SendState State { get; set; }

        internal int MessageId { get; set; }

        internal long SentUs { get; set; }
    }

    /// <summary>
    /// The outbox's telemetry: a ring of preallocated batches, oldest first, released from the front
    /// as the broker acknowledges them. When it is full (offline) the oldest batch is dropped and the
    /// one after it is flagged as following a gap.
    /// </summary>
    /// <remarks>Not thread-safe: used under <see cref="SensorNode"/>'s lock, through <see cref="Outbox"/>.</remarks>
    internal sealed class TelemetryRing
    {
        private readonly TelemetrySlot[] _slots;
        private int _head;
        private int _count;
        private uint _sequence;

        /// <summary>Preallocates <paramref name="capacity"/> batches of up to <paramref name="samplesPerBatch"/> samples.</summary>
        internal TelemetryRing(int capacity, int samplesPerBatch)
        {
            _slots = new TelemetrySlot[capacity];
            for (int i = 0; i < capacity; i++)
            {
                _slots[i] = new TelemetrySlot(samplesPerBatch);
            }
        }

        /// <summary>Batches the ring holds at most.</summary>
        internal int Capacity
        {
            get { return _slots.Length; }
        }

        /// <summary>Batches not yet acknowledged (waiting or in flight).</summary>
        internal int Count
        {
            get { return _count; }
        }

        /// <summary>Batches dropped (oldest first) because the ring was full.</summary>
        internal long Dropped { get; private set; }

        /// <summary>Samples in batches not yet acknowledged.</summary>
        internal int UnsentSamples
        {
            get
            {
                int n = 0;
                for (int i = 0; i < _count; i++)
                {
                    TelemetrySlot b = At(i);
                    if (b.State != SendState.Free)
                    {
                        n += b.Count;
                    }
                }

                return n;
            }
        }

        /// <summary>Starts the batch sequence numbers at <paramref name="sequence"/> (tests of the wrap).</summary>
        internal void SeedSequence(uint sequence)
        {
            _sequence = sequence;
        }

        /// <summary>Queues a batch of the first <paramref name="count"/> samples (x, y, z each) of <paramref name="samples"/> with the next sequence number.</summary>
        internal void Add(short[] samples, int count, long firstSlot, byte flags)
        {
            if (_count == _slots.Length)
            {
                // Full while offline: drop the oldest batch; the next one starts after a gap.
                TelemetrySlot oldest = _slots[_head];
                oldest.State = SendState.Free;
                _head = (_head + 1) % _slots.Length;
                _count--;
                Dropped++;
                if (_count > 0)
                {
                    TelemetrySlot next = _slots[_head];
                    if (next.State == SendState.Pending)
                    {
                        next.Flags |= AccelBatch.FlagAfterGap;
                    }
                }
            }

            TelemetrySlot b = _slots[(_head + _count) % _slots.Length];
            _count++;
            for (int i = 0; i < 3 * count; i++)
            {
                b.Samples[i] = samples[i];
            }

            b.Count = count;
            b.FirstSlot = firstSlot;
            b.Flags = flags;
            b.Sequence = _sequence;
            _sequence = SequenceNumber.Next(_sequence);
            b.State = SendState.Pending;
        }

        /// <summary>
        /// The oldest waiting batch, marked in flight; null when none waits or <paramref name="maxInFlight"/>
        /// batches already await acknowledgement.
        /// </summary>
        internal TelemetrySlot TakeNext(int maxInFlight)
        {
            int inFlight = 0;
            TelemetrySlot first = null;
            for (int i = 0; i < _count; i++)
            {
                TelemetrySlot b = At(i);
                if (b.State == SendState.InFlight)
                {
                    inFlight++;
                }
                else if (b.State == SendState.Pending && first == null)
                {
                    first = b;
                }
            }

            if (inFlight >= maxInFlight || first == null)
            {
                return null;
            }

            first.State = SendState.InFlight;
            return first;
        }

        /// <summary>Puts back the batches published at least <paramref name="timeoutUs"/> before <paramref name="nowUs"/> and not acknowledged. Returns how many.</summary>
        internal int RequeueOverdue(long nowUs, long timeoutUs)
        {
            int n = 0;
            for (int i = 0; i < _count; i++)
            {
                TelemetrySlot b = At(i);
                if (b.State == SendState.InFlight && b.MessageId != 0 && nowUs - b.SentUs >= timeoutUs)
                {
                    b.State = SendState.Pending;
                    n++;
                }
            }

            return n;
        }

        /// <summary>Puts back every batch in flight (the session dropped). Returns how many.</summary>
        internal int RequeueAll()
        {
            int n = 0;
            for (int i = 0; i < _count; i++)
            {
                TelemetrySlot b = At(i);
                if (b.State == SendState.InFlight)
                {
                    b.State = SendState.Pending;
                    n++;
                }
            }

            return n;
        }

        /// <summary>
        /// Frees the batch in flight as <paramref name="messageId"/> and releases acknowledged batches
        /// from the front (a later batch acknowledged first waits for the ones before it); false when
        /// no batch is in flight with that id.
        /// </summary>
        internal bool Acknowledge(int messageId)
        {
            for (int i = 0; i < _count; i++)
            {
                TelemetrySlot b = At(i);
                if (b.State == SendState.InFlight && b.MessageId == messageId)
                {
                    b.State = SendState.Free;
                    b.MessageId = 0;
                    while (_count > 0 && _slots[_head].State == SendState.Free)
                    {
                        _head = (_head + 1) % _slots.Length;
                        _count--;
                    }

                    return true;
                }
            }

            return false;
        }

        private TelemetrySlot At(int index)
        {
            return _slots[(_head + index) % _slots.Length];
        }
    }
}
