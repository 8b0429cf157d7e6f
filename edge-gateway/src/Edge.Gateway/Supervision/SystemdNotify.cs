using System.Net.Sockets;
using System.Text;

namespace Edge.Gateway.Supervision;

/// <summary>Sends sd_notify(3) state lines (READY=1, WATCHDOG=1, STATUS=..., STOPPING=1) to systemd.</summary>
public interface ISystemdNotify
{
    /// <summary>True when the process was started by systemd with a notify socket (Type=notify).</summary>
    bool IsEnabled { get; }

    /// <summary>Sends one or more newline-separated assignments; false when it could not be delivered.</summary>
    bool Notify(string state);
}

/// <summary>
/// sd_notify over the datagram socket named by <c>NOTIFY_SOCKET</c>. Written here rather than taken from
/// Microsoft.Extensions.Hosting.Systemd because the package feed does not serve that package (NU1101);
/// the protocol is one datagram of text per notification, to a path or (leading '@') an abstract socket.
/// </summary>
public sealed class SystemdNotify : ISystemdNotify
{
    private readonly string? _socketPath;

    /// <summary>Reads <c>NOTIFY_SOCKET</c> from the environment (or <paramref name="socketPath"/> when given, for tests).</summary>
    public SystemdNotify(string? socketPath = null)
    {
        _socketPath = socketPath ?? Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        if (string.IsNullOrEmpty(_socketPath))
        {
            _socketPath = null;
        }
    }

    public bool IsEnabled => _socketPath is not null;

    public bool Notify(string state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (_socketPath is null)
        {
            return false;
        }

        // A leading '@' names a socket in the abstract namespace: on the wire that is a leading NUL.
        var path = _socketPath[0] == '@' ? "\0" + _socketPath[1..] : _socketPath;
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(path));
            socket.Send(Encoding.UTF8.GetBytes(state));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
