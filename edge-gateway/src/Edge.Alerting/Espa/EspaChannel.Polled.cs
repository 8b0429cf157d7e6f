namespace Edge.Alerting.Espa;

/// <summary>
/// The polled-station role: the paging system is the control station. Calls wait in a queue until it polls
/// us (EOT '2' ENQ); we then select it ('1' ENQ), send the block and end with EOT. With nothing queued we
/// answer a poll with EOT. When it selects us (EOT '1' ENQ '2' ENQ) we ACK and receive its status blocks.
/// </summary>
public sealed partial class EspaChannel
{
    private readonly List<PendingCall> _queue = [];

    private async Task<DeliveryResult> SendAsPolledAsync(AlertMessage message, string recipient, AlertOperation operation, EspaBlock block, CancellationToken cancellationToken)
    {
        var call = new PendingCall(message, recipient, operation, block.Encode(), _time.GetUtcNow());
        lock (_queue)
        {
            // Most urgent first; first come, first served within a priority.
            var at = _queue.FindIndex(p => p.Message.Priority > message.Priority);
            _queue.Insert(at < 0 ? _queue.Count : at, call);
        }

        using var timer = new CancellationTokenSource(_options.PolledDeliveryTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
        try
        {
            return await call.Done.Task.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            bool removed;
            lock (_queue)
            {
                removed = _queue.Remove(call);
            }

            if (!removed)
            {
                // It is on the wire right now: its outcome is moments away.
                return await call.Done.Task.ConfigureAwait(false);
            }

            cancellationToken.ThrowIfCancellationRequested();
            await RecordAsync(message, recipient, operation, call.Attempts + 1, DeliveryOutcome.TimedOut, call.QueuedAt, "not polled out in time", CancellationToken.None).ConfigureAwait(false);
            return new DeliveryResult(DeliveryOutcome.TimedOut, call.Attempts, $"the paging system did not poll the call out within {_options.PolledDeliveryTimeout.TotalSeconds:F1} s");
        }
    }

    private async Task PolledLoopAsync(CancellationToken stop)
    {
        var check = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond * 50, Math.Min(_options.LinkDeadAfter.Ticks / 4, TimeSpan.TicksPerSecond)));
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var token = await NextTokenAsync(check, stop).ConfigureAwait(false);
                if (token is null)
                {
                    CheckSilence("poll from the paging system");
                    continue;
                }

                if (token.Value is not { Type: EspaTokenType.Enq } enq || enq.Address != _options.StationAddress)
                {
                    CheckPollSilence();
                    continue;
                }

                if (enq.AfterEot == 0)
                {
                    Interlocked.Exchange(ref _lastPollTicks, _time.GetUtcNow().UtcTicks);
                    SetHealth(ChannelHealthState.Healthy, "paging system polls us");
                    await AnswerPollAsync(stop).ConfigureAwait(false);
                }
                else
                {
                    // Selected by the control station: accept and take its block(s).
                    await WriteAsync([EspaControl.Ack], stop).ConfigureAwait(false);
                    await ReceiveBlocksAsync(stop).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                SetHealth(ChannelHealthState.Down, $"answering a poll failed: {e.Message}");
            }
        }
    }

    private long _lastPollTicks;

    private void CheckPollSilence()
    {
        var last = new DateTimeOffset(Interlocked.Read(ref _lastPollTicks), TimeSpan.Zero);
        if (last != default && _time.GetUtcNow() - last >= _options.LinkDeadAfter)
        {
            SetHealth(ChannelHealthState.Down, $"not polled for {(_time.GetUtcNow() - last).TotalSeconds:F0} s");
        }
    }

    private async Task AnswerPollAsync(CancellationToken ct)
    {
        PendingCall? call;
        var now = _time.GetUtcNow();
        lock (_queue)
        {
            call = _queue.Find(p => p.NotBefore <= now);
            if (call is not null)
            {
                _queue.Remove(call);
            }
        }

        if (call is null)
        {
            await WriteAsync([EspaControl.Eot], ct).ConfigureAwait(false);
            return;
        }

        var result = await PolledTransactionAsync(call, ct).ConfigureAwait(false);
        if (result is null)
        {
            lock (_queue)
            {
                _queue.Insert(0, call); // try again at the next poll
            }
        }
        else
        {
            call.Done.TrySetResult(result);
        }
    }

    /// <summary>One transaction for a queued call. Returns null when it should wait for the next poll.</summary>
    private async Task<DeliveryResult?> PolledTransactionAsync(PendingCall call, CancellationToken ct)
    {
        call.Attempts++;
        var started = _time.GetUtcNow();
        await WriteAsync([(byte)_options.ControlStationAddress, EspaControl.Enq], ct).ConfigureAwait(false);
        var answer = await NextTokenAsync(_options.SelectTimeout, ct).ConfigureAwait(false);
        if (answer is not { Type: EspaTokenType.Ack })
        {
            var outcome = answer is null ? DeliveryOutcome.TimedOut : DeliveryOutcome.Refused;
            var detail = answer is null ? "no ACK to our select" : $"select refused ({answer})";
            await RecordAsync(call.Message, call.Recipient, call.Operation, call.Attempts, outcome, started, detail, ct).ConfigureAwait(false);
            return call.Attempts > _options.Retries ? new DeliveryResult(outcome, call.Attempts, detail) : null;
        }

        while (true)
        {
            await WriteAsync(call.Frame, ct).ConfigureAwait(false);
            answer = await NextTokenAsync(_options.BlockTimeout, ct).ConfigureAwait(false);
            switch (answer)
            {
                case { Type: EspaTokenType.Ack }:
                    await RecordAsync(call.Message, call.Recipient, call.Operation, call.Attempts, DeliveryOutcome.Delivered, started, "ACK", ct).ConfigureAwait(false);
                    await WriteAsync([EspaControl.Eot], ct).ConfigureAwait(false);
                    return new DeliveryResult(DeliveryOutcome.Delivered, call.Attempts, "accepted by paging system (ACK)");
                case { Type: EspaTokenType.Nak, Address: EspaNakCode.NotRecognised }:
                    await RecordAsync(call.Message, call.Recipient, call.Operation, call.Attempts, DeliveryOutcome.Refused, started, "3 NAK: message not recognised", ct).ConfigureAwait(false);
                    await WriteAsync([EspaControl.Eot], ct).ConfigureAwait(false);
                    return new DeliveryResult(DeliveryOutcome.Refused, call.Attempts, "3 NAK: message not recognised by the paging system; not resent");
                case { Type: EspaTokenType.Nak, Address: EspaNakCode.Busy }:
                    await RecordAsync(call.Message, call.Recipient, call.Operation, call.Attempts, DeliveryOutcome.Busy, started, "2 NAK: busy", ct).ConfigureAwait(false);
                    await WriteAsync([EspaControl.Eot], ct).ConfigureAwait(false);
                    if (call.Attempts > _options.Retries)
                    {
                        return new DeliveryResult(DeliveryOutcome.Busy, call.Attempts, "2 NAK: paging system stayed busy");
                    }

                    call.NotBefore = _time.GetUtcNow() + _options.BusyBackoff;
                    return null;
                default:
                    var outcome = answer is null ? DeliveryOutcome.TimedOut : DeliveryOutcome.Corrupted;
                    var detail = answer is null ? "no answer to block" : $"{answer}: resend";
                    await RecordAsync(call.Message, call.Recipient, call.Operation, call.Attempts, outcome, started, detail, ct).ConfigureAwait(false);
                    if (call.Attempts > _options.Retries)
                    {
                        await WriteAsync([EspaControl.Eot], ct).ConfigureAwait(false);
                        return new DeliveryResult(outcome, call.Attempts, detail + "; gave up");
                    }

                    call.Attempts++;
                    started = _time.GetUtcNow();
                    break;
            }
        }
    }

    private sealed class PendingCall(AlertMessage message, string recipient, AlertOperation operation, byte[] frame, DateTimeOffset queuedAt)
    {
        public AlertMessage Message { get; } = message;

        public string Recipient { get; } = recipient;

        public AlertOperation Operation { get; } = operation;

        public byte[] Frame { get; } = frame;

        public DateTimeOffset QueuedAt { get; } = queuedAt;

        public DateTimeOffset NotBefore { get; set; } = queuedAt;

        public int Attempts { get; set; }

        public TaskCompletionSource<DeliveryResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
