using System.Collections;
using Edge.Protocol;

namespace Edge.Firmware.Core
{
    /// <summary>The outcome of parsing a provisioning file.</summary>
    public sealed class ProvisioningResult
    {
        /// <summary>The settings, or null when there were errors.</summary>
        public SensorSettings Settings { get; set; }

        /// <summary>Every problem found, in line order then missing keys; empty when the file is good.</summary>
        public ConfigError[] Errors { get; set; }

        /// <summary>True when there were no errors.</summary>
        public bool IsOk
        {
            get { return Errors.Length == 0; }
        }
    }

    /// <summary>
    /// Parses the provisioning file (config.txt on the device's I:\ drive):
    /// <c>key=value</c> lines; blank lines and lines starting with '#' are ignored; the value is
    /// everything after the first '=' with surrounding spaces trimmed (so passwords may contain '='
    /// and '#', but not leading or trailing spaces). Every problem is reported, each with its line,
    /// key and reason; unknown and repeated keys are errors so a typo cannot silently fall back to
    /// a default. Identity, network and credential keys are required: nothing has a built-in default.
    /// Written without int.Parse or culture APIs, which nanoFramework lacks.
    /// </summary>
    public static class ProvisioningParser
    {
        /// <summary>Parses the whole file text.</summary>
        public static ProvisioningResult Parse(string text)
        {
            ArrayList errors = new ArrayList();
            string[] values = new string[ProvisioningKeys.All.Length];
            int[] lines = new int[ProvisioningKeys.All.Length];
            if (text == null)
            {
                text = string.Empty;
            }

            string[] rawLines = text.Split('\n');
            for (int i = 0; i < rawLines.Length; i++)
            {
                ParseLine(rawLines[i], i + 1, values, lines, errors);
            }

            SensorSettings s = new SensorSettings();
            for (int r = 0; r < ProvisioningKeys.Required.Length; r++)
            {
                string key = ProvisioningKeys.Required[r];
                int k = ProvisioningKeys.IndexOf(key);
                if (values[k] == null)
                {
                    string why = key == ProvisioningKeys.MqttUsername || key == ProvisioningKeys.MqttPassword
                        ? "missing; it is required and there are no built-in default credentials"
                        : "missing; it is required and has no default";
                    errors.Add(new ConfigError(key, why));
                }
            }

            s.DeviceId = Text(values, lines, ProvisioningKeys.DeviceId, null, errors);
            s.Site = Text(values, lines, ProvisioningKeys.Site, null, errors);
            s.WifiSsid = Text(values, lines, ProvisioningKeys.WifiSsid, null, errors);
            s.WifiPassword = Text(values, lines, ProvisioningKeys.WifiPassword, null, errors);
            s.BrokerHost = Text(values, lines, ProvisioningKeys.BrokerHost, null, errors);
            s.TlsCa = Text(values, lines, ProvisioningKeys.TlsCa, null, errors);
            s.MqttUsername = Text(values, lines, ProvisioningKeys.MqttUsername, null, errors);
            s.MqttPassword = Text(values, lines, ProvisioningKeys.MqttPassword, null, errors);
            CheckIdentity(s, values, lines, errors);

            s.BrokerPort = Number(values, lines, ProvisioningKeys.BrokerPort, s.BrokerPort, errors);
            if (s.BrokerPort < 1 || s.BrokerPort > 65535)
            {
                AddAt(errors, lines, ProvisioningKeys.BrokerPort, s.BrokerPort.ToString() + " is not a TCP port; allowed 1 to 65535");
            }

            s.SampleRateHz = Number(values, lines, ProvisioningKeys.SampleRateHz, s.SampleRateHz, errors);
            s.ImpactThresholdMilliG = Number(values, lines, ProvisioningKeys.ImpactThresholdMilliG, s.ImpactThresholdMilliG, errors);
            s.FreeFallThresholdMilliG = Number(values, lines, ProvisioningKeys.FreeFallThresholdMilliG, s.FreeFallThresholdMilliG, errors);
            s.FreeFallMinMs = Number(values, lines, ProvisioningKeys.FreeFallMinMs, s.FreeFallMinMs, errors);
            s.PreTriggerSeconds = Number(values, lines, ProvisioningKeys.PreTriggerSeconds, s.PreTriggerSeconds, errors);
            s.PostTriggerSeconds = Number(values, lines, ProvisioningKeys.PostTriggerSeconds, s.PostTriggerSeconds, errors);
            s.HistorySeconds = Number(values, lines, ProvisioningKeys.HistorySeconds, s.HistorySeconds, errors);
            s.BatchIntervalMs = Number(values, lines, ProvisioningKeys.BatchIntervalMs, s.BatchIntervalMs, errors);
            s.HeartbeatSeconds = Number(values, lines, ProvisioningKeys.HeartbeatSeconds, s.HeartbeatSeconds, errors);
            s.NotWornAfterSeconds = Number(values, lines, ProvisioningKeys.NotWornAfterSeconds, s.NotWornAfterSeconds, errors);
            s.MovementThresholdMilliG = Number(values, lines, ProvisioningKeys.MovementThresholdMilliG, s.MovementThresholdMilliG, errors);
            s.ButtonDebounceMs = Number(values, lines, ProvisioningKeys.ButtonDebounceMs, s.ButtonDebounceMs, errors);
            s.OfflineBufferSeconds = Number(values, lines, ProvisioningKeys.OfflineBufferSeconds, s.OfflineBufferSeconds, errors);
            s.BackoffInitialMs = Number(values, lines, ProvisioningKeys.BackoffInitialMs, s.BackoffInitialMs, errors);
            s.BackoffMaxMs = Number(values, lines, ProvisioningKeys.BackoffMaxMs, s.BackoffMaxMs, errors);
            s.AckTimeoutMs = Number(values, lines, ProvisioningKeys.AckTimeoutMs, s.AckTimeoutMs, errors);
            s.BatteryPollSeconds = Number(values, lines, ProvisioningKeys.BatteryPollSeconds, s.BatteryPollSeconds, errors);

            int modeIndex = ProvisioningKeys.IndexOf(ProvisioningKeys.Mode);
            string mode = values[modeIndex];
            if (mode == "streaming")
            {
                s.Mode = DeviceMode.Streaming;
            }
            else if (mode == "triggered")
            {
                s.Mode = DeviceMode.Triggered;
            }
            else if (mode != null)
            {
                AddAt(errors, lines, ProvisioningKeys.Mode, "'" + mode + "' is not a mode; use streaming or triggered");
            }

            // Range and cross-field checks only for values that parsed, so one typo gives one error.
            ArrayList behaviour = new ArrayList();
            s.ValidateBehaviour(behaviour);
            for (int i = 0; i < behaviour.Count; i++)
            {
                ConfigError e = (ConfigError)behaviour[i];
                if (e.Key == ProvisioningKeys.DeviceId || e.Key == ProvisioningKeys.Site || AlreadyReported(errors, e.Key))
                {
                    continue;
                }

                int k = ProvisioningKeys.IndexOf(e.Key);
                e.Line = k >= 0 ? lines[k] : 0;
                errors.Add(e);
            }

            ProvisioningResult result = new ProvisioningResult();
            result.Errors = SortByLine(errors);
            result.Settings = result.Errors.Length == 0 ? s : null;
            return result;
        }

        /// <summary>
        /// Parses a decimal integer: optional '-', then 1 to 9 digits, nothing else. Returns false for
        /// anything else (spaces, '+', decimals, hex, overflow).
        /// </summary>
        public static bool TryParseInt(string s, out int value)
        {
            value = 0;
            if (s == null || s.Length == 0)
            {
                return false;
            }

            int i = 0;
            bool negative = false;
            if (s[0] == '-')
            {
                negative = true;
                i = 1;
            }

            int digits = s.Length - i;
            if (digits < 1 || digits > 9)
            {
                return false;
            }

            int v = 0;
            for (; i < s.Length; i++)
            {
                char c = s[i];
                if (c < '0' || c > '9')
                {
                    return false;
                }

                v = (v * 10) + (c - '0');
            }

            value = negative ? -v : v;
            return true;
        }

        private static void ParseLine(string raw, int lineNumber, string[] values, int[] lines, ArrayList errors)
        {
            string line = raw;
            if (line.Length > 0 && line[line.Length - 1] == '\r')
            {
                line = line.Substring(0, line.Length - 1);
            }

            string trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed[0] == '#')
            {
                return;
            }

            int eq = trimmed.IndexOf('=');
            if (eq < 0)
            {
                ConfigError e = new ConfigError(string.Empty, "'" + Shorten(trimmed) + "' is not a key=value line");
                e.Line = lineNumber;
                errors.Add(e);
                return;
            }

            string key = trimmed.Substring(0, eq).Trim();
            string value = trimmed.Substring(eq + 1).Trim();
            if (key.Length == 0)
            {
                ConfigError e = new ConfigError(string.Empty, "the line has no key before '='");
                e.Line = lineNumber;
                errors.Add(e);
                return;
            }

            int k = ProvisioningKeys.IndexOf(key);
            if (k < 0)
            {
                ConfigError e = new ConfigError(key, "is not a known key (keys are lower case, e.g. broker_host); check the spelling");
                e.Line = lineNumber;
                errors.Add(e);
                return;
            }

            if (values[k] != null)
            {
                ConfigError e = new ConfigError(key, "is set again; it was already set on line " + lines[k].ToString());
                e.Line = lineNumber;
                errors.Add(e);
                return;
            }

            lines[k] = lineNumber;
            if (value.Length == 0)
            {
                ConfigError e = new ConfigError(key, "has no value after '='");
                e.Line = lineNumber;
                errors.Add(e);
                values[k] = string.Empty;
                return;
            }

            values[k] = value;
        }

        private static void CheckIdentity(SensorSettings s, string[] values, int[] lines, ArrayList errors)
        {
            if (s.DeviceId != null && !WireFormat.IsValidId(s.DeviceId))
            {
                AddAt(errors, lines, ProvisioningKeys.DeviceId, "'" + Shorten(s.DeviceId) + "' is not a device id; use 1 to 32 characters of A-Z, a-z, 0-9, '-' and '_'");
            }

            if (s.Site != null && !WireFormat.IsValidId(s.Site))
            {
                AddAt(errors, lines, ProvisioningKeys.Site, "'" + Shorten(s.Site) + "' is not a site id; use 1 to 32 characters of A-Z, a-z, 0-9, '-' and '_'");
            }

            if (s.WifiSsid != null && s.WifiSsid.Length > 32)
            {
                AddAt(errors, lines, ProvisioningKeys.WifiSsid, "is " + s.WifiSsid.Length.ToString() + " characters; an SSID has at most 32");
            }

            if (s.WifiPassword != null && (s.WifiPassword.Length < 8 || s.WifiPassword.Length > 63))
            {
                AddAt(errors, lines, ProvisioningKeys.WifiPassword, "is " + s.WifiPassword.Length.ToString() + " characters; a WPA2 passphrase has 8 to 63");
            }

            if (s.BrokerHost != null && HasSpace(s.BrokerHost))
            {
                AddAt(errors, lines, ProvisioningKeys.BrokerHost, "'" + Shorten(s.BrokerHost) + "' contains a space; give a host name or IP address");
            }

            if (s.TlsCa != null && (HasSpace(s.TlsCa) || s.TlsCa.IndexOf('/') >= 0))
            {
                AddAt(errors, lines, ProvisioningKeys.TlsCa, "'" + Shorten(s.TlsCa) + "' is not a file name on I:\\ (no spaces or '/'), e.g. ca.pem");
            }
        }

        private static string Text(string[] values, int[] lines, string key, string fallback, ArrayList errors)
        {
            string v = values[ProvisioningKeys.IndexOf(key)];
            return v == null || v.Length == 0 ? fallback : v;
        }

        private static int Number(string[] values, int[] lines, string key, int fallback, ArrayList errors)
        {
            int k = ProvisioningKeys.IndexOf(key);
            string v = values[k];
            if (v == null || v.Length == 0)
            {
                return fallback;
            }

            int parsed;
            if (!TryParseInt(v, out parsed))
            {
                AddAt(errors, lines, key, "'" + Shorten(v) + "' is not a whole number (digits only, no units or decimals)");
                return fallback;
            }

            return parsed;
        }

        private static void AddAt(ArrayList errors, int[] lines, string key, string message)
        {
            ConfigError e = new ConfigError(key, message);
            e.Line = lines[ProvisioningKeys.IndexOf(key)];
            errors.Add(e);
        }

        private static bool AlreadyReported(ArrayList errors, string key)
        {
            for (int i = 0; i < errors.Count; i++)
            {
                if (((ConfigError)errors[i]).Key == key)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool HasSpace(string s)
        {
            for (int i = 0; i < s.Length; i++)
            {
                if (s[i] == ' ' || s[i] == '\t')
                {
                    return true;
                }
            }

            return false;
        }

        private static string Shorten(string s)
        {
            return s.Length <= 40 ? s : s.Substring(0, 40) + "...";
        }

        private static ConfigError[] SortByLine(ArrayList errors)
        {
            ConfigError[] result = new ConfigError[errors.Count];
            for (int i = 0; i < result.Length; i++)
            {
                result[i] = (ConfigError)errors[i];
            }

            // Insertion sort (no Array.Sort on nanoFramework); missing keys (line 0) go last.
            for (int i = 1; i < result.Length; i++)
            {
                ConfigError e = result[i];
                int j = i - 1;
                while (j >= 0 && Order(result[j]) > Order(e))
                {
                    result[j + 1] = result[j];
                    j--;
                }

                result[j + 1] = e;
            }

            return result;
        }

        private static int Order(ConfigError e)
        {
            return e.Line == 0 ? int.MaxValue : e.Line;
        }
    }
}
