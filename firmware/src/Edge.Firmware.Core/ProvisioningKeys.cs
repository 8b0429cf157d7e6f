namespace Edge.Firmware.Core
{
    /// <summary>The keys of the provisioning file.</summary>
    public static class ProvisioningKeys
    {
        /// <summary>Device id.</summary>
        public const string DeviceId = "device_id";

        /// <summary>Site id.</summary>
        public const string Site = "site";

        /// <summary>Wi-Fi SSID.</summary>
        public const string WifiSsid = "wifi_ssid";

        /// <summary>Wi-Fi passphrase.</summary>
        public const string WifiPassword = "wifi_password";

        /// <summary>Broker host.</summary>
        public const string BrokerHost = "broker_host";

        /// <summary>Broker port.</summary>
        public const string BrokerPort = "broker_port";

        /// <summary>CA certificate file (PEM) on I:\.</summary>
        public const string TlsCa = "tls_ca";

        /// <summary>MQTT user name.</summary>
        public const string MqttUsername = "mqtt_username";

        /// <summary>MQTT password.</summary>
        public const string MqttPassword = "mqtt_password";

        /// <summary>Sample rate, Hz.</summary>
        public const string SampleRateHz = "sample_rate_hz";

        /// <summary>streaming or triggered.</summary>
        public const string Mode = "mode";

        /// <summary>Impact threshold, mg.</summary>
        public const string ImpactThresholdMilliG = "impact_threshold_mg";

        /// <summary>Free-fall threshold, mg.</summary>
        public const string FreeFallThresholdMilliG = "freefall_threshold_mg";

        /// <summary>Minimum free-fall duration, ms.</summary>
        public const string FreeFallMinMs = "freefall_min_ms";

        /// <summary>Seconds before a trigger.</summary>
        public const string PreTriggerSeconds = "pre_trigger_s";

        /// <summary>Seconds after a trigger.</summary>
        public const string PostTriggerSeconds = "post_trigger_s";

        /// <summary>History ring length, s.</summary>
        public const string HistorySeconds = "history_s";

        /// <summary>Batch interval, ms.</summary>
        public const string BatchIntervalMs = "batch_interval_ms";

        /// <summary>Heartbeat interval, s.</summary>
        public const string HeartbeatSeconds = "heartbeat_s";

        /// <summary>Not-worn timeout, s.</summary>
        public const string NotWornAfterSeconds = "not_worn_after_s";

        /// <summary>Movement threshold, mg.</summary>
        public const string MovementThresholdMilliG = "movement_threshold_mg";

        /// <summary>Button debounce, ms.</summary>
        public const string ButtonDebounceMs = "button_debounce_ms";

        /// <summary>Offline telemetry buffer, s.</summary>
        public const string OfflineBufferSeconds = "offline_buffer_s";

        /// <summary>First reconnect delay, ms.</summary>
        public const string BackoffInitialMs = "backoff_initial_ms";

        /// <summary>Largest reconnect delay, ms.</summary>
        public const string BackoffMaxMs = "backoff_max_ms";

        /// <summary>QoS 1 resend timeout, ms.</summary>
        public const string AckTimeoutMs = "ack_timeout_ms";

        /// <summary>Battery poll interval, s.</summary>
        public const string BatteryPollSeconds = "battery_poll_s";

        /// <summary>Every key the file may contain, in the order of the example file.</summary>
        public static readonly string[] All = new string[]
        {
            DeviceId, Site, WifiSsid, WifiPassword, BrokerHost, BrokerPort, TlsCa, MqttUsername, MqttPassword,
            SampleRateHz, Mode, ImpactThresholdMilliG, FreeFallThresholdMilliG, FreeFallMinMs, PreTriggerSeconds,
            PostTriggerSeconds, HistorySeconds, BatchIntervalMs, HeartbeatSeconds, NotWornAfterSeconds,
            MovementThresholdMilliG, ButtonDebounceMs, OfflineBufferSeconds, BackoffInitialMs, BackoffMaxMs,
            AckTimeoutMs, BatteryPollSeconds,
        };

        /// <summary>Keys that have no default and must be present with a value.</summary>
        public static readonly string[] Required = new string[]
        {
            DeviceId, Site, WifiSsid, WifiPassword, BrokerHost, TlsCa, MqttUsername, MqttPassword,
        };

        /// <summary>Index of <paramref name="key"/> in <see cref="All"/>, or -1.</summary>
        public static int IndexOf(string key)
        {
            for (int i = 0; i < All.Length; i++)
            {
                if (All[i] == key)
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
