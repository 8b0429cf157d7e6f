using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Edge.Mqtt.Native;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Edge.Mqtt;

/// <summary>
/// <see cref="IMqttClient"/> over libmosquitto. By default each client has its own network thread
/// (<c>mosquitto_loop_start</c>); pass a <see cref="MosquittoEventLoop"/> to drive many clients from one thread.
/// Callbacks are <see cref="UnmanagedCallersOnlyAttribute"/> statics that find this instance through a
/// <see cref="GCHandle"/> passed to the library as its <c>obj</c> pointer. See README.md for the pitfalls
/// this class handles.
/// </summary>
public sealed partial class MosquittoMqttClient : IMqttClient
{
    private const byte AckedBeforeRecorded = 255;

    private readonly MqttClientOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly Channel<MqttMessage> _incoming;
    private readonly SemaphoreSlim _outgoingSlots;
    private readonly CancellationTokenSource _disposeCts = new();
    private readonly TaskCompletionSource _firstConnack = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // mid -> QoS of a publish handed to the library and not yet confirmed by on_publish. Needed only so
    // QoS 0 messages the library silently discards on a disconnect give their slot back.
    private readonly ConcurrentDictionary<int, byte> _pending = new();
    private readonly Lock _subscriptionsLock = new();
    private readonly Dictionary<string, MqttQos> _subscriptions = new(StringComparer.Ordinal);
    private readonly string _clientId;

    private GCHandle _self;
    private nint _mosq;
    private int _connected;
    private int _connectStarted;
    private int _loopStarted;
    private int _disposed;
    private int _everConnected;
    private string? _lastTlsError;
    private readonly MosquittoEventLoop? _eventLoop;
    private long _nextReconnectTimestamp;
    private volatile bool _networkHeldDown;
    private TimeSpan _reconnectDelay;

    private long _received;
    private long _droppedChannelFull;
    private long _published;
    private long _droppedNotConnected;
    private long _queuedWhileDisconnected;
    private int _outgoingQueued;
    private long _reconnects;

    /// <summary>Creates the client. Nothing connects until <see cref="ConnectAsync"/>.</summary>
    /// <exception cref="OptionsValidationException">The options are invalid (all problems are listed).</exception>
    /// <exception cref="MqttNativeLibraryException">libmosquitto is missing or too old.</exception>
    /// <param name="options">Connection options.</param>
    /// <param name="logger">Logger, or null.</param>
    /// <param name="timeProvider">Clock for connect retry delays; system clock when null.</param>
    /// <param name="eventLoop">
    /// A shared loop thread to drive this client, or null for a network thread of its own. More than about
    /// 300 clients in one process need a shared loop (libmosquitto's own loop uses select()).
    /// </param>
    public MosquittoMqttClient(MqttClientOptions options, ILogger<MosquittoMqttClient>? logger = null, TimeProvider? timeProvider = null, MosquittoEventLoop? eventLoop = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validation = new MqttClientOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(MqttClientOptions.SectionName, typeof(MqttClientOptions), validation.Failures);
        }

        _options = options;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _clientId = options.ClientId is { Length: > 0 } id ? id : $"edge-{Guid.NewGuid():N}"[..23];
        _incoming = Channel.CreateBounded<MqttMessage>(new BoundedChannelOptions(options.IncomingChannelCapacity)
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait, // writes use TryWrite: full means "count and drop", never block forever
        });
        _outgoingSlots = new SemaphoreSlim(options.OutgoingQueueCapacity);
        _eventLoop = eventLoop;
        _reconnectDelay = options.ConnectRetryInitialDelay;

        MosquittoLibrary.EnsureInitialized();
        _self = GCHandle.Alloc(this, GCHandleType.Normal);
        try
        {
            Configure();
        }
        catch
        {
            if (_mosq != 0)
            {
                MosquittoNative.Destroy(_mosq);
                _mosq = 0;
            }

            _self.Free();
            throw;
        }
    }

    /// <inheritdoc />
    public ChannelReader<MqttMessage> Messages => _incoming.Reader;

    /// <inheritdoc />
    public bool IsConnected => Volatile.Read(ref _connected) == 1;

    /// <summary>The client id sent to the broker.</summary>
    public string ClientId => _clientId;

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

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _disposeCts.Token);
        var token = linked.Token;
        var delay = _options.ConnectRetryInitialDelay;
        var keepAlive = (int)_options.KeepAlive.TotalSeconds;
        var attempt = 0;

        // libmosquitto never connects if the broker is down at the first connect, so the first connect
        // is retried here; after it succeeds, the library's loop reconnects by itself.
        while (true)
        {
            token.ThrowIfCancellationRequested();
            attempt++;
            // errno is per thread: read it on the thread that made the call, not after the await.
            var (rc, errno) = await Task.Run(
                () => (MosquittoNative.Connect(_mosq, _options.Host, _options.Port, keepAlive), Marshal.GetLastPInvokeError()), token).ConfigureAwait(false);
            if (rc == MosquittoNative.ErrSuccess)
            {
                break;
            }

            var detail = DescribeConnectError(rc, errno);
            if (rc is MosquittoNative.ErrTls or MosquittoNative.ErrTlsHandshake or MosquittoNative.ErrInval or MosquittoNative.ErrAuth)
            {
                Log.ConnectFailedFatal(_logger, _clientId, _options.Host, _options.Port, detail);
                RaiseConnectionChanged(new MqttConnectionEvent(MqttConnectionEventKind.ConnectFailed, rc, detail));
                throw new MqttConnectException($"MQTT connect to {_options.Host}:{_options.Port} failed: {detail}") { ReasonCode = rc };
            }

            Log.ConnectAttemptFailed(_logger, _clientId, _options.Host, _options.Port, attempt, detail, delay);
            RaiseConnectionChanged(new MqttConnectionEvent(MqttConnectionEventKind.ConnectFailed, rc, detail));
            await Task.Delay(delay, _timeProvider, token).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.ConnectRetryMaxDelay.Ticks));
        }

        if (_eventLoop is not null)
        {
            _eventLoop.Add(this);
        }
        else
        {
            // libmosquitto's own loop uses select(): a descriptor >= FD_SETSIZE makes it quit at once,
            // and CONNACK would never be read. Fail clearly instead of hanging.
            var fd = MosquittoNative.Socket(_mosq);
            if (fd >= 1024)
            {
                throw new MqttException(
                    $"Socket descriptor {fd} is at or above FD_SETSIZE (1024): libmosquitto's own network thread cannot use it. " +
                    "Drive this many clients with a shared MosquittoEventLoop.");
            }

            var loopRc = MosquittoNative.LoopStart(_mosq);
            if (loopRc != MosquittoNative.ErrSuccess)
            {
                throw new MqttException($"mosquitto_loop_start failed: {MosquittoNative.ErrorText(loopRc)}") { ReasonCode = loopRc };
            }
        }

        Volatile.Write(ref _loopStarted, 1);

        // CONNACK (or a refusal, or a TLS error from the log callback) completes this.
        await _firstConnack.Task.WaitAsync(token).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<PublishResult> PublishAsync(string topic, ReadOnlyMemory<byte> payload, MqttQos qos, bool retain, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        if (!Enum.IsDefined(qos))
        {
            throw new ArgumentOutOfRangeException(nameof(qos), qos, "QoS must be 0, 1 or 2.");
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        if (!_outgoingSlots.Wait(0))
        {
            // The bounded outgoing queue is full: wait for acknowledgements (or cancellation).
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _disposeCts.Token);
            await _outgoingSlots.WaitAsync(linked.Token).ConfigureAwait(false);
        }

        Interlocked.Increment(ref _outgoingQueued);
        int rc, mid;
        try
        {
            rc = PublishCore(topic, payload.Span, qos, retain, out mid);
        }
        catch
        {
            ReleaseSlot();
            throw;
        }

        switch (rc)
        {
            case MosquittoNative.ErrSuccess:
                Record(mid, (byte)qos);
                _eventLoop?.Wake();
                return new PublishResult(mid, PublishStatus.Accepted);

            case MosquittoNative.ErrNoConn when qos != MqttQos.AtMostOnce:
                // Queued by the library and sent after reconnect. Retrying here would create a duplicate.
                Record(mid, (byte)qos);
                Interlocked.Increment(ref _queuedWhileDisconnected);
                return new PublishResult(mid, PublishStatus.QueuedWhileDisconnected);

            case MosquittoNative.ErrNoConn:
                ReleaseSlot();
                var dropped = Interlocked.Increment(ref _droppedNotConnected);
                if (dropped == 1 || dropped % 1000 == 0)
                {
                    Log.Qos0DroppedNotConnected(_logger, _clientId, dropped);
                }

                return new PublishResult(0, PublishStatus.DroppedNotConnected);

            default:
                ReleaseSlot();
                throw new MqttException($"mosquitto_publish to '{topic}' failed: {MosquittoNative.ErrorText(rc)} ({rc}).") { ReasonCode = rc };
        }
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

        if (IsConnected)
        {
            var rc = MosquittoNative.Subscribe(_mosq, out _, topicFilter, (int)qos);
            if (rc is not (MosquittoNative.ErrSuccess or MosquittoNative.ErrNoConn))
            {
                throw new MqttException($"mosquitto_subscribe to '{topicFilter}' failed: {MosquittoNative.ErrorText(rc)} ({rc}).") { ReasonCode = rc };
            }

            // NO_CONN: the next on-connect sends it.
            _eventLoop?.Wake();
        }
    }

    /// <inheritdoc />
    public MqttClientStatistics GetStatistics() => new(
        Interlocked.Read(ref _received),
        Interlocked.Read(ref _droppedChannelFull),
        Interlocked.Read(ref _published),
        Interlocked.Read(ref _droppedNotConnected),
        Interlocked.Read(ref _queuedWhileDisconnected),
        Volatile.Read(ref _outgoingQueued),
        Interlocked.Read(ref _reconnects));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _disposeCts.CancelAsync().ConfigureAwait(false);
        _firstConnack.TrySetException(new ObjectDisposedException(nameof(MosquittoMqttClient)));

        var canDestroy = true;
        _ = MosquittoNative.Disconnect(_mosq); // sends DISCONNECT when connected (no will) and stops reconnects
        if (_eventLoop is not null)
        {
            if (Volatile.Read(ref _loopStarted) == 1)
            {
                await _eventLoop.RemoveAsync(this).ConfigureAwait(false);
            }
        }
        else if (Volatile.Read(ref _loopStarted) == 1)
        {
            var stop = Task.Run(() => MosquittoNative.LoopStop(_mosq, false));
            try
            {
                await stop.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Destroying the handle under a running network thread would crash the process. Leak it.
                canDestroy = false;
                Log.LoopStopTimedOut(_logger, _clientId);
            }
        }

        if (canDestroy)
        {
            MosquittoNative.Destroy(_mosq);
            _mosq = 0;
            _self.Free();
        }

        Volatile.Write(ref _connected, 0);
        _incoming.Writer.TryComplete();
        _disposeCts.Dispose();
    }

    /// <summary>True while <see cref="SimulateNetworkLoss"/> holds the client off the network.</summary>
    public bool NetworkHeldDown => _networkHeldDown;

    /// <summary>
    /// For simulators and tests: loses the network abruptly. Shuts the TCP socket down under the library
    /// without sending DISCONNECT, so the broker publishes the client's will; the client then sees the
    /// connection drop (<see cref="MqttConnectionEventKind.Disconnected"/>). With <paramref name="holdDown"/>
    /// it does not reconnect until <see cref="RestoreNetwork"/>, as a device out of Wi-Fi range would not;
    /// otherwise it reconnects as after any drop. QoS 1/2 messages published meanwhile are queued by the
    /// library (<see cref="PublishStatus.QueuedWhileDisconnected"/>) and sent after the reconnect.
    /// </summary>
    /// <remarks>
    /// The socket is closed cleanly (FIN), so the broker notices at once. A real radio loss sends nothing:
    /// the broker then notices only after 1.5 × the keep-alive and publishes the will then.
    /// </remarks>
    /// <param name="holdDown">Keep the client from reconnecting until <see cref="RestoreNetwork"/>.</param>
    /// <returns>True when a connected socket was cut; false when there was none (already disconnected).</returns>
    /// <exception cref="InvalidOperationException"><paramref name="holdDown"/> on a client with its own network thread (libmosquitto reconnects that one by itself): use a <see cref="MosquittoEventLoop"/>.</exception>
    public bool SimulateNetworkLoss(bool holdDown = true)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        if (holdDown && _eventLoop is null)
        {
            throw new InvalidOperationException("Only a client driven by a MosquittoEventLoop can be held off the network; libmosquitto's own thread reconnects by itself.");
        }

        _networkHeldDown = holdDown;
        var fd = MosquittoNative.Socket(_mosq);
        var cut = fd >= 0 && MosquittoNative.ShutdownSocket(fd, 2 /* SHUT_RDWR */) == 0;
        _eventLoop?.Wake();
        return cut;
    }

    /// <summary>Ends a <see cref="SimulateNetworkLoss"/> hold: the client reconnects at the loop's next tick.</summary>
    public void RestoreNetwork()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        if (!_networkHeldDown)
        {
            return;
        }

        Interlocked.Exchange(ref _nextReconnectTimestamp, 0);
        _networkHeldDown = false;
        _eventLoop?.Wake();
    }

    /// <summary>The libmosquitto handle, for <see cref="MosquittoEventLoop"/>.</summary>
    internal nint Handle => _mosq;

    /// <summary>Called by <see cref="MosquittoEventLoop"/> on its thread: reconnects with backoff while the socket is closed.</summary>
    internal void ReconnectIfDue()
    {
        if (Volatile.Read(ref _disposed) == 1 || _networkHeldDown || MosquittoNative.Socket(_mosq) >= 0)
        {
            return;
        }

        var now = _timeProvider.GetTimestamp();
        if (now < Interlocked.Read(ref _nextReconnectTimestamp))
        {
            return;
        }

        var rc = MosquittoNative.ReconnectAsync(_mosq);
        var errno = Marshal.GetLastPInvokeError();
        _nextReconnectTimestamp = now + (long)(_reconnectDelay.TotalSeconds * _timeProvider.TimestampFrequency);
        if (rc != MosquittoNative.ErrSuccess)
        {
            var detail = DescribeConnectError(rc, errno);
            Log.ConnectAttemptFailed(_logger, _clientId, _options.Host, _options.Port, 0, detail, _reconnectDelay);
            RaiseConnectionChanged(new MqttConnectionEvent(MqttConnectionEventKind.ConnectFailed, rc, detail));
        }

        _reconnectDelay = TimeSpan.FromTicks(Math.Min(_reconnectDelay.Ticks * 2, _options.ConnectRetryMaxDelay.Ticks));
    }

    private unsafe void Configure()
    {
        _mosq = MosquittoNative.New(_clientId, _options.CleanSession, GCHandle.ToIntPtr(_self));
        if (_mosq == 0)
        {
            throw new MqttException("mosquitto_new failed (out of memory or invalid client id).");
        }

        Check(MosquittoNative.MaxInflightMessagesSet(_mosq, (uint)_options.MaxInflightMessages), "mosquitto_max_inflight_messages_set");
        var minDelay = (uint)Math.Max(1, Math.Ceiling(_options.ConnectRetryInitialDelay.TotalSeconds));
        var maxDelay = (uint)Math.Max(minDelay, Math.Ceiling(_options.ConnectRetryMaxDelay.TotalSeconds));
        Check(MosquittoNative.ReconnectDelaySet(_mosq, minDelay, maxDelay, true), "mosquitto_reconnect_delay_set");
        Check(MosquittoNative.IntOption(_mosq, MosquittoNative.OptTcpNoDelay, 1), "mosquitto_int_option(TCP_NODELAY)");
        if (_eventLoop is not null)
        {
            // Our thread drives the loop: publishes from other threads only queue, the loop writes.
            Check(MosquittoNative.ThreadedSet(_mosq, true), "mosquitto_threaded_set");
        }

        if (_options.Username is not null)
        {
            Check(MosquittoNative.UsernamePasswordSet(_mosq, _options.Username, _options.Password), "mosquitto_username_pw_set");
        }

        if (_options.Tls is { } tls)
        {
            // No password callback (keys must be unencrypted) and never mosquitto_tls_insecure_set(true).
            Check(
                MosquittoNative.TlsSet(_mosq, tls.CaFile, null, string.IsNullOrEmpty(tls.CertFile) ? null : tls.CertFile, string.IsNullOrEmpty(tls.KeyFile) ? null : tls.KeyFile, 0),
                "mosquitto_tls_set");
        }

        if (_options.Will is { } will)
        {
            fixed (byte* p = will.Payload)
            {
                Check(MosquittoNative.WillSet(_mosq, will.Topic, will.Payload.Length, p, (int)will.Qos, will.Retain), "mosquitto_will_set");
            }
        }

        MosquittoNative.ConnectCallbackSet(_mosq, &OnConnect);
        MosquittoNative.DisconnectCallbackSet(_mosq, &OnDisconnect);
        MosquittoNative.PublishCallbackSet(_mosq, &OnPublish);
        MosquittoNative.MessageCallbackSet(_mosq, &OnMessage);
        MosquittoNative.SubscribeCallbackSet(_mosq, &OnSubscribe);
        MosquittoNative.LogCallbackSet(_mosq, &OnLog);
    }

    private static void Check(int rc, string call)
    {
        if (rc != MosquittoNative.ErrSuccess)
        {
            throw new MqttException($"{call} failed: {MosquittoNative.ErrorText(rc)} ({rc}).") { ReasonCode = rc };
        }
    }

    private unsafe int PublishCore(string topic, ReadOnlySpan<byte> payload, MqttQos qos, bool retain, out int mid)
    {
        fixed (byte* p = payload)
        {
            return MosquittoNative.Publish(_mosq, out mid, topic, payload.Length, p, (int)qos, retain);
        }
    }

    private string DescribeConnectError(int rc, int errno)
    {
        var text = rc == MosquittoNative.ErrErrno
            ? $"{MosquittoNative.ErrorText(rc)}: {Marshal.GetPInvokeErrorMessage(errno)}"
            : MosquittoNative.ErrorText(rc);
        var tls = Volatile.Read(ref _lastTlsError);
        return tls is null ? $"{text} ({rc})" : $"{text} ({rc}); TLS: {tls}";
    }

    // Slot accounting: every publish handed to the library holds one slot until on_publish for its mid.
    // on_publish may run on the network thread before mosquitto_publish has even returned the mid here,
    // so whichever side comes second removes the entry.
    private void Record(int mid, byte qos)
    {
        while (true)
        {
            if (_pending.TryAdd(mid, qos))
            {
                return;
            }

            if (_pending.TryRemove(new KeyValuePair<int, byte>(mid, AckedBeforeRecorded)))
            {
                // on_publish already came and released the slot, before its QoS was known here.
                RaisePublishAcknowledged(mid, qos);
                return;
            }
        }
    }

    private void Acknowledge(int mid)
    {
        var qos = AckedBeforeRecorded;
        while (true)
        {
            if (_pending.TryRemove(mid, out var recorded))
            {
                qos = recorded;
                break;
            }

            if (_pending.TryAdd(mid, AckedBeforeRecorded))
            {
                break; // Record raises the event once it knows the QoS
            }
        }

        Interlocked.Increment(ref _published);
        ReleaseSlot();
        if (qos != AckedBeforeRecorded)
        {
            RaisePublishAcknowledged(mid, qos);
        }
    }

    // libmosquitto calls on_publish for QoS 0 once the packet is written: that is no acknowledgement.
    private void RaisePublishAcknowledged(int mid, byte qos)
    {
        var handlers = PublishAcknowledged;
        if (handlers is null || qos == (byte)MqttQos.AtMostOnce)
        {
            return;
        }

        var e = new MqttPublishAcknowledged(mid, (MqttQos)qos);
        foreach (var handler in handlers.GetInvocationList().Cast<EventHandler<MqttPublishAcknowledged>>())
        {
            try
            {
                handler(this, e);
            }
#pragma warning disable CA1031 // A subscriber's exception must not reach the library's network thread.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.AckHandlerFailed(_logger, _clientId, mid, ex);
            }
        }
    }

    private void ReleaseSlot()
    {
        Interlocked.Decrement(ref _outgoingQueued);
        _outgoingSlots.Release();
    }

    // libmosquitto frees queued QoS 0 packets on a disconnect without calling on_publish: give their
    // slots back and count them as lost. QoS 1/2 stay queued in the library and are re-sent.
    private void ReleaseLostQos0()
    {
        foreach (var entry in _pending)
        {
            if (entry.Value == (byte)MqttQos.AtMostOnce && _pending.TryRemove(new KeyValuePair<int, byte>(entry.Key, entry.Value)))
            {
                Interlocked.Increment(ref _droppedNotConnected);
                ReleaseSlot();
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
#pragma warning disable CA1031 // A subscriber's exception must not reach the library's network thread.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.HandlerFailed(_logger, _clientId, ex);
            }
        }
    }

    private static MosquittoMqttClient? FromObj(nint obj)
    {
        if (obj == 0)
        {
            return null;
        }

        return GCHandle.FromIntPtr(obj).Target as MosquittoMqttClient;
    }

    // ---- callbacks: run on the library's network thread; nothing may escape them ----

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnConnect(nint mosq, nint obj, int rc)
    {
        try
        {
            FromObj(obj)?.HandleConnect(rc);
        }
#pragma warning disable CA1031 // An exception escaping a native callback kills the process.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            FromObjSafe(obj)?.CallbackFailed(nameof(OnConnect), ex);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnDisconnect(nint mosq, nint obj, int rc)
    {
        try
        {
            FromObj(obj)?.HandleDisconnect(rc);
        }
#pragma warning disable CA1031
        catch (Exception ex)
#pragma warning restore CA1031
        {
            FromObjSafe(obj)?.CallbackFailed(nameof(OnDisconnect), ex);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnPublish(nint mosq, nint obj, int mid)
    {
        try
        {
            FromObj(obj)?.Acknowledge(mid);
        }
#pragma warning disable CA1031
        catch (Exception ex)
#pragma warning restore CA1031
        {
            FromObjSafe(obj)?.CallbackFailed(nameof(OnPublish), ex);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void OnMessage(nint mosq, nint obj, MosquittoNative.Message* message)
    {
        try
        {
            FromObj(obj)?.HandleMessage(message);
        }
#pragma warning disable CA1031
        catch (Exception ex)
#pragma warning restore CA1031
        {
            FromObjSafe(obj)?.CallbackFailed(nameof(OnMessage), ex);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void OnSubscribe(nint mosq, nint obj, int mid, int qosCount, int* grantedQos)
    {
        try
        {
            var client = FromObj(obj);
            for (var i = 0; client is not null && i < qosCount; i++)
            {
                if (grantedQos[i] == 0x80)
                {
                    Log.SubscriptionRefused(client._logger, client._clientId, mid);
                }
            }
        }
#pragma warning disable CA1031
        catch (Exception ex)
#pragma warning restore CA1031
        {
            FromObjSafe(obj)?.CallbackFailed(nameof(OnSubscribe), ex);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnLog(nint mosq, nint obj, int level, nint text)
    {
        try
        {
            FromObj(obj)?.HandleLog(level, text);
        }
#pragma warning disable CA1031
        catch (Exception ex)
#pragma warning restore CA1031
        {
            FromObjSafe(obj)?.CallbackFailed(nameof(OnLog), ex);
        }
    }

    private static MosquittoMqttClient? FromObjSafe(nint obj)
    {
        try
        {
            return FromObj(obj);
        }
#pragma warning disable CA1031
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    private void CallbackFailed(string callback, Exception ex)
    {
        try
        {
            Log.CallbackFailed(_logger, _clientId, callback, ex);
        }
#pragma warning disable CA1031 // Even the logger must not throw into native code.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private void HandleConnect(int rc)
    {
        if (rc != 0)
        {
            var text = MosquittoNative.ConnackText(rc);
            Log.ConnectRefused(_logger, _clientId, rc, text);
            RaiseConnectionChanged(new MqttConnectionEvent(MqttConnectionEventKind.ConnectFailed, rc, text));
            _firstConnack.TrySetException(new MqttConnectException($"The broker at {_options.Host}:{_options.Port} refused the connection: {text}") { ReasonCode = rc });
            return;
        }

        Volatile.Write(ref _lastTlsError, null);
        _reconnectDelay = _options.ConnectRetryInitialDelay;
        ReleaseLostQos0();
        KeyValuePair<string, MqttQos>[] subscriptions;
        lock (_subscriptionsLock)
        {
            subscriptions = [.. _subscriptions];
        }

        // Subscribing here, on every connect, brings subscriptions back after a reconnect.
        foreach (var (filter, qos) in subscriptions)
        {
            var subRc = MosquittoNative.Subscribe(_mosq, out _, filter, (int)qos);
            if (subRc != MosquittoNative.ErrSuccess)
            {
                Log.ResubscribeFailed(_logger, _clientId, filter, MosquittoNative.ErrorText(subRc));
            }
        }

        Volatile.Write(ref _connected, 1);
        if (Interlocked.Exchange(ref _everConnected, 1) == 1)
        {
            Interlocked.Increment(ref _reconnects);
        }

        Log.Connected(_logger, _clientId, _options.Host, _options.Port, subscriptions.Length);
        RaiseConnectionChanged(new MqttConnectionEvent(MqttConnectionEventKind.Connected, 0, "connected"));
        _firstConnack.TrySetResult();
    }

    private void HandleDisconnect(int rc)
    {
        Volatile.Write(ref _connected, 0);
        ReleaseLostQos0();
        var text = rc == 0 ? "disconnected by the client" : MosquittoNative.ErrorText(rc);
        if (rc != 0)
        {
            Log.ConnectionLost(_logger, _clientId, rc, text);
        }

        RaiseConnectionChanged(new MqttConnectionEvent(MqttConnectionEventKind.Disconnected, rc, text));
        if (_eventLoop is not null)
        {
            // The shared loop reconnects after the current backoff delay (libmosquitto's own thread would too).
            _nextReconnectTimestamp = _timeProvider.GetTimestamp() + (long)(_reconnectDelay.TotalSeconds * _timeProvider.TimestampFrequency);
        }
    }

    private unsafe void HandleMessage(MosquittoNative.Message* message)
    {
        // Topic and payload belong to the library and are valid only during this callback: copy them.
        var topic = Marshal.PtrToStringUTF8(message->Topic) ?? "";
        var payload = message->PayloadLength > 0
            ? new ReadOnlySpan<byte>((void*)message->Payload, message->PayloadLength).ToArray()
            : [];
        var item = new MqttMessage(topic, payload, (MqttQos)message->Qos, message->Retain);
        Interlocked.Increment(ref _received);
        if (_incoming.Writer.TryWrite(item) || (_options.IncomingFullWait > TimeSpan.Zero && WriteWithin(item, _options.IncomingFullWait)))
        {
            return;
        }

        var dropped = Interlocked.Increment(ref _droppedChannelFull);
        if (dropped == 1 || dropped % 1000 == 0)
        {
            Log.IncomingChannelFull(_logger, _clientId, _options.IncomingChannelCapacity, dropped);
        }
    }

    private bool WriteWithin(MqttMessage item, TimeSpan wait)
    {
        using var cts = new CancellationTokenSource(wait);
        try
        {
            while (true)
            {
                // Blocking the network thread is the point: it stops reading, so TCP pushes back to the broker.
                if (!_incoming.Writer.WaitToWriteAsync(cts.Token).AsTask().GetAwaiter().GetResult())
                {
                    return false;
                }

                if (_incoming.Writer.TryWrite(item))
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void HandleLog(int level, nint text)
    {
        if (level == MosquittoNative.LogDebug)
        {
            if (_logger.IsEnabled(LogLevel.Trace))
            {
                Log.LibraryDebug(_logger, _clientId, Marshal.PtrToStringUTF8(text) ?? "");
            }

            return;
        }

        var line = Marshal.PtrToStringUTF8(text) ?? "";
        if (level is MosquittoNative.LogErr or MosquittoNative.LogWarning)
        {
            // A bad certificate shows up only here: no connect or disconnect callback fires.
            if (line.Contains("OpenSSL", StringComparison.Ordinal) || line.Contains("TLS", StringComparison.Ordinal) || line.Contains("certificate", StringComparison.OrdinalIgnoreCase))
            {
                Volatile.Write(ref _lastTlsError, line);
                Log.TlsError(_logger, _clientId, line);
                RaiseConnectionChanged(new MqttConnectionEvent(MqttConnectionEventKind.TlsError, MosquittoNative.ErrTls, line));
                _firstConnack.TrySetException(new MqttConnectException($"TLS connection to {_options.Host}:{_options.Port} failed: {line}") { ReasonCode = MosquittoNative.ErrTls });
                return;
            }

            Log.LibraryError(_logger, _clientId, line);
            return;
        }

        Log.LibraryInfo(_logger, _clientId, line);
    }

    /// <summary>Event ids 1100–1199 belong to Edge.Mqtt; keep them stable, operators alert on them.</summary>
    private static partial class Log
    {
        [LoggerMessage(1100, LogLevel.Information, "MQTT client {ClientId} connected to {Host}:{Port}; {Subscriptions} subscription(s) sent")]
        public static partial void Connected(ILogger logger, string clientId, string host, int port, int subscriptions);

        [LoggerMessage(1101, LogLevel.Warning, "MQTT client {ClientId} could not connect to {Host}:{Port} (attempt {Attempt}): {Detail}; retrying in {Delay}")]
        public static partial void ConnectAttemptFailed(ILogger logger, string clientId, string host, int port, int attempt, string detail, TimeSpan delay);

        [LoggerMessage(1102, LogLevel.Error, "MQTT client {ClientId} cannot connect to {Host}:{Port}: {Detail}")]
        public static partial void ConnectFailedFatal(ILogger logger, string clientId, string host, int port, string detail);

        [LoggerMessage(1103, LogLevel.Error, "MQTT broker refused client {ClientId}: {Code} {Text}")]
        public static partial void ConnectRefused(ILogger logger, string clientId, int code, string text);

        [LoggerMessage(1104, LogLevel.Warning, "MQTT client {ClientId} lost its connection: {Code} {Text}; the library reconnects")]
        public static partial void ConnectionLost(ILogger logger, string clientId, int code, string text);

        [LoggerMessage(1105, LogLevel.Error, "MQTT client {ClientId} TLS error: {Line}")]
        public static partial void TlsError(ILogger logger, string clientId, string line);

        [LoggerMessage(1106, LogLevel.Warning, "MQTT client {ClientId} incoming channel (capacity {Capacity}) is full: {Dropped} message(s) dropped so far")]
        public static partial void IncomingChannelFull(ILogger logger, string clientId, int capacity, long dropped);

        [LoggerMessage(1107, LogLevel.Warning, "MQTT client {ClientId} is not connected: {Dropped} QoS 0 publish(es) dropped so far")]
        public static partial void Qos0DroppedNotConnected(ILogger logger, string clientId, long dropped);

        [LoggerMessage(1108, LogLevel.Error, "MQTT client {ClientId} could not re-subscribe to {Filter}: {Text}")]
        public static partial void ResubscribeFailed(ILogger logger, string clientId, string filter, string text);

        [LoggerMessage(1109, LogLevel.Error, "MQTT broker refused a subscription of client {ClientId} (mid {Mid})")]
        public static partial void SubscriptionRefused(ILogger logger, string clientId, int mid);

        [LoggerMessage(1110, LogLevel.Error, "MQTT client {ClientId}: a ConnectionChanged handler threw")]
        public static partial void HandlerFailed(ILogger logger, string clientId, Exception ex);

        [LoggerMessage(1111, LogLevel.Error, "MQTT client {ClientId}: callback {Callback} failed")]
        public static partial void CallbackFailed(ILogger logger, string clientId, string callback, Exception ex);

        [LoggerMessage(1112, LogLevel.Error, "MQTT client {ClientId}: the network thread did not stop within 10 s; its handle is leaked")]
        public static partial void LoopStopTimedOut(ILogger logger, string clientId);

        [LoggerMessage(1113, LogLevel.Warning, "libmosquitto ({ClientId}): {Line}")]
        public static partial void LibraryError(ILogger logger, string clientId, string line);

        [LoggerMessage(1114, LogLevel.Debug, "libmosquitto ({ClientId}): {Line}")]
        public static partial void LibraryInfo(ILogger logger, string clientId, string line);

        [LoggerMessage(1115, LogLevel.Trace, "libmosquitto ({ClientId}): {Line}")]
        public static partial void LibraryDebug(ILogger logger, string clientId, string line);

        [LoggerMessage(1116, LogLevel.Error, "MQTT client {ClientId}: a PublishAcknowledged handler threw (mid {Mid})")]
        public static partial void AckHandlerFailed(ILogger logger, string clientId, int mid, Exception ex);
    }
}
