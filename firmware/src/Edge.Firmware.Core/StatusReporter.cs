using Edge.Protocol;

namespace Edge.Firmware.Core
{
    /// <summary>
    /// The retained status: keeps the last battery reading, decides when a status is due (at start and
    /// after every reconnect, when the flags change, when the charge moved 5 points, when the fault
    /// record changed, and every heartbeat) and builds it: battery, flags (charging, external power,
    /// worn, fault active), counters, the activity summary and the fault record.
    /// </summary>
    /// <remarks>Not thread-safe: <see cref="SensorNode"/> calls it under its lock.</remarks>
    internal sealed class StatusReporter
    {
        /// <summary>A status goes out when the state of charge moved this many points since the last one.</summary>
        internal const int StateOfChargeStep = 5;

        private readonly SensorSettings _settings;
        private readonly uint _bootId;
        private readonly MotionTracker _motion;
        private readonly FaultLog _faults;
        private readonly DeviceStatus _message = new DeviceStatus();
        private int _batteryMillivolts;
        private int _stateOfCharge = DeviceStatus.UnknownStateOfCharge;
        private bool _charging;
        private bool _externalPower;
        private bool _batteryKnown;
        private long _nextBatteryUs;
        private bool _due = true;
        private long _nextHeartbeatUs;
        private int _lastSentFlags = -1;
        private int _lastSentSoc = -1;
        private int _lastSentFaultChanges;
        private int _builtFaultChanges;
        private uint _sequence;

        /// <summary>Reports for the device in <paramref name="settings"/>, this boot, its motion and fault record.</summary>
        internal StatusReporter(SensorSettings settings, uint bootId, MotionTracker motion, FaultLog faults)
        {
            _settings = settings;
            _bootId = bootId;
            _motion = motion;
            _faults = faults;
            _message.DeviceId = settings.DeviceId;
            _message.BootId = bootId;
            _message.FirmwareVersion = SensorNode.FirmwareVersion;
        }

        /// <summary>True when a status waits to be published.</summary>
        internal bool Due
        {
            get { return _due; }
        }

        /// <summary>Active seconds in the last status sent.</summary>
        internal int LastActiveSeconds { get; private set; }

        /// <summary>Largest magnitude in the last status sent, milli-g.</summary>
        internal int LastMaxMagnitudeMilliG { get; private set; }

        /// <summary>True when the battery should be read again (every battery_poll_s, and at once after boot).</summary>
        internal bool BatteryDue(long nowUs)
        {
            return nowUs >= _nextBatteryUs;
        }

        /// <summary>Keeps a battery reading taken at <paramref name="nowUs"/>; the next is due battery_poll_s later.</summary>
        internal void BatteryRead(BatteryReading reading, long nowUs)
        {
            _batteryMillivolts = reading.Millivolts;
            _stateOfCharge = reading.StateOfChargePercent;
            _charging = reading.Charging;
            _externalPower = reading.ExternalPower;
            _batteryKnown = true;
            _nextBatteryUs = nowUs + (_settings.BatteryPollSeconds * 1000000L);
        }

        /// <summary>A status is due now whatever changed (a new session: the broker must hold the current one).</summary>
        internal void MarkDue()
        {
            _due = true;
        }

        /// <summary>Makes a status due when the flags or the fault record changed, the charge moved, or the heartbeat is due.</summary>
        internal void CheckDue(long nowUs)
        {
            int flags = Flags(nowUs);
            int socDelta = _stateOfCharge - _lastSentSoc;
            if (flags != _lastSentFlags || socDelta >= StateOfChargeStep || socDelta <= -StateOfChargeStep || nowUs >= _nextHeartbeatUs
                || _faults.Changes != _lastSentFaultChanges)
            {
                _due = true;
            }
        }

        /// <summary>
        /// Builds the status to publish now into the reporter's own message (no longer due). The caller
        /// reports <see cref="Sent"/> or <see cref="NotSent"/>.
        /// </summary>
        internal DeviceStatus Build(long nowUs, int rssiDbm, int unsentSamples, long droppedBatches, long missedDeadlines)
        {
            _builtFaultChanges = _faults.Changes;
            Fill(_message, nowUs, rssiDbm, unsentSamples, droppedBatches, missedDeadlines);
            _due = false;
            return _message;
        }

        /// <summary>The built status could not be handed to the session: it is due again.</summary>
        internal void NotSent()
        {
            _due = true;
        }

        /// <summary>The built status was published at <paramref name="nowUs"/>: the heartbeat and the change checks count from it.</summary>
        internal void Sent(long nowUs)
        {
            _lastSentFlags = _message.Flags;
            _lastSentSoc = _stateOfCharge;
            _lastSentFaultChanges = _builtFaultChanges;
            _nextHeartbeatUs = nowUs + (_settings.HeartbeatSeconds * 1000000L);
            LastActiveSeconds = _message.ActiveSeconds;
            LastMaxMagnitudeMilliG = _message.MaxMagnitudeMilliG;

            // The next status counts from here; seconds that became active while this one was being
            // published stay counted for the next.
            _motion.StartNextSummary(_message.ActiveSeconds);
        }

        /// <summary>
        /// Fills <paramref name="s"/> as a status sent at <paramref name="nowUs"/>, with the next status
        /// sequence number and the node's link and buffer counters.
        /// </summary>
        internal void Fill(DeviceStatus s, long nowUs, int rssiDbm, int unsentSamples, long droppedBatches, long missedDeadlines)
        {
            s.DeviceId = _settings.DeviceId;
            s.BootId = _bootId;
            s.FirmwareVersion = SensorNode.FirmwareVersion;
            s.Sequence = _sequence;
            _sequence = SequenceNumber.Next(_sequence);
            s.UptimeSeconds = (uint)(nowUs / 1000000);
            s.BatteryMillivolts = (ushort)(_batteryMillivolts < 0 ? 0 : (_batteryMillivolts > 65535 ? 65535 : _batteryMillivolts));
            s.StateOfChargePercent = (byte)(_batteryKnown && _stateOfCharge >= 0 && _stateOfCharge <= 100 ? _stateOfCharge : DeviceStatus.UnknownStateOfCharge);
            s.Flags = (byte)Flags(nowUs);
            s.RssiDbm = (sbyte)(rssiDbm < -128 ? -128 : (rssiDbm > 0 ? 0 : rssiDbm));
            s.Mode = _settings.Mode;
            s.SampleRateHz = (ushort)_settings.SampleRateHz;
            s.BufferedUnsent = (ushort)(unsentSamples > 65535 ? 65535 : unsentSamples);
            s.DroppedBatches = (uint)droppedBatches;
            s.MissedDeadlines = (uint)missedDeadlines;
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

        /// <summary>The status flags as they are now: always online, plus charging, external power, worn and fault active.</summary>
        internal int Flags(long nowUs)
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

            if (IsWorn(nowUs))
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
        internal bool IsWorn(long nowUs)
        {
            if (_externalPower)
            {
                return false;
            }

            return !_motion.IsStill(nowUs, _settings.NotWornAfterSeconds * 1000000L);
        }
    }
}
