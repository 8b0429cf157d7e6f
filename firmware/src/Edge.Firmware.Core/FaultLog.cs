using Edge.Protocol;

namespace Edge.Firmware.Core
{
    /// <summary>
    /// The device's fault record for the status message: the most recent fault (code and detail),
    /// how many faults happened since boot, and whether the latest one is still present. Any thread
    /// may record (the MQTT adapter, the Wi-Fi code, the sampling thread); <see cref="SensorNode"/>
    /// copies it into every status and sends a status when it changes.
    /// </summary>
    public sealed class FaultLog
    {
        private readonly object _sync = new object();
        private DeviceFault _code;
        private int _detail;
        private int _count;
        private bool _active;
        private int _changes;

        /// <summary>The most recent fault, or <see cref="DeviceFault.None"/>.</summary>
        public DeviceFault Code
        {
            get
            {
                lock (_sync)
                {
                    return _code;
                }
            }
        }

        /// <summary>The detail of <see cref="Code"/> (0..255).</summary>
        public int Detail
        {
            get
            {
                lock (_sync)
                {
                    return _detail;
                }
            }
        }

        /// <summary>Faults recorded since boot.</summary>
        public int Count
        {
            get
            {
                lock (_sync)
                {
                    return _count;
                }
            }
        }

        /// <summary>True while the condition of <see cref="Code"/> is still present.</summary>
        public bool Active
        {
            get
            {
                lock (_sync)
                {
                    return _active;
                }
            }
        }

        /// <summary>Increases on every change, so a reader can tell that something new happened.</summary>
        public int Changes
        {
            get
            {
                lock (_sync)
                {
                    return _changes;
                }
            }
        }

        /// <summary>
        /// Records a fault. <paramref name="stillPresent"/> says the condition persists (a sensor that
        /// does not answer) rather than a failure that is over once reported (a refused connect).
        /// Recording a still-present fault whose code is already active changes nothing: it is not
        /// counted twice, and the first, usually more specific, detail stays.
        /// </summary>
        public void Record(DeviceFault fault, int detail, bool stillPresent)
        {
            if (fault == DeviceFault.None)
            {
                return;
            }

            lock (_sync)
            {
                int d = detail < 0 ? 0 : (detail > 255 ? 255 : detail);
                if (_active && stillPresent && _code == fault)
                {
                    return;
                }

                _code = fault;
                _detail = d;
                _active = stillPresent;
                _count++;
                _changes++;
            }
        }

        /// <summary>The condition of <paramref name="fault"/> is gone: it stays the last fault, no longer active.</summary>
        public void Clear(DeviceFault fault)
        {
            lock (_sync)
            {
                if (_active && _code == fault)
                {
                    _active = false;
                    _changes++;
                }
            }
        }

        /// <summary>Copies the record into a status (code, detail, count) and returns whether it is active.</summary>
        public bool Fill(DeviceStatus status)
        {
            lock (_sync)
            {
                status.FaultCode = _code;
                status.FaultDetail = (byte)_detail;
                status.FaultCount = (ushort)(_count > 65535 ? 65535 : _count);
                return _active;
            }
        }
    }
}
