using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Edge.Cloud.Api.Security;

/// <summary>
/// Decides when "last used" is worth writing for a key, token or session: at most once per
/// <see cref="CredentialOptions.LastUsedResolution"/> per credential and instance, so the ingest path
/// does not pay a database write per batch. Administrators read it to see whether a gateway has switched
/// to its new key before they revoke the old one.
/// </summary>
internal sealed class LastUseRecorder(IOptions<CredentialOptions> options, TimeProvider time)
{
    private const int MaxTracked = 50_000;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _written = new(StringComparer.Ordinal);

    /// <summary>True (and remembered) when the credential's last use has not been written recently.</summary>
    public bool ShouldWrite(string kind, byte[] hash)
    {
        var now = time.GetUtcNow();
        var key = kind + ":" + Convert.ToHexString(hash);
        if (_written.TryGetValue(key, out var last) && now - last < options.Value.LastUsedResolution)
        {
            return false;
        }

        if (_written.Count >= MaxTracked)
        {
            _written.Clear(); // bounded memory; the cost is one extra write per credential
        }

        _written[key] = now;
        return true;
    }
}
