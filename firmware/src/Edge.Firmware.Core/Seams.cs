namespace Edge.Firmware.Core
{
    /// <summary>Microseconds since boot (on the device: nanoFramework.Hardware.Esp32.HighResTimer).</summary>
    public interface IMicrosecondClock
    {
        /// <summary>The current time in µs since boot; never goes backwards.</summary>
        long NowMicroseconds { get; }
    }

    /// <summary>The accelerometer, read as raw counts so no reading allocates.</summary>
    public interface IAccelerometer
    {
        /// <summary>
        /// Reads one x, y, z sample of raw int16 counts at <see cref="RangeG"/> full scale into
        /// <paramref name="xyz"/>[0..2]. Returns false when the read failed (bus error).
        /// </summary>
        bool Read(short[] xyz);

        /// <summary>Full-scale range in g the counts are at (16 on the wearable: 2048 counts per g).</summary>
        int RangeG { get; }
    }

    /// <summary>Battery and charger state (AXP192 on the M5StickC Plus).</summary>
    public interface IBattery
    {
        /// <summary>Reads the battery now. Called from the network thread, every few seconds.</summary>
        void Read(BatteryReading reading);
    }

    /// <summary>One battery reading; preallocated and filled by <see cref="IBattery.Read"/>.</summary>
    public sealed class BatteryReading
    {
        /// <summary>Battery voltage in millivolts.</summary>
        public int Millivolts { get; set; }

        /// <summary>State of charge 0–100, or 255 when not known.</summary>
        public int StateOfChargePercent { get; set; }

        /// <summary>The battery is being charged.</summary>
        public bool Charging { get; set; }

        /// <summary>USB / dock power is present (the device is on its charger).</summary>
        public bool ExternalPower { get; set; }
    }

    /// <summary>Called when the broker acknowledged the QoS 1 publish with <paramref name="messageId"/>.</summary>
    public delegate void PublishAckedHandler(int messageId);

    /// <summary>
    /// The MQTT session (nanoFramework.M2Mqtt on the device, Edge.Mqtt over MQTTnet in the simulator). The
    /// adapter owns the broker address, credentials, TLS and the last will.
    /// </summary>
    public interface IMqttPublisher
    {
        /// <summary>True while the session is up.</summary>
        bool IsConnected { get; }

        /// <summary>Connects (blocking; may take seconds with TLS). Returns false on failure; never throws.</summary>
        bool Connect();

        /// <summary>
        /// Publishes the first <paramref name="length"/> bytes of <paramref name="payload"/>. Returns the
        /// message id (1–65535) the <see cref="Acked"/> callback will report for QoS 1, or 0 when the
        /// message could not be handed to the session (not connected). Never throws.
        /// </summary>
        int Publish(string topic, byte[] payload, int length, int qos, bool retain);

        /// <summary>Wi-Fi RSSI in dBm (negative), or 0 when not known.</summary>
        int RssiDbm { get; }

        /// <summary>Raised (on any thread) when the broker acknowledges a QoS 1 publish.</summary>
        event PublishAckedHandler Acked;
    }

    /// <summary>A source of random numbers for reconnect jitter.</summary>
    public interface IRandom
    {
        /// <summary>A uniformly distributed integer in [0, <paramref name="maxExclusive"/>).</summary>
        int Next(int maxExclusive);
    }
}
