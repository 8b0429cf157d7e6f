using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace Edge.Gateway.LoadTest;

/// <summary>Settings of the sign-in load (issue 16 point 3).</summary>
internal sealed class SignInLoadOptions
{
    public Uri? Url { get; set; }

    public string User { get; set; } = "";

    public string Password { get; set; } = "";

    public int Attackers { get; set; } = 16;

    public int AttackSources { get; set; } = 1;

    public int Samples { get; set; } = 8;

    public bool AllowInvalidCertificate { get; set; }
}

/// <summary>
/// How long a carer's real sign-in takes while bogus sign-ins hammer the staff page, measured from outside
/// against a running gateway (e.g. the demo's). Other machines are other loopback addresses: the attackers
/// connect from 127.0.0.2 (or 127.0.0.10 ... with several sources), the carer's phone, which signed in
/// before (trusted: it holds the edge-device cookie), from 127.0.0.1, and a tablet never used before from
/// 127.0.0.3. The attackers send wrong passwords for the carer's own account as fast as they are answered.
/// </summary>
internal sealed class SignInLoad(SignInLoadOptions options)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly TaskCompletionSource _inFullSwing = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _answers;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var url = options.Url ?? throw new ArgumentException("--url is required");
        Console.WriteLine($"sign-in load against {url}: {options.Attackers} concurrent bogus sign-ins from {options.AttackSources} source(s), {options.Samples} samples per measurement");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, load average now {LoadAverage()}");

        using var phone = new Browser(url, "127.0.0.1", options.AllowInvalidCertificate);
        var (status, _) = await phone.SignInAsync(options.User, options.Password, ct).ConfigureAwait(false);
        if (status != HttpStatusCode.NoContent)
        {
            Console.Error.WriteLine($"the carer's first sign-in answered {(int)status}: check --user and the password");
            return 1;
        }

        await phone.SignOutAsync(ct).ConfigureAwait(false);

        var quietTrusted = await MeasureAsync("quiet: phone (trusted browser)", () => phone, ct).ConfigureAwait(false);
        var quietNew = await MeasureAsync("quiet: new tablet (untrusted)", () => new Browser(url, "127.0.0.3", options.AllowInvalidCertificate), ct).ConfigureAwait(false);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var counts = new System.Collections.Concurrent.ConcurrentDictionary<int, long>();
        var attackers = Enumerable.Range(0, options.Attackers).Select(i => Task.Run(() => AttackAsync(url, i, counts, stop.Token), CancellationToken.None)).ToList();
        try
        {
            await _inFullSwing.Task.WaitAsync(TimeSpan.FromSeconds(60), ct).ConfigureAwait(false); // every attacker answered twice
        }
        catch (TimeoutException)
        {
            Console.WriteLine("(the attackers were still waiting for answers after 60 s; measuring anyway)");
        }

        Console.WriteLine($"attack running (load average {LoadAverage()})");
        var attackTrusted = await MeasureAsync("attack: phone (trusted browser)", () => phone, ct).ConfigureAwait(false);
        var attackNew = await MeasureAsync("attack: new tablet (untrusted)", () => new Browser(url, "127.0.0.3", options.AllowInvalidCertificate), ct).ConfigureAwait(false);
        var attackLoad = LoadAverage();
        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(attackers).ConfigureAwait(false);

        Console.WriteLine();
        Console.WriteLine("| measurement | sign-ins | median (s) | max (s) | attempts refused first |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var m in new[] { quietTrusted, quietNew, attackTrusted, attackNew })
        {
            Console.WriteLine(m.Row());
        }

        Console.WriteLine();
        Console.WriteLine($"bogus sign-in answers during the attack: {string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Key}: {c.Value}"))}; load average at the end of the attack {attackLoad}");
        return 0;
    }

    // Each sample: sign in (honouring Retry-After, as the page's script tells the carer to), time it to success, sign out.
    private async Task<Measurement> MeasureAsync(string name, Func<Browser> browser, CancellationToken ct)
    {
        var seconds = new List<double>();
        var refused = 0;
        for (var i = 0; i < options.Samples; i++)
        {
            var b = browser();
            try
            {
                var clock = Stopwatch.StartNew();
                while (true)
                {
                    var (status, retryAfter) = await b.SignInAsync(options.User, options.Password, ct).ConfigureAwait(false);
                    if (status == HttpStatusCode.NoContent)
                    {
                        break;
                    }

                    if (status is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable))
                    {
                        throw new InvalidOperationException($"{name}: sign-in answered {(int)status}");
                    }

                    refused++;
                    await Task.Delay(TimeSpan.FromSeconds(Math.Max(1, retryAfter)), ct).ConfigureAwait(false);
                }

                seconds.Add(clock.Elapsed.TotalSeconds);
                await b.SignOutAsync(ct).ConfigureAwait(false);
            }
            finally
            {
                if (b.Address != "127.0.0.1")
                {
                    b.Dispose();
                }
            }
        }

        var m = new Measurement(name, seconds, refused);
        Console.WriteLine(m.Row());
        return m;
    }

    private async Task AttackAsync(Uri url, int index, System.Collections.Concurrent.ConcurrentDictionary<int, long> counts, CancellationToken ct)
    {
        var source = options.AttackSources <= 1 ? "127.0.0.2" : $"127.0.0.{10 + (index % options.AttackSources)}";
        using var attacker = new Browser(url, source, options.AllowInvalidCertificate);
        var n = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var (status, _) = await attacker.SignInAsync(options.User, $"bogus-{index}-{n++}", ct).ConfigureAwait(false);
                counts.AddOrUpdate((int)status, 1, (_, c) => c + 1);
                if (Interlocked.Increment(ref _answers) >= options.Attackers * 2)
                {
                    _inFullSwing.TrySetResult();
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException)
            {
                counts.AddOrUpdate(0, 1, (_, c) => c + 1);
            }
        }
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private sealed record Measurement(string Name, List<double> Seconds, int Refused)
    {
        public string Row()
        {
            var sorted = Seconds.Order().ToList();
            var median = sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
            return string.Create(CultureInfo.InvariantCulture, $"| {Name} | {sorted.Count} | {median:0.00} | {(sorted.Count == 0 ? double.NaN : sorted[^1]):0.00} | {Refused} |");
        }
    }

    /// <summary>A cookie-keeping client from one local address, signing in the way the page's script does.</summary>
    private sealed class Browser : IDisposable
    {
        private readonly SocketsHttpHandler _handler;
        private readonly HttpClient _http;

        public Browser(Uri url, string address, bool allowInvalidCertificate)
        {
            Address = address;
            var local = IPAddress.Parse(address);
            _handler = new SocketsHttpHandler
            {
                CookieContainer = new CookieContainer(),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectCallback = async (context, ct) =>
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    try
                    {
                        socket.Bind(new IPEndPoint(local, 0));
                        await socket.ConnectAsync(context.DnsEndPoint, ct).ConfigureAwait(false);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            };
            if (allowInvalidCertificate)
            {
                _handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
            }

            _http = new HttpClient(_handler) { BaseAddress = url, Timeout = TimeSpan.FromMinutes(2) };
        }

        public string Address { get; }

        public async Task<(HttpStatusCode Status, int RetryAfter)> SignInAsync(string user, string password, CancellationToken ct)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/signin") { Content = JsonContent.Create(new { username = user, password }, options: Json) };
            request.Headers.Add("X-CSRF-TOKEN", await TokenAsync(ct).ConfigureAwait(false));
            using var response = await _http.SendAsync(request, ct).ConfigureAwait(false);
            return (response.StatusCode, (int)(response.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0));
        }

        public async Task SignOutAsync(CancellationToken ct)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/signout");
            request.Headers.Add("X-CSRF-TOKEN", await TokenAsync(ct).ConfigureAwait(false));
            using var response = await _http.SendAsync(request, ct).ConfigureAwait(false);
        }

        public void Dispose()
        {
            _http.Dispose();
            _handler.Dispose();
        }

        private async Task<string> TokenAsync(CancellationToken ct)
        {
            using var doc = JsonDocument.Parse(await _http.GetStringAsync(new Uri("/api/csrf", UriKind.Relative), ct).ConfigureAwait(false));
            return doc.RootElement.GetProperty("token").GetString()!;
        }
    }
}
