using Edge.Alerting;
using Edge.Alerting.Espa;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Alerting;

/// <summary>
/// Keeps an <see cref="EspaChannel"/> running for the gateway. <see cref="EspaChannel.StartAsync"/> fails when the
/// first open fails (cable unplugged, serial server off), and the gateway must not refuse to boot because the
/// pager link is down: it reports the link Down (so a gateway fault goes out on the other channels) and keeps
/// trying to open it, with a fresh channel each time, every <see cref="EspaOptions.ReconnectDelay"/>.
/// Once open, the channel reopens a failed link itself.
/// </summary>
internal sealed partial class EspaChannelHost : IAlertChannel, IAsyncDisposable
{
    private readonly EspaOptions _options;
    private readonly Func<IEspaTransport> _transport;
    private readonly TimeProvider _time;
    private readonly IDeliveryAttemptRecorder _recorder;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private volatile EspaChannel? _inner;
    private ChannelHealth _health;
    private Task _opening = Task.CompletedTask;
    private int _disposed;

    public EspaChannelHost(EspaOptions options, Func<IEspaTransport> transport, TimeProvider time, IDeliveryAttemptRecorder recorder, ILoggerFactory loggers)
    {
        _options = options;
        _transport = transport;
        _time = time;
        _recorder = recorder;
        _loggers = loggers;
        _logger = loggers.CreateLogger<EspaChannelHost>();
        _health = ChannelHealth.Unknown(time.GetUtcNow());
    }

    public string Name => _options.Name;

    public ChannelKind Kind => ChannelKind.Espa;

    public ChannelHealth Health => _inner?.Health ?? _health;

    public event EventHandler<ChannelHealth>? HealthChanged;

    public event EventHandler<AlertAcknowledgement>? Acknowledged;

    /// <summary>Tries to open the link once; on failure reports Down and keeps trying in the background.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        if (!await TryOpenAsync(ct).ConfigureAwait(false))
        {
            _opening = Task.Run(() => KeepOpeningAsync(_stop.Token), CancellationToken.None);
        }
    }

    public async Task<DeliveryResult> SendAsync(AlertMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_inner is { } inner)
        {
            return await inner.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }

        return await NotOpenAsync(message, AlertOperation.Send, cancellationToken).ConfigureAwait(false);
    }

    public async Task<DeliveryResult> CancelAsync(AlertMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_inner is { } inner)
        {
            return await inner.CancelAsync(message, cancellationToken).ConfigureAwait(false);
        }

        return await NotOpenAsync(message, AlertOperation.Cancel, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _opening.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        if (_inner is { } inner)
        {
            await inner.DisposeAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private async Task<DeliveryResult> NotOpenAsync(AlertMessage message, AlertOperation operation, CancellationToken ct)
    {
        var detail = $"paging link not open: {_health.Detail}";
        foreach (var recipient in message.Recipients)
        {
            await _recorder.RecordAsync(new DeliveryAttempt(Name, ChannelKind.Espa, message.IncidentId, recipient, operation, 1, DeliveryOutcome.Failed, _time.GetUtcNow(), TimeSpan.Zero, detail), ct).ConfigureAwait(false);
        }

        return new DeliveryResult(DeliveryOutcome.Failed, message.Recipients.Count, detail);
    }

    private async Task<bool> TryOpenAsync(CancellationToken ct)
    {
        var channel = new EspaChannel(_options, _transport(), _time, _recorder, _loggers.CreateLogger<EspaChannel>());
        channel.HealthChanged += (_, h) => HealthChanged?.Invoke(this, h);
        channel.Acknowledged += (_, a) => Acknowledged?.Invoke(this, a);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_options.ConnectTimeout + _options.ReconnectDelay);
            await channel.StartAsync(timeout.Token).ConfigureAwait(false);
            _inner = channel;
            HealthChanged?.Invoke(this, new ChannelHealth(ChannelHealthState.Healthy, _time.GetUtcNow(), "paging link open"));
            return true;
        }
#pragma warning disable CA1031 // Any open failure (I/O, timeout, refused) means the link is down; the host keeps trying.
        catch (Exception e) when (!ct.IsCancellationRequested)
#pragma warning restore CA1031
        {
            await channel.DisposeAsync().ConfigureAwait(false);
            var first = _health.State != ChannelHealthState.Down;
            _health = new ChannelHealth(ChannelHealthState.Down, _time.GetUtcNow(), $"cannot open the paging link: {e.Message}");
            if (first)
            {
                Log.OpenFailed(_logger, Name, _options.ReconnectDelay, e.Message);
                HealthChanged?.Invoke(this, _health);
            }

            return false;
        }
    }

    private async Task KeepOpeningAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.ReconnectDelay, _time, ct).ConfigureAwait(false);
                if (await TryOpenAsync(ct).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.ChannelStartFailed, Level = LogLevel.Error, Message = "ESPA {Channel}: cannot open the paging link ({Detail}); retrying every {Delay}")]
        public static partial void OpenFailed(ILogger logger, string channel, TimeSpan delay, string detail);
    }
}
