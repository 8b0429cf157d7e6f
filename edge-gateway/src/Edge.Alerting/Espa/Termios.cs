using System.Runtime.InteropServices;

namespace Edge.Alerting.Espa;

/// <summary>
/// The few libc calls a serial port needs (System.IO.Ports is not available to this project). Struct layout and
/// constants are Linux glibc's for x86_64, aarch64 and armhf, which share them (asm-generic/termbits.h).
/// </summary>
internal static unsafe partial class Termios
{
    public const int ORdWr = 0x2;
    public const int ONoCtty = 0x100;     // 0400 octal
    public const int ONonBlock = 0x800;   // 04000 octal
    public const int TcsaNow = 0;
    public const int TciOFlush = 2;
    public const int EAgain = 11;
    public const int EIntr = 4;

    // c_iflag
    public const uint IgnBrk = 0x1, BrkInt = 0x2, IgnPar = 0x4, ParMrk = 0x8, InPck = 0x10, IStrip = 0x20, InlCr = 0x40,
        IgnCr = 0x80, ICrNl = 0x100, IXon = 0x400, IXany = 0x800, IXoff = 0x1000;

    // c_oflag
    public const uint OPost = 0x1;

    // c_cflag
    public const uint CBaud = 0x100F, CSize = 0x30, Cs7 = 0x20, Cs8 = 0x30, CStopB = 0x40, CRead = 0x80, ParEnb = 0x100,
        ParOdd = 0x200, HupCl = 0x400, CLocal = 0x800, CRtsCts = 0x80000000;

    // c_lflag
    public const uint ISig = 0x1, ICanon = 0x2, Echo = 0x8, EchoE = 0x10, EchoK = 0x20, EchoNl = 0x40, IExten = 0x8000;

    public const int VTime = 5;
    public const int VMin = 6;

    public const short PollIn = 0x1, PollOut = 0x4, PollErr = 0x8, PollHup = 0x10, PollNval = 0x20;

    public static readonly IReadOnlyDictionary<int, uint> BaudCodes = new Dictionary<int, uint>
    {
        [300] = 0x7, [600] = 0x8, [1200] = 0x9, [2400] = 0xB, [4800] = 0xC, [9600] = 0xD, [19200] = 0xE,
        [38400] = 0xF, [57600] = 0x1001, [115200] = 0x1002,
    };

    [StructLayout(LayoutKind.Sequential)]
    public struct TermiosStruct
    {
        public uint CIflag;
        public uint COflag;
        public uint CCflag;
        public uint CLflag;
        public byte CLine;
        public fixed byte CCc[32];
        public uint CIspeed;
        public uint COspeed;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "tcgetattr", SetLastError = true)]
    public static partial int TcGetAttr(int fd, TermiosStruct* termios);

    [LibraryImport("libc", EntryPoint = "tcsetattr", SetLastError = true)]
    public static partial int TcSetAttr(int fd, int optionalActions, TermiosStruct* termios);

    [LibraryImport("libc", EntryPoint = "cfsetispeed", SetLastError = true)]
    public static partial int CfSetISpeed(TermiosStruct* termios, uint speed);

    [LibraryImport("libc", EntryPoint = "cfsetospeed", SetLastError = true)]
    public static partial int CfSetOSpeed(TermiosStruct* termios, uint speed);

    [LibraryImport("libc", EntryPoint = "cfgetospeed")]
    public static partial uint CfGetOSpeed(TermiosStruct* termios);

    [LibraryImport("libc", EntryPoint = "tcflush", SetLastError = true)]
    public static partial int TcFlush(int fd, int queueSelector);

    [LibraryImport("libc", EntryPoint = "strerror")]
    private static partial nint StrError(int errno);

    public static string ErrorText(int errno) => $"{Marshal.PtrToStringUTF8(StrError(errno))} (errno {errno})";
}
