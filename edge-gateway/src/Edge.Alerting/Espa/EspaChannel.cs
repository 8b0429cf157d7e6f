using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Alerting.Espa;

/// <summary>
/// An alert channel to a pager or DECT system over ESPA 4.4.4, in either role. Call <see cref="StartAsync"/>
/// once; it opens the transport (reopening it after failures) and, in the control role, polls the paging
/// system; in the polled role, answers its polls. Status blocks with record 7 = 6 raise <see cref="Acknowledged"/>,
/// mapped to the incident last paged at that call address. <see cref="Health"/> goes Down when the link is
/// silent for <see cref="EspaOptions.LinkDeadAfter"/> or the transport fails.
/// </summary>
public sealed partial class EspaChannel : IAlertChannel, IAsyncDisposable
{
    private readonly EspaOptions _options;
    private readonly IEspaTransport _transport;
    private readonly TimeProvider _time;
    private readonly IDeliveryAttemptRecorder _recorder;
    private readonly ILogger _logger;
    private readonly ChannelHealthTracker _health;
    private readonly SemaphoreSlim _lineLock = new(1, 1);
    private readonly ConcurrentDictionary<string, Outstanding> _outstanding = new(StringComparer.Ordinal);
    private readonly Channel<EspaToken> _tokens = Channel.CreateUnbounded<EspaToken>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _firstOpen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _pump = Task.CompletedTask;
    private Task _loop = Task.CompletedTask;
    private long _lastHeardTicks;
    private volatile bool _connected;

    /// <summary>Creates the channel; nothing is opened until <see cref="StartAsync"/>.</summary>
    public EspaChannel(
        EspaOptions options,
        IEspaTransport transport,
        TimeProvider? timeProvider = null,
        IDeliveryAttemptRecorder? recorder = null,
        ILogger<EspaChannel>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(transport);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid ESPA options: " + string.Join(" ", errors), nameof(options));
        }

        _options = options;
        _transport = transport;
        _time = timeProvider ?? TimeProvider.System;
        _recorder = recorder ?? NullDeliveryAttemptRecorder.Instance;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _health = new ChannelHealthTracker(_time);
        _health.Changed += (_, h) => HealthChanged?.Invoke(this, h);
        _lastHeardTicks = _time.GetUtcNow().UtcTicks;
    }

    /// <inheritdoc />
    public string Name => _options.Name;

    /// <inheritdoc />
    public ChannelKind Kind => ChannelKind.Espa;

    /// <inheritdoc />
    public ChannelHealth Health => _health.Current;

    /// <summary>The role this channel plays.</summary>
    public EspaRole Role => _options.Role;

    /// <inheritdoc />
    public event EventHandler<ChannelHealth>? HealthChanged;

    /// <inheritdoc />
    public event EventHandler<AlertAcknowledgement>? Acknowledged;

    /// <summary>Raised for every status block (header 2) received, acknowledgements included.</summary>
    public event EventHandler<EspaBlock>? StatusReceived;

    private DateTimeOffset LastHeard => new(Interlocked.Read(ref _lastHeardTicks), TimeSpan.Zero);

    /// <summary>
    /// Opens the transport and starts the role's loop. Completes when the first open succeeded, or throws
    /// its error; later failures are retried in the background and reported through <see cref="Health"/>.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _pump = Task.Run(() => PumpAsync(_stop.Token), CancellationToken.None);
        await _firstOpen.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        _loop = _options.Role == EspaRole.ControlStation
            ? Task.Run(() => PollLoopAsync(_stop.Token), CancellationToken.None)
            : Task.Run(() => PolledLoopAsync(_stop.Token), CancellationToken.None);
    }

    /// <inheritdoc />
    public Task<DeliveryResult> SendAsync(AlertMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return DeliverAllAsync(message, AlertOperation.Send, cancellationToken);
    }

    /// <summary>Sends call type 1 (reset) to every recipient, withdrawing the page; the incident was accepted elsewhere.</summary>
    public Task<DeliveryResult> CancelAsync(AlertMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return DeliverAllAsync(message, AlertOperation.Cancel, cancellationToken);
    }

    /// <summary>Builds the call block for one recipient: transliterated, cut to the display limit.</summary>
    public EspaBlock BuildCallBlock(AlertMessage message, string recipient, AlertOperation operation)
    {
        ArgumentNullException.ThrowIfNull(message);
        var address = Ia5Text.Transliterate(recipient, int.MaxValue);
        if (address.Length == 0 || address.Length > _options.MaxCallAddressLength)
        {
            throw new ArgumentException($"call address '{recipient}' must be 1–{_options.MaxCallAddressLength} IA5 characters");
        }

        var records = new List<EspaRecord> { new(EspaRecordId.CallAddress, address) };
        if (operation == AlertOperation.Cancel)
        {
            records.Add(new(EspaRecordId.CallType, "1"));
            return new EspaBlock(EspaHeader.CallToPager, records);
        }

        var full = Ia5Text.Transliterate(message.Text);
        var text = Ia5Text.Transliterate(message.Text, _options.MaxDisplayLength);
        if (text.Length < full.Length)
        {
            AlertingLog.EspaTruncated(_logger, Name, address, text.Length);
        }

        records.Add(new(EspaRecordId.DisplayMessage, text));
        if (_options.BeepCoding is { } beep)
        {
            records.Add(new(EspaRecordId.BeepCoding, beep.ToString()));
        }

        records.Add(new(EspaRecordId.CallType, _options.CallType.ToString()));
        if (_options.Transmissions is { } tx)
        {
            records.Add(new(EspaRecordId.Transmissions, tx.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (_options.SendPriority)
        {
            records.Add(new(EspaRecordId.Priority, ((int)message.Priority).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return new EspaBlock(EspaHeader.CallToPager, records);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_pump, _loop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await _transport.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
        _lineLock.Dispose();
    }

    private async Task<DeliveryResult> DeliverAllAsync(AlertMessage message, AlertOperation operation, CancellationToken cancellationToken)
    {
        var results = new List<DeliveryResult>(message.Recipients.Count);
        foreach (var recipient in message.Recipients)
        {
            EspaBlock block;
            try
            {
                block = BuildCallBlock(message, recipient, operation);
            }
            catch (ArgumentException e)
            {
                await RecordAsync(message, recipient, operation, 1, DeliveryOutcome.Refused, _time.GetUtcNow(), e.Message, cancellationToken).ConfigureAwait(false);
                results.Add(new DeliveryResult(DeliveryOutcome.Refused, 1, e.Message));
                continue;
            }

            var result = _options.Role == EspaRole.ControlStation
                ? await SendAsControlAsync(message, recipient, operation, block, cancellationToken).ConfigureAwait(false)
                : await SendAsPolledAsync(message, recipient, operation, block, cancellationToken).ConfigureAwait(false);
            var address = block.Get(EspaRecordId.CallAddress)!;
            if (result.IsDelivered)
            {
                if (operation == AlertOperation.Send)
                {
                    _outstanding[address] = new Outstanding(message.IncidentId, _time.GetUtcNow());
                }
                else
                {
                    _outstanding.TryRemove(address, out _);
                }
            }

            AlertingLog.EspaPageResult(_logger, Name, address, message.IncidentId, result.Outcome, result.Attempts, result.Detail);
            results.Add(result);
        }

        return DeliveryResult.Combine(results);
    }

    private ValueTask RecordAsync(AlertMessage message, string recipient, AlertOperation operation, int attempt, DeliveryOutcome outcome, DateTimeOffset started, string detail, CancellationToken cancellationToken) =>
        _recorder.RecordAsync(
            new DeliveryAttempt(Name, ChannelKind.Espa, message.IncidentId, recipient, operation, attempt, outcome, started, _time.GetUtcNow() - started, detail),
            cancellationToken);

    private async Task PumpAsync(CancellationToken stop)
    {
        var tokenizer = new EspaTokenizer();
        var buffer = new byte[512];
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await _transport.OpenAsync(stop).ConfigureAwait(false);
                tokenizer.Reset();
                _connected = true;
                Heard();
                AlertingLog.EspaLinkOpen(_logger, Name, _transport.Description, _options.Role.ToString());
                _firstOpen.TrySetResult();
                while (true)
                {
                    var n = await _transport.ReadAsync(buffer, stop).ConfigureAwait(false);
                    if (n == 0)
                    {
                        throw new IOException($"{_transport.Description} closed by the peer");
                    }

                    Heard();
                    for (var i = 0; i < n; i++)
                    {
                        if (tokenizer.Feed(buffer[i]) is { } token)
                        {
                            _tokens.Writer.TryWrite(token);
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The link must survive any transport failure: it is reported and reopened.
            catch (Exception e)
#pragma warning restore CA1031
            {
                _connected = false;
                if (!_firstOpen.Task.IsCompleted)
                {
                    _firstOpen.TrySetException(e);
                    return;
                }

                AlertingLog.EspaLinkFailed(_logger, Name, _transport.Description, _options.ReconnectDelay, e);
                SetHealth(ChannelHealthState.Down, $"transport failed: {e.Message}");
            }

            try
            {
                await Task.Delay(_options.ReconnectDelay, _time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Heard() => Interlocked.Exchange(ref _lastHeardTicks, _time.GetUtcNow().UtcTicks);

    private void SetHealth(ChannelHealthState state, string detail)
    {
        if (_health.Set(this, state, detail))
        {
            if (state == ChannelHealthState.Down)
            {
                AlertingLog.EspaLinkDown(_logger, Name, detail);
            }
            else if (state == ChannelHealthState.Healthy)
            {
                AlertingLog.EspaLinkUp(_logger, Name, detail);
            }
        }
    }

    private void CheckSilence(string what)
    {
        var silent = _time.GetUtcNow() - LastHeard;
        if (silent >= _options.LinkDeadAfter)
        {
            SetHealth(ChannelHealthState.Down, $"no {what} for {silent.TotalSeconds:F0} s (link dead after {_options.LinkDeadAfter.TotalSeconds:F0} s)");
        }
    }

    private async Task<EspaToken?> NextTokenAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_tokens.Reader.TryRead(out var ready))
        {
            return ready;
        }

        using var timer = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
        try
        {
            return await _tokens.Reader.ReadAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private void DrainStaleTokens()
    {
        while (_tokens.Reader.TryRead(out _))
        {
        }
    }

    private Task WriteAsync(ReadOnlySpan<byte> bytes, CancellationToken cancellationToken) =>
        _transport.WriteAsync(bytes.ToArray(), cancellationToken).AsTask();

    private void HandleReceivedBlock(EspaBlock block)
    {
        if (block.Header != EspaHeader.StatusInformation)
        {
            AlertingLog.EspaStatus(_logger, Name, block.ToString());
            return;
        }

        AlertingLog.EspaStatus(_logger, Name, block.ToString());
        try
        {
            StatusReceived?.Invoke(this, block);
        }
#pragma warning disable CA1031 // A subscriber's bug must not stop the line.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        if (block.Get(EspaRecordId.SystemStatus) == "1")
        {
            AlertingLog.EspaTransmitterFailure(_logger, Name);
            SetHealth(ChannelHealthState.Degraded, "paging system reports transmitter failure");
        }

        var address = block.Get(EspaRecordId.CallAddress);
        if (address is null || block.Get(EspaRecordId.CallStatus) != "6")
        {
            return;
        }

        // ESPA carries no message id: the acknowledgement belongs to the incident last paged at this address.
        _outstanding.TryRemove(address, out var outstanding);
        AlertingLog.EspaAcknowledged(_logger, Name, address, outstanding?.IncidentId);
        try
        {
            Acknowledged?.Invoke(this, new AlertAcknowledgement(Name, address, outstanding?.IncidentId, _time.GetUtcNow(), "ESPA call status 6: acknowledged by called party"));
        }
#pragma warning disable CA1031 // A subscriber's bug must not stop the line.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private sealed record Outstanding(string IncidentId, DateTimeOffset PagedAt);
}
