using System;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Edge.Firmware.Core;
using Edge.Protocol;
using nanoFramework.M2Mqtt;
using nanoFramework.M2Mqtt.Messages;
using nanoFramework.Networking;

namespace Edge.Firmware.Device
{
    /// <summary>
    /// The firmware's MQTT session over nanoFramework.M2Mqtt 5.1: TLS 1.2 with the provisioned CA,
    /// user name and password, clean session, and the ASCII <see cref="LastWill"/> as last will. QoS 1
    /// acknowledgements come from <c>MqttMsgPublished</c>. Every failed connect is recorded in the
    /// node's <see cref="FaultLog"/> with its own code: Wi-Fi down, broker unreachable (socket or
    /// TLS), or refused by the broker (with the CONNACK reason code).
    /// </summary>
    public sealed class M2MqttPublisher : IMqttPublisher
    {
        private const ushort KeepAliveSeconds = 30;

        private readonly SensorSettings _settings;
        private readonly X509Certificate _ca;
        private readonly string _clientId;
        private readonly string _willTopic;
        private readonly string _willMessage;
        private MqttClient _client;

        /// <summary>Prepares the session; <paramref name="ca"/> is the broker's CA, already loaded (see <see cref="PemCertificate"/>).</summary>
        public M2MqttPublisher(SensorSettings settings, X509Certificate ca)
        {
            _settings = settings;
            _ca = ca;
            _clientId = settings.Site + "-" + settings.DeviceId;
            _willTopic = Topics.For(settings.Site, settings.DeviceId, TopicKind.Status);

            // M2Mqtt takes the will as a string and sends it UTF-8 encoded, so the will is the
            // protocol's ASCII form (offline:v1:<device>), which UTF-8 leaves unchanged.
            _willMessage = LastWill.Text(settings.DeviceId);
        }

        /// <inheritdoc />
        public event PublishAckedHandler Acked;

        /// <summary>Where connect failures are recorded (the node's <see cref="SensorNode.Faults"/>; set before the first connect).</summary>
        public FaultLog Faults { get; set; }

        /// <summary>Acknowledgement callbacks that threw (they run on M2Mqtt's receive thread, which must not die).</summary>
        public int CallbackErrors { get; private set; }

        /// <inheritdoc />
        public bool IsConnected
        {
            get { return _client != null && _client.IsConnected; }
        }

        /// <summary>Set by the Wi-Fi code after each scan; 0 when not known.</summary>
        public int LastRssiDbm { get; set; }

        /// <inheritdoc />
        public int RssiDbm
        {
            get { return LastRssiDbm; }
        }

        /// <inheritdoc />
        public bool Connect()
        {
            MqttReasonCode code;
            try
            {
                if (_client == null)
                {
                    _client = new MqttClient(_settings.BrokerHost, _settings.BrokerPort, true, _ca, null, MqttSslProtocols.TLSv1_2);
                    _client.MqttMsgPublished += OnPublished;
                }

                code = _client.Connect(
                    _clientId,
                    _settings.MqttUsername,
                    _settings.MqttPassword,
                    true,
                    MqttQoSLevel.AtLeastOnce,
                    true,
                    _willTopic,
                    _willMessage,
                    true,
                    KeepAliveSeconds);
            }
            catch (Exception e)
            {
                // MqttConnectionException wraps the socket or TLS error; the core backs off and retries.
                Record(e);
                return false;
            }

            if (code != MqttReasonCode.Success)
            {
                Record(DeviceFault.BrokerRefused, (int)code);
                return false;
            }

            return true;
        }

        /// <inheritdoc />
        public int Publish(string topic, byte[] payload, int length, int qos, bool retain)
        {
            if (!IsConnected)
            {
                return 0;
            }

            // M2Mqtt takes the whole array, so the message is copied to its exact size.
            byte[] message = new byte[length];
            Array.Copy(payload, message, length);
            try
            {
                return _client.Publish(topic, message, null, null, qos == 0 ? MqttQoSLevel.AtMostOnce : MqttQoSLevel.AtLeastOnce, retain);
            }
            catch (Exception)
            {
                // The session dropped under the publish: the core requeues and reconnects.
                return 0;
            }
        }

        private void Record(Exception e)
        {
            NetworkHelperStatus wifi = WifiNetworkHelper.Status;
            if (wifi != NetworkHelperStatus.NetworkIsReady)
            {
                // The broker is not the problem while the Wi-Fi is down or reconnecting.
                Record(DeviceFault.WiFi, (int)wifi);
                return;
            }

            Exception cause = e.InnerException != null ? e.InnerException : e;
            Record(DeviceFault.BrokerUnreachable, cause is SocketException ? DeviceFaults.BrokerSocketError : DeviceFaults.BrokerOtherError);
            Console.WriteLine("mqtt: connect failed: " + cause.Message);
        }

        private void Record(DeviceFault fault, int detail)
        {
            FaultLog faults = Faults;
            if (faults != null)
            {
                faults.Record(fault, detail, false);
            }

            Console.WriteLine("mqtt: " + DeviceFaults.Describe(fault, detail));
        }

        private void OnPublished(object sender, MqttMsgPublishedEventArgs e)
        {
            try
            {
                if (e.IsPublished)
                {
                    PublishAckedHandler handler = Acked;
                    if (handler != null)
                    {
                        handler(e.MessageId);
                    }
                }
            }
            catch (Exception)
            {
                CallbackErrors++;
            }
        }
    }
}
