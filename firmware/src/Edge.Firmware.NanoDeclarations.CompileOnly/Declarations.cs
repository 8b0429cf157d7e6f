// Over 400 lines on purpose: every package API the shell calls, declared in the one file that the declaration tests compile and pin to the reference page.
// COMPILE-ONLY declarations of the nanoFramework APIs the device shell calls, outside mscorlib.
// Never deployed; every member throws. Compiled against the REAL nanoFramework mscorlib.dll
// (firmware/nano-mscorlib.props), so System.Object, SpanByte, Thread, Exception ... are the real
// ones. Values, base types, modifiers and nesting follow ../shared/reference/nanoframework.md where it
// states them ("page:" below); what the page does not state is marked "not on the page".
// See README.md in this folder; tests/Edge.Firmware.Device.Tests pins what the shell relies on.

namespace System.Text
{
    // nanoFramework.System.Text 1.3.42 (nanoFramework.System.Text.dll). Not on the page beyond
    // "Encoding.UTF8.GetString exists only as (byte[], int, int)".
    public abstract class Encoding
    {
        protected Encoding() => throw new NotSupportedException("compile-only declaration");

        public static Encoding UTF8 => throw new NotSupportedException("compile-only declaration");

        public abstract byte[] GetBytes(string s);

        public virtual string GetString(byte[] bytes, int index, int count) => throw new NotSupportedException("compile-only declaration");
    }
}

namespace System.IO
{
    // nanoFramework.System.IO.Streams 1.1.96 (System.IO.Streams.dll): Stream is IDisposable (page).
    public abstract class Stream : MarshalByRefObject, IDisposable
    {
        protected Stream() => throw new NotSupportedException("compile-only declaration");

        public abstract long Length { get; }

        public abstract int Read(byte[] buffer, int offset, int count);

        public abstract void Write(byte[] buffer, int offset, int count);

        public abstract void Flush();

        public void Dispose() => throw new NotSupportedException("compile-only declaration");
    }

    // nanoFramework.System.IO.FileSystem 1.1.93 (System.IO.FileSystem.dll). Values as in .NET; not on the page.
    public enum FileMode
    {
        CreateNew = 1,
        Create = 2,
        Open = 3,
        OpenOrCreate = 4,
        Truncate = 5,
        Append = 6,
    }

    [Flags]
    public enum FileAccess
    {
        Read = 1,
        Write = 2,
        ReadWrite = 3,
    }

    public class FileStream : Stream
    {
        public FileStream(string path, FileMode mode, FileAccess access) => throw new NotSupportedException("compile-only declaration");

        public override long Length => throw new NotSupportedException("compile-only declaration");

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("compile-only declaration");

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("compile-only declaration");

        public override void Flush() => throw new NotSupportedException("compile-only declaration");
    }

    public static class File
    {
        public static bool Exists(string path) => throw new NotSupportedException("compile-only declaration");

        public static void Delete(string path) => throw new NotSupportedException("compile-only declaration");
    }
}

namespace System.Threading
{
    // nanoFramework.System.Threading 1.1.52 (System.Threading.dll): the real mscorlib 1.17.11 has no
    // CancellationToken; WifiNetworkHelper.ConnectDhcp takes one. Page: CancellationTokenSource(int).
    public struct CancellationToken
    {
        public bool IsCancellationRequested => throw new NotSupportedException("compile-only declaration");
    }

    public class CancellationTokenSource : IDisposable
    {
        public CancellationTokenSource(int millisecondsDelay) => throw new NotSupportedException("compile-only declaration");

        public CancellationToken Token => throw new NotSupportedException("compile-only declaration");

        public void Dispose() => throw new NotSupportedException("compile-only declaration");
    }
}

namespace System.Device.I2c
{
    // nanoFramework.System.Device.I2c 1.1.29 (System.Device.I2c.dll). Page: I2cDevice.Create,
    // I2cConnectionSettings(bus, address), WriteRead(SpanByte, SpanByte) returning I2cTransferResult.
    public class I2cConnectionSettings
    {
        public I2cConnectionSettings(int busId, int deviceAddress) => throw new NotSupportedException("compile-only declaration");
    }

    // Not on the page: the order of nanoFramework's enum (from Windows.Devices.I2c).
    public enum I2cTransferStatus
    {
        UnknownError = 0,
        FullTransfer = 1,
        ClockStretchTimeout = 2,
        PartialTransfer = 3,
        SlaveAddressNotAcknowledged = 4,
    }

    public struct I2cTransferResult
    {
        public I2cTransferStatus Status => throw new NotSupportedException("compile-only declaration");

        public uint BytesTransferred => throw new NotSupportedException("compile-only declaration");
    }

    public class I2cDevice : IDisposable
    {
        private I2cDevice() => throw new NotSupportedException("compile-only declaration");

        public static I2cDevice Create(I2cConnectionSettings settings) => throw new NotSupportedException("compile-only declaration");

        public I2cTransferResult Write(SpanByte buffer) => throw new NotSupportedException("compile-only declaration");

        public I2cTransferResult WriteRead(SpanByte writeBuffer, SpanByte readBuffer) => throw new NotSupportedException("compile-only declaration");

        public void Dispose() => throw new NotSupportedException("compile-only declaration");
    }
}

namespace System.Device.Gpio
{
    // nanoFramework.System.Device.Gpio 1.1.62 (System.Device.Gpio.dll).
    // Page: Input 0, InputPullDown 1, InputPullUp 2, Output 3 (int-based).
    public enum PinMode
    {
        Input = 0,
        InputPullDown = 1,
        InputPullUp = 2,
        Output = 3,
    }

    // Not on the page beyond PinEventTypes.Falling.
    [Flags]
    public enum PinEventTypes
    {
        None = 0,
        Rising = 1,
        Falling = 2,
    }

    // Not on the page: PinValue.Low / PinValue.High as GpioPin.Write takes them.
    public struct PinValue
    {
        public static PinValue Low => throw new NotSupportedException("compile-only declaration");

        public static PinValue High => throw new NotSupportedException("compile-only declaration");
    }

    public class PinValueChangedEventArgs : EventArgs
    {
        public PinValueChangedEventArgs(PinEventTypes changeType, int pinNumber) => throw new NotSupportedException("compile-only declaration");

        public PinEventTypes ChangeType => throw new NotSupportedException("compile-only declaration");

        public int PinNumber => throw new NotSupportedException("compile-only declaration");
    }

    public delegate void PinValueChangedEventHandler(object sender, PinValueChangedEventArgs pinValueChangedEventArgs);

    // Page: not sealed; no public parameterless constructor (pins come from GpioController.OpenPin).
    public class GpioPin : IDisposable
    {
        internal GpioPin() => throw new NotSupportedException("compile-only declaration");

        public event PinValueChangedEventHandler ValueChanged;

        public TimeSpan DebounceTimeout
        {
            get => throw new NotSupportedException("compile-only declaration");
            set => throw new NotSupportedException("compile-only declaration");
        }

        public void Write(PinValue value) => throw new NotSupportedException("compile-only declaration");

        public void Dispose() => throw new NotSupportedException("compile-only declaration");
    }

    // Page: not sealed; `new GpioController().OpenPin(37, PinMode.Input)`.
    public class GpioController : IDisposable
    {
        public GpioController() => throw new NotSupportedException("compile-only declaration");

        public GpioPin OpenPin(int pinNumber, PinMode mode) => throw new NotSupportedException("compile-only declaration");

        public void Dispose() => throw new NotSupportedException("compile-only declaration");
    }
}

namespace System.Device.Wifi
{
    // nanoFramework.System.Device.Wifi 1.5.147. Not on the page beyond WifiReconnectionKind.Automatic.
    public enum WifiReconnectionKind
    {
        Automatic = 0,
        Manual = 1,
    }
}

namespace System.Security.Cryptography.X509Certificates
{
    // nanoFramework.System.Net 1.11.60 (System.Net.dll). Page: the byte[] constructor needs the PEM
    // to end in a NUL byte; the string constructor adds it.
    public class X509Certificate
    {
        public X509Certificate(byte[] certificate) => throw new NotSupportedException("compile-only declaration");

        public X509Certificate(string certificate) => throw new NotSupportedException("compile-only declaration");
    }
}

namespace System.Net.Sockets
{
    // nanoFramework.System.Net 1.11.60: the socket errors M2Mqtt wraps in MqttConnectionException.
    public class SocketException : Exception
    {
        public SocketException(int errorCode) => throw new NotSupportedException("compile-only declaration");

        public int ErrorCode => throw new NotSupportedException("compile-only declaration");
    }
}

namespace nanoFramework.Runtime.Native
{
    // nanoFramework.Runtime.Native 1.7.11 (nanoFramework.Runtime.Native.dll). Page: Power.RebootDevice().
    public static class Power
    {
        public static void RebootDevice() => throw new System.NotSupportedException("compile-only declaration");
    }
}

namespace nanoFramework.Hardware.Esp32
{
    // nanoFramework.Hardware.Esp32 1.6.42. Page: I2C1_DATA 0x20100, I2C1_CLOCK 0x20101.
    public enum DeviceFunction
    {
        I2C1_DATA = 0x20100,
        I2C1_CLOCK = 0x20101,
    }

    // Page: not a static class, and no public parameterless constructor.
    public class Configuration
    {
        private Configuration() => throw new System.NotSupportedException("compile-only declaration");

        public static void SetPinFunction(int gpioNumber, DeviceFunction function) => throw new System.NotSupportedException("compile-only declaration");
    }

    // Page: not a static class, and no public parameterless constructor; µs since boot.
    public class HighResTimer
    {
        private HighResTimer() => throw new System.NotSupportedException("compile-only declaration");

        public static ulong GetCurrent() => throw new System.NotSupportedException("compile-only declaration");
    }
}

namespace nanoFramework.Networking
{
    // nanoFramework.System.Net / System.Device.Wifi. Page: 4 TokenExpiredWaitingIPAddress,
    // 5 TokenExpiredWaitingDateTime, 6 ErrorConnetingToWiFiWhileScanning (sic), 8 Reconnecting;
    // 0..3 and 7 follow the enum's order in nanoFramework's source (not stated on the page).
    public enum NetworkHelperStatus
    {
        None = 0,
        Started = 1,
        NetworkIsReady = 2,
        FailedNoNetworkInterface = 3,
        TokenExpiredWaitingIPAddress = 4,
        TokenExpiredWaitingDateTime = 5,
        ErrorConnetingToWiFiWhileScanning = 6,
        ExceptionOccurred = 7,
        Reconnecting = 8,
    }

    // Page: ConnectDhcp(ssid, password, WifiReconnectionKind.Automatic, requiresDateTime: true,
    // wifiAdapterId: 0, token) returns bool; on failure read Status and HelperException.
    public static class WifiNetworkHelper
    {
        public static NetworkHelperStatus Status => throw new System.NotSupportedException("compile-only declaration");

        public static System.Exception HelperException => throw new System.NotSupportedException("compile-only declaration");

        public static bool ConnectDhcp(
            string ssid,
            string password,
            System.Device.Wifi.WifiReconnectionKind reconnectionKind,
            bool requiresDateTime,
            int wifiAdapterId,
            System.Threading.CancellationToken token) => throw new System.NotSupportedException("compile-only declaration");
    }
}

namespace nanoFramework.M2Mqtt.Messages
{
    // nanoFramework.M2Mqtt 5.1.220 (nanoFramework.M2Mqtt.Core.dll). Page: int-based.
    public enum MqttQoSLevel
    {
        AtMostOnce = 0x00,
        AtLeastOnce = 0x01,
        ExactlyOnce = 0x02,
    }

    // Page: int-based. Members beyond Success are not on the page (MQTT 5 reason codes).
    public enum MqttReasonCode
    {
        Success = 0x00,
        UnspecifiedError = 0x80,
        BadUserNameOrPassword = 0x86,
        NotAuthorized = 0x87,
    }

    // Page: MessageId, IsPublished (the QoS 1 acknowledgement).
    public class MqttMsgPublishedEventArgs : System.EventArgs
    {
        public MqttMsgPublishedEventArgs(ushort messageId, bool isPublished) => throw new System.NotSupportedException("compile-only declaration");

        public ushort MessageId => throw new System.NotSupportedException("compile-only declaration");

        public bool IsPublished => throw new System.NotSupportedException("compile-only declaration");
    }
}

namespace nanoFramework.M2Mqtt
{
    // Page: None 0, SSLv3 1, TLSv1_0 2, TLSv1_1 3, TLSv1_2 4, TLSv1_3 5.
    public enum MqttSslProtocols
    {
        None = 0,
        SSLv3 = 1,
        TLSv1_0 = 2,
        TLSv1_1 = 3,
        TLSv1_2 = 4,
        TLSv1_3 = 5,
    }

    // nanoFramework.M2Mqtt.Core.dll. Page: the MqttMsgPublished event's delegate type is nested in
    // IMqttClient, not in MqttClient.
    public interface IMqttClient : System.IDisposable
    {
        public delegate void MqttMsgPublishedEventHandler(object sender, Messages.MqttMsgPublishedEventArgs e);

        event MqttMsgPublishedEventHandler MqttMsgPublished;

        bool IsConnected { get; }

        Messages.MqttReasonCode Connect(string clientId, string username, string password, bool willRetain, Messages.MqttQoSLevel willQosLevel, bool willFlag, string willTopic, string willMessage, bool cleanSession, ushort keepAlivePeriod);

        ushort Publish(string topic, byte[] message, string contentType, System.Collections.ArrayList userProperties, Messages.MqttQoSLevel qosLevel, bool retain);

        void Disconnect();
    }

    // nanoFramework.M2Mqtt.dll. Page: the 6-argument constructor, Connect (10 arguments, may be
    // called again after a drop; throws MqttConnectionException on socket errors), Publish (6 arguments).
    public class MqttClient : IMqttClient
    {
        public MqttClient(string brokerHostName, int brokerPort, bool secure, System.Security.Cryptography.X509Certificates.X509Certificate caCert, System.Security.Cryptography.X509Certificates.X509Certificate clientCert, MqttSslProtocols sslProtocol) =>
            throw new System.NotSupportedException("compile-only declaration");

        public event IMqttClient.MqttMsgPublishedEventHandler MqttMsgPublished;

        public bool IsConnected => throw new System.NotSupportedException("compile-only declaration");

        public Messages.MqttReasonCode Connect(string clientId, string username, string password, bool willRetain, Messages.MqttQoSLevel willQosLevel, bool willFlag, string willTopic, string willMessage, bool cleanSession, ushort keepAlivePeriod) =>
            throw new System.NotSupportedException("compile-only declaration");

        public ushort Publish(string topic, byte[] message, string contentType, System.Collections.ArrayList userProperties, Messages.MqttQoSLevel qosLevel, bool retain) =>
            throw new System.NotSupportedException("compile-only declaration");

        public void Disconnect() => throw new System.NotSupportedException("compile-only declaration");

        public void Dispose() => throw new System.NotSupportedException("compile-only declaration");
    }
}

namespace nanoFramework.M2Mqtt.Exceptions
{
    // Page: Connect throws MqttConnectionException on socket errors (the socket error as InnerException).
    public class MqttConnectionException : System.Exception
    {
        public MqttConnectionException(string message, System.Exception innerException) => throw new System.NotSupportedException("compile-only declaration");
    }
}
