using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;

namespace Edge.Gateway.StaffPage;

/// <summary>
/// The <c>edge-device</c> cookie: after a successful sign-in the browser is remembered as trusted for that
/// account (OWASP's "device cookie" defence against lock-out). It holds a random device id and the accounts
/// that signed in on it, protected by ASP.NET Core Data Protection, so it cannot be forged or edited. It is
/// not a session: it signs nobody in, it only exempts that browser from the waits other people's failed
/// guesses cause (<see cref="SignInThrottle"/>). A shared ward computer can be trusted for several carers.
/// </summary>
internal sealed class TrustedDevices(IDataProtectionProvider protection, StaffPageOptions options, TimeProvider time)
{
    public const string CookieName = "edge-device";
    private const int MaxAccounts = 10;
    private readonly IDataProtector _protector = protection.CreateProtector("Edge.Gateway.StaffPage.TrustedDevices.v1");

    /// <summary>The browser's device id when its cookie trusts it for <paramref name="username"/> and has not expired; else null.</summary>
    public string? TrustedFor(HttpRequest request, string username)
    {
        var device = Read(request);
        return device is not null && device.Accounts.TryGetValue(username, out var since) && time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(since) < options.TrustedDeviceLifetime
            ? device.Id
            : null;
    }

    /// <summary>Remembers this browser as trusted for <paramref name="username"/> (after the right password).</summary>
    public void Remember(HttpContext context, string username)
    {
        var device = Read(context.Request) ?? new DeviceCookie { Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) };
        device.Accounts[username] = time.GetUtcNow().ToUnixTimeSeconds();
        foreach (var oldest in device.Accounts.OrderByDescending(a => a.Value).Skip(MaxAccounts).Select(a => a.Key).ToList())
        {
            device.Accounts.Remove(oldest);
        }

        context.Response.Cookies.Append(CookieName, _protector.Protect(JsonSerializer.Serialize(device)), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/api/signin",
            MaxAge = options.TrustedDeviceLifetime,
        });
    }

    private DeviceCookie? Read(HttpRequest request)
    {
        if (request.Cookies[CookieName] is not { Length: > 0 and < 4096 } value)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<DeviceCookie>(_protector.Unprotect(value));
        }
        catch (Exception e) when (e is CryptographicException or JsonException or FormatException)
        {
            return null; // forged, edited, or from keys that no longer exist: simply not trusted
        }
    }

    private sealed class DeviceCookie
    {
        public string Id { get; set; } = "";

        public Dictionary<string, long> Accounts { get; set; } = new(StringComparer.Ordinal);
    }
}
