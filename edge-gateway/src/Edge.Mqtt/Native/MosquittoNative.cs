using System.Runtime.InteropServices;

namespace Edge.Mqtt.Native;

/// <summary>
/// Source-generated P/Invoke declarations for libmosquitto 2.0 (Debian package <c>libmosquitto1</c>).
/// Signatures follow <c>mosquitto.h</c> 2.0.11. Callbacks are passed as unmanaged function pointers to
/// <see cref="UnmanagedCallersOnlyAttribute"/> statics, never as delegates: a collected delegate that the
/// library still holds aborts the process.
/// </summary>
internal static unsafe partial class MosquittoNative
{
    /// <summary>The soname; the unversioned <c>libmosquitto.so</c> only comes with the -dev package.</summary>
    public const string LibraryName = "libmosquitto.so.1";

    public const int ErrConnPending = -1;
    public const int ErrSuccess = 0;
    public const int ErrNoMem = 1;
    public const int ErrInval = 3;
    public const int ErrNoConn = 4;
    public const int ErrConnRefused = 5;
    public const int ErrConnLost = 7;
    public const int ErrTls = 8;
    public const int ErrAuth = 11;
    public const int ErrErrno = 14;
    public const int ErrEai = 15;
    public const int ErrTlsHandshake = 23;

    public const int LogInfo = 1 << 0;
    public const int LogNotice = 1 << 1;
    public const int LogWarning = 1 << 2;
    public const int LogErr = 1 << 3;
    public const int LogDebug = 1 << 4;

    public const int OptTcpNoDelay = 11;

    /// <summary><c>struct mosquitto_message</c>. Sequential layout matches the C struct on 32- and 64-bit.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Message
    {
        public int Mid;
        public nint Topic;
        public nint Payload;
        public int PayloadLength;
        public int Qos;
        [MarshalAs(UnmanagedType.U1)]
        public bool Retain;
    }

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_lib_version")]
    public static partial int LibVersion(out int major, out int minor, out int revision);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_lib_init")]
    public static partial int LibInit();

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_strerror")]
    public static partial nint StrError(int errorCode); // const char*: never marshal as string (the marshaller would free a static)

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_connack_string")]
    public static partial nint ConnackString(int connackCode); // const char*, see StrError

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_new", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint New(string? id, [MarshalAs(UnmanagedType.U1)] bool cleanSession, nint obj);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_destroy")]
    public static partial void Destroy(nint mosq);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_username_pw_set", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int UsernamePasswordSet(nint mosq, string? username, string? password);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_will_set", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int WillSet(nint mosq, string topic, int payloadLength, byte* payload, int qos, [MarshalAs(UnmanagedType.U1)] bool retain);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_tls_set", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int TlsSet(nint mosq, string? caFile, string? caPath, string? certFile, string? keyFile, nint passwordCallback);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_int_option")]
    public static partial int IntOption(nint mosq, int option, int value);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_max_inflight_messages_set")]
    public static partial int MaxInflightMessagesSet(nint mosq, uint maxInflight);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_reconnect_delay_set")]
    public static partial int ReconnectDelaySet(nint mosq, uint delaySeconds, uint maxDelaySeconds, [MarshalAs(UnmanagedType.U1)] bool exponential);

    // SetLastError: MOSQ_ERR_ERRNO means "see errno", which must be saved right after the call.
    [LibraryImport(LibraryName, EntryPoint = "mosquitto_connect", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Connect(nint mosq, string host, int port, int keepAliveSeconds);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_disconnect")]
    public static partial int Disconnect(nint mosq);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_loop_start")]
    public static partial int LoopStart(nint mosq);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_loop_stop")]
    public static partial int LoopStop(nint mosq, [MarshalAs(UnmanagedType.U1)] bool force);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_threaded_set")]
    public static partial int ThreadedSet(nint mosq, [MarshalAs(UnmanagedType.U1)] bool threaded);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_reconnect_async", SetLastError = true)]
    public static partial int ReconnectAsync(nint mosq);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_loop_read")]
    public static partial int LoopRead(nint mosq, int maxPackets);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_loop_write")]
    public static partial int LoopWrite(nint mosq, int maxPackets);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_loop_misc")]
    public static partial int LoopMisc(nint mosq);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_want_write")]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool WantWrite(nint mosq);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_socket")]
    public static partial int Socket(nint mosq);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_publish", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Publish(nint mosq, out int mid, string topic, int payloadLength, byte* payload, int qos, [MarshalAs(UnmanagedType.U1)] bool retain);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_subscribe", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Subscribe(nint mosq, out int mid, string subscription, int qos);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_connect_callback_set")]
    public static partial void ConnectCallbackSet(nint mosq, delegate* unmanaged[Cdecl]<nint, nint, int, void> callback);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_disconnect_callback_set")]
    public static partial void DisconnectCallbackSet(nint mosq, delegate* unmanaged[Cdecl]<nint, nint, int, void> callback);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_publish_callback_set")]
    public static partial void PublishCallbackSet(nint mosq, delegate* unmanaged[Cdecl]<nint, nint, int, void> callback);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_message_callback_set")]
    public static partial void MessageCallbackSet(nint mosq, delegate* unmanaged[Cdecl]<nint, nint, Message*, void> callback);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_subscribe_callback_set")]
    public static partial void SubscribeCallbackSet(nint mosq, delegate* unmanaged[Cdecl]<nint, nint, int, int, int*, void> callback);

    [LibraryImport(LibraryName, EntryPoint = "mosquitto_log_callback_set")]
    public static partial void LogCallbackSet(nint mosq, delegate* unmanaged[Cdecl]<nint, nint, int, nint, void> callback);

    /// <summary>libc <c>shutdown(2)</c>: used only by the test seam that cuts the network without DISCONNECT.</summary>
    [LibraryImport("libc", EntryPoint = "shutdown", SetLastError = true)]
    public static partial int ShutdownSocket(int fd, int how);

    /// <summary>libc <c>struct pollfd</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short REvents;
    }

    public const short PollIn = 0x001;
    public const short PollOut = 0x004;
    public const short PollErr = 0x008;
    public const short PollHup = 0x010;

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initial, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, void* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, void* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary>Text for a libmosquitto error code.</summary>
    public static string ErrorText(int code) => Marshal.PtrToStringUTF8(StrError(code)) ?? $"error {code}";

    /// <summary>Text for a CONNACK return code.</summary>
    public static string ConnackText(int code) => Marshal.PtrToStringUTF8(ConnackString(code)) ?? $"connack {code}";
}
