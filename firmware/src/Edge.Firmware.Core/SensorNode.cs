using System.Collections;
using Edge.Protocol;

namespace Edge.Firmware.Core
{
    /// <summary>
    /// The wearable's logic, independent of the hardware: samples on a fixed schedule into a history
    /// ring, streams batches or sends windows around pre-triggers, queues call-button presses with
    /// top priority until the broker acknowledges them, reports status, and reconnects with backoff.
    /// </summary>
    /// <remarks>
    /// Threads on the device: a sampling thread calls <see cref="SampleIfDue"/> and sleeps for the
    /// time it returns; a network thread calls <see cref="ServiceNetwork"/> in a loop; the GPIO
    /// interrupt calls <see cref="ButtonPressed"/>; the MQTT client raises acknowledgements on its own
    /// thread. State is guarded by one lock that is never held across a blocking call (connect,
    /// publish, bus reads), so sampling never waits for the network. The simulator drives the same
    /// methods from one thread with a simulated clock.
    /// <para>
    /// The node owns the seams, the lock and the button's debounce; its parts do the work: the
    /// <see cref="Sampler"/> (schedule, history, pre-trigger, cutting telemetry), the <see cref="Outbox"/>
    /// (what waits for the broker's acknowledgement), the <see cref="StatusReporter"/> (battery,
    /// heartbeat, flags, worn) and the <see cref="BrokerLink"/> (reconnecting, publishing in order).
    /// </para>
    /// </remarks>
    public sealed class SensorNode
    {
        /// <summary>Firmware version reported in status messages.</summary>
        public const string FirmwareVersion = "1.0.0";

        /// <summary>Events (presses and triggers) that can wait for the broker at once.</summary>
        public const int EventCapacity = Outbox.EventCapacity;

        /// <summary>Telemetry batches handed to the session and not yet acknowledged, at most.</summary>
        public const int MaxTelemetryInFlight = Outbox.MaxTelemetryInFlight;

        private readonly object _sync = new object();
        private readonly SensorSettings _settings;
        private readonly IMicrosecondClock _clock;
        private readonly IAccelerometer _accel;
        private readonly IBattery _battery;
        private readonly IMqttPublisher _mqtt;
        private readonly FaultLog _faults = new FaultLog();
        private readonly Outbox _outbox;
        private readonly Sampler _sampler;
        private readonly StatusReporter _status;
        private readonly BrokerLink _link;
        private readonly short[] _xyz = new short[3];
        private readonly BatteryReading _batteryScratch = new BatteryReading();
        private readonly uint _bootId;

        private long _lastPressUs;
        private bool _pressedBefore;

        /// <summary>Wires the logic to its seams. The settings are validated (identity and behaviour).</summary>
        public SensorNode(SensorSettings settings, IMicrosecondClock clock, IAccelerometer accelerometer, IBattery battery, IMqttPublisher mqtt, IRandom random)
        {
            if (settings == null || clock == null || accelerometer == null || battery == null || mqtt == null || random == null)
            {
                throw new System.ArgumentNullException("settings", "Every seam must be given.");
            }

            ArrayList errors = new ArrayList();
            if (!settings.ValidateBehaviour(errors))
            {
                throw new System.ArgumentException("Invalid settings: " + errors[0].ToString());
            }

            if (accelerometer.RangeG != settings.RangeG)
            {
                throw new System.ArgumentException("The accelerometer runs at a different range than the settings say.");
            }

            _settings = settings;
            _clock = clock;
            _accel = accelerometer;
            _battery = battery;
            _mqtt = mqtt;
            MotionTracker motion = new MotionTracker(settings.MovementThresholdMilliG, settings.RangeG);
            _bootId = NewBootId(random);
            Backoff backoff = new Backoff(settings.BackoffInitialMs, settings.BackoffMaxMs, random);
            _outbox = new Outbox(Outbox.TelemetrySlotsFor(settings), settings.SamplesPerBatch, settings.AckTimeoutMs * 1000L);
            _sampler = new Sampler(settings, motion, _faults, _outbox);
            _status = new StatusReporter(settings, _bootId, motion, _faults);
            _link = new BrokerLink(_sync, settings, _bootId, clock, mqtt, backoff, _outbox, _status, _sampler);
            _mqtt.Acked += OnAcked;
        }

        /// <summary>
        /// This boot's identity, stamped on every message (protocol version 2): drawn at start-up from the random
        /// seam, never 0. The gateway tells a rebooted sensor's messages from duplicates of the previous boot's by
        /// it, since sequence numbers and device time restart at every boot. The device must seed the random
        /// source from something that differs per boot (the hardware RNG), or two boots may draw the same id.
        /// </summary>
        public uint BootId
        {
            get { return _bootId; }
        }

        /// <summary>The settings this node runs with.</summary>
        public SensorSettings Settings
        {
            get { return _settings; }
        }

        /// <summary>The status topic (the adapter registers the last will there).</summary>
        public string StatusTopic
        {
            get { return _link.StatusTopic; }
        }

        /// <summary>Sampling deadlines missed (late by a period or more) plus failed reads, since boot.</summary>
        public long MissedDeadlines
        {
            get
            {
                lock (_sync)
                {
                    return _sampler.MissedDeadlines;
                }
            }
        }

        /// <summary>Accelerometer reads that failed (each leaves a gap like a missed deadline).</summary>
        public long ReadFailures
        {
            get { return _sampler.ReadFailures; }
        }

        /// <summary>Samples taken since boot.</summary>
        public long SamplesTaken
        {
            get { return _sampler.SamplesTaken; }
        }

        /// <summary>Telemetry batches dropped (oldest first) because the offline buffer was full.</summary>
        public long DroppedBatches
        {
            get { return _outbox.DroppedBatches; }
        }

        /// <summary>Samples put into telemetry batches since boot (airtime, for the power budget).</summary>
        public long SentSamples
        {
            get { return _sampler.SentSamples; }
        }

        /// <summary>Pre-trigger windows opened (one event each) since boot.</summary>
        public long TriggerCount
        {
            get { return _sampler.TriggerCount; }
        }

        /// <summary>Triggers that fired inside an open window: they extended it instead of sending an event.</summary>
        public long MergedTriggers
        {
            get { return _sampler.MergedTriggers; }
        }

        /// <summary>Presses ignored because they came within the debounce time of the previous one.</summary>
        public long DebouncedPresses { get; private set; }

        /// <summary>Presses that found every event slot holding an unacknowledged press; the call was already pending.</summary>
        public long CoalescedPresses
        {
            get { return _outbox.CoalescedPresses; }
        }

        /// <summary>Trigger events not queued because every event slot held an unacknowledged event.</summary>
        public long RefusedTriggerEvents
        {
            get { return _outbox.RefusedTriggerEvents; }
        }

        /// <summary>Connection attempts that failed.</summary>
        public long ConnectFailures
        {
            get { return _link.ConnectFailures; }
        }

        /// <summary>Messages published again because their acknowledgement did not come in time or the session dropped.</summary>
        public long Resends
        {
            get { return _outbox.Resends; }
        }

        /// <summary>
        /// The fault record every status carries (code, detail, count, active). The device shell and
        /// the MQTT adapter record certificate, Wi-Fi, broker, sensor and crash faults here; the node
        /// itself records <see cref="DeviceFault.Sensor"/> when sample reads fail for a second.
        /// </summary>
        public FaultLog Faults
        {
            get { return _faults; }
        }

        /// <summary>Active seconds in the last status sent (its <see cref="DeviceStatus.ActiveSeconds"/>).</summary>
        public int LastActiveSeconds
        {
            get { return _status.LastActiveSeconds; }
        }

        /// <summary>Largest magnitude in the last status sent, milli-g (its <see cref="DeviceStatus.MaxMagnitudeMilliG"/>).</summary>
        public int LastMaxMagnitudeMilliG
        {
            get { return _status.LastMaxMagnitudeMilliG; }
        }

        /// <summary>Events waiting for or awaiting acknowledgement.</summary>
        public int PendingEvents
        {
            get
            {
                lock (_sync)
                {
                    return _outbox.PendingEvents;
                }
            }
        }

        /// <summary>Telemetry batches not yet acknowledged.</summary>
        public int PendingBatches
        {
            get
            {
                lock (_sync)
                {
                    return _outbox.PendingBatches;
                }
            }
        }

        /// <summary>Samples in telemetry batches not yet acknowledged.</summary>
        public int BufferedUnsentSamples
        {
            get
            {
                lock (_sync)
                {
                    return _outbox.UnsentSamples;
                }
            }
        }

        /// <summary>True while a trigger window is being sent.</summary>
        public bool WindowOpen
        {
            get { return _sampler.WindowOpen; }
        }

        /// <summary>
        /// Takes a sample if one is due and returns the µs until the next deadline (the sampling
        /// thread sleeps that long). Never takes more than one sample per call.
        /// </summary>
        public long SampleIfDue()
        {
            long now = _clock.NowMicroseconds;
            long slot;
            lock (_sync)
            {
                slot = _sampler.Poll(now);
            }

            if (slot < 0)
            {
                return _sampler.MicrosUntilNext(now);
            }

            bool ok = _accel.Read(_xyz);
            lock (_sync)
            {
                if (ok)
                {
                    _sampler.Accept(slot, _xyz);
                }
                else
                {
                    _sampler.ReadFailed();
                }
            }

            return _sampler.MicrosUntilNext(_clock.NowMicroseconds);
        }

        /// <summary>
        /// The network thread's step: reads the battery when due, reconnects with backoff when the
        /// session is down, decides whether a status is due, and publishes what is waiting.
        /// </summary>
        public void ServiceNetwork()
        {
            long now = _clock.NowMicroseconds;
            if (_status.BatteryDue(now))
            {
                _battery.Read(_batteryScratch);
                lock (_sync)
                {
                    _status.BatteryRead(_batteryScratch, now);
                }
            }

            if (!_link.KeepConnected(ref now))
            {
                return;
            }

            lock (_sync)
            {
                _status.CheckDue(now);
            }

            _link.Pump();
        }

        /// <summary>
        /// The call button was pressed (GPIO interrupt). Queues a press event with its own sequence
        /// number ahead of everything else and publishes it at once when connected; it is resent until
        /// the broker acknowledges it. Presses within the debounce time are ignored.
        /// </summary>
        public void ButtonPressed()
        {
            long now = _clock.NowMicroseconds;
            lock (_sync)
            {
                if (_pressedBefore && now - _lastPressUs < _settings.ButtonDebounceMs * 1000L)
                {
                    DebouncedPresses++;
                    return;
                }

                _pressedBefore = true;
                _lastPressUs = now;
                _outbox.EnqueueEvent(EventKind.ButtonPress, now, 0);
            }

            if (_mqtt.IsConnected)
            {
                _link.Pump();
            }
        }

        /// <summary>The broker acknowledged message <paramref name="messageId"/> (wired to <see cref="IMqttPublisher.Acked"/>).</summary>
        public void OnAcked(int messageId)
        {
            lock (_sync)
            {
                // An id that matches nothing yet is kept briefly: the ack may overtake the return of Publish.
                _outbox.Acknowledge(messageId, _clock.NowMicroseconds);
            }
        }

        /// <summary>Starts the batch and event sequence numbers elsewhere than 0 (tests of the wrap).</summary>
        internal void SeedSequences(uint batchSequence, uint eventSequence)
        {
            lock (_sync)
            {
                _outbox.SeedSequences(batchSequence, eventSequence);
            }
        }

        /// <summary>Builds the status message as it would be sent now (for the adapter and tests).</summary>
        public DeviceStatus SnapshotStatus()
        {
            lock (_sync)
            {
                DeviceStatus s = new DeviceStatus();
                _status.Fill(s, _clock.NowMicroseconds, _mqtt.RssiDbm, _outbox.UnsentSamples, _outbox.DroppedBatches, _sampler.MissedDeadlines);
                return s;
            }
        }

        private static uint NewBootId(IRandom random)
        {
            uint id = ((uint)random.Next(0x10000) << 16) | (uint)random.Next(0x10000);
            return id == 0 ? 1u : id;
        }
    }
}
