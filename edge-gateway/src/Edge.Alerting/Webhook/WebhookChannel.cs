using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Alerting.Webhook;

/// <summary>
/// Posts alerts as signed JSON events to an HTTPS endpoint (SMS gateway, push service, other systems). Each
/// attempt has its own timeout; 5xx, 408, 429, timeouts and network errors are retried with exponential
/// backoff and jitter; other 4xx are refused without retry. The HttpClient is injected (IHttpClientFactory
/// typed client); <see cref="CreateHandler"/> builds a handler with the pinned CA when one is configured.
/// </summary>
public sealed class WebhookChannel : IAlertChannel
{
    private static readonly HashSet<string> RawPlaceholders = ["urgent", "recipients"];
    private readonly HttpClient _http;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _time;
    private readonly IDeliveryAttemptRecorder _recorder;
    private readonly ILogger _logger;
    private readonly ChannelHealthTracker _health;

    /// <summary>Creates the channel over an HttpClient (from IHttpClientFactory, or one built on <see cref="CreateHandler"/>).</summary>
    public WebhookChannel(HttpClient http, WebhookOptions options, TimeProvider? timeProvider = null, IDeliveryAttemptRecorder? recorder = null, ILogger<WebhookChannel>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid webhook options: " + string.Join(" ", errors), nameof(options));
        }

        _http = http;
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
    public ChannelKind Kind => ChannelKind.Webhook;

    /// <inheritdoc />
    public ChannelHealth Health => _health.Current;

    /// <inheritdoc />
    public event EventHandler<ChannelHealth>? HealthChanged;

    /// <summary>Not raised: a webhook receiver acknowledges delivery, not a person's acceptance.</summary>
    public event EventHandler<AlertAcknowledgement>? Acknowledged
    {
        add { }
        remove { }
    }

    /// <summary>
    /// A handler for the channel's HttpClient. With <see cref="WebhookOptions.PinnedCaCertificatePath"/> set, the
    /// server certificate must chain to that CA alone (system roots are not trusted for this channel).
    /// </summary>
    public static SocketsHttpHandler CreateHandler(WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), ConnectTimeout = options.Timeout };
        if (options.PinnedCaCertificatePath is { Length: > 0 } path)
        {
            var ca = X509Certificate2.CreateFromPem(File.ReadAllText(path));
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(certificate));
            };
        }

        return handler;
    }

    /// <inheritdoc />
    public Task<DeliveryResult> SendAsync(AlertMessage message, CancellationToken cancellationToken) =>
        PostAsync(message, "alert", AlertOperation.Send, cancellationToken);

    /// <summary>Posts an "accepted" event so the receiver can withdraw its notification.</summary>
    public Task<DeliveryResult> CancelAsync(AlertMessage message, CancellationToken cancellationToken) =>
        PostAsync(message, "accepted", AlertOperation.Cancel, cancellationToken);

    /// <summary>Renders the body for a message (exposed for tests and for previewing a template).</summary>
    public string RenderBody(AlertMessage message, string eventName, string deliveryId, DateTimeOffset sentAt)
    {
        ArgumentNullException.ThrowIfNull(message);
        var recipients = "[" + string.Join(",", message.Recipients.Select(r => "\"" + WebhookTemplate.JsonEscape(r) + "\"")) + "]";
        var values = new Dictionary<string, string>
        {
            ["event"] = eventName,
            ["incidentId"] = message.IncidentId,
            ["kind"] = message.Kind.ToString(),
            ["urgent"] = message.IsUrgent ? "true" : "false",
            ["priority"] = message.Priority.ToString(),
            ["text"] = message.Text,
            ["recipient"] = string.Join(",", message.Recipients),
            ["recipients"] = recipients,
            ["channel"] = Name,
            ["sentAt"] = sentAt.ToString("O", CultureInfo.InvariantCulture),
            ["deliveryId"] = deliveryId,
        };
        return WebhookTemplate.Render(_options.BodyTemplate, values, RawPlaceholders);
    }

    private async Task<DeliveryResult> PostAsync(AlertMessage message, string eventName, AlertOperation operation, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var deliveryId = Guid.NewGuid().ToString("N");
        var body = RenderBody(message, eventName, deliveryId, _time.GetUtcNow());
        var recipient = string.Join(",", message.Recipients);
        DeliveryOutcome outcome = DeliveryOutcome.Failed;
        var detail = "";
        var attempt = 0;
        while (attempt < _options.MaxAttempts)
        {
            attempt++;
            var started = _time.GetUtcNow();
            bool retry;
            (outcome, detail, retry) = await AttemptAsync(body, deliveryId, ct).ConfigureAwait(false);
            await _recorder.RecordAsync(new DeliveryAttempt(Name, ChannelKind.Webhook, message.IncidentId, recipient, operation, attempt, outcome, started, _time.GetUtcNow() - started, detail), ct).ConfigureAwait(false);
            if (!retry || attempt == _options.MaxAttempts)
            {
                break;
            }

            var delay = BackoffDelay(attempt);
            AlertingLog.WebhookRetry(_logger, Name, attempt, message.IncidentId, detail, delay);
            await Task.Delay(delay, _time, ct).ConfigureAwait(false);
        }

        var result = new DeliveryResult(outcome, attempt, detail);
        _health.Set(this, outcome == DeliveryOutcome.Delivered ? ChannelHealthState.Healthy : ChannelHealthState.Degraded, detail);
        AlertingLog.WebhookResult(_logger, Name, message.IncidentId, outcome, attempt, detail);
        return result;
    }

    private async Task<(DeliveryOutcome Outcome, string Detail, bool Retry)> AttemptAsync(string body, string deliveryId, CancellationToken ct)
    {
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, _options.Url)
        {
            Content = new StringContent(body, Encoding.UTF8, _options.ContentType),
        };
        request.Headers.TryAddWithoutValidation(_options.TimestampHeader, timestamp);
        request.Headers.TryAddWithoutValidation(_options.SignatureHeader, WebhookSignature.Compute(_options.Secret, timestamp, body));
        request.Headers.TryAddWithoutValidation(_options.DeliveryIdHeader, deliveryId);
        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, ct);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var code = (int)response.StatusCode;
            var detail = $"HTTP {code} {response.ReasonPhrase}";
            if (response.IsSuccessStatusCode)
            {
                return (DeliveryOutcome.Delivered, detail, false);
            }

            return response.StatusCode switch
            {
                HttpStatusCode.TooManyRequests => (DeliveryOutcome.Busy, detail, true),
                HttpStatusCode.RequestTimeout => (DeliveryOutcome.TimedOut, detail, true),
                >= HttpStatusCode.InternalServerError => (DeliveryOutcome.Failed, detail, true),
                _ => (DeliveryOutcome.Refused, detail, false),
            };
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (DeliveryOutcome.TimedOut, $"no response within {_options.Timeout.TotalSeconds:F1} s", true);
        }
        catch (HttpRequestException e)
        {
            return (DeliveryOutcome.Failed, $"request failed: {e.Message}", true);
        }
    }

    /// <summary>Exponential backoff with "equal jitter": half fixed, half random, capped at MaxDelay.</summary>
    private TimeSpan BackoffDelay(int attempt)
    {
        var exp = _options.BaseDelay.Ticks * Math.Pow(2, attempt - 1);
        var capped = Math.Min(exp, _options.MaxDelay.Ticks);
        var jitter = RandomNumberGenerator.GetInt32(0, 1_000_000) / 1_000_000.0;
        return TimeSpan.FromTicks((long)(capped / 2 + capped / 2 * jitter));
    }
}
