using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Edge.Gateway.Storage;

namespace Edge.Gateway.StaffPage;

/// <summary>
/// Staff-page sessions kept by the gateway, not just in the browser's cookie. The cookie carries a random
/// session id (inside ASP.NET Core's Data Protection envelope); the gateway database keeps its SHA-256, the
/// account, and when it started, was last used and ended. Every request checks it, so signing out ends the
/// session at once: a copy of the cookie replayed afterwards is refused, and an open live stream of that
/// session is closed. Sessions survive a gateway restart (a carer stays signed in through an update). A
/// session ends after <see cref="StaffPageOptions.SessionLifetime"/> without requests and
/// <see cref="StaffPageOptions.SessionMaxLifetime"/> after sign-in, however busy.
/// </summary>
internal sealed class StaffSessions(GatewayDatabase database, StaffPageOptions options, TimeProvider time)
{
    /// <summary>The claim in the cookie that names the session.</summary>
    public const string Claim = "edge:sid";

    private const string Ddl = """
        CREATE TABLE IF NOT EXISTS staff_sessions (
            session_hash TEXT PRIMARY KEY,   -- SHA-256 of the id in the cookie, hex; the id itself is never stored
            username TEXT NOT NULL,
            remote TEXT NOT NULL,            -- the address it was signed in from
            created_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            ended_at TEXT,
            end_reason TEXT                  -- signed out, idle, lifetime over, account disabled
        );
        CREATE INDEX IF NOT EXISTS ix_staff_sessions_open ON staff_sessions(ended_at);
        """;

    // How often last_seen_at is written: a request per second from an open page must not mean a write per second.
    private static readonly TimeSpan TouchResolution = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Entry> _open = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _loadLock = new(1, 1);
    private volatile bool _loaded;

    /// <summary>Sessions open now (for the log and tests).</summary>
    public int OpenCount => _open.Count;

    /// <summary>Starts a session for <paramref name="username"/>; returns the id to put in the cookie.</summary>
    public async Task<string> StartAsync(string username, string remote, CancellationToken ct)
    {
        await EnsureLoadedAsync(ct).ConfigureAwait(false);
        await PruneAsync(ct).ConfigureAwait(false);
        var id = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var hash = Hash(id);
        var now = time.GetUtcNow();
        await ExecAsync("INSERT INTO staff_sessions(session_hash, username, remote, created_at, last_seen_at) VALUES ($h, $u, $r, $now, $now)", ct,
            ("$h", hash), ("$u", username), ("$r", remote), ("$now", DbTime.ToText(now))).ConfigureAwait(false);
        _open[hash] = new Entry(username, now) { LastSeenAt = now, LastWrittenAt = now };
        return id;
    }

    /// <summary>
    /// Checks the session named by a cookie: open, of this account, within both lifetimes. Returns why it is
    /// refused (and ends it), or null when it is valid (and records the activity).
    /// </summary>
    public async Task<string?> ValidateAsync(string? id, string? username, CancellationToken ct)
    {
        await EnsureLoadedAsync(ct).ConfigureAwait(false);
        if (id is null || username is null)
        {
            return "no session";
        }

        var hash = Hash(id);
        if (!_open.TryGetValue(hash, out var entry) || !string.Equals(entry.Username, username, StringComparison.Ordinal))
        {
            return "session ended";
        }

        var now = time.GetUtcNow();
        if (Expired(entry, now) is { } reason)
        {
            await EndCoreAsync(hash, reason, ct).ConfigureAwait(false);
            return reason;
        }

        entry.LastSeenAt = now;
        if (now - entry.LastWrittenAt >= TouchResolution)
        {
            entry.LastWrittenAt = now;
            await ExecAsync("UPDATE staff_sessions SET last_seen_at = $now WHERE session_hash = $h AND ended_at IS NULL", ct,
                ("$now", DbTime.ToText(now)), ("$h", hash)).ConfigureAwait(false);
        }

        return null;
    }

    /// <summary>True while the session is open and within its lifetimes (a cheap check for long-lived streams).</summary>
    public bool IsOpen(string? id)
    {
        return id is not null && _open.TryGetValue(Hash(id), out var entry) && Expired(entry, time.GetUtcNow()) is null;
    }

    /// <summary>A token cancelled when the session ends (sign-out, expiry, account disabled): live streams stop with it.</summary>
    public CancellationToken Ended(string? id) =>
        id is not null && _open.TryGetValue(Hash(id), out var entry) ? entry.End.Token : new CancellationToken(canceled: true);

    /// <summary>Ends a session (sign-out). False when it was not open.</summary>
    public async Task<bool> EndAsync(string? id, string reason, CancellationToken ct)
    {
        await EnsureLoadedAsync(ct).ConfigureAwait(false);
        return id is not null && await EndCoreAsync(Hash(id), reason, ct).ConfigureAwait(false);
    }

    /// <summary>Ends every open session of an account (it was disabled or removed). Returns how many ended.</summary>
    public async Task<int> EndAccountAsync(string username, string reason, CancellationToken ct)
    {
        await EnsureLoadedAsync(ct).ConfigureAwait(false);
        var ended = 0;
        foreach (var (hash, entry) in _open)
        {
            if (string.Equals(entry.Username, username, StringComparison.Ordinal) && await EndCoreAsync(hash, reason, ct).ConfigureAwait(false))
            {
                ended++;
            }
        }

        return ended;
    }

    // Sessions nobody came back to are closed when the next one starts, so the open set stays small.
    private async Task PruneAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        foreach (var (hash, entry) in _open)
        {
            if (Expired(entry, now) is { } reason)
            {
                await EndCoreAsync(hash, reason, ct).ConfigureAwait(false);
            }
        }
    }

    private string? Expired(Entry entry, DateTimeOffset now) =>
        now - entry.CreatedAt >= options.SessionMaxLifetime ? "lifetime over"
        : now - entry.LastSeenAt >= options.SessionLifetime ? "idle"
        : null;

    private async Task<bool> EndCoreAsync(string hash, string reason, CancellationToken ct)
    {
        if (!_open.TryRemove(hash, out var entry))
        {
            return false;
        }

        // Forgotten in memory first: from here no request with this session passes, even while the write runs.
        await entry.End.CancelAsync().ConfigureAwait(false);
        await ExecAsync("UPDATE staff_sessions SET ended_at = $now, end_reason = $why WHERE session_hash = $h AND ended_at IS NULL", ct,
            ("$now", DbTime.ToText(time.GetUtcNow())), ("$why", reason), ("$h", hash)).ConfigureAwait(false);
        return true;
    }

    private async Task EnsureLoadedAsync(CancellationToken ct)
    {
        if (_loaded)
        {
            return;
        }

        await _loadLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_loaded)
            {
                return;
            }

            var c = await database.OpenAsync(ct).ConfigureAwait(false);
            await using (c.ConfigureAwait(false))
            {
                await using (var ddl = c.CreateCommand())
                {
                    ddl.CommandText = Ddl;
                    await ddl.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                await using var query = c.CreateCommand();
                query.CommandText = "SELECT session_hash, username, created_at, last_seen_at FROM staff_sessions WHERE ended_at IS NULL";
                await using var reader = await query.ExecuteReaderAsync(ct).ConfigureAwait(false);
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    var lastSeen = DbTime.Parse(reader.GetString(3));
                    _open[reader.GetString(0)] = new Entry(reader.GetString(1), DbTime.Parse(reader.GetString(2))) { LastSeenAt = lastSeen, LastWrittenAt = lastSeen };
                }
            }

            _loaded = true;
        }
        finally
        {
            _loadLock.Release();
        }
    }

    private async Task ExecAsync(string sql, CancellationToken ct, params (string Name, object? Value)[] args)
    {
        var c = await database.OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            await Sql.ExecuteAsync(c, null, sql, ct, args).ConfigureAwait(false);
        }
    }

    private static string Hash(string id) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));

    private sealed class Entry(string username, DateTimeOffset createdAt)
    {
        public string Username { get; } = username;

        public DateTimeOffset CreatedAt { get; } = createdAt;

        public DateTimeOffset LastSeenAt { get; set; }

        public DateTimeOffset LastWrittenAt { get; set; }

        public CancellationTokenSource End { get; } = new();
    }
}
