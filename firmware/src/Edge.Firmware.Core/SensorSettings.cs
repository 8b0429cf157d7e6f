using System.Collections;
using Edge.Protocol;

namespace Edge.Firmware.Core
{
    /// <summary>
    /// Everything a wearable is provisioned with. Defaults hold for the behaviour settings only:
    /// identity, network and credentials have no defaults (see <see cref="ProvisioningParser"/>).
    /// </summary>
    public sealed class SensorSettings
    {
        /// <summary>
        /// Default pre-trigger impact threshold, milli-g. The lowest fall peak among the 1,275 SisFall
        /// fall recordings at 50 Hz (anti-alias filtered, quantised at ±16 g) is 1,783 mg and the first
        /// percentile 2,125 mg; 1,500 mg keeps a 16 % margin below the lowest for people not in that
        /// data. The gateway's model, not this trigger, separates falls from ADLs. See firmware/README.md.
        /// </summary>
        public const int DefaultImpactThresholdMilliG = 1500;

        /// <summary>Default pre-trigger free-fall threshold, milli-g (a second path for falls whose impact is soft).</summary>
        public const int DefaultFreeFallThresholdMilliG = 600;

        /// <summary>Default minimum free-fall duration, ms.</summary>
        public const int DefaultFreeFallMinMs = 100;

        /// <summary>Creates settings with the behaviour defaults and empty identity.</summary>
        public SensorSettings()
        {
            BrokerPort = 8883;
            SampleRateHz = 50;
            RangeG = 16;
            Mode = DeviceMode.Triggered;
            ImpactThresholdMilliG = DefaultImpactThresholdMilliG;
            FreeFallThresholdMilliG = DefaultFreeFallThresholdMilliG;
            FreeFallMinMs = DefaultFreeFallMinMs;
            PreTriggerSeconds = 5;
            PostTriggerSeconds = 10;
            HistorySeconds = 10;
            BatchIntervalMs = 1000;
            HeartbeatSeconds = 60;
            NotWornAfterSeconds = 1800;
            MovementThresholdMilliG = 50;
            ButtonDebounceMs = 300;
            OfflineBufferSeconds = 30;
            BackoffInitialMs = 1000;
            BackoffMaxMs = 60000;
            AckTimeoutMs = 10000;
            BatteryPollSeconds = 10;
        }

        /// <summary>Device id (topic level, [A-Za-z0-9_-], 1–32).</summary>
        public string DeviceId { get; set; }

        /// <summary>Site id (topic level).</summary>
        public string Site { get; set; }

        /// <summary>Wi-Fi SSID.</summary>
        public string WifiSsid { get; set; }

        /// <summary>Wi-Fi passphrase (WPA2, 8–63 characters).</summary>
        public string WifiPassword { get; set; }

        /// <summary>MQTT broker host name or address.</summary>
        public string BrokerHost { get; set; }

        /// <summary>MQTT broker port (8883 for MQTT over TLS).</summary>
        public int BrokerPort { get; set; }

        /// <summary>File name of the CA certificate (PEM) on the device's I:\ drive.</summary>
        public string TlsCa { get; set; }

        /// <summary>MQTT user name. Required: there are no built-in credentials.</summary>
        public string MqttUsername { get; set; }

        /// <summary>MQTT password. Required: there are no built-in credentials.</summary>
        public string MqttPassword { get; set; }

        /// <summary>Accelerometer sample rate, Hz.</summary>
        public int SampleRateHz { get; set; }

        /// <summary>Accelerometer full-scale range, g (16 on the wearable; falls exceed 8 g).</summary>
        public int RangeG { get; set; }

        /// <summary>Streaming or triggered.</summary>
        public DeviceMode Mode { get; set; }

        /// <summary>Impact pre-trigger: magnitude above this, milli-g.</summary>
        public int ImpactThresholdMilliG { get; set; }

        /// <summary>Free-fall pre-trigger: magnitude below this, milli-g ...</summary>
        public int FreeFallThresholdMilliG { get; set; }

        /// <summary>... for at least this long, ms.</summary>
        public int FreeFallMinMs { get; set; }

        /// <summary>Seconds of history sent before a trigger.</summary>
        public int PreTriggerSeconds { get; set; }

        /// <summary>Seconds sent from the trigger on.</summary>
        public int PostTriggerSeconds { get; set; }

        /// <summary>Seconds of samples the ring holds (more than <see cref="PreTriggerSeconds"/>).</summary>
        public int HistorySeconds { get; set; }

        /// <summary>Streaming batch interval, ms (also the chunk size of trigger windows).</summary>
        public int BatchIntervalMs { get; set; }

        /// <summary>Status (heartbeat) interval, s.</summary>
        public int HeartbeatSeconds { get; set; }

        /// <summary>No movement for this long means "not worn", s.</summary>
        public int NotWornAfterSeconds { get; set; }

        /// <summary>Per-axis change that counts as movement, milli-g.</summary>
        public int MovementThresholdMilliG { get; set; }

        /// <summary>Presses closer together than this are one press, ms.</summary>
        public int ButtonDebounceMs { get; set; }

        /// <summary>Seconds of telemetry kept while the broker is unreachable (older is dropped and counted).</summary>
        public int OfflineBufferSeconds { get; set; }

        /// <summary>First reconnect delay ceiling, ms.</summary>
        public int BackoffInitialMs { get; set; }

        /// <summary>Largest reconnect delay, ms.</summary>
        public int BackoffMaxMs { get; set; }

        /// <summary>A QoS 1 message not acknowledged within this is sent again, ms.</summary>
        public int AckTimeoutMs { get; set; }

        /// <summary>How often the battery is read, s.</summary>
        public int BatteryPollSeconds { get; set; }

        /// <summary>Sample period, µs.</summary>
        public long SamplePeriodUs
        {
            get { return 1000000L / SampleRateHz; }
        }

        /// <summary>Samples per batch: rate × interval.</summary>
        public int SamplesPerBatch
        {
            get { return (int)(((long)SampleRateHz * BatchIntervalMs) / 1000); }
        }

        /// <summary>Consecutive samples below the free-fall threshold that fire (at least 1).</summary>
        public int FreeFallMinSamples
        {
            get
            {
                int n = (int)((((long)FreeFallMinMs * SampleRateHz) + 999) / 1000);
                return n < 1 ? 1 : n;
            }
        }

        /// <summary>
        /// Checks the behaviour settings (not identity or credentials) and appends a
        /// <see cref="ConfigError"/> per problem to <paramref name="errors"/>. Returns true when none.
        /// </summary>
        public bool ValidateBehaviour(ArrayList errors)
        {
            int before = errors.Count;
            bool rateOk = Range(errors, ProvisioningKeys.SampleRateHz, SampleRateHz, 10, 1000, "Hz");
            if (rateOk && 1000000 % SampleRateHz != 0)
            {
                errors.Add(new ConfigError(ProvisioningKeys.SampleRateHz, SampleRateHz.ToString() + " Hz does not give a whole-microsecond period; use a rate that divides 1000000 (e.g. 25, 50, 100, 200)"));
            }

            if (!WireFormat.IsValidRange(RangeG))
            {
                errors.Add(new ConfigError("range_g", "must be 2, 4, 8 or 16"));
            }

            Range(errors, ProvisioningKeys.ImpactThresholdMilliG, ImpactThresholdMilliG, 1100, (RangeG * 1000) - 1, "mg");
            Range(errors, ProvisioningKeys.FreeFallThresholdMilliG, FreeFallThresholdMilliG, 50, 950, "mg");
            Range(errors, ProvisioningKeys.FreeFallMinMs, FreeFallMinMs, 10, 2000, "ms");
            Range(errors, ProvisioningKeys.PreTriggerSeconds, PreTriggerSeconds, 1, 30, "s");
            Range(errors, ProvisioningKeys.PostTriggerSeconds, PostTriggerSeconds, 1, 60, "s");
            Range(errors, ProvisioningKeys.HistorySeconds, HistorySeconds, 2, 60, "s");
            if (HistorySeconds <= PreTriggerSeconds)
            {
                errors.Add(new ConfigError(ProvisioningKeys.HistorySeconds, HistorySeconds.ToString() + " s must be longer than pre_trigger_s (" + PreTriggerSeconds.ToString() + " s), so the samples before a trigger are still held when it fires"));
            }

            if (Range(errors, ProvisioningKeys.BatchIntervalMs, BatchIntervalMs, 100, 10000, "ms") && rateOk)
            {
                int n = SamplesPerBatch;
                if (n < 1 || n > WireFormat.MaxSamplesPerBatch || ((long)n * 1000) != ((long)SampleRateHz * BatchIntervalMs))
                {
                    errors.Add(new ConfigError(ProvisioningKeys.BatchIntervalMs, BatchIntervalMs.ToString() + " ms at " + SampleRateHz.ToString() + " Hz must give a whole number of samples per batch between 1 and 256"));
                }
            }

            Range(errors, ProvisioningKeys.HeartbeatSeconds, HeartbeatSeconds, 5, 3600, "s");
            Range(errors, ProvisioningKeys.NotWornAfterSeconds, NotWornAfterSeconds, 30, 86400, "s");
            Range(errors, ProvisioningKeys.MovementThresholdMilliG, MovementThresholdMilliG, 5, 2000, "mg");
            Range(errors, ProvisioningKeys.ButtonDebounceMs, ButtonDebounceMs, 20, 5000, "ms");
            Range(errors, ProvisioningKeys.OfflineBufferSeconds, OfflineBufferSeconds, 1, 600, "s");
            Range(errors, ProvisioningKeys.BackoffInitialMs, BackoffInitialMs, 100, 600000, "ms");
            Range(errors, ProvisioningKeys.BackoffMaxMs, BackoffMaxMs, 100, 3600000, "ms");
            if (BackoffMaxMs < BackoffInitialMs)
            {
                errors.Add(new ConfigError(ProvisioningKeys.BackoffMaxMs, BackoffMaxMs.ToString() + " ms is below backoff_initial_ms (" + BackoffInitialMs.ToString() + " ms)"));
            }

            Range(errors, ProvisioningKeys.AckTimeoutMs, AckTimeoutMs, 500, 600000, "ms");
            Range(errors, ProvisioningKeys.BatteryPollSeconds, BatteryPollSeconds, 1, 3600, "s");
            if (!WireFormat.IsValidId(DeviceId))
            {
                errors.Add(new ConfigError(ProvisioningKeys.DeviceId, "must be 1 to 32 characters of A-Z, a-z, 0-9, '-' and '_'"));
            }

            if (!WireFormat.IsValidId(Site))
            {
                errors.Add(new ConfigError(ProvisioningKeys.Site, "must be 1 to 32 characters of A-Z, a-z, 0-9, '-' and '_'"));
            }

            return errors.Count == before;
        }

        private static bool Range(ArrayList errors, string key, int value, int min, int max, string unit)
        {
            if (value < min || value > max)
            {
                errors.Add(new ConfigError(key, value.ToString() + " " + unit + " is out of range; allowed " + min.ToString() + " to " + max.ToString() + " " + unit));
                return false;
            }

            return true;
        }
    }

    /// <summary>One problem in a provisioning file or settings object.</summary>
    public sealed class ConfigError
    {
        /// <summary>Creates an error about <paramref name="key"/> with no line yet.</summary>
        public ConfigError(string key, string message)
        {
            Key = key;
            Message = message;
        }

        /// <summary>1-based line in the file, or 0 when the problem is not on one line (a missing key).</summary>
        public int Line { get; set; }

        /// <summary>The key concerned, or empty for a line that has none.</summary>
        public string Key { get; private set; }

        /// <summary>Why the value is wrong.</summary>
        public string Message { get; private set; }

        /// <summary>"line 7: broker_port: ..." or "mqtt_password: ...".</summary>
        public override string ToString()
        {
            string where = Line > 0 ? "line " + Line.ToString() + ": " : string.Empty;
            string key = Key == null || Key.Length == 0 ? string.Empty : Key + ": ";
            return where + key + Message;
        }
    }
}
