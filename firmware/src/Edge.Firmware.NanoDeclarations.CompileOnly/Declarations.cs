// COMPILE-ONLY declarations of nanoFramework APIs. Never deployed; every member throws.
// See README.md in this folder.
#pragma warning disable CA1040, CA1034, CA1052, CA1815, CA1066, CA1000

namespace System
{
    /// <summary>nanoFramework CoreLibrary's byte span (declaration only).</summary>
    public readonly struct SpanByte
    {
        public SpanByte(byte[] array) => throw new NotSupportedException("compile-only declaration");

        public int Length => throw new NotSupportedException("compile-only declaration");

        public static implicit operator SpanByte(byte[] array) => throw new NotSupportedException("compile-only declaration");
    }
}

namespace System.Device.I2c
{
    public sealed class I2cConnectionSettings
    {
        public I2cConnectionSettings(int busId, int deviceAddress) => throw new NotSupportedException("compile-only declaration");
    }

    public enum I2cTransferStatus
    {
        UnknownError = 0,
        FullTransfer = 1,
        ClockStretchTimeout = 2,
        PartialTransfer = 3,
        SlaveAddressNotAcknowledged = 4,
    }

    public readonly struct I2cTransferResult
    {
        public I2cTransferStatus Status => throw new NotSupportedException("compile-only declaration");

        public uint BytesTransferred => throw new NotSupportedException("compile-only declaration");
    }

    public class I2cDevice : IDisposable
    {
        public static I2cDevice Create(I2cConnectionSettings settings) => throw new NotSupportedException("compile-only declaration");

        public I2cTransferResult Write(SpanByte buffer) => throw new NotSupportedException("compile-only declaration");

        public I2cTransferResult WriteRead(SpanByte writeBuffer, SpanByte readBuffer) => throw new NotSupportedException("compile-only declaration");

        public void Dispose() => throw new NotSupportedException("compile-only declaration");
    }
}

namespace System.Device.Gpio
{
    public enum PinMode
    {
        Input = 0,
        Output = 1,
        InputPullDown = 2,
        InputPullUp = 3,
    }

    [Flags]
    public enum PinEventTypes
    {
        None = 0,
        Rising = 1,
        Falling = 2,
    }

    public readonly struct PinValue
    {
        public static PinValue Low => throw new NotSupportedException("compile-only declaration");

        public static PinValue High => throw new NotSupportedException("compile-only declaration");
    }

    public class PinValueChangedEventArgs : EventArgs
    {
        public PinEventTypes ChangeType => throw new NotSupportedException("compile-only declaration");

        public int PinNumber => throw new NotSupportedException("compile-only declaration");
    }

    public delegate void PinValueChangedEventHandler(object sender, PinValueChangedEventArgs pinValueChangedEventArgs);

    public class GpioPin
    {
        public event PinValueChangedEventHandler ValueChanged;

        public TimeSpan DebounceTimeout
        {
            get => throw new NotSupportedException("compile-only declaration");
            set => throw new NotSupportedException("compile-only declaration");
        }

        public void Write(PinValue value) => throw new NotSupportedException("compile-only declaration");
    }

    public class GpioController
    {
        public GpioController() => throw new NotSupportedException("compile-only declaration");

        public GpioPin OpenPin(int pinNumber, PinMode mode) => throw new NotSupportedException("compile-only declaration");
    }
}

namespace System.Device.Wifi
{
    public enum WifiReconnectionKind
    {
        Automatic = 0,
        Manual = 1,
    }
}

namespace System.Security.Cryptography.X509Certificates
{
    public class X509Certificate
    {
        public X509Certificate(byte[] certificate) => throw new NotSupportedException("compile-only declaration");
    }
}

namespace nanoFramework.Hardware.Esp32
{
    public enum DeviceFunction
    {
        I2C1_DATA = 0x500,
        I2C1_CLOCK = 0x501,
    }

    public static class Configuration
    {
        public static void SetPinFunction(int pin, DeviceFunction function) => throw new System.NotSupportedException("compile-only declaration");
    }

    public static class HighResTimer
    {
        public static ulong GetCurrent() => throw new System.NotSupportedException("compile-only declaration");
    }
}

namespace UnitsNet
{
    public readonly struct ElectricPotential
    {
        public double Volts => throw new System.NotSupportedException("compile-only declaration");
    }
}

namespace Iot.Device.Axp192
{
    [System.Flags]
    public enum BatteryStatus : byte
    {
        None = 0,
        ChargingCurrentLessThanExpected = 0b0000_0100,
        ActivationMode = 0b0000_1000,
        BatteryConnected = 0b0010_0000,
        Charging = 0b0100_0000,
        Overheated = 0b1000_0000,
    }

    public class Axp192
    {
        public UnitsNet.ElectricPotential GetBatteryVoltage() => throw new System.NotSupportedException("compile-only declaration");

        public BatteryStatus GetBatteryChargingStatus() => throw new System.NotSupportedException("compile-only declaration");
    }
}

namespace nanoFramework.M5Stack
{
    public static class M5StickCPlus
    {
        public static Iot.Device.Axp192.Axp192 Power => throw new System.NotSupportedException("compile-only declaration");
    }
}

namespace nanoFramework.Networking
{
    public enum NetworkHelperStatus
    {
        None = 0,
        Started,
        NetworkIsReady,
        FailedNoNetworkInterface,
        ErrorConnetingToWiFiWhileScanning,
        TokenExpiredWhileWaitingIPAddress,
        TokenExpiredWhileWaitingDateTime,
        ExceptionOccurred,
    }

    public static class WifiNetworkHelper
    {
        public static NetworkHelperStatus Status => throw new System.NotSupportedException("compile-only declaration");

        public static System.Exception HelperException => throw new System.NotSupportedException("compile-only declaration");

        public static bool ConnectDhcp(
            string ssid,
            string password,
            System.Device.Wifi.WifiReconnectionKind reconnectionKind = System.Device.Wifi.WifiReconnectionKind.Automatic,
            bool requiresDateTime = false,
            int wifiAdapterId = 0,
            System.Threading.CancellationToken token = default) => throw new System.NotSupportedException("compile-only declaration");
    }
}

namespace nanoFramework.M2Mqtt.Messages
{
    public enum MqttQoSLevel : byte
    {
        AtMostOnce = 0x00,
        AtLeastOnce = 0x01,
        ExactlyOnce = 0x02,
    }

    public enum MqttReasonCode : byte
    {
        Success = 0x00,
        UnspecifiedError = 0x80,
        NotAuthorized = 0x87,
    }

    public class MqttMsgPublishedEventArgs : System.EventArgs
    {
        public ushort MessageId => throw new System.NotSupportedException("compile-only declaration");

        public bool IsPublished => throw new System.NotSupportedException("compile-only declaration");
    }
}

namespace nanoFramework.M2Mqtt
{
    public enum MqttSslProtocols
    {
        None = 0,
        TLSv1_0 = 1,
        TLSv1_1 = 2,
        TLSv1_2 = 3,
    }

    public class MqttClient
    {
        public MqttClient(string brokerHostName, int brokerPort, bool secure, System.Security.Cryptography.X509Certificates.X509Certificate caCert, System.Security.Cryptography.X509Certificates.X509Certificate clientCert, MqttSslProtocols sslProtocol) =>
            throw new System.NotSupportedException("compile-only declaration");

        public delegate void MqttMsgPublishedEventHandler(object sender, Messages.MqttMsgPublishedEventArgs e);

        public event MqttMsgPublishedEventHandler MqttMsgPublished;

        public bool IsConnected => throw new System.NotSupportedException("compile-only declaration");

        public Messages.MqttReasonCode Connect(string clientId, string username, string password, bool willRetain, Messages.MqttQoSLevel willQosLevel, bool willFlag, string willTopic, string willMessage, bool cleanSession, ushort keepAlivePeriod) =>
            throw new System.NotSupportedException("compile-only declaration");

        public ushort Publish(string topic, byte[] message, string contentType, System.Collections.ArrayList userProperties, Messages.MqttQoSLevel qosLevel, bool retain) =>
            throw new System.NotSupportedException("compile-only declaration");
    }
}
