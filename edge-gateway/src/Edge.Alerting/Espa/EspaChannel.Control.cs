using Microsoft.Extensions.Logging;

namespace Edge.Alerting.Espa;

/// <summary>The control-station role: the gateway selects the paging system to send, and polls it for status.</summary>
public sealed partial class EspaChannel
{
    private int _unansweredPolls;

    private async Task<DeliveryResult> SendAsControlAsync(AlertMessage message, string recipient, AlertOperation operation, EspaBlock block, CancellationToken cancellationToken)
    {
        var frame = block.Encode();
        await _lineLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ControlTransactionAsync(message, recipient, operation, frame, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lineLock.Release();
        }
    }

    private async Task<DeliveryResult> ControlTransactionAsync(AlertMessage message, string recipient, AlertOperation operation, byte[] frame, CancellationToken ct)
    {
        var select = new[]
        {
            EspaControl.Eot, (byte)_options.ControlStationAddress, EspaControl.Enq, (byte)_options.StationAddress, EspaControl.Enq,
        };
        var attempts = 0;

        // Select the paging system: EOT '1' ENQ '2' ENQ → ACK. No answer is retried; EOT or NAK is a refusal.
        var selected = false;
        for (var i = 0; i <= _options.Retries && !selected; i++)
        {
            attempts++;
            var started = _time.GetUtcNow();
            DrainStaleTokens();
            try
            {
                await WriteAsync(select, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                await RecordAsync(message, recipient, operation, attempts, DeliveryOutcome.Failed, started, $"select not written: {e.Message}", ct).ConfigureAwait(false);
                SetHealth(ChannelHealthState.Down, $"transport failed: {e.Message}");
                return new DeliveryResult(DeliveryOutcome.Failed, attempts, $"transport failed: {e.Message}");
            }

            var answer = await NextTokenAsync(_options.SelectTimeout, ct).ConfigureAwait(false);
            switch (answer?.Type)
            {
                case EspaTokenType.Ack:
                    selected = true;
                    break;
                case EspaTokenType.Eot or EspaTokenType.Nak:
                    var what = answer.Value.Type == EspaTokenType.Eot ? "EOT" : "NAK";
                    await RecordAsync(message, recipient, operation, attempts, DeliveryOutcome.Refused, started, $"select refused ({what})", ct).ConfigureAwait(false);
                    AlertingLog.EspaNegativeAnswer(_logger, Name, $"{what} to select", recipient, message.IncidentId, attempts);
                    if (i < _options.Retries)
                    {
                        // Select again: the "refusal" may be a late answer to an earlier poll, and a paging
                        // system that is briefly unable to accept often accepts the next select.
                        break;
                    }

                    await EndTransactionAsync(ct).ConfigureAwait(false);
                    SetHealth(ChannelHealthState.Degraded, $"paging system refused the select ({what})");
                    return new DeliveryResult(DeliveryOutcome.Refused, attempts, $"select refused ({what}) {attempts} time(s)");
                case null:
                    await RecordAsync(message, recipient, operation, attempts, DeliveryOutcome.TimedOut, started, $"no answer to select within {_options.SelectTimeout.TotalMilliseconds:F0} ms", ct).ConfigureAwait(false);
                    break;
                default:
                    await RecordAsync(message, recipient, operation, attempts, DeliveryOutcome.Failed, started, $"unexpected answer to select: {answer}", ct).ConfigureAwait(false);
                    break;
            }
        }

        if (!selected)
        {
            await EndTransactionAsync(ct).ConfigureAwait(false);
            SetHealth(ChannelHealthState.Degraded, "paging system does not answer selects");
            return new DeliveryResult(DeliveryOutcome.TimedOut, attempts, $"no answer to {attempts} select(s)");
        }

        // Send the block: ACK, or 1 NAK resend, 2 NAK back off and resend, 3 NAK give up.
        var resends = 0;
        var busy = 0;
        DeliveryOutcome last = DeliveryOutcome.Failed;
        string lastDetail = "";
        while (true)
        {
            attempts++;
            var started = _time.GetUtcNow();
            await WriteAsync(frame, ct).ConfigureAwait(false);
            var answer = await NextTokenAsync(_options.BlockTimeout, ct).ConfigureAwait(false);
            if (answer is { Type: EspaTokenType.Ack })
            {
                await RecordAsync(message, recipient, operation, attempts, DeliveryOutcome.Delivered, started, "ACK", ct).ConfigureAwait(false);
                await EndTransactionAsync(ct).ConfigureAwait(false);
                SetHealth(ChannelHealthState.Healthy, "paging system accepted a call");
                return new DeliveryResult(DeliveryOutcome.Delivered, attempts, "accepted by paging system (ACK)");
            }

            if (answer is { Type: EspaTokenType.Nak, Address: EspaNakCode.NotRecognised })
            {
                await RecordAsync(message, recipient, operation, attempts, DeliveryOutcome.Refused, started, "3 NAK: message not recognised", ct).ConfigureAwait(false);
                AlertingLog.EspaNegativeAnswer(_logger, Name, "3 NAK", recipient, message.IncidentId, attempts);
                await EndTransactionAsync(ct).ConfigureAwait(false);
                return new DeliveryResult(DeliveryOutcome.Refused, attempts, "3 NAK: message not recognised by the paging system; not resent");
            }

            if (answer is { Type: EspaTokenType.Nak, Address: EspaNakCode.Busy })
            {
                last = DeliveryOutcome.Busy;
                lastDetail = "2 NAK: paging system busy";
                await RecordAsync(message, recipient, operation, attempts, last, started, lastDetail, ct).ConfigureAwait(false);
                AlertingLog.EspaNegativeAnswer(_logger, Name, "2 NAK", recipient, message.IncidentId, attempts);
                if (++busy > _options.Retries)
                {
                    break;
                }

                await Task.Delay(_options.BusyBackoff, _time, ct).ConfigureAwait(false);
                continue;
            }

            if (answer is { Type: EspaTokenType.Nak })
            {
                last = DeliveryOutcome.Corrupted;
                lastDetail = answer.Value.Address == EspaNakCode.Resend ? "1 NAK: bad characters or BCC" : "NAK without code, treated as 1 NAK";
                await RecordAsync(message, recipient, operation, attempts, last, started, lastDetail, ct).ConfigureAwait(false);
                AlertingLog.EspaNegativeAnswer(_logger, Name, "1 NAK", recipient, message.IncidentId, attempts);
            }
            else if (answer is null)
            {
                last = DeliveryOutcome.TimedOut;
                lastDetail = $"no answer to block within {_options.BlockTimeout.TotalMilliseconds:F0} ms";
                await RecordAsync(message, recipient, operation, attempts, last, started, lastDetail, ct).ConfigureAwait(false);
            }
            else
            {
                last = DeliveryOutcome.Failed;
                lastDetail = $"unexpected answer to block: {answer}";
                await RecordAsync(message, recipient, operation, attempts, last, started, lastDetail, ct).ConfigureAwait(false);
                if (answer.Value.Type == EspaTokenType.Eot)
                {
                    // The paging system ended the transaction; select again rather than talk into silence.
                    return new DeliveryResult(DeliveryOutcome.Failed, attempts, "paging system ended the transaction (EOT) instead of answering the block");
                }
            }

            if (++resends > _options.Retries)
            {
                break;
            }
        }

        await EndTransactionAsync(ct).ConfigureAwait(false);
        SetHealth(ChannelHealthState.Degraded, lastDetail);
        return new DeliveryResult(last, attempts, $"{lastDetail}; gave up after {attempts} attempt(s)");
    }

    private async Task EndTransactionAsync(CancellationToken ct)
    {
        try
        {
            await WriteAsync([EspaControl.Eot], ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            SetHealth(ChannelHealthState.Down, $"transport failed: {e.Message}");
        }
    }

    private async Task PollLoopAsync(CancellationToken stop)
    {
        if (_options.PollInterval <= TimeSpan.Zero)
        {
            return;
        }

        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.PollInterval, _time, stop).ConfigureAwait(false);
                if (!_connected)
                {
                    continue;
                }

                await _lineLock.WaitAsync(stop).ConfigureAwait(false);
                try
                {
                    await PollOnceAsync(stop).ConfigureAwait(false);
                }
                finally
                {
                    _lineLock.Release();
                }

                CheckSilence("answer to polls");
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                SetHealth(ChannelHealthState.Down, $"poll failed: {e.Message}");
            }
        }
    }

    /// <summary>EOT '2' ENQ → EOT (nothing to say) or '1' ENQ (the paging system has a status block for us).</summary>
    private async Task PollOnceAsync(CancellationToken ct)
    {
        DrainStaleTokens();
        await WriteAsync([EspaControl.Eot, (byte)_options.StationAddress, EspaControl.Enq], ct).ConfigureAwait(false);
        var answer = await NextTokenAsync(_options.PollResponseTimeout, ct).ConfigureAwait(false);
        if (answer is null)
        {
            if (++_unansweredPolls >= _options.UnansweredPollsForDegraded)
            {
                SetHealth(ChannelHealthState.Degraded, $"{_unansweredPolls} polls unanswered");
            }

            return;
        }

        _unansweredPolls = 0;
        if (answer.Value.Type == EspaTokenType.Eot)
        {
            SetHealth(ChannelHealthState.Healthy, "paging system answers polls");
            return;
        }

        if (answer.Value is { Type: EspaTokenType.Enq } enq && enq.Address == _options.ControlStationAddress)
        {
            SetHealth(ChannelHealthState.Healthy, "paging system answers polls");
            await WriteAsync([EspaControl.Ack], ct).ConfigureAwait(false);
            await ReceiveBlocksAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>Receives the blocks a selected-or-polled peer sends, answering ACK or 1 NAK, until its EOT.</summary>
    private async Task ReceiveBlocksAsync(CancellationToken ct)
    {
        for (var i = 0; i <= _options.Retries + 1; i++)
        {
            var token = await NextTokenAsync(_options.BlockTimeout, ct).ConfigureAwait(false);
            switch (token?.Type)
            {
                case null:
                case EspaTokenType.Eot:
                    return;
                case EspaTokenType.Block when token.Value.BccValid:
                    if (EspaBlock.TryParse(token.Value.Frame, out var block, out var error))
                    {
                        await WriteAsync([EspaControl.Ack], ct).ConfigureAwait(false);
                        HandleReceivedBlock(block!);
                    }
                    else
                    {
                        AlertingLog.EspaBadBlock(_logger, Name, error);
                        await WriteAsync([(byte)EspaNakCode.NotRecognised, EspaControl.Nak], ct).ConfigureAwait(false);
                    }

                    i = -1; // a good block resets the resend budget
                    break;
                case EspaTokenType.Block:
                    AlertingLog.EspaBadBlock(_logger, Name, $"BCC mismatch (received 0x{token.Value.Bcc:X2}, computed 0x{EspaBcc.Compute(token.Value.Frame):X2})");
                    await WriteAsync([(byte)EspaNakCode.Resend, EspaControl.Nak], ct).ConfigureAwait(false);
                    break;
                default:
                    break;
            }
        }
    }
}
