using System;
using Edge.Firmware.Core;
using Iot.Device.Axp192;
using nanoFramework.Hardware.Esp32;
using nanoFramework.M5Stack;

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

    /// <summary>Battery and charger state from the M5StickC Plus's AXP192.</summary>
    public sealed class Axp192Battery : IBattery
    {
        /// <inheritdoc />
        public void Read(BatteryReading reading)
        {
            Axp192 power = M5StickCPlus.Power;
            double volts = power.GetBatteryVoltage().Volts;
            BatteryStatus status = power.GetBatteryChargingStatus();
            int mv = (int)(volts * 1000);
            reading.Millivolts = mv;
            reading.StateOfChargePercent = EstimatePercent(mv);
            reading.Charging = (status & BatteryStatus.Charging) != 0;

            // The AXP192 charges whenever USB power is present and the cell is not full, so "charging"
            // is used as "on the charger". A full cell on the dock reads as not charging: the not-worn
            // timer then still catches it (no movement).
            reading.ExternalPower = reading.Charging;
        }

        // Open-circuit Li-ion curve, coarse: 3.30 V = 0 %, 4.15 V = 100 %, linear between. Good to
        // about ±15 %; the AXP192 coulomb counter would be better once calibrated per cell.
        private static int EstimatePercent(int millivolts)
        {
            if (millivolts <= 0)
            {
                return 255;
            }

            int pct = (millivolts - 3300) * 100 / 850;
            return pct < 0 ? 0 : (pct > 100 ? 100 : pct);
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
