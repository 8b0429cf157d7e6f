namespace Edge.Cloud.Data;

/// <summary>Revocable credentials, sessions and the audit log (<see cref="ICredentialStore"/>), on both engines.</summary>
public abstract partial class CloudStore
{
    private const string GatewayKeyColumns = "gateway_id, key_hash, created_at, expires_at, revoked_at, last_used_at";
    private const string TokenColumns = "user_id, token_hash, created_at, expires_at, revoked_at, last_used_at";

    public async Task AddGatewayKeyAsync(string gatewayId, byte[] keyHash, DateTimeOffset now, AuditEntry audit, CancellationToken cancellationToken) =>
        await ExecuteInTransactionAsync(
            [
                new Statement("INSERT INTO gateway_keys (key_hash, gateway_id, created_at) VALUES (@hash, @id, @now)")
                    .Blob("@hash", keyHash).Text("@id", gatewayId).Time("@now", now),
                Audit(audit),
            ],
            cancellationToken).ConfigureAwait(false);

    public async Task<int> RotateGatewayKeyAsync(
        string gatewayId, byte[] newKeyHash, DateTimeOffset now, DateTimeOffset oldKeysExpireAt, AuditEntry audit, CancellationToken cancellationToken)
    {
        var affected = await ExecuteInTransactionAsync(
            [
                new Statement("""
                    UPDATE gateway_keys SET expires_at = @end
                    WHERE gateway_id = @id AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > @end)
                    """).Time("@end", oldKeysExpireAt).Text("@id", gatewayId),
                new Statement("INSERT INTO gateway_keys (key_hash, gateway_id, created_at) VALUES (@hash, @id, @now)")
                    .Blob("@hash", newKeyHash).Text("@id", gatewayId).Time("@now", now),
                Audit(audit),
            ],
            cancellationToken).ConfigureAwait(false);
        return affected[0];
    }

    public async Task<int> RevokeGatewayKeysAsync(
        string gatewayId, IReadOnlyCollection<byte[]>? keyHashes, DateTimeOffset now, AuditEntry audit, CancellationToken cancellationToken)
    {
        var revoke = Revocations("gateway_keys", "key_hash", "gateway_id", gatewayId, keyHashes, now);
        var affected = await ExecuteInTransactionAsync([.. revoke, Audit(audit)], cancellationToken).ConfigureAwait(false);
        return affected[..^1].Sum();
    }

    public Task<IReadOnlyList<GatewayKeyRecord>> ListGatewayKeysAsync(string gatewayId, CancellationToken cancellationToken) =>
        QueryAsync(
            new Statement($"SELECT {GatewayKeyColumns} FROM gateway_keys WHERE gateway_id = @id ORDER BY created_at, key_hash").Text("@id", gatewayId),
            r => new GatewayKeyRecord(r.GetString(0), (byte[])r.GetValue(1), FromMs(r.GetInt64(2)), NullableTime(r, 3), NullableTime(r, 4), NullableTime(r, 5)),
            cancellationToken);

    public Task TouchGatewayKeyAsync(byte[] keyHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync(new Statement("UPDATE gateway_keys SET last_used_at = @now WHERE key_hash = @hash").Time("@now", now).Blob("@hash", keyHash), cancellationToken);

    public async Task AddUserTokenAsync(string userId, byte[] tokenHash, DateTimeOffset now, DateTimeOffset expiresAt, AuditEntry audit, CancellationToken cancellationToken) =>
        await ExecuteInTransactionAsync(
            [
                new Statement("INSERT INTO user_tokens (token_hash, user_id, created_at, expires_at) VALUES (@hash, @user, @now, @expires)")
                    .Blob("@hash", tokenHash).Text("@user", userId).Time("@now", now).Time("@expires", expiresAt),
                Audit(audit),
            ],
            cancellationToken).ConfigureAwait(false);

    public async Task<int> RevokeUserTokensAsync(
        string userId, IReadOnlyCollection<byte[]>? tokenHashes, DateTimeOffset now, AuditEntry audit, CancellationToken cancellationToken)
    {
        var revoke = Revocations("user_tokens", "token_hash", "user_id", userId, tokenHashes, now);
        var affected = await ExecuteInTransactionAsync([.. revoke, Audit(audit)], cancellationToken).ConfigureAwait(false);
        return affected[..^1].Sum();
    }

    public Task<IReadOnlyList<UserTokenRecord>> ListUserTokensAsync(string userId, CancellationToken cancellationToken) =>
        QueryAsync(
            new Statement($"SELECT {TokenColumns} FROM user_tokens WHERE user_id = @id ORDER BY created_at, token_hash").Text("@id", userId),
            r => new UserTokenRecord(r.GetString(0), (byte[])r.GetValue(1), FromMs(r.GetInt64(2)), NullableTime(r, 3), NullableTime(r, 4), NullableTime(r, 5)),
            cancellationToken);

    public Task TouchUserTokenAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync(new Statement("UPDATE user_tokens SET last_used_at = @now WHERE token_hash = @hash").Time("@now", now).Blob("@hash", tokenHash), cancellationToken);

    public async Task<bool> DisableUserAsync(string userId, DateTimeOffset now, AuditEntry audit, CancellationToken cancellationToken)
    {
        var affected = await ExecuteInTransactionAsync(
            [
                new Statement("UPDATE users SET disabled_at = @now WHERE user_id = @id AND disabled_at IS NULL").Time("@now", now).Text("@id", userId),
                new Statement("UPDATE user_sessions SET ended_at = @now, end_reason = 'user disabled' WHERE user_id = @id AND ended_at IS NULL")
                    .Time("@now", now).Text("@id", userId),
                new Statement("UPDATE user_tokens SET revoked_at = @now WHERE user_id = @id AND revoked_at IS NULL").Time("@now", now).Text("@id", userId),
                Audit(audit),
            ],
            cancellationToken).ConfigureAwait(false);
        return affected[0] == 1;
    }

    public async Task CreateSessionAsync(byte[] sessionHash, string userId, DateTimeOffset now, DateTimeOffset expiresAt, AuditEntry audit, CancellationToken cancellationToken) =>
        await ExecuteInTransactionAsync(
            [
                new Statement("""
                    INSERT INTO user_sessions (session_hash, user_id, created_at, last_seen_at, expires_at) VALUES (@hash, @user, @now, @now, @expires)
                    """).Blob("@hash", sessionHash).Text("@user", userId).Time("@now", now).Time("@expires", expiresAt),
                Audit(audit),
            ],
            cancellationToken).ConfigureAwait(false);

    public async Task<SessionRecord?> FindSessionAsync(byte[] sessionHash, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(
            new Statement($"""
                SELECT {UserColumns}, s.session_hash, s.created_at, s.last_seen_at, s.expires_at, s.ended_at, s.end_reason
                FROM user_sessions s JOIN users u ON u.user_id = s.user_id WHERE s.session_hash = @hash
                """).Blob("@hash", sessionHash),
            r => new SessionRecord(
                (byte[])r.GetValue(5), ReadUser(r), FromMs(r.GetInt64(6)), FromMs(r.GetInt64(7)), FromMs(r.GetInt64(8)), NullableTime(r, 9), NullableString(r, 10)),
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 1 ? rows[0] : null;
    }

    public Task TouchSessionAsync(byte[] sessionHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync(new Statement("UPDATE user_sessions SET last_seen_at = @now WHERE session_hash = @hash AND ended_at IS NULL")
            .Time("@now", now).Blob("@hash", sessionHash), cancellationToken);

    public async Task<bool> EndSessionAsync(byte[] sessionHash, DateTimeOffset now, string reason, AuditEntry? audit, CancellationToken cancellationToken)
    {
        List<Statement> statements =
        [
            new Statement("UPDATE user_sessions SET ended_at = @now, end_reason = @reason WHERE session_hash = @hash AND ended_at IS NULL")
                .Time("@now", now).Text("@reason", reason).Blob("@hash", sessionHash),
        ];
        if (audit is not null)
        {
            statements.Add(Audit(audit));
        }

        var affected = await ExecuteInTransactionAsync(statements, cancellationToken).ConfigureAwait(false);
        return affected[0] == 1;
    }

    public async Task<int> EndUserSessionsAsync(string userId, DateTimeOffset now, string reason, AuditEntry audit, CancellationToken cancellationToken)
    {
        var affected = await ExecuteInTransactionAsync(
            [
                new Statement("UPDATE user_sessions SET ended_at = @now, end_reason = @reason WHERE user_id = @id AND ended_at IS NULL")
                    .Time("@now", now).Text("@reason", reason).Text("@id", userId),
                Audit(audit),
            ],
            cancellationToken).ConfigureAwait(false);
        return affected[0];
    }

    public Task AppendAuditAsync(AuditEntry entry, CancellationToken cancellationToken) => ExecuteAsync(Audit(entry), cancellationToken);

    public Task<IReadOnlyList<AuditEntry>> ListAuditAsync(DateTimeOffset since, int limit, CancellationToken cancellationToken) =>
        QueryAsync(
            new Statement("SELECT at, actor, action, target, detail FROM audit_log WHERE at >= @since ORDER BY at DESC, audit_id DESC LIMIT @limit")
                .Time("@since", since).Int("@limit", Math.Clamp(limit, 1, 10_000)),
            r => new AuditEntry(FromMs(r.GetInt64(0)), r.GetString(1), r.GetString(2), r.GetString(3), NullableString(r, 4)),
            cancellationToken);

    private static Statement Audit(AuditEntry e) =>
        new Statement("INSERT INTO audit_log (at, actor, action, target, detail) VALUES (@at, @actor, @action, @target, @detail)")
            .Time("@at", e.At).Text("@actor", e.Actor).Text("@action", e.Action).Text("@target", e.Target).Text("@detail", e.Detail);

    // One UPDATE per named credential (their number is small), or one for all of the owner's credentials.
    private static List<Statement> Revocations(string table, string hashColumn, string ownerColumn, string owner, IReadOnlyCollection<byte[]>? hashes, DateTimeOffset now)
    {
        var live = $"UPDATE {table} SET revoked_at = @now WHERE {ownerColumn} = @owner AND revoked_at IS NULL";
        if (hashes is null)
        {
            return [new Statement(live).Time("@now", now).Text("@owner", owner)];
        }

        return [.. hashes.Select(h => new Statement(live + $" AND {hashColumn} = @hash").Time("@now", now).Text("@owner", owner).Blob("@hash", h))];
    }
}
