using System.Threading.Channels;
using Edge.Alerting.Espa;

namespace Edge.Alerting.PagerConsole;

/// <summary>Reads single bytes with a timeout from a transport, through a pump so reads are never cancelled mid-way.</summary>
internal sealed class LineReader
{
    private readonly Channel<byte> _bytes = Channel.CreateUnbounded<byte>();
    private readonly IEspaTransport _transport;

    public LineReader(IEspaTransport transport, CancellationToken stop)
    {
        _transport = transport;
        Pump = Task.Run(() => PumpAsync(stop), CancellationToken.None);
    }

    public Task Pump { get; }

    /// <summary>Returns the next byte, or -1 on timeout; throws <see cref="EndOfStreamException"/> when the line closed.</summary>
    public async Task<int> ReadAsync(TimeSpan? timeout, CancellationToken ct)
    {
        if (_bytes.Reader.TryRead(out var b))
        {
            return b;
        }

        using var timer = timeout is { } t ? new CancellationTokenSource(t) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, ct);
        try
        {
            return await _bytes.Reader.ReadAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return -1;
        }
        catch (ChannelClosedException)
        {
            throw new EndOfStreamException("the line closed");
        }
    }

    private async Task PumpAsync(CancellationToken stop)
    {
        var buffer = new byte[256];
        try
        {
            while (true)
            {
                var n = await _transport.ReadAsync(buffer, stop).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                for (var i = 0; i < n; i++)
                {
                    _bytes.Writer.TryWrite(buffer[i]);
                }
            }
        }
        catch (Exception)
        {
            // Closed or cancelled: readers see the end of the stream.
        }
        finally
        {
            _bytes.Writer.TryComplete();
        }
    }
}
