namespace Edge.Protocol
{
    /// <summary>
    /// What went wrong on a device, reported in <see cref="DeviceStatus.FaultCode"/> with a
    /// per-fault <see cref="DeviceStatus.FaultDetail"/> byte (docs/wire-protocol.md, section 3.2).
    /// Certificate, Wi-Fi and broker failures each have their own code, so a technician can tell
    /// from the gateway's device board which one a unit had.
    /// </summary>
    public enum DeviceFault : byte
    {
        /// <summary>No fault since boot.</summary>
        None = 0,

        /// <summary>The broker's CA certificate could not be loaded. Detail: <see cref="DeviceFaults.CertificateMissing"/>, <see cref="DeviceFaults.CertificateNotPem"/>, <see cref="DeviceFaults.CertificateRefused"/>.</summary>
        Certificate = 1,

        /// <summary>Joining the Wi-Fi network failed. Detail: nanoFramework's <c>NetworkHelperStatus</c> value (<see cref="DeviceFaults.Describe"/> names them).</summary>
        WiFi = 2,

        /// <summary>No MQTT session could be opened. Detail: <see cref="DeviceFaults.BrokerSocketError"/> or <see cref="DeviceFaults.BrokerOtherError"/>.</summary>
        BrokerUnreachable = 3,

        /// <summary>The broker answered and refused the connection. Detail: the CONNACK reason code (0x86 bad user name or password, 0x87 not authorized, ...).</summary>
        BrokerRefused = 4,

        /// <summary>The accelerometer is missing or not configured as asked: no fall detection. Detail: <see cref="DeviceFaults.SensorNoAnswer"/> ... <see cref="DeviceFaults.SensorReadsFailing"/>.</summary>
        Sensor = 5,

        /// <summary>The power-management chip (AXP192) does not answer: battery and charger state unknown. Detail 0.</summary>
        PowerMonitor = 6,

        /// <summary>An exception escaped one of the app's threads and the device rebooted. Detail: <see cref="DeviceFaults.CrashAtBoot"/> ... <see cref="DeviceFaults.CrashInButtonHandler"/>.</summary>
        Crash = 7,
    }

    /// <summary>Names and detail values of <see cref="DeviceFault"/>, for logs, the device board and the device's console.</summary>
    public static class DeviceFaults
    {
        /// <summary>The highest fault code version 1 defines; a larger one does not decode.</summary>
        public const DeviceFault Last = DeviceFault.Crash;

        /// <summary><see cref="DeviceFault.Certificate"/>: the CA file named by <c>tls_ca</c> is not on the device.</summary>
        public const byte CertificateMissing = 1;

        /// <summary><see cref="DeviceFault.Certificate"/>: the CA file is not a PEM certificate.</summary>
        public const byte CertificateNotPem = 2;

        /// <summary><see cref="DeviceFault.Certificate"/>: the TLS stack refused the PEM (the certificate constructor threw).</summary>
        public const byte CertificateRefused = 3;

        /// <summary><see cref="DeviceFault.BrokerUnreachable"/>: a socket error (host unreachable, port closed, broker down).</summary>
        public const byte BrokerSocketError = 1;

        /// <summary><see cref="DeviceFault.BrokerUnreachable"/>: any other error while connecting (TLS handshake, server certificate not trusted, timeout).</summary>
        public const byte BrokerOtherError = 2;

        /// <summary><see cref="DeviceFault.Sensor"/>: the accelerometer does not answer on the I²C bus.</summary>
        public const byte SensorNoAnswer = 1;

        /// <summary><see cref="DeviceFault.Sensor"/>: WHO_AM_I is not the MPU6886's 0x19.</summary>
        public const byte SensorWrongChip = 2;

        /// <summary><see cref="DeviceFault.Sensor"/>: a configuration register (range, filter, output limit) reads back differently from what was written.</summary>
        public const byte SensorConfigMismatch = 3;

        /// <summary><see cref="DeviceFault.Sensor"/>: sample reads keep failing after the sensor was set up.</summary>
        public const byte SensorReadsFailing = 4;

        /// <summary><see cref="DeviceFault.Crash"/>: during boot (Main).</summary>
        public const byte CrashAtBoot = 1;

        /// <summary><see cref="DeviceFault.Crash"/>: in the sampling thread.</summary>
        public const byte CrashInSampling = 2;

        /// <summary><see cref="DeviceFault.Crash"/>: in the network thread.</summary>
        public const byte CrashInNetwork = 3;

        /// <summary><see cref="DeviceFault.Crash"/>: in the call-button handler.</summary>
        public const byte CrashInButtonHandler = 4;

        /// <summary>A stable lower-case name for logs and metrics, e.g. <c>broker_refused</c>.</summary>
        public static string Name(DeviceFault fault)
        {
            switch (fault)
            {
                case DeviceFault.None: return "none";
                case DeviceFault.Certificate: return "certificate";
                case DeviceFault.WiFi: return "wifi";
                case DeviceFault.BrokerUnreachable: return "broker_unreachable";
                case DeviceFault.BrokerRefused: return "broker_refused";
                case DeviceFault.Sensor: return "sensor";
                case DeviceFault.PowerMonitor: return "power_monitor";
                case DeviceFault.Crash: return "crash";
                default: return "unknown_fault";
            }
        }

        /// <summary>One line for a technician, e.g. "broker refused the connection: not authorized (0x87)".</summary>
        public static string Describe(DeviceFault fault, int detail)
        {
            switch (fault)
            {
                case DeviceFault.None:
                    return "no fault";
                case DeviceFault.Certificate:
                    return "CA certificate: " + (detail == CertificateMissing ? "file missing" : detail == CertificateNotPem ? "not a PEM certificate" : detail == CertificateRefused ? "refused by the TLS stack" : "detail " + detail.ToString());
                case DeviceFault.WiFi:
                    return "Wi-Fi join failed: " + WiFiStatusName(detail);
                case DeviceFault.BrokerUnreachable:
                    return "broker unreachable: " + (detail == BrokerSocketError ? "socket error (host, port or broker down)" : detail == BrokerOtherError ? "TLS or other error (server certificate, handshake, timeout)" : "detail " + detail.ToString());
                case DeviceFault.BrokerRefused:
                    return "broker refused the connection: " + ReasonCodeName(detail) + " (0x" + detail.ToString("X2") + ")";
                case DeviceFault.Sensor:
                    return "accelerometer fault: " + (detail == SensorNoAnswer ? "no answer on the bus" : detail == SensorWrongChip ? "WHO_AM_I is not an MPU6886" : detail == SensorConfigMismatch ? "range or filter did not read back" : detail == SensorReadsFailing ? "sample reads failing" : "detail " + detail.ToString());
                case DeviceFault.PowerMonitor:
                    return "power chip (AXP192) not answering: battery unknown";
                case DeviceFault.Crash:
                    return "rebooted after an unhandled exception " + (detail == CrashAtBoot ? "at boot" : detail == CrashInSampling ? "in the sampling thread" : detail == CrashInNetwork ? "in the network thread" : detail == CrashInButtonHandler ? "in the button handler" : "(detail " + detail.ToString() + ")");
                default:
                    return "unknown fault " + ((int)fault).ToString();
            }
        }

        /// <summary>
        /// nanoFramework's <c>NetworkHelperStatus</c> by value (nanoFramework.System.Device.Wifi; an enum's
        /// ToString() gives the number on nanoFramework, so the device and the gateway use this instead).
        /// </summary>
        public static string WiFiStatusName(int status)
        {
            switch (status)
            {
                case 0: return "None";
                case 1: return "Started";
                case 2: return "NetworkIsReady";
                case 3: return "FailedNoNetworkInterface";
                case 4: return "TokenExpiredWaitingIPAddress";
                case 5: return "TokenExpiredWaitingDateTime";
                case 6: return "ErrorConnetingToWiFiWhileScanning";
                case 7: return "ExceptionOccurred";
                case 8: return "Reconnecting";
                default: return "status " + status.ToString();
            }
        }

        private static string ReasonCodeName(int code)
        {
            switch (code)
            {
                case 0x01: return "unacceptable protocol version";
                case 0x02: return "client id rejected";
                case 0x03: return "server unavailable";
                case 0x04: return "bad user name or password";
                case 0x05: return "not authorized";
                case 0x80: return "unspecified error";
                case 0x84: return "unsupported protocol version";
                case 0x85: return "client id not valid";
                case 0x86: return "bad user name or password";
                case 0x87: return "not authorized";
                case 0x88: return "server unavailable";
                case 0x89: return "server busy";
                case 0x8A: return "banned";
                default: return "reason code";
            }
        }
    }
}
