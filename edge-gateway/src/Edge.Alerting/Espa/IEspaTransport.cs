namespace Edge.Alerting.Espa;

/// <summary>A byte stream to the paging system: a serial device or a TCP serial server.</summary>
public interface IEspaTransport : IAsyncDisposable
{
    /// <summary>What this transport is connected to, for logs (e.g. "/dev/ttyUSB0 9600 7E2", "tcp 10.0.0.5:4001").</summary>
    string Description { get; }

    /// <summary>Opens (or reopens, after a failure) the device or connection.</summary>
    ValueTask OpenAsync(CancellationToken cancellationToken);

    /// <summary>Writes all bytes.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Reads at least one byte; returns 0 when the peer closed the stream.</summary>
    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken);
}

/// <summary>Creates the transport named in <see cref="EspaOptions"/>.</summary>
public static class EspaTransportFactory
{
    /// <summary>Creates a serial or TCP transport from the options (not yet opened).</summary>
    public static IEspaTransport Create(EspaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Transport switch
        {
            EspaTransportKind.Serial => new SerialEspaTransport(options.Serial),
            EspaTransportKind.Tcp => new TcpEspaTransport(options.TcpHost, options.TcpPort, options.ConnectTimeout),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Transport, "unknown transport"),
        };
    }
}
