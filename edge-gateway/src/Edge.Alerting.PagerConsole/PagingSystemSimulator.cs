using System.Collections.Concurrent;
using System.Threading.Channels;
using Edge.Alerting.Espa;

namespace Edge.Alerting.PagerConsole;

/// <summary>
/// A paging system at station address '2' (by default) that the gateway, as control station, selects and polls.
/// It ACKs good blocks, answers 1 NAK to a bad BCC, answers polls with EOT or with its queued status blocks,
/// and injects the faults in <see cref="Faults"/>. Every received block is published on <see cref="Pages"/>.
/// </summary>
public sealed class PagingSystemSimulator : IAsyncDisposable
{
    private const byte Soh = 0x01, Etx = 0x03, Eot = 0x04, Enq = 0x05, Ack = 0x06, Nak = 0x15;
    private readonly IEspaTransport _transport;
    private readonly char _address;
    private readonly char _controlAddress;
    private readonly TimeSpan _blockWait;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<byte[]> _statusQueue = new();
    private readonly Channel<SimulatedBlock> _pages = Channel.CreateUnbounded<SimulatedBlock>();
    private readonly LineReader _reader;
    private readonly Task _loop;
    private int _polls;
    private int _selects;

    /// <summary>Starts serving on an open transport.</summary>
    public PagingSystemSimulator(IEspaTransport transport, char address = '2', char controlAddress = '1', TimeSpan? blockWait = null)
    {
        _transport = transport;
        _address = address;
        _controlAddress = controlAddress;
        _blockWait = blockWait ?? TimeSpan.FromSeconds(3);
        _reader = new LineReader(transport, _stop.Token);
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>Faults to inject.</summary>
    public SimulatorFaults Faults { get; init; } = new();

    /// <summary>Every block received (good or bad BCC), in order.</summary>
    public ChannelReader<SimulatedBlock> Pages => _pages.Reader;

    /// <summary>Polls seen so far.</summary>
    public int Polls => Volatile.Read(ref _polls);

    /// <summary>Selects seen so far (answered or not).</summary>
    public int Selects => Volatile.Read(ref _selects);

    /// <summary>Raised after each poll addressed to this station has been handled.</summary>
    public event Action? Polled;

    /// <summary>Every byte the simulator wrote is also reported here (for a console trace).</summary>
    public event Action<string>? Trace;

    /// <summary>Queues a status block (header 2) to hand over at the next poll, e.g. record 7 = 6 for an acknowledgement.</summary>
    public void QueueStatus(string callAddress, char callStatus) =>
        _statusQueue.Enqueue(SimulatedBlock.Build('2', [new('1', callAddress), new('7', callStatus.ToString())], Faults.RsBeforeEtx));

    /// <summary>Queues a raw status block (for system status or malformed cases).</summary>
    public void QueueRawStatus(byte[] block) => _statusQueue.Enqueue(block);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _transport.DisposeAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    /// <summary>Completes when the line closes or the simulator stops.</summary>
    public Task Completion => _loop;

    private async Task RunAsync(CancellationToken ct)
    {
        var pairsSinceEot = -1;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var b = await _reader.ReadAsync(null, ct).ConfigureAwait(false);
                if (b == Eot)
                {
                    pairsSinceEot = 0;
                    continue;
                }

                if (b is >= '0' and <= '9')
                {
                    var next = await _reader.ReadAsync(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
                    if (next == Eot)
                    {
                        pairsSinceEot = 0;
                        continue;
                    }

                    if (next != Enq || pairsSinceEot < 0)
                    {
                        continue;
                    }

                    pairsSinceEot++;
                    if (b != _address)
                    {
                        continue;
                    }

                    if (pairsSinceEot == 1)
                    {
                        Interlocked.Increment(ref _polls);
                        await AnswerPollAsync(ct).ConfigureAwait(false);
                        Polled?.Invoke();
                    }
                    else
                    {
                        Interlocked.Increment(ref _selects);
                        await ServeSelectAsync(ct).ConfigureAwait(false);
                    }

                    pairsSinceEot = -1;
                    continue;
                }

                if (b == Soh)
                {
                    // A block without a select: read it to its end and refuse it.
                    await ReadBlockAsync(ct).ConfigureAwait(false);
                    await WriteAsync([(byte)'3', Nak], ct).ConfigureAwait(false);
                }
            }
        }
        catch (EndOfStreamException)
        {
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (IOException)
        {
        }
        finally
        {
            _pages.Writer.TryComplete();
        }
    }

    private async Task ServeSelectAsync(CancellationToken ct)
    {
        if (Faults.TakeIgnoreSelect())
        {
            Trace?.Invoke("select ignored (fault)");
            return;
        }

        if (Faults.RefuseSelects)
        {
            await WriteAsync([Faults.RefuseWith], ct).ConfigureAwait(false);
            return;
        }

        await WriteAsync([Ack], ct).ConfigureAwait(false);
        while (true)
        {
            var b = await _reader.ReadAsync(_blockWait, ct).ConfigureAwait(false);
            if (b is -1 or Eot)
            {
                return; // end of transaction (or the control station went quiet: it takes control back)
            }

            if (b != Soh)
            {
                continue;
            }

            var block = await ReadBlockAsync(ct).ConfigureAwait(false);
            if (block is null)
            {
                return;
            }

            _pages.Writer.TryWrite(block);
            if (!block.BccValid || Faults.TakeNak())
            {
                await WriteAsync([(byte)'1', Nak], ct).ConfigureAwait(false);
            }
            else if (Faults.TakeBusy())
            {
                await WriteAsync([(byte)'2', Nak], ct).ConfigureAwait(false);
            }
            else if (Faults.TakeReject() || block.Header is not ('1' or '2' or '3' or '4' or '5') || block['1'] is null)
            {
                await WriteAsync([(byte)'3', Nak], ct).ConfigureAwait(false);
            }
            else
            {
                await WriteAsync([Ack], ct).ConfigureAwait(false);
                if (Faults.AutoAcknowledge && block.Header == '1' && block['4'] != "1")
                {
                    QueueStatus(block['1']!, '6');
                }
            }
        }
    }

    private async Task AnswerPollAsync(CancellationToken ct)
    {
        if (Faults.MutePolls)
        {
            return;
        }

        if (!_statusQueue.TryPeek(out var status))
        {
            await WriteAsync([Eot], ct).ConfigureAwait(false);
            return;
        }

        await WriteAsync([(byte)_controlAddress, Enq], ct).ConfigureAwait(false);
        if (await _reader.ReadAsync(_blockWait, ct).ConfigureAwait(false) != Ack)
        {
            return;
        }

        for (var attempt = 0; attempt < 4; attempt++)
        {
            var bytes = status;
            if (Faults.CorruptNextSentBlocks > 0)
            {
                Faults.CorruptNextSentBlocks--;
                bytes = [.. status];
                bytes[^1] ^= 0x55;
            }

            await WriteAsync(bytes, ct).ConfigureAwait(false);
            var answer = await _reader.ReadAsync(_blockWait, ct).ConfigureAwait(false);
            if (answer == Ack)
            {
                _statusQueue.TryDequeue(out _);
                break;
            }

            if (answer is >= '0' and <= '9')
            {
                _ = await _reader.ReadAsync(_blockWait, ct).ConfigureAwait(false); // the NAK
                continue;
            }

            break;
        }

        await WriteAsync([Eot], ct).ConfigureAwait(false);
    }

    private async Task<SimulatedBlock?> ReadBlockAsync(CancellationToken ct)
    {
        var raw = new List<byte> { Soh };
        while (raw.Count < 1024)
        {
            var b = await _reader.ReadAsync(_blockWait, ct).ConfigureAwait(false);
            if (b < 0)
            {
                return null;
            }

            raw.Add((byte)b);
            if (b == Etx)
            {
                var bcc = await _reader.ReadAsync(_blockWait, ct).ConfigureAwait(false);
                return bcc < 0 ? null : SimulatedBlock.Parse([.. raw], (byte)bcc);
            }
        }

        return null;
    }

    private async Task WriteAsync(byte[] bytes, CancellationToken ct)
    {
        Trace?.Invoke("→ " + Convert.ToHexString(bytes));
        await _transport.WriteAsync(bytes, ct).ConfigureAwait(false);
    }
}
