using System;
using Edge.Firmware.Core;
using nanoFramework.Hardware.Esp32;

namespace Edge.Firmware.Device
{
    /// <summary>µs since boot from the ESP32 high-resolution timer.</summary>
    public sealed class HighResClock : IMicrosecondClock
    {
        /// <inheritdoc />
        public long NowMicroseconds
        {
            get { return (long)HighResTimer.GetCurrent(); }
        }
    }

    /// <summary>Reconnect jitter from System.Random (seeded from the µs timer at boot).</summary>
    public sealed class DeviceRandom : IRandom
    {
        private readonly Random _random;

        /// <summary>Seeds from the clock.</summary>
        public DeviceRandom(int seed)
        {
            _random = new Random(seed);
        }

        /// <inheritdoc />
        public int Next(int maxExclusive)
        {
            return _random.Next(maxExclusive);
        }
    }
}
