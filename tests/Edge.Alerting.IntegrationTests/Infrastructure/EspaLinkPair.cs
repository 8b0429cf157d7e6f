using System.Net;
using System.Net.Sockets;
using Edge.Alerting.Espa;

namespace Edge.Alerting.IntegrationTests.Infrastructure;

/// <summary>
/// Two ends of one ESPA line: the gateway's transport and the peer's. "pty" is a socat pseudo-terminal pair
/// (both ends configured through termios); "tcp" is a loopback TCP connection, as to a serial server.
/// </summary>
public sealed class EspaLinkPair : IAsyncDisposable
{
    private readonly SocatPtyPair? _pty;
    private readonly TcpListener? _listener;
    private readonly Task<Socket>? _accept;
    private readonly SerialLineSettings? _peerSettings;

    private EspaLinkPair(IEspaTransport gateway, SocatPtyPair? pty, SerialLineSettings? peerSettings, TcpListener? listener, Task<Socket>? accept)
    {
        Gateway = gateway;
        _pty = pty;
        _peerSettings = peerSettings;
        _listener = listener;
        _accept = accept;
    }

    public IEspaTransport Gateway { get; }

    public SocatPtyPair? Pty => _pty;

    public static async Task<EspaLinkPair> CreateAsync(string kind, SerialLineSettings? framing = null)
    {
        if (kind == "pty")
        {
            var pty = await SocatPtyPair.StartAsync();
            var gw = Framing(framing, pty.PathA);
            var peer = Framing(framing, pty.PathB);
            return new EspaLinkPair(new SerialEspaTransport(gw), pty, peer, null, null);
        }

        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accept = listener.AcceptSocketAsync();
        return new EspaLinkPair(new TcpEspaTransport("127.0.0.1", port, TimeSpan.FromSeconds(5)), null, null, listener, accept);
    }

    /// <summary>The peer's end, opened. For TCP, call after the gateway connected.</summary>
    public async Task<IEspaTransport> OpenPeerAsync()
    {
        if (_accept is not null)
        {
            return TcpEspaTransport.FromAccepted(await _accept.WaitAsync(Wait.Long));
        }

        var peer = new SerialEspaTransport(_peerSettings!);
        await peer.OpenAsync(CancellationToken.None);
        return peer;
    }

    public ValueTask DisposeAsync()
    {
        _listener?.Stop();
        _listener?.Dispose();
        _pty?.Dispose();
        return ValueTask.CompletedTask;
    }

    private static SerialLineSettings Framing(SerialLineSettings? f, string path) => new()
    {
        DevicePath = path,
        BaudRate = f?.BaudRate ?? 9600,
        DataBits = f?.DataBits ?? 7,
        Parity = f?.Parity ?? SerialParity.Even,
        StopBits = f?.StopBits ?? 2,

        // Linux ptys force CS8 and clear PARENB whatever is asked (drivers/tty/pty.c), so the read-back check
        // would always refuse 7E2 here. The framing tests assert exactly what the pty keeps.
        VerifyFraming = false,
    };
}
