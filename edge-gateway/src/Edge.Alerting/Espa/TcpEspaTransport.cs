using System.Net.Sockets;

namespace Edge.Alerting.Espa;

/// <summary>ESPA over TCP: a client connection to a serial server, or an accepted socket (test receivers, consoles).</summary>
public sealed class TcpEspaTransport : IEspaTransport
{
    private readonly string _host;
    private readonly int _port;
    private readonly TimeSpan _connectTimeout;
    private Socket? _socket;

    /// <summary>A transport that connects to <paramref name="host"/>:<paramref name="port"/> on open.</summary>
    public TcpEspaTransport(string host, int port, TimeSpan connectTimeout)
    {
        _host = host;
        _port = port;
        _connectTimeout = connectTimeout;
        Description = $"tcp {host}:{port}";
    }

    private TcpEspaTransport(Socket accepted)
    {
        _socket = accepted;
        _host = "";
        Description = $"tcp {accepted.RemoteEndPoint}";
    }

    /// <inheritdoc />
    public string Description { get; }

    /// <summary>Wraps a socket accepted by a listener; it cannot be reopened.</summary>
    public static TcpEspaTransport FromAccepted(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        socket.NoDelay = true;
        return new TcpEspaTransport(socket);
    }

    /// <inheritdoc />
    public async ValueTask OpenAsync(CancellationToken cancellationToken)
    {
        if (_host.Length == 0)
        {
            if (_socket is { Connected: true })
            {
                return;
            }

            throw new IOException("an accepted connection cannot be reopened");
        }

        _socket?.Dispose();
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_connectTimeout);
        try
        {
            await socket.ConnectAsync(_host, _port, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new TimeoutException($"no TCP connection to {_host}:{_port} within {_connectTimeout}");
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        _socket = socket;
    }

    /// <inheritdoc />
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var socket = _socket ?? throw new IOException($"{Description} is not open");
        while (!data.IsEmpty)
        {
            var n = await socket.SendAsync(data, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            data = data[n..];
        }
    }

    /// <inheritdoc />
    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var socket = _socket ?? throw new IOException($"{Description} is not open");
        return socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _socket?.Dispose();
        _socket = null;
        return ValueTask.CompletedTask;
    }
}
