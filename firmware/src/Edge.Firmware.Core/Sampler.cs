using Edge.Protocol;

namespace Edge.Firmware.Core
{
    /// <summary>
    /// The sampling side of the node: the schedule, the history ring and the pre-trigger. Each sample
    /// taken goes into the history and the motion tracker; the history is cut into telemetry batches
    /// for the outbox, one per batch interval when streaming, or (triggered) the window around a
    /// pre-trigger, whose event goes to the outbox too. Failed reads are counted, and a second of
    /// them records a sensor fault.
    /// </summary>
    /// <remarks>
    /// Not thread-safe: <see cref="SensorNode"/> calls it under its lock, and reads the accelerometer
    /// itself between <see cref="Poll"/> and <see cref="Accept"/> without holding the lock.
    /// </remarks>
    internal sealed class Sampler
    {
        private readonly SensorSettings _settings;
        private readonly SampleScheduler _scheduler;
        private readonly SampleRing _ring;
        private readonly PreTrigger _trigger;
        private readonly MotionTracker _motion;
        private readonly FaultLog _faults;
        private readonly Outbox _outbox;
        private readonly int _samplesPerBatch;
        private readonly short[] _run;
        private long _sentUpToSlot = -1;
        private long _windowEndSlot = -1;
        private bool _windowOpen;
        private int _consecutiveReadFailures;

        /// <summary>Samples as <paramref name="settings"/> say, feeding <paramref name="motion"/>, <paramref name="faults"/> and <paramref name="outbox"/>.</summary>
        internal Sampler(SensorSettings settings, MotionTracker motion, FaultLog faults, Outbox outbox)
        {
            _settings = settings;
            _motion = motion;
            _faults = faults;
            _outbox = outbox;
            _samplesPerBatch = settings.SamplesPerBatch;
            _scheduler = new SampleScheduler(settings.SamplePeriodUs);
            _ring = new SampleRing(settings.HistorySeconds * settings.SampleRateHz);
            _trigger = new PreTrigger(settings.ImpactThresholdMilliG, settings.FreeFallThresholdMilliG, settings.FreeFallMinSamples, settings.RangeG);
            _run = new short[3 * _samplesPerBatch];
        }

        /// <summary>Sampling deadlines missed (late by a period or more) plus failed reads.</summary>
        internal long MissedDeadlines
        {
            get { return _scheduler.Missed + ReadFailures; }
        }

        /// <summary>Accelerometer reads that failed (each leaves a gap like a missed deadline).</summary>
        internal long ReadFailures { get; private set; }

        /// <summary>Samples taken.</summary>
        internal long SamplesTaken
        {
            get { return _scheduler.Taken; }
        }

        /// <summary>Samples put into telemetry batches.</summary>
        internal long SentSamples { get; private set; }

        /// <summary>Pre-trigger windows opened (one event each).</summary>
        internal long TriggerCount { get; private set; }

        /// <summary>Triggers that fired inside an open window: they extended it instead of sending an event.</summary>
        internal long MergedTriggers { get; private set; }

        /// <summary>True while a trigger window is being sent.</summary>
        internal bool WindowOpen
        {
            get { return _windowOpen; }
        }

        /// <summary>The schedule slot due at <paramref name="nowUs"/> (see <see cref="SampleScheduler.Poll"/>), or -1.</summary>
        internal long Poll(long nowUs)
        {
            return _scheduler.Poll(nowUs);
        }

        /// <summary>µs from <paramref name="nowUs"/> to the next deadline.</summary>
        internal long MicrosUntilNext(long nowUs)
        {
            return _scheduler.MicrosUntilNext(nowUs);
        }

        /// <summary>Device time of schedule slot <paramref name="slot"/>, µs.</summary>
        internal long SlotTimeUs(long slot)
        {
            return _scheduler.SlotTimeUs(slot);
        }

        /// <summary>The read for <paramref name="slot"/> gave <paramref name="xyz"/>; a sensor fault from failed reads is over.</summary>
        internal void Accept(long slot, short[] xyz)
        {
            OnSample(slot, xyz[0], xyz[1], xyz[2]);
            if (_consecutiveReadFailures >= _settings.SampleRateHz)
            {
                _faults.Clear(DeviceFault.Sensor);
            }

            _consecutiveReadFailures = 0;
        }

        /// <summary>The read for a due slot failed: the slot stays a gap.</summary>
        internal void ReadFailed()
        {
            ReadFailures++;
            _consecutiveReadFailures++;
            if (_consecutiveReadFailures == _settings.SampleRateHz)
            {
                // A second of failed reads: the sensor is gone, not a glitch. No fall can be seen.
                _faults.Record(DeviceFault.Sensor, DeviceFaults.SensorReadsFailing, true);
            }
        }

        private void OnSample(long slot, short x, short y, short z)
        {
            long t = _scheduler.SlotTimeUs(slot);
            _ring.Add(slot, x, y, z);
            _motion.Update(t, x, y, z);

            if (_settings.Mode == DeviceMode.Streaming)
            {
                if (slot - _sentUpToSlot >= _samplesPerBatch)
                {
                    Emit(slot, 0);
                }

                return;
            }

            EventKind kind = _trigger.Update(x, y, z);
            if (kind != EventKind.None)
            {
                OnTrigger(kind, slot, t);
            }

            if (_windowOpen)
            {
                long last = slot < _windowEndSlot ? slot : _windowEndSlot;
                if (last - _sentUpToSlot >= _samplesPerBatch || last == _windowEndSlot)
                {
                    Emit(last, AccelBatch.FlagTriggeredWindow);
                }

                if (_sentUpToSlot >= _windowEndSlot)
                {
                    _windowOpen = false;
                }
            }
        }

        private void OnTrigger(EventKind kind, long slot, long timeUs)
        {
            long postSamples = (long)_settings.PostTriggerSeconds * _settings.SampleRateHz;
            if (_windowOpen)
            {
                long end = slot + postSamples - 1;
                if (end > _windowEndSlot)
                {
                    _windowEndSlot = end;
                }

                MergedTriggers++;
                return;
            }

            TriggerCount++;
            _outbox.EnqueueEvent(kind, timeUs, _trigger.LastValueMilliG);

            // The window is the pre-trigger seconds before the trigger sample, then the trigger
            // sample and the rest of the post-trigger seconds: (pre + post) × rate samples.
            long start = slot - ((long)_settings.PreTriggerSeconds * _settings.SampleRateHz);
            if (_sentUpToSlot < start - 1)
            {
                _sentUpToSlot = start - 1;
            }

            _windowEndSlot = slot + postSamples - 1;
            _windowOpen = true;
        }

        // Moves every held sample in (_sentUpToSlot, lastSlot] into telemetry batches.
        private void Emit(long lastSlot, byte flags)
        {
            while (true)
            {
                long first;
                int n = _ring.ReadRun(_sentUpToSlot, lastSlot, _samplesPerBatch, _run, out first);
                if (n == 0)
                {
                    return;
                }

                byte f = flags;
                if (first != _sentUpToSlot + 1 && _sentUpToSlot >= 0)
                {
                    f |= AccelBatch.FlagAfterGap;
                }

                _outbox.AddBatch(_run, n, first, f);
                SentSamples += n;
                _sentUpToSlot = first + n - 1;
            }
        }
    }
}
