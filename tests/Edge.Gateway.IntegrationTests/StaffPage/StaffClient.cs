using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace Edge.Gateway.IntegrationTests.StaffPage;

/// <summary>
/// A browser-like HTTP client for the staff page: keeps cookies, fetches the CSRF token the page's script
/// uses, and can connect from another loopback address (127.0.0.2, 127.0.0.3 ...) to act as another machine.
/// </summary>
internal sealed class StaffClient : IDisposable
{
    private readonly SocketsHttpHandler _handler;
    private readonly Uri _base;

    public StaffClient(Uri baseAddress, string? fromAddress = null, CookieContainer? cookies = null)
    {
        _base = baseAddress;
        _handler = new SocketsHttpHandler { CookieContainer = cookies ?? new CookieContainer(), AllowAutoRedirect = false };
        if (fromAddress is not null)
        {
            var local = IPAddress.Parse(fromAddress);
            _handler.ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        Http = new HttpClient(_handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public HttpClient Http { get; }

    public CookieContainer Cookies => _handler.CookieContainer;

    /// <summary>The raw value of the session cookie, as an attacker who copied it would hold it.</summary>
    public string SessionCookie => Cookies.GetCookies(_base)["edge-staff"]?.Value ?? throw new InvalidOperationException("no session cookie");

    public async Task<string> CsrfAsync()
    {
        using var doc = JsonDocument.Parse(await Http.GetStringAsync(new Uri("/api/csrf", UriKind.Relative)));
        return doc.RootElement.GetProperty("token").GetString()!;
    }

    /// <summary>Signs in the way the page does; returns the status and the Retry-After seconds (0 when none).</summary>
    public async Task<(HttpStatusCode Status, int RetryAfter)> SignInAsync(string user, string password)
    {
        using var response = await PostJsonAsync("/api/signin", new { username = user, password });
        return (response.StatusCode, (int)(response.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0));
    }

    public async Task<HttpResponseMessage> PostJsonAsync(string path, object? body)
    {
        var token = await CsrfAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("X-CSRF-TOKEN", token);
        return await Http.SendAsync(request);
    }

    public async Task<HttpStatusCode> GetStatusAsync(string path)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
        return response.StatusCode;
    }

    public void Dispose()
    {
        Http.Dispose();
        _handler.Dispose();
    }
}
