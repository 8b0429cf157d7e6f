using System;
using System.Security.Cryptography.X509Certificates;
using Edge.Firmware.Core;
using Edge.Protocol;
using nanoFramework.M2Mqtt;
using nanoFramework.M2Mqtt.Messages;

namespace Edge.Firmware.Device
{
    /// <summary>
    /// The firmware's MQTT session over nanoFramework.M2Mqtt 5.1: TLS 1.2 with the provisioned CA,
    /// user name and password, clean session, and the ASCII <see cref="LastWill"/> as last will. QoS 1
    /// acknowledgements come from <c>MqttMsgPublished</c>.
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

        /// <summary>Prepares the session; <paramref name="caPem"/> is the CA file's bytes.</summary>
        public M2MqttPublisher(SensorSettings settings, byte[] caPem)
        {
            _settings = settings;
            _ca = new X509Certificate(caPem);
            _clientId = settings.Site + "-" + settings.DeviceId;
            _willTopic = Topics.For(settings.Site, settings.DeviceId, TopicKind.Status);

            // M2Mqtt takes the will as a string and sends it UTF-8 encoded, so the will is the
            // protocol's ASCII form (offline:v1:<device>), which UTF-8 leaves unchanged.
            _willMessage = LastWill.Text(settings.DeviceId);
        }

        /// <inheritdoc />
        public event PublishAckedHandler Acked;

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
            try
            {
                if (_client == null)
                {
                    _client = new MqttClient(_settings.BrokerHost, _settings.BrokerPort, true, _ca, null, MqttSslProtocols.TLSv1_2);
                    _client.MqttMsgPublished += OnPublished;
                }

                MqttReasonCode code = _client.Connect(
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
                return code == MqttReasonCode.Success;
            }
            catch (Exception)
            {
                // MqttConnectionException on socket or TLS errors: the core backs off and retries.
                return false;
            }
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
                return 0;
            }
        }

        private void OnPublished(object sender, MqttMsgPublishedEventArgs e)
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
    }
}
