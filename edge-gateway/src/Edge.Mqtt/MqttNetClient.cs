// Over 400 lines on purpose: the connection task, the receive path and the acknowledgement writer share one connection's state; the outgoing queue and the connection options are already files of their own.
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading.Channels;
using Edge.Logging;
using Edge.Mqtt.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Exceptions;

namespace Edge.Mqtt;

/// <summary>
/// <see cref="IMqttClient"/> over MQTTnet 5. MQTTnet gives one connection at a time; this class adds
/// what a site needs from it: a connection task that connects and reconnects with backoff for the
/// client's whole life (any failure after the first connect is retried: a broker killed mid-handshake,
/// a clean broker restart, a TLS "unexpected EOF"), subscriptions sent again on every connect, a bounded
/// outgoing queue that holds QoS 1/2 publishes across outages, a bounded incoming channel with counted
/// drops, and optional manual acknowledgement. See README.md.
/// </summary>
public sealed partial class MqttNetClient : IMqttClient
{
    private static readonly MqttClientFactory Factory = new();

    private readonly MqttClientOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string _clientId;
    private readonly MqttNetConnectionOptions _connectionOptions;
    private readonly MqttNetLogBridge _libraryLog;
    private readonly Channel<MqttMessage> _incoming;
    private readonly Channel<MqttAcknowledgement> _acks = Channel.CreateUnbounded<MqttAcknowledgement>(new UnboundedChannelOptions { SingleReader = true });
    private readonly OutgoingQueue _outgoing;
    private readonly CancellationTokenSource _disposeCts = new();
    private readonly Lock _subscriptionsLock = new();
    private readonly Dictionary<string, MqttQos> _subscriptions = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _networkRestored = new(0);
    private readonly TaskCompletionSource _firstConnect = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private MqttConnection? _connection;
    private Task? _run;
    private Task? _ackWriter;
    private int _generation;
    private int _connectStarted;
    private int _disposed;
    private volatile bool _networkHeldDown;

    private long _received;
    private long _droppedChannelFull;
    private long _reconnects;
    private long _staleAcknowledgements;
    private long _acknowledgementsSent;

    /// <summary>Creates the client. Nothing connects until <see cref="ConnectAsync"/>.</summary>
    /// <exception cref="OptionsValidationException">The options are invalid (all problems are listed).</exception>
    /// <exception cref="MqttException">The TLS CA file holds no certificate, or the client key does not match its certificate.</exception>
    /// <param name="options">Connection options.</param>
    /// <param name="logger">Logger, or null.</param>
    /// <param name="timeProvider">Clock for connect retry delays; system clock when null.</param>
    public MqttNetClient(MqttClientOptions options, ILogger<MqttNetClient>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validation = new MqttClientOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(MqttClientOptions.SectionName, typeof(MqttClientOptions), validation.Failures);
        }

        _options = options;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _clientId = options.ClientId is { Length: > 0 } id ? id : $"edge-{Guid.NewGuid():N}"[..23];
        try
        {
            _connectionOptions = new MqttNetConnectionOptions(options, _clientId);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException)
        {
            throw new MqttException($"Mqtt:Tls: cannot load the certificates: {e.Message}", e);
        }

        _libraryLog = new MqttNetLogBridge(_logger, _clientId);
        _incoming = Channel.CreateBounded<MqttMessage>(new BoundedChannelOptions(options.IncomingChannelCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // writes use TryWrite: full means "count and drop" (or wait, with manual acks)
        });
        _outgoing = new OutgoingQueue(options, _logger, _clientId, () => Volatile.Read(ref _connection), RaisePublishAcknowledged);
    }

    /// <inheritdoc />
    public ChannelReader<MqttMessage> Messages => _incoming.Reader;

    /// <inheritdoc />
    public bool IsConnected => Volatile.Read(ref _connection) is { } c && !c.Lost.IsCompleted && c.Client.IsConnected;

    /// <summary>The client id sent to the broker.</summary>
    public string ClientId => _clientId;

    /// <summary>True while <see cref="SimulateNetworkLoss"/> holds the client off the network.</summary>
    public bool NetworkHeldDown => _networkHeldDown;

    /// <inheritdoc />
    public event EventHandler<MqttConnectionEvent>? ConnectionChanged;

    /// <inheritdoc />
    public event EventHandler<MqttPublishAcknowledged>? PublishAcknowledged;

    /// <inheritdoc />
    public async Task ConnectAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        if (Interlocked.Exchange(ref _connectStarted, 1) == 1)
        {
            throw new InvalidOperationException("ConnectAsync may be called only once; the client reconnects by itself.");
        }

        _outgoing.Start();
        _ackWriter = Task.Run(WriteAcknowledgementsAsync);
        _run = Task.Run(() => RunAsync(ct));
        await _firstConnect.Task.WaitAsync(ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask<PublishResult> PublishAsync(string topic, ReadOnlyMemory<byte> payload, MqttQos qos, bool retain, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        if (topic.Contains('+', StringComparison.Ordinal) || topic.Contains('#', StringComparison.Ordinal) || topic.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{topic}' is not a topic name one can publish to (no wildcards).", nameof(topic));
        }

        if (!Enum.IsDefined(qos))
        {
            throw new ArgumentOutOfRangeException(nameof(qos), qos, "QoS must be 0, 1 or 2.");
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        return _outgoing.EnqueueAsync(topic, payload, qos, retain, IsConnected, ct);
    }

    /// <inheritdoc />
    public void Subscribe(string topicFilter, MqttQos qos)
    {
        ArgumentException.ThrowIfNullOrEmpty(topicFilter);
        if (!Enum.IsDefined(qos))
        {
            throw new ArgumentOutOfRangeException(nameof(qos), qos, "QoS must be 0, 1 or 2.");
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        lock (_subscriptionsLock)
        {
            _subscriptions[topicFilter] = qos;
        }

        if (Volatile.Read(ref _connection) is { } connection && IsConnected)
        {
            // Sent now; the next connect sends it again with the others.
            _ = SubscribeAsync(connection, [new KeyValuePair<string, MqttQos>(topicFilter, qos)]);
        }
    }

    /// <inheritdoc />
    public void Acknowledge(MqttMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Acknowledgement is not { } ack || !ack.TryClaim())
        {
            return;
        }

        if (ack.Connection != Volatile.Read(ref _generation) || !IsConnected)
        {
            // Its packet id belonged to a connection that is gone; the broker sends the message again.
            Interlocked.Increment(ref _staleAcknowledgements);
            return;
        }

        _acks.Writer.TryWrite(ack);
    }

    /// <inheritdoc />
    public MqttClientStatistics GetStatistics() => new(
        Interlocked.Read(ref _received),
        Interlocked.Read(ref _droppedChannelFull),
        _outgoing.Published,
        _outgoing.DroppedNotConnected,
        _outgoing.QueuedWhileDisconnected,
        _outgoing.Queued,
        Interlocked.Read(ref _reconnects),
        _outgoing.Refused,
        Interlocked.Read(ref _staleAcknowledgements),
        Interlocked.Read(ref _acknowledgementsSent));

    /// <summary>
    /// For simulators and tests: loses the network abruptly. The socket is closed without DISCONNECT, so
    /// the broker publishes the client's will; the client then reports the connection lost
    /// (<see cref="MqttConnectionEventKind.Disconnected"/>). With <paramref name="holdDown"/> it does not
    /// reconnect until <see cref="RestoreNetwork"/>, as a device out of Wi-Fi range would not; otherwise it
    /// reconnects as after any drop. QoS 1/2 messages published meanwhile are queued
    /// (<see cref="PublishStatus.QueuedWhileDisconnected"/>) and sent after the reconnect.
    /// </summary>
    /// <remarks>
    /// The socket is closed at once, so the broker notices at once. A real radio loss sends nothing: the
    /// broker then notices only after 1.5 × the keep-alive and publishes the will then.
    /// </remarks>
    /// <returns>True when a live connection was cut; false when there was none (already disconnected).</returns>
    public bool SimulateNetworkLoss(bool holdDown = true)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        _networkHeldDown = holdDown;
        var connection = Volatile.Read(ref _connection);
        if (connection is null || connection.Lost.IsCompleted)
        {
            return false;
        }

        // Disposing MQTTnet's client closes its socket without sending DISCONNECT.
        connection.Client.Dispose();
        connection.MarkLost("network lost (simulated)");
        return true;
    }

    /// <summary>Ends a <see cref="SimulateNetworkLoss"/> hold: the client reconnects at once.</summary>
    public void RestoreNetwork()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        if (!_networkHeldDown)
        {
            return;
        }

        _networkHeldDown = false;
        _networkRestored.Release();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _firstConnect.TrySetException(new ObjectDisposedException(nameof(MqttNetClient)));
        var connection = Volatile.Read(ref _connection);
        if (connection is not null && connection.Client.IsConnected)
        {
            try
            {
                // DISCONNECT first: the broker then discards the will.
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await connection.Client.DisconnectAsync(new MqttClientDisconnectOptions(), timeout.Token).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Best effort: the connection may already be gone.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.DisconnectFailed(_logger, _clientId, e.Message);
            }
        }

        await _disposeCts.CancelAsync().ConfigureAwait(false);
        connection?.MarkLost("disposed");
        if (_run is not null)
        {
            await _run.ConfigureAwait(false);
        }

        _acks.Writer.TryComplete();
        if (_ackWriter is not null)
        {
            await _ackWriter.ConfigureAwait(false);
        }

        await _outgoing.DisposeAsync().ConfigureAwait(false);
        _incoming.Writer.TryComplete();
        _disposeCts.Dispose();
        _networkRestored.Dispose();
    }

    // ---- the connection task ----

    private async Task RunAsync(CancellationToken firstConnectToken)
    {
        var stop = _disposeCts.Token;
        using var firstPhase = CancellationTokenSource.CreateLinkedTokenSource(stop, firstConnectToken);
        var delay = _options.ConnectRetryInitialDelay;
        var attempt = 0;
        var everConnected = false;
        while (!Stopping)
        {
            if (_networkHeldDown)
            {
                try
                {
                    await _networkRestored.WaitAsync(stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                continue;
            }

            attempt++;
            var outcome = await TryConnectAsync(everConnected ? stop : firstPhase.Token).ConfigureAwait(false);
            if (outcome.Connection is { } connection)
            {
                everConnected = true;
                attempt = 0;
                delay = _options.ConnectRetryInitialDelay;
                string reason;
                using (stop.Register(static c => ((MqttConnection)c!).MarkLost("disposed"), connection))
                {
                    reason = await connection.Lost.ConfigureAwait(false);
                }

                Volatile.Write(ref _connection, null);
                connection.Dispose();
                if (Stopping)
                {
                    break;
                }

                Log.ConnectionLost(_logger, _clientId, reason);
                RaiseConnectionChanged(new MqttConnectionEvent(MqttConnectionEventKind.Disconnected, 0, reason));
                if (_networkHeldDown)
                {
                    continue;
                }
            }
            else
            {
                if (Stopping)
                {
                    break;
                }

                if (!everConnected && firstConnectToken.IsCancellationRequested)
                {
                    _firstConnect.TrySetCanceled(firstConnectToken);
                    return;
                }

                var report = attempt <= 3 || attempt % 12 == 0;
                if (outcome.Kind == MqttConnectionEventKind.TlsError && (report || !everConnected))
                {
                    Log.TlsError(_logger, _clientId, outcome.Detail);
                }

                RaiseConnectionChanged(new MqttConnectionEvent(outcome.Kind, outcome.ReasonCode, outcome.Detail));
                if (outcome.Fatal && !everConnected)
                {
                    // At the first connect, a refused certificate or refused credentials are configuration
                    // errors: fail clearly instead of retrying forever. Later they are retried (the broker's
                    // certificate or password file may be being replaced), and logged.
                    Log.ConnectFailedFatal(_logger, _clientId, _options.Host, _options.Port, outcome.Detail);
                    _firstConnect.TrySetException(new MqttConnectException($"MQTT connect to {_options.Host}:{_options.Port} failed: {outcome.Detail}") { ReasonCode = outcome.ReasonCode });
                    return;
                }

                if (report)
                {
                    Log.ConnectAttemptFailed(_logger, _clientId, _options.Host, _options.Port, attempt, outcome.Detail, delay);
                }
            }

            try
            {
                await Task.Delay(delay, _time, everConnected ? stop : firstPhase.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                if (!everConnected && firstConnectToken.IsCancellationRequested && !stop.IsCancellationRequested)
                {
                    _firstConnect.TrySetCanceled(firstConnectToken);
                    return;
                }

                break;
            }

            if (outcome.Connection is null)
            {
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.ConnectRetryMaxDelay.Ticks));
            }
        }

        _firstConnect.TrySetException(new ObjectDisposedException(nameof(MqttNetClient)));
    }

    private bool Stopping => Volatile.Read(ref _disposed) == 1 || _disposeCts.IsCancellationRequested;

    private async Task<ConnectOutcome> TryConnectAsync(CancellationToken attemptToken)
    {
        var client = Factory.CreateMqttClient(_libraryLog);
        var generation = Volatile.Read(ref _generation) + 1;
        var connection = new MqttConnection(client, generation);
        client.ApplicationMessageReceivedAsync += e => OnMessageAsync(e, connection);
        client.DisconnectedAsync += e =>
        {
            connection.MarkLost(DescribeDisconnect(e));
            return Task.CompletedTask;
        };

        // Published before the CONNACK: messages of a persistent session may arrive (and be acknowledged)
        // before ConnectAsync returns, and their acknowledgements must count as current.
        Volatile.Write(ref _generation, generation);
        Volatile.Write(ref _connection, connection);
        try
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(attemptToken);
            attempt.CancelAfter(_options.ConnectTimeout);
            _connectionOptions.TakeCertificateProblem();
            var result = await client.ConnectAsync(_connectionOptions.Net, attempt.Token).ConfigureAwait(false);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                Volatile.Write(ref _connection, null);
                connection.Dispose();
                var code = (int)result.ResultCode;
                return ConnectOutcome.Failed(MqttConnectionEventKind.ConnectFailed, code, $"the broker refused the connection: {result.ResultCode} {result.ReasonString}".TrimEnd(), IsFatal(result.ResultCode));
            }
        }
#pragma warning disable CA1031 // Every connect failure becomes an outcome; none may end the connection task.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Volatile.Write(ref _connection, null);
            connection.Dispose();
            if (_connectionOptions.TakeCertificateProblem() is { } certificate)
            {
                return ConnectOutcome.Failed(MqttConnectionEventKind.TlsError, 0, certificate, fatal: true);
            }

            var tls = Find<AuthenticationException>(e);
            if (tls is not null)
            {
                return ConnectOutcome.Failed(MqttConnectionEventKind.TlsError, 0, $"TLS handshake failed: {Describe(tls)}", fatal: false);
            }

            var timedOut = e is OperationCanceledException && !attemptToken.IsCancellationRequested;
            return ConnectOutcome.Failed(MqttConnectionEventKind.ConnectFailed, 0, timedOut ? $"no CONNACK within {_options.ConnectTimeout}" : Describe(e), fatal: false);
        }

        KeyValuePair<string, MqttQos>[] subscriptions;
        lock (_subscriptionsLock)
        {
            subscriptions = [.. _subscriptions];
        }

        // Subscribing on every connect brings the subscriptions back after a reconnect (a clean session
        // has none; a persistent one keeps them, and subscribing again is harmless).
        await SubscribeAsync(connection, subscriptions).ConfigureAwait(false);
        if (generation > 1)
        {
            Interlocked.Increment(ref _reconnects);
        }

        Log.Connected(_logger, _clientId, _options.Host, _options.Port, subscriptions.Length);
        RaiseConnectionChanged(new MqttConnectionEvent(MqttConnectionEventKind.Connected, 0, "connected"));
        _firstConnect.TrySetResult();
        _outgoing.Wake();
        return ConnectOutcome.Connected(connection);
    }

    private async Task SubscribeAsync(MqttConnection connection, IReadOnlyList<KeyValuePair<string, MqttQos>> subscriptions)
    {
        if (subscriptions.Count == 0)
        {
            return;
        }

        var request = new MqttClientSubscribeOptions();
        foreach (var (filter, qos) in subscriptions)
        {
            request.TopicFilters.Add(new MQTTnet.Packets.MqttTopicFilter { Topic = filter, QualityOfServiceLevel = (MQTTnet.Protocol.MqttQualityOfServiceLevel)qos });
        }

        try
        {
            var result = await connection.Client.SubscribeAsync(request, connection.Lifetime).ConfigureAwait(false);
            foreach (var item in result.Items)
            {
                if ((int)item.ResultCode >= 0x80)
                {
                    Log.SubscriptionRefused(_logger, _clientId, item.TopicFilter.Topic, item.ResultCode.ToString());
                }
            }
        }
        catch (Exception e) when (e is MqttCommunicationException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection dropped meanwhile; the next connect subscribes again.
            Log.ResubscribeFailed(_logger, _clientId, string.Join(", ", subscriptions.Select(s => s.Key)), e.Message);
        }
    }

    // ---- receiving ----

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e, MqttConnection connection)
    {
        var m = e.ApplicationMessage;
        var qos = (MqttQos)m.QualityOfServiceLevel;
        MqttAcknowledgement? ack = null;
        if (_options.ManualAcknowledgement && qos != MqttQos.AtMostOnce)
        {
            e.AutoAcknowledge = false;
            ack = new MqttAcknowledgement(e, connection.Generation);
        }

        // MQTTnet gives every payload its own array, so no copy is needed.
        var payload = m.Payload.IsSingleSegment ? m.Payload.First : System.Buffers.BuffersExtensions.ToArray(m.Payload);
        var item = new MqttMessage(m.Topic, payload, qos, m.Retain) { Duplicate = m.Dup, Acknowledgement = ack };
        Interlocked.Increment(ref _received);
        if (_incoming.Writer.TryWrite(item))
        {
            return Task.CompletedTask;
        }

        return ack is not null ? WaitForRoomAsync(item) : WriteWithinOrDropAsync(item);
    }

    // Manual acknowledgement: never drop. The broker's receive window bounds what can wait here.
    private async Task WaitForRoomAsync(MqttMessage item)
    {
        try
        {
            await _incoming.Writer.WriteAsync(item, _disposeCts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
        }
    }

    private async Task WriteWithinOrDropAsync(MqttMessage item)
    {
        if (_options.IncomingFullWait > TimeSpan.Zero)
        {
            // Not acknowledged while waiting: the broker's in-flight window pushes back meanwhile.
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(_disposeCts.Token);
            wait.CancelAfter(_options.IncomingFullWait);
            try
            {
                await _incoming.Writer.WriteAsync(item, wait.Token).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
            {
            }
        }

        var dropped = Interlocked.Increment(ref _droppedChannelFull);
        if (dropped == 1 || dropped % 1000 == 0)
        {
            Log.IncomingChannelFull(_logger, _clientId, _options.IncomingChannelCapacity, dropped);
        }
    }

    private async Task WriteAcknowledgementsAsync()
    {
        await foreach (var ack in _acks.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            var connection = Volatile.Read(ref _connection);
            if (connection is null || connection.Generation != ack.Connection)
            {
                Interlocked.Increment(ref _staleAcknowledgements);
                continue;
            }

            try
            {
                await ack.Delivery.AcknowledgeAsync(connection.Lifetime).ConfigureAwait(false);
                Interlocked.Increment(ref _acknowledgementsSent);
            }
#pragma warning disable CA1031 // The connection went; the broker re-sends what was not acknowledged.
            catch (Exception)
#pragma warning restore CA1031
            {
                Interlocked.Increment(ref _staleAcknowledgements);
            }
        }
    }

    // ---- events ----

    private void RaisePublishAcknowledged(int id, MqttQos qos)
    {
        var handlers = PublishAcknowledged;
        if (handlers is null)
        {
            return;
        }

        var e = new MqttPublishAcknowledged(id, qos);
        foreach (var handler in handlers.GetInvocationList().Cast<EventHandler<MqttPublishAcknowledged>>())
        {
            try
            {
                handler(this, e);
            }
#pragma warning disable CA1031 // A subscriber's exception must not stop the client.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.AckHandlerFailed(_logger, _clientId, id, ex);
            }
        }
    }

    private void RaiseConnectionChanged(MqttConnectionEvent e)
    {
        var handlers = ConnectionChanged;
        if (handlers is null)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<EventHandler<MqttConnectionEvent>>())
        {
            try
            {
                handler(this, e);
            }
#pragma warning disable CA1031 // A subscriber's exception must not stop the connection task.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.HandlerFailed(_logger, _clientId, ex);
            }
        }
    }

    // ---- helpers ----

    private static bool IsFatal(MqttClientConnectResultCode code) => code is
        MqttClientConnectResultCode.BadUserNameOrPassword or
        MqttClientConnectResultCode.NotAuthorized or
        MqttClientConnectResultCode.ClientIdentifierNotValid or
        MqttClientConnectResultCode.UnsupportedProtocolVersion or
        MqttClientConnectResultCode.Banned or
        MqttClientConnectResultCode.BadAuthenticationMethod;

    private static string DescribeDisconnect(MqttClientDisconnectedEventArgs e)
    {
        if (e.Exception is { } ex)
        {
            return Describe(ex);
        }

        return e.Reason == MqttClientDisconnectReason.NormalDisconnection ? "the connection closed" : $"the broker disconnected: {e.Reason} {e.ReasonString}".TrimEnd();
    }

    private static string Describe(Exception e)
    {
        if (Find<SocketException>(e) is { } socket)
        {
            return $"{socket.Message} ({socket.SocketErrorCode})";
        }

        var inner = e;
        while (inner.InnerException is not null && inner is MqttCommunicationException)
        {
            inner = inner.InnerException;
        }

        return inner.Message;
    }

    private static T? Find<T>(Exception e)
        where T : Exception
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is T found)
            {
                return found;
            }

            if (x is AggregateException { InnerExceptions.Count: > 0 } aggregate)
            {
                return aggregate.InnerExceptions.Select(Find<T>).FirstOrDefault(f => f is not null);
            }
        }

        return null;
    }

    private readonly record struct ConnectOutcome(MqttConnection? Connection, MqttConnectionEventKind Kind, int ReasonCode, string Detail, bool Fatal)
    {
        public static ConnectOutcome Connected(MqttConnection connection) => new(connection, MqttConnectionEventKind.Connected, 0, "connected", false);

        public static ConnectOutcome Failed(MqttConnectionEventKind kind, int code, string detail, bool fatal) => new(null, kind, code, detail, fatal);
    }

    /// <summary>Event ids 1100–1199 belong to Edge.Mqtt; keep them stable, operators alert on them.</summary>
    private static partial class Log
    {
        [LoggerMessage(EventIds.MqttConnected, LogLevel.Information, "MQTT client {ClientId} connected to {Host}:{Port}; {Subscriptions} subscription(s) sent")]
        public static partial void Connected(ILogger logger, string clientId, string host, int port, int subscriptions);

        [LoggerMessage(EventIds.MqttConnectRetrying, LogLevel.Warning, "MQTT client {ClientId} could not connect to {Host}:{Port} (attempt {Attempt}): {Detail}; retrying in {Delay}")]
        public static partial void ConnectAttemptFailed(ILogger logger, string clientId, string host, int port, int attempt, string detail, TimeSpan delay);

        [LoggerMessage(EventIds.MqttConnectRefused, LogLevel.Error, "MQTT client {ClientId} cannot connect to {Host}:{Port}: {Detail}")]
        public static partial void ConnectFailedFatal(ILogger logger, string clientId, string host, int port, string detail);

        [LoggerMessage(EventIds.MqttConnectionLost, LogLevel.Warning, "MQTT client {ClientId} lost its connection: {Reason}; reconnecting")]
        public static partial void ConnectionLost(ILogger logger, string clientId, string reason);

        [LoggerMessage(EventIds.MqttTlsError, LogLevel.Error, "MQTT client {ClientId} TLS error: {Detail}")]
        public static partial void TlsError(ILogger logger, string clientId, string detail);

        [LoggerMessage(EventIds.MqttIncomingFull, LogLevel.Warning, "MQTT client {ClientId} incoming channel (capacity {Capacity}) is full: {Dropped} message(s) dropped so far")]
        public static partial void IncomingChannelFull(ILogger logger, string clientId, int capacity, long dropped);

        [LoggerMessage(EventIds.MqttSubscribeFailed, LogLevel.Warning, "MQTT client {ClientId} could not subscribe to {Filters}: {Detail}; the next connect subscribes again")]
        public static partial void ResubscribeFailed(ILogger logger, string clientId, string filters, string detail);

        [LoggerMessage(EventIds.MqttSubscriptionRefused, LogLevel.Error, "MQTT broker refused the subscription of client {ClientId} to {Filter}: {Code}")]
        public static partial void SubscriptionRefused(ILogger logger, string clientId, string filter, string code);

        [LoggerMessage(EventIds.MqttConnectionHandlerFailed, LogLevel.Error, "MQTT client {ClientId}: a ConnectionChanged handler threw")]
        public static partial void HandlerFailed(ILogger logger, string clientId, Exception ex);

        [LoggerMessage(EventIds.MqttDisconnectNotSent, LogLevel.Debug, "MQTT client {ClientId}: DISCONNECT could not be sent: {Detail}")]
        public static partial void DisconnectFailed(ILogger logger, string clientId, string detail);

        [LoggerMessage(EventIds.MqttAcknowledgedHandlerFailed, LogLevel.Error, "MQTT client {ClientId}: a PublishAcknowledged handler threw (mid {Mid})")]
        public static partial void AckHandlerFailed(ILogger logger, string clientId, int mid, Exception ex);
    }
}
