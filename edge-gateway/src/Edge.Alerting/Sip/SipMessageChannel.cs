// Over 400 lines on purpose: one SIP MESSAGE transaction (send, digest challenge, retransmission, response) with its parsing, kept together.
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Alerting.Sip;

/// <summary>
/// Sends alerts as SIP MESSAGE requests (RFC 3428) over UDP to DECT/SIP handsets, directly or through a SIP
/// server. Non-INVITE client transactions follow RFC 3261 §17.1.2: retransmit at T1, doubling up to T2 (at T2
/// once a provisional response arrived), give up at Timer F. A 401/407 is answered once with Digest
/// credentials. 2xx = delivered. TCP is not implemented; DECT base stations take UDP.
/// </summary>
public sealed class SipMessageChannel : IAlertChannel, IAsyncDisposable
{
    private readonly SipOptions _options;
    private readonly TimeProvider _time;
    private readonly IDeliveryAttemptRecorder _recorder;
    private readonly ILogger _logger;
    private readonly ChannelHealthTracker _health;
    private readonly ConcurrentDictionary<string, Channel<SipResponse>> _transactions = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private Socket? _socket;
    private Task _receive = Task.CompletedTask;
    private string _viaHost = "";
    private int _viaPort;

    /// <summary>Creates the channel; call <see cref="StartAsync"/> to bind the socket.</summary>
    public SipMessageChannel(SipOptions options, TimeProvider? timeProvider = null, IDeliveryAttemptRecorder? recorder = null, ILogger<SipMessageChannel>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid SIP options: " + string.Join(" ", errors), nameof(options));
        }

        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _recorder = recorder ?? NullDeliveryAttemptRecorder.Instance;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _health = new ChannelHealthTracker(_time);
        _health.Changed += (_, h) => HealthChanged?.Invoke(this, h);
    }

    /// <inheritdoc />
    public string Name => _options.Name;

    /// <inheritdoc />
    public ChannelKind Kind => ChannelKind.Sip;

    /// <inheritdoc />
    public ChannelHealth Health => _health.Current;

    /// <summary>The bound local endpoint (after <see cref="StartAsync"/>).</summary>
    public IPEndPoint? LocalEndPoint => _socket?.LocalEndPoint as IPEndPoint;

    /// <inheritdoc />
    public event EventHandler<ChannelHealth>? HealthChanged;

    /// <summary>
    /// Not raised by this channel yet: a 200 OK means the handset received the text, not that a person accepted
    /// it. Handset replies (an incoming MESSAGE) are vendor-specific and not interpreted.
    /// </summary>
    public event EventHandler<AlertAcknowledgement>? Acknowledged
    {
        add { }
        remove { }
    }

    /// <summary>Binds the UDP socket and starts receiving responses.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Parse(_options.LocalAddress), _options.LocalPort));
        _socket = socket;
        var local = (IPEndPoint)socket.LocalEndPoint!;
        _viaPort = local.Port;
        _viaHost = local.Address.Equals(IPAddress.Any) ? "" : local.Address.ToString();
        _receive = Task.Run(() => ReceiveLoopAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<DeliveryResult> SendAsync(AlertMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return SendAllAsync(message, message.Text, AlertOperation.Send, cancellationToken);
    }

    /// <summary>Sends a short "accepted by a colleague" MESSAGE to every recipient.</summary>
    public Task<DeliveryResult> CancelAsync(AlertMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return SendAllAsync(message, string.Format(CultureInfo.InvariantCulture, _options.CancelTextFormat, message.Text), AlertOperation.Cancel, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket?.Dispose();
        try
        {
            await _receive.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    /// <summary>Builds the request bytes (exposed for tests of the wire format).</summary>
    internal static string BuildRequest(SipOptions o, string targetUri, string viaHost, int viaPort, string branch, string callId, string fromTag, int cseq, string body, string? authHeaderName, string? authValue)
    {
        var fromHost = string.IsNullOrEmpty(o.Domain) ? o.ProxyHost : o.Domain;
        var bodyBytes = Encoding.UTF8.GetByteCount(body);
        var sb = new StringBuilder(512);
        sb.Append(CultureInfo.InvariantCulture, $"MESSAGE {targetUri} SIP/2.0\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"Via: SIP/2.0/UDP {viaHost}:{viaPort};branch={branch};rport\r\n");
        sb.Append("Max-Forwards: 70\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"From: \"{o.FromDisplayName.Replace("\"", "", StringComparison.Ordinal)}\" <sip:{o.FromUser}@{fromHost}>;tag={fromTag}\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"To: <{targetUri}>\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"Call-ID: {callId}\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"CSeq: {cseq} MESSAGE\r\n");
        if (authHeaderName is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{authHeaderName}: {authValue}\r\n");
        }

        sb.Append(CultureInfo.InvariantCulture, $"User-Agent: {o.UserAgent}\r\n");
        sb.Append("Content-Type: text/plain;charset=UTF-8\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"Content-Length: {bodyBytes}\r\n\r\n");
        sb.Append(body);
        return sb.ToString();
    }

    /// <summary>Turns a recipient into a SIP URI: "2001" → sip:2001@domain; sip:/sips: URIs pass through.</summary>
    internal string TargetUri(string recipient)
    {
        var r = recipient.Trim();
        if (r.StartsWith("sip:", StringComparison.OrdinalIgnoreCase) || r.StartsWith("sips:", StringComparison.OrdinalIgnoreCase))
        {
            return r;
        }

        return r.Contains('@', StringComparison.Ordinal) ? $"sip:{r}" : $"sip:{r}@{(_options.Domain.Length > 0 ? _options.Domain : _options.ProxyHost)}";
    }

    private async Task<DeliveryResult> SendAllAsync(AlertMessage message, string text, AlertOperation operation, CancellationToken ct)
    {
        if (_socket is null)
        {
            throw new InvalidOperationException("call StartAsync first");
        }

        var body = text.Length > _options.MaxTextLength ? text[.._options.MaxTextLength] : text;
        var tasks = message.Recipients.Select(r => SendOneAsync(message, r, body, operation, ct)).ToList();
        var results = await Task.WhenAll(tasks).ConfigureAwait(false);
        var combined = DeliveryResult.Combine(results);
        if (combined.IsDelivered)
        {
            _health.Set(this, ChannelHealthState.Healthy, "handsets answer");
        }
        else if (results.All(r => r.Outcome == DeliveryOutcome.TimedOut))
        {
            _health.Set(this, ChannelHealthState.Down, $"no answer from SIP peer: {combined.Detail}");
        }
        else
        {
            _health.Set(this, ChannelHealthState.Degraded, combined.Detail);
        }

        return combined;
    }

    private async Task<DeliveryResult> SendOneAsync(AlertMessage message, string recipient, string body, AlertOperation operation, CancellationToken ct)
    {
        var target = TargetUri(recipient);
        IPEndPoint destination;
        try
        {
            destination = await ResolveAsync(target, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or FormatException or ArgumentException)
        {
            await RecordAsync(message, recipient, operation, 1, DeliveryOutcome.Failed, _time.GetUtcNow(), $"cannot resolve {target}: {e.Message}", ct).ConfigureAwait(false);
            return new DeliveryResult(DeliveryOutcome.Failed, 1, $"cannot resolve {target}: {e.Message}");
        }

        var viaHost = _viaHost.Length > 0 ? _viaHost : LocalAddressFor(destination);
        var callId = $"{RandomToken(16)}@{viaHost}";
        var fromTag = RandomToken(8);
        string? authName = null, authValue = null;
        var attempts = 0;
        for (var cseq = 1; cseq <= 2; cseq++)
        {
            attempts++;
            var branch = "z9hG4bK" + RandomToken(12);
            var request = Encoding.UTF8.GetBytes(BuildRequest(_options, target, viaHost, _viaPort, branch, callId, fromTag, cseq, body, authName, authValue));
            var started = _time.GetUtcNow();
            var response = await RunTransactionAsync(request, destination, branch, ct).ConfigureAwait(false);
            if (response is null)
            {
                var detail = $"no final response within Timer F ({_options.EffectiveTimerF.TotalSeconds:F1} s)";
                await RecordAsync(message, recipient, operation, attempts, DeliveryOutcome.TimedOut, started, detail, ct).ConfigureAwait(false);
                return Log(new DeliveryResult(DeliveryOutcome.TimedOut, attempts, detail));
            }

            var status = $"{response.StatusCode} {response.Reason}";
            if (response.StatusCode is 401 or 407 && authName is null)
            {
                var header = response.StatusCode == 401 ? "WWW-Authenticate" : "Proxy-Authenticate";
                var challenge = response.Headers.TryGetValue(header, out var h) ? DigestChallenge.Parse(h) : null;
                if (challenge is null || _options.Username.Length == 0)
                {
                    var why = challenge is null ? $"{status} without a usable Digest challenge" : $"{status}: credentials required but none configured";
                    await RecordAsync(message, recipient, operation, attempts, DeliveryOutcome.Failed, started, why, ct).ConfigureAwait(false);
                    return Log(new DeliveryResult(DeliveryOutcome.Failed, attempts, why));
                }

                await RecordAsync(message, recipient, operation, attempts, DeliveryOutcome.Challenged, started, status, ct).ConfigureAwait(false);
                authName = response.StatusCode == 401 ? "Authorization" : "Proxy-Authorization";
                authValue = DigestAuthentication.BuildAuthorization(challenge, _options.Username, _options.Password, "MESSAGE", target, 1, RandomToken(8));
                continue;
            }

            var outcome = response.StatusCode switch
            {
                >= 200 and < 300 => DeliveryOutcome.Delivered,
                486 or 600 => DeliveryOutcome.Busy,
                403 or 404 or 410 or 480 or 484 or 488 or 603 or 604 or 606 => DeliveryOutcome.Refused,
                _ => DeliveryOutcome.Failed,
            };
            if (response.StatusCode is 401 or 407)
            {
                status += " (credentials rejected)";
            }

            await RecordAsync(message, recipient, operation, attempts, outcome, started, status, ct).ConfigureAwait(false);
            return Log(new DeliveryResult(outcome, attempts, status));
        }

        return Log(new DeliveryResult(DeliveryOutcome.Failed, attempts, "authentication loop"));

        DeliveryResult Log(DeliveryResult r)
        {
            AlertingLog.SipResult(_logger, Name, target, message.IncidentId, r.Outcome, r.Attempts, r.Detail);
            return r;
        }
    }

    /// <summary>One non-INVITE client transaction over UDP. Returns the final response, or null at Timer F.</summary>
    private async Task<SipResponse?> RunTransactionAsync(byte[] request, IPEndPoint destination, string branch, CancellationToken ct)
    {
        var responses = Channel.CreateUnbounded<SipResponse>();
        _transactions[branch] = responses;
        try
        {
            var deadline = _time.GetUtcNow() + _options.EffectiveTimerF;
            var interval = _options.T1;
            var proceeding = false;
            await _socket!.SendToAsync(request, SocketFlags.None, destination, ct).ConfigureAwait(false);
            while (true)
            {
                var now = _time.GetUtcNow();
                if (now >= deadline)
                {
                    return null;
                }

                var wait = proceeding ? _options.T2 : interval;
                if (now + wait > deadline)
                {
                    wait = deadline - now;
                }

                using var timer = new CancellationTokenSource(wait, _time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, ct);
                try
                {
                    var response = await responses.Reader.ReadAsync(linked.Token).ConfigureAwait(false);
                    if (response.StatusCode >= 200)
                    {
                        return response;
                    }

                    proceeding = true; // 1xx: keep retransmitting, at T2 (RFC 3261 §17.1.2.2)
                    continue;
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                }

                if (_time.GetUtcNow() >= deadline)
                {
                    return null;
                }

                await _socket.SendToAsync(request, SocketFlags.None, destination, ct).ConfigureAwait(false);
                interval = interval * 2 < _options.T2 ? interval * 2 : _options.T2;
            }
        }
        finally
        {
            _transactions.TryRemove(branch, out _);
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken stop)
    {
        var buffer = new byte[65535];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var r = await _socket!.ReceiveFromAsync(buffer, SocketFlags.None, any, stop).ConfigureAwait(false);
                var response = SipResponse.Parse(buffer.AsSpan(0, r.ReceivedBytes));
                if (response is null)
                {
                    AlertingLog.SipIgnored(_logger, Name, r.RemoteEndPoint.ToString() ?? "?", "not a SIP response (requests to the gateway are not handled)");
                    continue;
                }

                if (response.Branch is null || response.CSeqMethod != "MESSAGE" || !_transactions.TryGetValue(response.Branch, out var tx))
                {
                    AlertingLog.SipIgnored(_logger, Name, r.RemoteEndPoint.ToString() ?? "?", $"{response.StatusCode} matches no open transaction");
                    continue;
                }

                tx.Writer.TryWrite(response);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
                // ICMP port unreachable from an earlier send: the transaction will time out or be retransmitted.
            }
#pragma warning disable CA1031 // The receive loop must keep running; the failure is logged.
            catch (Exception e)
#pragma warning restore CA1031
            {
                AlertingLog.SipReceiveFailed(_logger, Name, e);
            }
        }
    }

    private async Task<IPEndPoint> ResolveAsync(string targetUri, CancellationToken ct)
    {
        string host;
        int port;
        if (_options.ProxyHost.Length > 0)
        {
            host = _options.ProxyHost;
            port = _options.ProxyPort;
        }
        else
        {
            // sip:user@host[:port][;params]
            var hostPart = targetUri[(targetUri.IndexOf(':', StringComparison.Ordinal) + 1)..];
            hostPart = hostPart[(hostPart.IndexOf('@', StringComparison.Ordinal) + 1)..].Split(';')[0];
            var colon = hostPart.LastIndexOf(':');
            host = colon > 0 ? hostPart[..colon] : hostPart;
            port = colon > 0 ? int.Parse(hostPart[(colon + 1)..], CultureInfo.InvariantCulture) : 5060;
        }

        if (IPAddress.TryParse(host, out var ip))
        {
            return new IPEndPoint(ip, port);
        }

        var addresses = await Dns.GetHostAddressesAsync(host, AddressFamily.InterNetwork, ct).ConfigureAwait(false);
        return new IPEndPoint(addresses.First(), port);
    }

    private static string LocalAddressFor(IPEndPoint destination)
    {
        // A connected UDP socket sends nothing but tells which local address the route uses.
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Connect(destination);
        return ((IPEndPoint)probe.LocalEndPoint!).Address.ToString();
    }

    private static string RandomToken(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    private ValueTask RecordAsync(AlertMessage message, string recipient, AlertOperation operation, int attempt, DeliveryOutcome outcome, DateTimeOffset started, string detail, CancellationToken ct) =>
        _recorder.RecordAsync(new DeliveryAttempt(Name, ChannelKind.Sip, message.IncidentId, recipient, operation, attempt, outcome, started, _time.GetUtcNow() - started, detail), ct);
}
