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
    /// </remarks>
    public sealed class SensorNode
    {
        /// <summary>Firmware version reported in status messages.</summary>
        public const string FirmwareVersion = "1.0.0";

        /// <summary>Events (presses and triggers) that can wait for the broker at once.</summary>
        public const int EventCapacity = 32;

        /// <summary>Telemetry batches handed to the session and not yet acknowledged, at most.</summary>
        public const int MaxTelemetryInFlight = 8;

        private const int EarlyAckSlots = 16;

        private readonly object _sync = new object();
        private readonly object _sendLock = new object();
        private readonly SensorSettings _settings;
        private readonly IMicrosecondClock _clock;
        private readonly IAccelerometer _accel;
        private readonly IBattery _battery;
        private readonly IMqttPublisher _mqtt;
        private readonly SampleScheduler _scheduler;
        private readonly SampleRing _ring;
        private readonly PreTrigger _trigger;
        private readonly MotionTracker _motion;
        private readonly Backoff _backoff;
        private readonly int _rangeG;
        private readonly int _samplesPerBatch;
        private readonly short[] _xyz = new short[3];
        private readonly short[] _run;
        private readonly TelemetrySlot[] _telemetry;
        private readonly EventSlot[] _events;
        private readonly int[] _earlyAckIds = new int[EarlyAckSlots];
        private readonly long[] _earlyAckTimes = new long[EarlyAckSlots];
        private readonly byte[] _sendBuffer = new byte[WireFormat.MaxMessageSize];
        private readonly AccelBatch _batchMessage = new AccelBatch();
        private readonly DeviceEvent _eventMessage = new DeviceEvent();
        private readonly DeviceStatus _statusMessage = new DeviceStatus();
        private readonly uint _bootId;
        private readonly BatteryReading _batteryScratch = new BatteryReading();
        private readonly FaultLog _faults = new FaultLog();
        private readonly string _accelTopic;
        private readonly string _eventTopic;
        private readonly string _statusTopic;

        private int _telemetryHead;
        private int _telemetryCount;
        private int _earlyAckNext;
        private long _sentUpToSlot = -1;
        private long _windowEndSlot = -1;
        private bool _windowOpen;
        private uint _batchSequence;
        private uint _eventSequence;
        private uint _statusSequence;
        private long _lastPressUs;
        private bool _pressedBefore;
        private int _batteryMillivolts;
        private int _stateOfCharge = DeviceStatus.UnknownStateOfCharge;
        private bool _charging;
        private bool _externalPower;
        private bool _batteryKnown;
        private long _nextBatteryUs;
        private bool _statusDirty = true;
        private long _nextHeartbeatUs;
        private int _lastSentFlags = -1;
        private int _lastSentSoc = -1;
        private int _statusMessageId;
        private bool _wasConnected;
        private long _nextConnectUs;
        private int _lastSentFaultChanges;
        private int _statusFaultChanges;
        private int _consecutiveReadFailures;

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
            _rangeG = settings.RangeG;
            _samplesPerBatch = settings.SamplesPerBatch;
            _scheduler = new SampleScheduler(settings.SamplePeriodUs);
            _ring = new SampleRing(settings.HistorySeconds * settings.SampleRateHz);
            _trigger = new PreTrigger(settings.ImpactThresholdMilliG, settings.FreeFallThresholdMilliG, settings.FreeFallMinSamples, _rangeG);
            _motion = new MotionTracker(settings.MovementThresholdMilliG, _rangeG);
            _bootId = NewBootId(random);
            _backoff = new Backoff(settings.BackoffInitialMs, settings.BackoffMaxMs, random);
            _run = new short[3 * _samplesPerBatch];

            int keepSeconds = settings.OfflineBufferSeconds;
            int windowSeconds = settings.PreTriggerSeconds + settings.PostTriggerSeconds;
            if (settings.Mode == DeviceMode.Triggered && windowSeconds > keepSeconds)
            {
                keepSeconds = windowSeconds;
            }

            int slots = (int)((((long)keepSeconds * 1000) + settings.BatchIntervalMs - 1) / settings.BatchIntervalMs) + 2;
            _telemetry = new TelemetrySlot[slots];
            for (int i = 0; i < slots; i++)
            {
                _telemetry[i] = new TelemetrySlot(_samplesPerBatch);
            }

            _events = new EventSlot[EventCapacity];
            for (int i = 0; i < EventCapacity; i++)
            {
                _events[i] = new EventSlot();
            }

            _accelTopic = Topics.For(settings.Site, settings.DeviceId, TopicKind.Accel);
            _eventTopic = Topics.For(settings.Site, settings.DeviceId, TopicKind.Event);
            _statusTopic = Topics.For(settings.Site, settings.DeviceId, TopicKind.Status);
            _batchMessage.DeviceId = settings.DeviceId;
            _batchMessage.RangeG = (byte)_rangeG;
            _batchMessage.SamplePeriodUs = (uint)settings.SamplePeriodUs;
            _batchMessage.BootId = _bootId;
            _eventMessage.DeviceId = settings.DeviceId;
            _eventMessage.BootId = _bootId;
            _statusMessage.DeviceId = settings.DeviceId;
            _statusMessage.BootId = _bootId;
            _statusMessage.FirmwareVersion = FirmwareVersion;
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
            get { return _statusTopic; }
        }

        /// <summary>Sampling deadlines missed (late by a period or more) plus failed reads, since boot.</summary>
        public long MissedDeadlines
        {
            get
            {
                lock (_sync)
                {
                    return _scheduler.Missed + ReadFailures;
                }
            }
        }

        /// <summary>Accelerometer reads that failed (each leaves a gap like a missed deadline).</summary>
        public long ReadFailures { get; private set; }

        /// <summary>Samples taken since boot.</summary>
        public long SamplesTaken
        {
            get { return _scheduler.Taken; }
        }

        /// <summary>Telemetry batches dropped (oldest first) because the offline buffer was full.</summary>
        public long DroppedBatches { get; private set; }

        /// <summary>Samples put into telemetry batches since boot (airtime, for the power budget).</summary>
        public long SentSamples { get; private set; }

        /// <summary>Pre-trigger windows opened (one event each) since boot.</summary>
        public long TriggerCount { get; private set; }

        /// <summary>Triggers that fired inside an open window: they extended it instead of sending an event.</summary>
        public long MergedTriggers { get; private set; }

        /// <summary>Presses ignored because they came within the debounce time of the previous one.</summary>
        public long DebouncedPresses { get; private set; }

        /// <summary>Presses that found every event slot holding an unacknowledged press; the call was already pending.</summary>
        public long CoalescedPresses { get; private set; }

        /// <summary>Trigger events not queued because every event slot held an unacknowledged event.</summary>
        public long RefusedTriggerEvents { get; private set; }

        /// <summary>Connection attempts that failed.</summary>
        public long ConnectFailures { get; private set; }

        /// <summary>Messages published again because their acknowledgement did not come in time or the session dropped.</summary>
        public long Resends { get; private set; }

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
        public int LastActiveSeconds { get; private set; }

        /// <summary>Largest magnitude in the last status sent, milli-g (its <see cref="DeviceStatus.MaxMagnitudeMilliG"/>).</summary>
        public int LastMaxMagnitudeMilliG { get; private set; }

        /// <summary>Events waiting for or awaiting acknowledgement.</summary>
        public int PendingEvents
        {
            get
            {
                lock (_sync)
                {
                    int n = 0;
                    for (int i = 0; i < _events.Length; i++)
                    {
                        if (_events[i].State != SendState.Free)
                        {
                            n++;
                        }
                    }

                    return n;
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
                    return _telemetryCount;
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
                    return CountUnsentSamples();
                }
            }
        }

        /// <summary>True while a trigger window is being sent.</summary>
        public bool WindowOpen
        {
            get { return _windowOpen; }
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
                slot = _scheduler.Poll(now);
            }

            if (slot < 0)
            {
                return _scheduler.MicrosUntilNext(now);
            }

            bool ok = _accel.Read(_xyz);
            lock (_sync)
            {
                if (ok)
                {
                    OnSample(slot);
                    if (_consecutiveReadFailures >= _settings.SampleRateHz)
                    {
                        _faults.Clear(DeviceFault.Sensor);
                    }

                    _consecutiveReadFailures = 0;
                }
                else
                {
                    ReadFailures++;
                    _consecutiveReadFailures++;
                    if (_consecutiveReadFailures == _settings.SampleRateHz)
                    {
                        // A second of failed reads: the sensor is gone, not a glitch. No fall can be seen.
                        _faults.Record(DeviceFault.Sensor, DeviceFaults.SensorReadsFailing, true);
                    }
                }
            }

            return _scheduler.MicrosUntilNext(_clock.NowMicroseconds);
        }

        /// <summary>
        /// The network thread's step: reads the battery when due, reconnects with backoff when the
        /// session is down, decides whether a status is due, and publishes what is waiting.
        /// </summary>
        public void ServiceNetwork()
        {
            long now = _clock.NowMicroseconds;
            if (now >= _nextBatteryUs)
            {
                _battery.Read(_batteryScratch);
                lock (_sync)
                {
                    _batteryMillivolts = _batteryScratch.Millivolts;
                    _stateOfCharge = _batteryScratch.StateOfChargePercent;
                    _charging = _batteryScratch.Charging;
                    _externalPower = _batteryScratch.ExternalPower;
                    _batteryKnown = true;
                    _nextBatteryUs = now + (_settings.BatteryPollSeconds * 1000000L);
                }
            }

            if (!_mqtt.IsConnected)
            {
                if (_wasConnected)
                {
                    _wasConnected = false;
                    _nextConnectUs = now;
                    lock (_sync)
                    {
                        RequeueInFlight();
                    }
                }

                if (now < _nextConnectUs)
                {
                    return;
                }

                bool connected = _mqtt.Connect();
                now = _clock.NowMicroseconds;
                if (!connected)
                {
                    ConnectFailures++;
                    _nextConnectUs = now + (_backoff.NextDelayMs() * 1000L);
                    return;
                }

                _backoff.Reset();
                _wasConnected = true;
                lock (_sync)
                {
                    RequeueInFlight();
                    ClearEarlyAcks();
                    _statusDirty = true;
                }
            }
            else
            {
                _wasConnected = true;
            }

            lock (_sync)
            {
                int flags = StatusFlags(now);
                int socDelta = _stateOfCharge - _lastSentSoc;
                if (flags != _lastSentFlags || socDelta >= 5 || socDelta <= -5 || now >= _nextHeartbeatUs
                    || _faults.Changes != _lastSentFaultChanges)
                {
                    _statusDirty = true;
                }
            }

            PumpSend();
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
                EnqueueEvent(EventKind.ButtonPress, now, 0);
            }

            if (_mqtt.IsConnected)
            {
                PumpSend();
            }
        }

        /// <summary>The broker acknowledged message <paramref name="messageId"/> (wired to <see cref="IMqttPublisher.Acked"/>).</summary>
        public void OnAcked(int messageId)
        {
            lock (_sync)
            {
                if (!Acknowledge(messageId))
                {
                    // The ack may overtake the return of Publish on another thread: keep it briefly.
                    _earlyAckIds[_earlyAckNext] = messageId;
                    _earlyAckTimes[_earlyAckNext] = _clock.NowMicroseconds;
                    _earlyAckNext = (_earlyAckNext + 1) % EarlyAckSlots;
                }
            }
        }

        /// <summary>Starts the batch and event sequence numbers elsewhere than 0 (tests of the wrap).</summary>
        internal void SeedSequences(uint batchSequence, uint eventSequence)
        {
            lock (_sync)
            {
                _batchSequence = batchSequence;
                _eventSequence = eventSequence;
            }
        }

        /// <summary>Builds the status message as it would be sent now (for the adapter and tests).</summary>
        public DeviceStatus SnapshotStatus()
        {
            lock (_sync)
            {
                DeviceStatus s = new DeviceStatus();
                FillStatus(s, _clock.NowMicroseconds);
                return s;
            }
        }

        private void OnSample(long slot)
        {
            short x = _xyz[0];
            short y = _xyz[1];
            short z = _xyz[2];
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
            EnqueueEvent(kind, timeUs, _trigger.LastValueMilliG);

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

                TelemetrySlot b = AllocateTelemetry();
                for (int i = 0; i < 3 * n; i++)
                {
                    b.Samples[i] = _run[i];
                }

                b.Count = n;
                b.FirstSlot = first;
                b.Flags = f;
                b.Sequence = _batchSequence;
                _batchSequence = SequenceNumber.Next(_batchSequence);
                b.State = SendState.Pending;
                SentSamples += n;
                _sentUpToSlot = first + n - 1;
            }
        }

        private TelemetrySlot AllocateTelemetry()
        {
            if (_telemetryCount == _telemetry.Length)
            {
                // Full while offline: drop the oldest batch; the next one starts after a gap.
                TelemetrySlot oldest = _telemetry[_telemetryHead];
                oldest.State = SendState.Free;
                _telemetryHead = (_telemetryHead + 1) % _telemetry.Length;
                _telemetryCount--;
                DroppedBatches++;
                if (_telemetryCount > 0)
                {
                    TelemetrySlot next = _telemetry[_telemetryHead];
                    if (next.State == SendState.Pending)
                    {
                        next.Flags |= AccelBatch.FlagAfterGap;
                    }
                }
            }

            TelemetrySlot slot = _telemetry[(_telemetryHead + _telemetryCount) % _telemetry.Length];
            _telemetryCount++;
            return slot;
        }

        private void EnqueueEvent(EventKind kind, long timeUs, int value)
        {
            EventSlot free = null;
            for (int i = 0; i < _events.Length && free == null; i++)
            {
                if (_events[i].State == SendState.Free)
                {
                    free = _events[i];
                }
            }

            if (free == null && kind == EventKind.ButtonPress)
            {
                // A press outranks a trigger: give it the oldest trigger's slot.
                EventSlot oldestTrigger = null;
                for (int i = 0; i < _events.Length; i++)
                {
                    EventSlot e = _events[i];
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
            free.Sequence = _eventSequence;
            _eventSequence = SequenceNumber.Next(_eventSequence);
            free.TimeUs = timeUs;
            free.Value = value > 65535 ? 65535 : value;
            free.State = SendState.Pending;
            free.MessageId = 0;
        }

        // Publishes waiting messages in priority order: presses, triggers, status, telemetry.
        private void PumpSend()
        {
            lock (_sendLock)
            {
                while (_mqtt.IsConnected)
                {
                    EventSlot ev = null;
                    TelemetrySlot batch = null;
                    bool status = false;
                    string topic;
                    int length;
                    bool retain = false;
                    long now;
                    lock (_sync)
                    {
                        now = _clock.NowMicroseconds;
                        ExpireInFlight(now);
                        ev = NextEvent();
                        if (ev != null)
                        {
                            _eventMessage.Sequence = ev.Sequence;
                            _eventMessage.Kind = ev.Kind;
                            _eventMessage.DeviceTimeUs = (ulong)ev.TimeUs;
                            _eventMessage.Value = (ushort)ev.Value;
                            length = WireEncoder.Encode(_eventMessage, _sendBuffer, 0);
                            topic = _eventTopic;
                            ev.State = SendState.InFlight;
                        }
                        else if (_statusDirty)
                        {
                            _statusFaultChanges = _faults.Changes;
                            FillStatus(_statusMessage, now);
                            length = WireEncoder.Encode(_statusMessage, _sendBuffer, 0);
                            topic = _statusTopic;
                            retain = true;
                            status = true;
                            _statusDirty = false;
                        }
                        else
                        {
                            batch = NextBatch();
                            if (batch == null)
                            {
                                return;
                            }

                            _batchMessage.Sequence = batch.Sequence;
                            _batchMessage.FirstSampleTimeUs = (ulong)_scheduler.SlotTimeUs(batch.FirstSlot);
                            _batchMessage.Flags = batch.Flags;
                            _batchMessage.SampleCount = batch.Count;
                            _batchMessage.Samples = batch.Samples;
                            length = WireEncoder.Encode(_batchMessage, _sendBuffer, 0);
                            topic = _accelTopic;
                            batch.State = SendState.InFlight;
                        }
                    }

                    int id = _mqtt.Publish(topic, _sendBuffer, length, 1, retain);

                    lock (_sync)
                    {
                        if (id == 0)
                        {
                            if (ev != null && ev.State == SendState.InFlight)
                            {
                                ev.State = SendState.Pending;
                            }

                            if (batch != null && batch.State == SendState.InFlight)
                            {
                                batch.State = SendState.Pending;
                            }

                            if (status)
                            {
                                _statusDirty = true;
                            }

                            return;
                        }

                        if (status)
                        {
                            AfterStatusSent(now, id);
                        }
                        else if (ev != null && ev.State == SendState.InFlight)
                        {
                            ev.MessageId = id;
                            ev.SentUs = now;
                        }
                        else if (batch != null && batch.State == SendState.InFlight)
                        {
                            batch.MessageId = id;
                            batch.SentUs = now;
                        }

                        if (TakeEarlyAck(id, now))
                        {
                            Acknowledge(id);
                        }
                    }
                }
            }
        }

        private EventSlot NextEvent()
        {
            EventSlot best = null;
            for (int i = 0; i < _events.Length; i++)
            {
                EventSlot e = _events[i];
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

            return best;
        }

        private TelemetrySlot NextBatch()
        {
            int inFlight = 0;
            TelemetrySlot first = null;
            for (int i = 0; i < _telemetryCount; i++)
            {
                TelemetrySlot b = _telemetry[(_telemetryHead + i) % _telemetry.Length];
                if (b.State == SendState.InFlight)
                {
                    inFlight++;
                }
                else if (b.State == SendState.Pending && first == null)
                {
                    first = b;
                }
            }

            return inFlight >= MaxTelemetryInFlight ? null : first;
        }

        private void ExpireInFlight(long now)
        {
            long timeout = _settings.AckTimeoutMs * 1000L;
            for (int i = 0; i < _events.Length; i++)
            {
                EventSlot e = _events[i];
                if (e.State == SendState.InFlight && e.MessageId != 0 && now - e.SentUs >= timeout)
                {
                    e.State = SendState.Pending;
                    Resends++;
                }
            }

            for (int i = 0; i < _telemetryCount; i++)
            {
                TelemetrySlot b = _telemetry[(_telemetryHead + i) % _telemetry.Length];
                if (b.State == SendState.InFlight && b.MessageId != 0 && now - b.SentUs >= timeout)
                {
                    b.State = SendState.Pending;
                    Resends++;
                }
            }
        }

        private void RequeueInFlight()
        {
            for (int i = 0; i < _events.Length; i++)
            {
                if (_events[i].State == SendState.InFlight)
                {
                    _events[i].State = SendState.Pending;
                    Resends++;
                }
            }

            for (int i = 0; i < _telemetryCount; i++)
            {
                TelemetrySlot b = _telemetry[(_telemetryHead + i) % _telemetry.Length];
                if (b.State == SendState.InFlight)
                {
                    b.State = SendState.Pending;
                    Resends++;
                }
            }
        }

        private bool Acknowledge(int messageId)
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

            for (int i = 0; i < _events.Length; i++)
            {
                EventSlot e = _events[i];
                if (e.State == SendState.InFlight && e.MessageId == messageId)
                {
                    e.State = SendState.Free;
                    e.MessageId = 0;
                    return true;
                }
            }

            for (int i = 0; i < _telemetryCount; i++)
            {
                TelemetrySlot b = _telemetry[(_telemetryHead + i) % _telemetry.Length];
                if (b.State == SendState.InFlight && b.MessageId == messageId)
                {
                    b.State = SendState.Free;
                    b.MessageId = 0;
                    while (_telemetryCount > 0 && _telemetry[_telemetryHead].State == SendState.Free)
                    {
                        _telemetryHead = (_telemetryHead + 1) % _telemetry.Length;
                        _telemetryCount--;
                    }

                    return true;
                }
            }

            return false;
        }

        private bool TakeEarlyAck(int id, long now)
        {
            long timeout = _settings.AckTimeoutMs * 1000L;
            for (int i = 0; i < EarlyAckSlots; i++)
            {
                if (_earlyAckIds[i] == id && now - _earlyAckTimes[i] < timeout)
                {
                    _earlyAckIds[i] = 0;
                    return true;
                }
            }

            return false;
        }

        private void ClearEarlyAcks()
        {
            for (int i = 0; i < EarlyAckSlots; i++)
            {
                _earlyAckIds[i] = 0;
            }
        }

        private void AfterStatusSent(long now, int messageId)
        {
            _statusMessageId = messageId;
            _lastSentFlags = _statusMessage.Flags;
            _lastSentSoc = _stateOfCharge;
            _lastSentFaultChanges = _statusFaultChanges;
            _nextHeartbeatUs = now + (_settings.HeartbeatSeconds * 1000000L);
            LastActiveSeconds = _statusMessage.ActiveSeconds;
            LastMaxMagnitudeMilliG = _statusMessage.MaxMagnitudeMilliG;

            // The next status counts from here; seconds that became active while this one was being
            // published stay counted for the next.
            _motion.StartNextSummary(_statusMessage.ActiveSeconds);
        }

        private int StatusFlags(long now)
        {
            int flags = DeviceStatus.FlagOnline;
            if (_charging)
            {
                flags |= DeviceStatus.FlagCharging;
            }

            if (_externalPower)
            {
                flags |= DeviceStatus.FlagExternalPower;
            }

            if (IsWorn(now))
            {
                flags |= DeviceStatus.FlagWorn;
            }

            if (_faults.Active)
            {
                flags |= DeviceStatus.FlagFaultActive;
            }

            return flags;
        }

        /// <summary>Not worn when on the charger or when nothing moved for not_worn_after_s.</summary>
        private bool IsWorn(long now)
        {
            if (_externalPower)
            {
                return false;
            }

            return !_motion.IsStill(now, _settings.NotWornAfterSeconds * 1000000L);
        }

        private static uint NewBootId(IRandom random)
        {
            uint id = ((uint)random.Next(0x10000) << 16) | (uint)random.Next(0x10000);
            return id == 0 ? 1u : id;
        }

        private void FillStatus(DeviceStatus s, long now)
        {
            s.DeviceId = _settings.DeviceId;
            s.BootId = _bootId;
            s.FirmwareVersion = FirmwareVersion;
            s.Sequence = _statusSequence;
            _statusSequence = SequenceNumber.Next(_statusSequence);
            s.UptimeSeconds = (uint)(now / 1000000);
            s.BatteryMillivolts = (ushort)(_batteryMillivolts < 0 ? 0 : (_batteryMillivolts > 65535 ? 65535 : _batteryMillivolts));
            s.StateOfChargePercent = (byte)(_batteryKnown && _stateOfCharge >= 0 && _stateOfCharge <= 100 ? _stateOfCharge : DeviceStatus.UnknownStateOfCharge);
            s.Flags = (byte)StatusFlags(now);
            int rssi = _mqtt.RssiDbm;
            s.RssiDbm = (sbyte)(rssi < -128 ? -128 : (rssi > 0 ? 0 : rssi));
            s.Mode = _settings.Mode;
            s.SampleRateHz = (ushort)_settings.SampleRateHz;
            int unsent = CountUnsentSamples();
            s.BufferedUnsent = (ushort)(unsent > 65535 ? 65535 : unsent);
            s.DroppedBatches = (uint)DroppedBatches;
            s.MissedDeadlines = (uint)(_scheduler.Missed + ReadFailures);
            int active = _motion.ActiveSeconds;
            int peak = _motion.MaxMagnitudeMilliG;
            s.ActiveSeconds = (ushort)(active > 65535 ? 65535 : active);
            s.MaxMagnitudeMilliG = (ushort)(peak > 65535 ? 65535 : peak);
            if (_faults.Fill(s))
            {
                s.Flags |= DeviceStatus.FlagFaultActive;
            }
            else
            {
                s.Flags &= unchecked((byte)~DeviceStatus.FlagFaultActive);
            }
        }

        private int CountUnsentSamples()
        {
            int n = 0;
            for (int i = 0; i < _telemetryCount; i++)
            {
                TelemetrySlot b = _telemetry[(_telemetryHead + i) % _telemetry.Length];
                if (b.State != SendState.Free)
                {
                    n += b.Count;
                }
            }

            return n;
        }
    }
}
