using Edge.Protocol;

namespace Edge.Firmware.Core
{
    /// <summary>
    /// The node's side of the MQTT session. It reconnects with backoff while the session is down,
    /// puts back what was in flight when it drops or restarts, and publishes what waits in priority
    /// order: presses, triggers, the status, then telemetry. Each message is encoded into one
    /// preallocated buffer and published with QoS 1 (the status retained); what the session refuses
    /// waits again, what it takes is recorded in the outbox for its acknowledgement.
    /// </summary>
    /// <remarks>
    /// Only the network thread calls <see cref="KeepConnected"/>; it and the button interrupt call
    /// <see cref="Pump"/>, and a send lock keeps one pump at a time. Outbox, status and sampler state
    /// is touched only under the node's lock, which is never held across Connect or Publish.
    /// </remarks>
    internal sealed class BrokerLink
    {
        private readonly object _sync;
        private readonly object _sendLock = new object();
        private readonly IMicrosecondClock _clock;
        private readonly IMqttPublisher _mqtt;
        private readonly Backoff _backoff;
        private readonly Outbox _outbox;
        private readonly StatusReporter _status;
        private readonly Sampler _sampler;
        private readonly byte[] _sendBuffer = new byte[WireFormat.MaxMessageSize];
        private readonly AccelBatch _batchMessage = new AccelBatch();
        private readonly DeviceEvent _eventMessage = new DeviceEvent();
        private readonly string _accelTopic;
        private readonly string _eventTopic;
        private readonly string _statusTopic;
        private bool _wasConnected;
        private long _nextConnectUs;

        /// <summary>Links the device in <paramref name="settings"/> (this boot) to the broker; its parts are touched under the node's lock <paramref name="sync"/>.</summary>
        internal BrokerLink(object sync, SensorSettings settings, uint bootId, IMicrosecondClock clock, IMqttPublisher mqtt, Backoff backoff, Outbox outbox, StatusReporter status, Sampler sampler)
        {
            _sync = sync;
            _clock = clock;
            _mqtt = mqtt;
            _backoff = backoff;
            _outbox = outbox;
            _status = status;
            _sampler = sampler;
            _accelTopic = Topics.For(settings.Site, settings.DeviceId, TopicKind.Accel);
            _eventTopic = Topics.For(settings.Site, settings.DeviceId, TopicKind.Event);
            _statusTopic = Topics.For(settings.Site, settings.DeviceId, TopicKind.Status);
            _batchMessage.DeviceId = settings.DeviceId;
            _batchMessage.RangeG = (byte)settings.RangeG;
            _batchMessage.SamplePeriodUs = (uint)settings.SamplePeriodUs;
            _batchMessage.BootId = bootId;
            _eventMessage.DeviceId = settings.DeviceId;
            _eventMessage.BootId = bootId;
        }

        /// <summary>The status topic (the adapter registers the last will there).</summary>
        internal string StatusTopic
        {
            get { return _statusTopic; }
        }

        /// <summary>Connection attempts that failed.</summary>
        internal long ConnectFailures { get; private set; }

        /// <summary>
        /// True when the session is up at the end of the call. When it is down: a drop just noticed puts
        /// back what was in flight; once the backoff delay has passed, connects (blocking), and on success
        /// puts back what was in flight again, forgets acknowledgements kept from the old session and
        /// makes a status due. <paramref name="nowUs"/> is advanced past a connect attempt.
        /// </summary>
        internal bool KeepConnected(ref long nowUs)
        {
            if (_mqtt.IsConnected)
            {
                _wasConnected = true;
                return true;
            }

            if (_wasConnected)
            {
                _wasConnected = false;
                _nextConnectUs = nowUs;
                lock (_sync)
                {
                    _outbox.RequeueInFlight();
                }
            }

            if (nowUs < _nextConnectUs)
            {
                return false;
            }

            bool connected = _mqtt.Connect();
            nowUs = _clock.NowMicroseconds;
            if (!connected)
            {
                ConnectFailures++;
                _nextConnectUs = nowUs + (_backoff.NextDelayMs() * 1000L);
                return false;
            }

            _backoff.Reset();
            _wasConnected = true;
            lock (_sync)
            {
                _outbox.RequeueInFlight();
                _outbox.ClearEarlyAcks();
                _status.MarkDue();
            }

            return true;
        }

        /// <summary>Publishes until nothing waits, the in-flight limit is reached, or the session is down.</summary>
        internal void Pump()
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
                        _outbox.ExpireInFlight(now);
                        ev = _outbox.TakeNextEvent();
                        if (ev != null)
                        {
                            _eventMessage.Sequence = ev.Sequence;
                            _eventMessage.Kind = ev.Kind;
                            _eventMessage.DeviceTimeUs = (ulong)ev.TimeUs;
                            _eventMessage.Value = (ushort)ev.Value;
                            length = WireEncoder.Encode(_eventMessage, _sendBuffer, 0);
                            topic = _eventTopic;
                        }
                        else if (_status.Due)
                        {
                            DeviceStatus message = _status.Build(now, _mqtt.RssiDbm, _outbox.UnsentSamples, _outbox.DroppedBatches, _sampler.MissedDeadlines);
                            length = WireEncoder.Encode(message, _sendBuffer, 0);
                            topic = _statusTopic;
                            retain = true;
                            status = true;
                        }
                        else
                        {
                            batch = _outbox.TakeNextBatch();
                            if (batch == null)
                            {
                                return;
                            }

                            _batchMessage.Sequence = batch.Sequence;
                            _batchMessage.FirstSampleTimeUs = (ulong)_sampler.SlotTimeUs(batch.FirstSlot);
                            _batchMessage.Flags = batch.Flags;
                            _batchMessage.SampleCount = batch.Count;
                            _batchMessage.Samples = batch.Samples;
                            length = WireEncoder.Encode(_batchMessage, _sendBuffer, 0);
                            topic = _accelTopic;
                        }
                    }

                    int id = _mqtt.Publish(topic, _sendBuffer, length, 1, retain);

                    lock (_sync)
                    {
                        if (id == 0)
                        {
                            if (ev != null)
                            {
                                _outbox.NotPublished(ev);
                            }

                            if (batch != null)
                            {
                                _outbox.NotPublished(batch);
                            }

                            if (status)
                            {
                                _status.NotSent();
                            }

                            return;
                        }

                        if (status)
                        {
                            _outbox.StatusPublished(id);
                            _status.Sent(now);
                        }
                        else if (ev != null)
                        {
                            _outbox.Published(ev, id, now);
                        }
                        else if (batch != null)
                        {
                            _outbox.Published(batch, id, now);
                        }

                        _outbox.ClaimEarlyAck(id, now);
                    }
                }
            }
        }
    }
}
