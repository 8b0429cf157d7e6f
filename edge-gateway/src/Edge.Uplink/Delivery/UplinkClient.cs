using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Edge.Cloud.Contracts;
using Microsoft.Extensions.Options;

namespace Edge.Uplink.Delivery;

public enum SendOutcomeKind
{
    /// <summary>The cloud answered per event.</summary>
    Answered,

    /// <summary>Network error, timeout, 5xx, 408 or 429: try again later.</summary>
    Retry,

    /// <summary>
    /// 401/403: the cloud refuses who is sending (wrong key, wrong gateway id, a site it does not know), so every
    /// event of the batch is refused for good as it was sent: all of them go to the dead letters at once.
    /// </summary>
    Refused,

    /// <summary>Another 4xx (400, 413, 415 ...) for the whole batch: send fewer events; a single event refused this way is dead-lettered.</summary>
    BatchRefused,
}

public sealed record SendOutcome(SendOutcomeKind Kind, UplinkBatchResult? Result = null, string? Error = null, TimeSpan? RetryAfter = null);

/// <summary>HTTPS POSTs of batches with the gateway's key; optionally trusts only a pinned CA.</summary>
public sealed class UplinkClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _gatewayId;

    public UplinkClient(IOptions<UplinkOptions> options)
    {
        var o = options.Value;
        _gatewayId = o.GatewayId;
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(15),
            AutomaticDecompression = DecompressionMethods.None,
        };
        if (o.PinnedCaCertificateFile is { } caFile)
        {
            var ca = X509CertificateLoader.LoadCertificateFromFile(caFile);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => TrustedByPinnedCa(certificate, errors, ca);
        }

        _http = new HttpClient(handler, disposeHandler: true) { BaseAddress = o.CloudUrl, Timeout = o.RequestTimeout };
        if (o.ResolveKey() is { } key)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
    }

    public async Task<SendOutcome> SendAsync(IReadOnlyList<UplinkEvent> events, CancellationToken ct)
    {
        try
        {
            using var response = await _http.PostAsJsonAsync(
                $"api/v1/gateways/{Uri.EscapeDataString(_gatewayId)}/events", new UplinkBatch { Events = events }, UplinkJsonContext.Default.UplinkBatch, ct).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                var result = await response.Content.ReadFromJsonAsync(UplinkJsonContext.Default.UplinkBatchResult, ct).ConfigureAwait(false);
                return result is not null && result.Results.Count == events.Count
                    ? new SendOutcome(SendOutcomeKind.Answered, result)
                    : new SendOutcome(SendOutcomeKind.Retry, Error: "the cloud's answer did not list every event");
            }

            var detail = $"HTTP {status}: {await ReadDetailAsync(response, ct).ConfigureAwait(false)}";
            // A 4xx other than 408 (timeout) and 429 (rate limit) is permanent for what was sent: it goes to the dead
            // letters (never blocking the events behind it), whole when the sender is refused, else split until the
            // refused event is alone.
            return status switch
            {
                408 => new SendOutcome(SendOutcomeKind.Retry, Error: detail),
                429 => new SendOutcome(SendOutcomeKind.Retry, Error: detail, RetryAfter: response.Headers.RetryAfter?.Delta),
                401 or 403 => new SendOutcome(SendOutcomeKind.Refused, Error: detail),
                >= 400 and < 500 => new SendOutcome(SendOutcomeKind.BatchRefused, Error: detail),
                _ => new SendOutcome(SendOutcomeKind.Retry, Error: detail),
            };
        }
        catch (HttpRequestException e)
        {
            return new SendOutcome(SendOutcomeKind.Retry, Error: e.HttpRequestError + ": " + e.Message);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new SendOutcome(SendOutcomeKind.Retry, Error: "timeout");
        }
        catch (JsonException e)
        {
            return new SendOutcome(SendOutcomeKind.Retry, Error: "unreadable answer: " + e.Message);
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>
    /// Pinning: the server's chain must end at exactly the configured CA (the system store is ignored),
    /// and the name must match.
    /// </summary>
    internal static bool TrustedByPinnedCa(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2 ca)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }

    private static async Task<string> ReadDetailAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        return text.Length > 300 ? text[..300] : text;
    }
}
