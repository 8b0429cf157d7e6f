using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Edge.Alerting.IntegrationTests.Infrastructure;
using Edge.Alerting.Webhook;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Edge.Alerting.IntegrationTests.Webhook;

/// <summary>The webhook channel against a local Kestrel server on 127.0.0.1.</summary>
public sealed class WebhookChannelTests : IAsyncDisposable
{
    private const string Secret = "test-secret-0123456789";
    private readonly ConcurrentQueue<(string Body, string? Timestamp, string? Signature, string? Delivery)> _received = new();
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly RecordingRecorder _recorder = new();
    private readonly Edge.TestKit.TestEnvironment _env = new();
    private WebApplication? _app;
    private int _failFirst;
    private bool _hang;

    private async Task<Uri> StartServerAsync(X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        _env.Capture(builder.Logging, "webhook-peer");
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l =>
        {
            if (certificate is not null)
            {
                l.UseHttps(certificate);
            }
        }));
        _app = builder.Build();
        _app.MapPost("/hook", async (HttpContext ctx) =>
        {
            using var reader = new StreamReader(ctx.Request.Body);
            var body = await reader.ReadToEndAsync();
            _received.Enqueue((body, ctx.Request.Headers["X-Edge-Timestamp"], ctx.Request.Headers["X-Edge-Signature"], ctx.Request.Headers["X-Edge-Delivery"]));
            if (_hang)
            {
                // Never answer: the client's timeout must end the attempt. Released when the test ends.
                await _release.Task.WaitAsync(ctx.RequestAborted);
            }

            return Interlocked.Decrement(ref _failFirst) >= 0 ? Results.StatusCode(500) : Results.Ok();
        });
        await _app.StartAsync();
        var url = _app.Urls.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal);
        return new Uri(new Uri(url), "/hook");
    }

    private WebhookOptions Options(Uri url) => new()
    {
        Name = "webhook-test",
        Url = url,
        AllowInsecureHttp = true,
        Secret = Secret,
        Timeout = TimeSpan.FromSeconds(5), // generous: a loaded CI machine; the hang test sets its own
        MaxAttempts = 3,
        BaseDelay = TimeSpan.FromMilliseconds(50),
        MaxDelay = TimeSpan.FromMilliseconds(200),
    };

    private static AlertMessage Alert() => new("inc-w", ["+4915112345678"], "Sturz: Frau Müller, Zimmer 12", AlertPriority.Alarm, AlertKind.Fall);

    [Fact]
    public async Task Send_ServerAccepts_DeliveredWithValidSignature()
    {
        var url = await StartServerAsync();
        using var http = new HttpClient();
        var channel = new WebhookChannel(http, Options(url), recorder: _recorder, logger: _env.Logger<WebhookChannel>());

        var result = await channel.SendAsync(Alert(), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        var (body, ts, sig, delivery) = Assert.Single(_received);
        Assert.True(WebhookSignature.Verify(Secret, ts!, body, sig!, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("another-secret-000000", ts!, body, sig!, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        Assert.Contains("\"text\":\"Sturz: Frau Müller, Zimmer 12\"", body, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(delivery));
        Assert.Equal([DeliveryOutcome.Delivered], _recorder.Outcomes);
    }

    [Fact]
    public async Task Send_ServerFails500Once_RetriedAndDelivered()
    {
        _failFirst = 1;
        var url = await StartServerAsync();
        using var http = new HttpClient();
        var channel = new WebhookChannel(http, Options(url), recorder: _recorder, logger: _env.Logger<WebhookChannel>());

        var result = await channel.SendAsync(Alert(), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        Assert.Equal(2, result.Attempts);
        Assert.Equal([DeliveryOutcome.Failed, DeliveryOutcome.Delivered], _recorder.Outcomes);
        var requests = _received.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.Equal(requests[0].Delivery, requests[1].Delivery); // same delivery id: the receiver can de-duplicate
        Assert.Equal(requests[0].Body, requests[1].Body);
    }

    [Fact]
    public async Task Send_ServerAlways500_FailedAfterMaxAttempts()
    {
        _failFirst = 100;
        var url = await StartServerAsync();
        using var http = new HttpClient();
        var channel = new WebhookChannel(http, Options(url), recorder: _recorder, logger: _env.Logger<WebhookChannel>());

        var result = await channel.SendAsync(Alert(), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Failed, result.Outcome);
        Assert.Equal(3, _received.Count);
        Assert.Equal(ChannelHealthState.Degraded, channel.Health.State);
    }

    [Fact]
    public async Task Send_ServerNeverAnswers_TimedOutEachAttempt()
    {
        _hang = true;
        var url = await StartServerAsync();
        using var http = new HttpClient();
        var options = Options(url);
        options.MaxAttempts = 2;
        options.Timeout = TimeSpan.FromMilliseconds(500);
        var channel = new WebhookChannel(http, options, recorder: _recorder, logger: _env.Logger<WebhookChannel>());

        var result = await channel.SendAsync(Alert(), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.TimedOut, result.Outcome);
        Assert.Equal([DeliveryOutcome.TimedOut, DeliveryOutcome.TimedOut], _recorder.Outcomes);
        Assert.All(_recorder.Attempts, a => Assert.True(a.Duration >= TimeSpan.FromMilliseconds(450), $"attempt ended after {a.Duration}"));
    }

    [Fact]
    public async Task Send_HttpsWithPinnedCa_DeliveredOnlyWhenServerChainsToIt()
    {
        using var ca = MakeCa("Edge Test CA");
        using var otherCa = MakeCa("Other CA");
        using var leaf = MakeLeaf(ca);
        var url = await StartServerAsync(leaf);
        var https = new UriBuilder(url) { Scheme = "https", Host = "localhost" }.Uri;
        using var dir = new Edge.TestKit.TempDirectory("edge-webhook");
        File.WriteAllText(dir.File("ca.pem"), ca.ExportCertificatePem());
        File.WriteAllText(dir.File("other.pem"), otherCa.ExportCertificatePem());

        var good = Options(https);
        good.AllowInsecureHttp = false;
        good.PinnedCaCertificatePath = dir.File("ca.pem");
        using var goodHttp = new HttpClient(WebhookChannel.CreateHandler(good));
        var ok = await new WebhookChannel(goodHttp, good, logger: _env.Logger<WebhookChannel>()).SendAsync(Alert(), CancellationToken.None);

        var bad = Options(https);
        bad.AllowInsecureHttp = false;
        bad.MaxAttempts = 1;
        bad.PinnedCaCertificatePath = dir.File("other.pem");
        using var badHttp = new HttpClient(WebhookChannel.CreateHandler(bad));
        var refused = await new WebhookChannel(badHttp, bad, logger: _env.Logger<WebhookChannel>()).SendAsync(Alert(), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Delivered, ok.Outcome);
        Assert.Equal(DeliveryOutcome.Failed, refused.Outcome);
        Assert.Single(_received);
    }

    public async ValueTask DisposeAsync()
    {
        _release.TrySetResult();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _env.Dispose();
    }

    private static X509Certificate2 MakeCa(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }

    private static X509Certificate2 MakeLeaf(X509Certificate2 ca)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        req.CertificateExtensions.Add(san.Build());
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var signed = req.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(12), RandomNumberGenerator.GetBytes(8));
        using var withKey = signed.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pfx), null);
    }
}
