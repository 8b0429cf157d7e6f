using Edge.Protocol;

namespace Edge.Firmware.Core
{
    /// <summary>Where an outbound message is in its life.</summary>
    internal enum SendState
    {
        /// <summary>Slot unused (or acknowledged and released).</summary>
        Free = 0,

        /// <summary>Waiting to be published.</summary>
        Pending = 1,

        /// <summary>Handed to the MQTT session; waiting for the broker's acknowledgement.</summary>
        InFlight = 2,
    }

    /// <summary>
    /// What waits for the broker's acknowledgement: telemetry batches (<see cref="TelemetryRing"/>) and
    /// events (<see cref="EventSlots"/>), each published with QoS 1 and kept until acknowledged. The
    /// outbox hands out what to publish next (at most <see cref="MaxTelemetryInFlight"/> batches
    /// unacknowledged), matches acknowledgements (also one that overtakes the return of Publish, and
    /// the status's), and puts back for resending what was not acknowledged within the ack timeout or
    /// when the session dropped.
    /// </summary>
    /// <remarks>Not thread-safe: <see cref="SensorNode"/> calls it under its lock.</remarks>
    internal sealed class Outbox
    {
        /// <summary>Events (presses and triggers) that can wait for the broker at once.</summary>
        internal const int EventCapacity = 32;

        /// <summary>Telemetry batches handed to the session and not yet acknowledged, at most.</summary>
        internal const int MaxTelemetryInFlight = 8;

        /// <summary>Acknowledgements kept that arrived before the return of Publish told their id.</summary>
        internal const int EarlyAckSlots = 16;

        private readonly long _ackTimeoutUs;
        private readonly TelemetryRing _telemetry;
        private readonly EventSlots _events = new EventSlots(EventCapacity);
        private readonly int[] _earlyAckIds = new int[EarlyAckSlots];
        private readonly long[] _earlyAckTimes = new long[EarlyAckSlots];
        private int _earlyAckNext;
        private int _statusMessageId;

        /// <summary>
        /// Preallocates <paramref name="telemetrySlots"/> batches of up to <paramref name="samplesPerBatch"/>
        /// samples and <see cref="EventCapacity"/> event slots. A message not acknowledged
        /// <paramref name="ackTimeoutUs"/> after it was published is sent again.
        /// </summary>
        internal Outbox(int telemetrySlots, int samplesPerBatch, long ackTimeoutUs)
        {
            _ackTimeoutUs = ackTimeoutUs;
            _telemetry = new TelemetryRing(telemetrySlots, samplesPerBatch);
        }

        /// <summary>
        /// Telemetry batches to keep for <paramref name="settings"/>: offline_buffer_s worth of batch
        /// intervals (in triggered mode at least one whole window), plus two.
        /// </summary>
        internal static int TelemetrySlotsFor(SensorSettings settings)
        {
            int keepSeconds = settings.OfflineBufferSeconds;
            int windowSeconds = settings.PreTriggerSeconds + settings.PostTriggerSeconds;
            if (settings.Mode == DeviceMode.Triggered && windowSeconds > keepSeconds)
            {
                keepSeconds = windowSeconds;
            }

            return (int)((((long)keepSeconds * 1000) + settings.BatchIntervalMs - 1) / settings.BatchIntervalMs) + 2;
        }

        /// <summary>Telemetry batches the outbox holds at most.</summary>
        internal int TelemetryCapacity
        {
            get { return _telemetry.Capacity; }
        }

        /// <summary>Telemetry batches dropped (oldest first) because the ring was full.</summary>
        internal long DroppedBatches
        {
            get { return _telemetry.Dropped; }
        }

        /// <summary>Messages put back for publishing again: not acknowledged in time, or the session dropped.</summary>
        internal long Resends { get; private set; }

        /// <summary>Presses that found every event slot holding an unacknowledged press.</summary>
        internal long CoalescedPresses
        {
            get { return _events.CoalescedPresses; }
        }

        /// <summary>Trigger events refused, or overwritten by a press, because every event slot was taken.</summary>
        internal long RefusedTriggerEvents
        {
            get { return _events.RefusedTriggerEvents; }
        }

        /// <summary>Event slots not free (waiting, or awaiting acknowledgement).</summary>
        internal int PendingEvents
        {
            get { return _events.Pending; }
        }

        /// <summary>Telemetry batches not yet acknowledged.</summary>
        internal int PendingBatches
        {
            get { return _telemetry.Count; }
        }

        /// <summary>Samples in telemetry batches not yet acknowledged.</summary>
        internal int UnsentSamples
        {
            get { return _telemetry.UnsentSamples; }
        }

        /// <summary>Starts the batch and event sequence numbers elsewhere than 0 (tests of the wrap).</summary>
        internal void SeedSequences(uint batchSequence, uint eventSequence)
        {
            _telemetry.SeedSequence(batchSequence);
            _events.SeedSequence(eventSequence);
        }

        /// <summary>Queues a telemetry batch (see <see cref="TelemetryRing.Add"/>).</summary>
        internal void AddBatch(short[] samples, int count, long firstSlot, byte flags)
        {
            _telemetry.Add(samples, count, firstSlot, flags);
        }

        /// <summary>Queues an event (see <see cref="EventSlots.Enqueue"/>).</summary>
        internal void EnqueueEvent(EventKind kind, long timeUs, int value)
        {
            _events.Enqueue(kind, timeUs, value);
        }

        /// <summary>The event to publish next, marked in flight; null when none waits.</summary>
        internal EventSlot TakeNextEvent()
        {
            return _events.TakeNext();
        }

        /// <summary>The telemetry batch to publish next, marked in flight; null when none waits or too many are in flight.</summary>
        internal TelemetrySlot TakeNextBatch()
        {
            return _telemetry.TakeNext(MaxTelemetryInFlight);
        }

        /// <summary>The session took the event as message <paramref name="messageId"/> at <paramref name="nowUs"/>.</summary>
        internal void Published(EventSlot ev, int messageId, long nowUs)
        {
            if (ev.State == SendState.InFlight)
            {
                ev.MessageId = messageId;
                ev.SentUs = nowUs;
            }
        }

        /// <summary>The session took the batch as message <paramref name="messageId"/> at <paramref name="nowUs"/>.</summary>
        internal void Published(TelemetrySlot batch, int messageId, long nowUs)
        {
            if (batch.State == SendState.InFlight)
            {
                batch.MessageId = messageId;
                batch.SentUs = nowUs;
            }
        }

        /// <summary>The session took the status as message <paramref name="messageId"/>; its acknowledgement is expected.</summary>
        internal void StatusPublished(int messageId)
        {
            _statusMessageId = messageId;
        }

        /// <summary>The session refused the event (not connected): it waits again, not counted as a resend.</summary>
        internal void NotPublished(EventSlot ev)
        {
            if (ev.State == SendState.InFlight)
            {
                ev.State = SendState.Pending;
            }
        }

        /// <summary>The session refused the batch (not connected): it waits again, not counted as a resend.</summary>
        internal void NotPublished(TelemetrySlot batch)
        {
            if (batch.State == SendState.InFlight)
            {
                batch.State = SendState.Pending;
            }
        }

        /// <summary>
        /// The broker acknowledged <paramref name="messageId"/>: frees the matching event or batch (or
        /// clears the awaited status). An id that matches nothing yet is kept for a while, since the
        /// acknowledgement may overtake the return of Publish on another thread. True when it matched.
        /// </summary>
        internal bool Acknowledge(int messageId, long nowUs)
        {
            if (Match(messageId))
            {
                return true;
            }

            _earlyAckIds[_earlyAckNext] = messageId;
            _earlyAckTimes[_earlyAckNext] = nowUs;
            _earlyAckNext = (_earlyAckNext + 1) % EarlyAckSlots;
            return false;
        }

        /// <summary>
        /// Publish just returned <paramref name="messageId"/>: applies an acknowledgement for it that
        /// arrived first, less than the ack timeout ago. True when there was one.
        /// </summary>
        internal bool ClaimEarlyAck(int messageId, long nowUs)
        {
            for (int i = 0; i < EarlyAckSlots; i++)
            {
                if (_earlyAckIds[i] == messageId && nowUs - _earlyAckTimes[i] < _ackTimeoutUs)
                {
                    _earlyAckIds[i] = 0;
                    Match(messageId);
                    return true;
                }
            }

            return false;
        }

        /// <summary>A new session: message ids start over, so acknowledgements kept from the old one mean nothing.</summary>
        internal void ClearEarlyAcks()
        {
            for (int i = 0; i < EarlyAckSlots; i++)
            {
                _earlyAckIds[i] = 0;
            }
        }

        /// <summary>Puts back every message whose acknowledgement is overdue at <paramref name="nowUs"/>; each counts as a resend.</summary>
        internal void ExpireInFlight(long nowUs)
        {
            Resends += _events.RequeueOverdue(nowUs, _ackTimeoutUs);
            Resends += _telemetry.RequeueOverdue(nowUs, _ackTimeoutUs);
        }

        /// <summary>The session dropped or restarted: every message in flight is put back; each counts as a resend.</summary>
        internal void RequeueInFlight()
        {
            Resends += _events.RequeueAll();
            Resends += _telemetry.RequeueAll();
        }

        private bool Match(int messageId)
        {
            if (messageId == 0)
            {
                return false;
            }

            if (messageId == _statusMessageId)
            {
                _statusMessageId = 0;
                return true;
            }

            return _events.Acknowledge(messageId) || _telemetry.Acknowledge(messageId);
        }
    }
}
