using System.Security.Cryptography;
using System.Text;
using Edge.Gateway.Storage;
using Edge.Site;
using Edge.Uplink;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Uplink;

/// <summary>The site secret behind the pseudonymous resident references the uplink sends (section <c>Uplink</c>).</summary>
public sealed class ResidentPseudonymOptions
{
    /// <summary>
    /// 32 or more random bytes, base64 (<c>Uplink:ResidentPseudonymKey</c>; <c>provision init site</c> writes one).
    /// Without it the gateway makes one and keeps it in its database.
    /// </summary>
    public string? ResidentPseudonymKey { get; set; }

    internal byte[]? Key() => string.IsNullOrWhiteSpace(ResidentPseudonymKey) ? null : Convert.FromBase64String(ResidentPseudonymKey.Trim());
}

/// <summary>
/// What the cloud knows a resident by: <c>r-</c> and 20 base32 characters of HMAC-SHA256 over the site id and the
/// resident's registry id, keyed with a secret that never leaves the site. The same resident at the same site
/// always gets the same reference, so the cloud's per-resident figures hold; without the secret the reference
/// cannot be turned back into the id, even when a hand-written site file uses names as ids. The secret is
/// <see cref="ResidentPseudonymOptions.ResidentPseudonymKey"/>, or one the gateway made and keeps in its
/// database (table <c>gateway_secrets</c>, included in every backup).
/// </summary>
public sealed class ResidentPseudonyms(GatewayDatabase database, IOptions<ResidentPseudonymOptions> options, IOptions<UplinkOptions> uplink) : IHostedService
{
    private const string SecretName = "resident-pseudonym-key";
    private const string Ddl = """
        CREATE TABLE IF NOT EXISTS gateway_secrets (
            name TEXT PRIMARY KEY,
            value BLOB NOT NULL
        );
        """;

    private byte[]? _key = options.Value.Key();
    private volatile bool _stored = options.Value.Key() is not null;

    /// <summary>Loads or makes the key before anything is queued for the cloud.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_stored)
        {
            return;
        }

        var c = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var tx = (SqliteTransaction)await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                var key = await LoadOrCreateAsync(tx, cancellationToken).ConfigureAwait(false);
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                _key = key;
                _stored = true;
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The reference for <paramref name="residentId"/>. Until the key is known to be stored, it is read (or made)
    /// inside <paramref name="transaction"/>, so an event and the key it was made with are committed together.
    /// </summary>
    public async ValueTask<string?> ForAsync(string? residentId, SqliteTransaction? transaction, CancellationToken ct)
    {
        if (residentId is null)
        {
            return null;
        }

        var key = _stored ? _key! : transaction is not null ? await LoadOrCreateAsync(transaction, ct).ConfigureAwait(false) : await EnsureAsync(ct).ConfigureAwait(false);
        return Pseudonym(key, uplink.Value.SiteId, residentId);
    }

    /// <summary>The reference itself (also what tests and an auditor holding the key compute).</summary>
    public static string Pseudonym(byte[] key, string siteId, string residentId)
    {
        ArgumentNullException.ThrowIfNull(key);
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"edge.resident-ref.v1\0{siteId}\0{residentId}"));
        return "r-" + Base32.Encode(mac.AsSpan(0, 12)).ToLowerInvariant()[..20];
    }

    private async Task<byte[]> EnsureAsync(CancellationToken ct)
    {
        await StartAsync(ct).ConfigureAwait(false);
        return _key!;
    }

    private static async Task<byte[]> LoadOrCreateAsync(SqliteTransaction tx, CancellationToken ct)
    {
        var c = tx.Connection!;
        await using (var ddl = c.CreateCommand())
        {
            ddl.Transaction = tx;
            ddl.CommandText = Ddl + "INSERT OR IGNORE INTO gateway_secrets(name, value) VALUES ($name, $value);";
            ddl.Parameters.AddWithValue("$name", SecretName);
            ddl.Parameters.AddWithValue("$value", RandomNumberGenerator.GetBytes(32));
            await ddl.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await using var read = c.CreateCommand();
        read.Transaction = tx;
        read.CommandText = "SELECT value FROM gateway_secrets WHERE name = $name";
        read.Parameters.AddWithValue("$name", SecretName);
        return (byte[])(await read.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }
}
