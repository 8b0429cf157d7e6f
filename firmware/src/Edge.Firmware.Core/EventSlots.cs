using Edge.Protocol;

namespace Edge.Firmware.Core
{
    /// <summary>A button press or trigger event waiting for the broker.</summary>
    internal sealed class EventSlot
    {
        internal EventKind Kind { get; set; }

        internal uint Sequence { get; set; }

        internal long TimeUs { get; set; }

        internal int Value { get; set; }

        internal SendState State { get; set; }

        internal int MessageId { get; set; }

        internal long SentUs { get; set; }
    }

    /// <summary>
    /// The outbox's preallocated event slots. Events are numbered in order; a press outranks a trigger
    /// both for a slot (when all are taken) and for publishing (presses first, then the oldest).
    /// </summary>
    /// <remarks>Not thread-safe: used under <see cref="SensorNode"/>'s lock, through <see cref="Outbox"/>.</remarks>
    internal sealed class EventSlots
    {
        private readonly EventSlot[] _slots;
        private uint _sequence;

        /// <summary>Preallocates <paramref name="capacity"/> slots.</summary>
        internal EventSlots(int capacity)
        {
            _slots = new EventSlot[capacity];
            for (int i = 0; i < capacity; i++)
            {
                _slots[i] = new EventSlot();
            }
        }

        /// <summary>Presses that found every slot holding an unacknowledged press.</summary>
        internal long CoalescedPresses { get; private set; }

        /// <summary>Trigger events refused, or overwritten by a press, because every slot was taken.</summary>
        internal long RefusedTriggerEvents { get; private set; }

        /// <summary>Slots not free (waiting, or awaiting acknowledgement).</summary>
        internal int Pending
        {
            get
            {
                int n = 0;
                for (int i = 0; i < _slots.Length; i++)
                {
                    if (_slots[i].State != SendState.Free)
                    {
                        n++;
                    }
                }

                return n;
            }
        }

        /// <summary>Starts the event sequence numbers at <paramref name="sequence"/> (tests of the wrap).</summary>
        internal void SeedSequence(uint sequence)
        {
            _sequence = sequence;
        }

        /// <summary>
        /// Queues an event with the next sequence number. When every slot is taken, a press takes the
        /// oldest trigger's slot (the trigger is counted as refused); a press that finds only presses
        /// is coalesced (a call is already pending) and a trigger is refused.
        /// </summary>
        internal void Enqueue(EventKind kind, long timeUs, int value)
        {
            EventSlot free = null;
            for (int i = 0; i < _slots.Length && free == null; i++)
            {
                if (_slots[i].State == SendState.Free)
                {
                    free = _slots[i];
                }
            }

            if (free == null && kind == EventKind.ButtonPress)
            {
                // A press outranks a trigger: give it the oldest trigger's slot.
                EventSlot oldestTrigger = null;
                for (int i = 0; i < _slots.Length; i++)
                {
                    EventSlot e = _slots[i];
                    if (e.Kind != EventKind.ButtonPress && (oldestTrigger == null || SequenceNumber.IsNewer(oldestTrigger.Sequence, e.Sequence)))
                    {
                        oldestTrigger = e;
                    }
                }

                if (oldestTrigger != null)
                {
                    RefusedTriggerEvents++;
                    free = oldestTrigger;
                }
            }

            if (free == null)
            {
                if (kind == EventKind.ButtonPress)
                {
                    CoalescedPresses++;
                }
                else
                {
                    RefusedTriggerEvents++;
                }

                return;
            }

            free.Kind = kind;
            free.Sequence = _sequence;
            _sequence = SequenceNumber.Next(_sequence);
            free.TimeUs = timeUs;
            free.Value = value > 65535 ? 65535 : value;
            free.State = SendState.Pending;
            free.MessageId = 0;
        }

        /// <summary>The waiting event to publish next (presses first, then the oldest sequence), marked in flight; null when none waits.</summary>
        internal EventSlot TakeNext()
        {
            EventSlot best = null;
            for (int i = 0; i < _slots.Length; i++)
            {
                EventSlot e = _slots[i];
                if (e.State != SendState.Pending)
                {
                    continue;
                }

                if (best == null)
                {
                    best = e;
                    continue;
                }

                bool press = e.Kind == EventKind.ButtonPress;
                bool bestPress = best.Kind == EventKind.ButtonPress;
                if ((press && !bestPress) || (press == bestPress && SequenceNumber.IsNewer(best.Sequence, e.Sequence)))
                {
                    best = e;
                }
            }

            if (best != null)
            {
                best.State = SendState.InFlight;
            }

            return best;
        }

        /// <summary>Puts back the events published at least <paramref name="timeoutUs"/> before <paramref name="nowUs"/> and not acknowledged. Returns how many.</summary>
        internal int RequeueOverdue(long nowUs, long timeoutUs)
        {
            int n = 0;
            for (int i = 0; i < _slots.Length; i++)
            {
                EventSlot e = _slots[i];
                if (e.State == SendState.InFlight && e.MessageId != 0 && nowUs - e.SentUs >= timeoutUs)
                {
                    e.State = SendState.Pending;
                    n++;
                }
            }

            return n;
        }

        /// <summary>Puts back every event in flight (the session dropped). Returns how many.</summary>
        internal int RequeueAll()
        {
            int n = 0;
            for (int i = 0; i < _slots.Length; i++)
            {
                if (_slots[i].State == SendState.InFlight)
                {
                    _slots[i].State = SendState.Pending;
                    n++;
                }
            }

            return n;
        }

        /// <summary>Frees the event in flight as <paramref name="messageId"/>; false when none is.</summary>
        internal bool Acknowledge(int messageId)
        {
            for (int i = 0; i < _slots.Length; i++)
            {
                EventSlot e = _slots[i];
                if (e.State == SendState.InFlight && e.MessageId == messageId)
                {
                    e.State = SendState.Free;
                    e.MessageId = 0;
                    return true;
                }
            }

            return false;
        }
    }
}
