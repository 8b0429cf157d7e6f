using System.Threading.Channels;
using Edge.Alerting.Espa;

namespace Edge.Alerting.PagerConsole;

/// <summary>
/// A paging system that insists on being the control station: it polls the gateway (EOT n ENQ) at an interval,
/// takes the calls the gateway hands over when it answers '1 ENQ', and can select the gateway to report a
/// status (record 7). Used to test the gateway's polled-station role.
/// </summary>
public sealed class ControlStationSimulator : IAsyncDisposable
{
    private const byte Soh = 0x01, Etx = 0x03, Eot = 0x04, Enq = 0x05, Ack = 0x06, Nak = 0x15;
    private readonly IEspaTransport _transport;
    private readonly char _stationAddress;
    private readonly char _ownAddress;
    private readonly TimeSpan _pollInterval;
    private readonly TimeSpan _answerWait;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<SimulatedBlock> _pages = Channel.CreateUnbounded<SimulatedBlock>();
    private readonly Channel<(byte[] Block, TaskCompletionSource<bool> Done)> _toSend = Channel.CreateUnbounded<(byte[], TaskCompletionSource<bool>)>();
    private readonly LineReader _reader;
    private readonly Task _loop;
    private int _polls;
    private int _idleAnswers;

    /// <summary>Starts polling station <paramref name="stationAddress"/> on an open transport.</summary>
    public ControlStationSimulator(IEspaTransport transport, char stationAddress = '2', char ownAddress = '1', TimeSpan? pollInterval = null, TimeSpan? answerWait = null)
    {
        _transport = transport;
        _stationAddress = stationAddress;
        _ownAddress = ownAddress;
        _pollInterval = pollInterval ?? TimeSpan.FromMilliseconds(150);
        _answerWait = answerWait ?? TimeSpan.FromSeconds(2.5);
        _reader = new LineReader(transport, _stop.Token);
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>Faults to inject when answering the station's blocks (NAK/busy/reject counters).</summary>
    public SimulatorFaults Faults { get; init; } = new();

    /// <summary>Blocks the station handed over, in order.</summary>
    public ChannelReader<SimulatedBlock> Pages => _pages.Reader;

    /// <summary>Polls sent.</summary>
    public int Polls => Volatile.Read(ref _polls);

    /// <summary>Polls the station answered with EOT (nothing to send).</summary>
    public int IdleAnswers => Volatile.Read(ref _idleAnswers);

    /// <summary>Raised after each poll with the answer: true for EOT (idle), false for a handed-over call or no answer.</summary>
    public event Action<bool>? PollAnswered;

    /// <summary>Selects the station and sends it a status block; completes true when it ACKed.</summary>
    public Task<bool> SendStatusAsync(string callAddress, char callStatus)
    {
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        _toSend.Writer.TryWrite((SimulatedBlock.Build('2', [new('1', callAddress), new('7', callStatus.ToString())]), done));
        return done.Task;
    }

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

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                while (_toSend.Reader.TryRead(out var item))
                {
                    item.Done.TrySetResult(await SelectAndSendAsync(item.Block, ct).ConfigureAwait(false));
                }

                Interlocked.Increment(ref _polls);
                await _transport.WriteAsync(new byte[] { Eot, (byte)_stationAddress, Enq }, ct).ConfigureAwait(false);
                var answer = await _reader.ReadAsync(_answerWait, ct).ConfigureAwait(false);
                if (answer == Eot)
                {
                    Interlocked.Increment(ref _idleAnswers);
                }
                else if (answer == _ownAddress && await _reader.ReadAsync(_answerWait, ct).ConfigureAwait(false) == Enq)
                {
                    await TakeBlocksAsync(ct).ConfigureAwait(false);
                }

                PollAnswered?.Invoke(answer == Eot);

                // The poll cadence is what this simulated device does, not a test waiting for something.
                await Task.Delay(_pollInterval, ct).ConfigureAwait(false);
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

    private async Task TakeBlocksAsync(CancellationToken ct)
    {
        await _transport.WriteAsync(new byte[] { Ack }, ct).ConfigureAwait(false);
        while (true)
        {
            var b = await _reader.ReadAsync(_answerWait, ct).ConfigureAwait(false);
            if (b is -1 or Eot)
            {
                return;
            }

            if (b != Soh)
            {
                continue;
            }

            var raw = new List<byte> { Soh };
            int c;
            while ((c = await _reader.ReadAsync(_answerWait, ct).ConfigureAwait(false)) >= 0)
            {
                raw.Add((byte)c);
                if (c == Etx)
                {
                    break;
                }
            }

            var bcc = await _reader.ReadAsync(_answerWait, ct).ConfigureAwait(false);
            if (c != Etx || bcc < 0 || SimulatedBlock.Parse([.. raw], (byte)bcc) is not { } block)
            {
                return;
            }

            _pages.Writer.TryWrite(block);
            byte[] reply = !block.BccValid || Faults.TakeNak() ? [(byte)'1', Nak]
                : Faults.TakeBusy() ? [(byte)'2', Nak]
                : Faults.TakeReject() ? [(byte)'3', Nak]
                : [Ack];
            await _transport.WriteAsync(reply, ct).ConfigureAwait(false);
        }
    }

    private async Task<bool> SelectAndSendAsync(byte[] block, CancellationToken ct)
    {
        await _transport.WriteAsync(new byte[] { Eot, (byte)_ownAddress, Enq, (byte)_stationAddress, Enq }, ct).ConfigureAwait(false);
        if (await _reader.ReadAsync(_answerWait, ct).ConfigureAwait(false) != Ack)
        {
            return false;
        }

        await _transport.WriteAsync(block, ct).ConfigureAwait(false);
        var ok = await _reader.ReadAsync(_answerWait, ct).ConfigureAwait(false) == Ack;
        await _transport.WriteAsync(new byte[] { Eot }, ct).ConfigureAwait(false);
        return ok;
    }
}
