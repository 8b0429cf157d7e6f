using Edge.Provisioning;
using Edge.Provisioning.Crypto;
using Edge.Provisioning.Staff;

namespace Edge.Gateway.StaffPage;

/// <summary>Result of a sign-in attempt.</summary>
internal enum SignInResult
{
    Ok,
    Wrong,
    Locked,
    NoStore,
}

/// <summary>
/// Staff-page sign-in against the provisioned staff store (<c>staff/staff.json</c>, PBKDF2-SHA256 hashes). There
/// are no default accounts: the first administrator is created by <c>provision init site</c>, others by
/// <c>provision staff add</c>. The file is re-read when it changes, so a disabled account stops working at its
/// next request. A verification costs ~0.5 s of CPU (600,000 iterations): one at a time, and a user name is
/// locked after <see cref="StaffPageOptions.MaxFailedSignIns"/> failures. Unknown names cost the same as known
/// ones, so timing does not reveal which names exist.
/// </summary>
internal sealed class StaffAccounts(string? path, StaffPageOptions options, TimeProvider time)
{
    private static readonly string DummyHash = StaffPasswordHash.Create("not-a-password-" + Guid.NewGuid().ToString("N"));
    private readonly SemaphoreSlim _verify = new(1, 1);
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<DateTimeOffset>> _failures = new(StringComparer.Ordinal);
    private StaffStore? _store;
    private DateTime _storeWrittenAt;

    public string? Path => path;

    /// <summary>The enabled account, re-reading the file if it changed; null when unknown, disabled or no store.</summary>
    public StaffAccount? Find(string username)
    {
        var store = Load();
        return store?.FindEnabled(username);
    }

    public async Task<(SignInResult Result, StaffAccount? Account)> SignInAsync(string username, string password, CancellationToken ct)
    {
        if (Load() is not { } store)
        {
            return (SignInResult.NoStore, null);
        }

        if (IsLocked(username))
        {
            return (SignInResult.Locked, null);
        }

        var account = StaffStore.IsValidUsername(username) ? store.FindEnabled(username) : null;
        bool ok;
        await _verify.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ok = await Task.Run(() => StaffPasswordHash.Verify(password, account?.PasswordHash ?? DummyHash), ct).ConfigureAwait(false) && account is not null;
        }
        finally
        {
            _verify.Release();
        }

        if (ok)
        {
            lock (_lock)
            {
                _failures.Remove(username);
            }

            return (SignInResult.Ok, account);
        }

        lock (_lock)
        {
            var list = _failures.TryGetValue(username, out var l) ? l : _failures[username] = [];
            list.Add(time.GetUtcNow());
        }

        return (IsLocked(username) ? SignInResult.Locked : SignInResult.Wrong, null);
    }

    private bool IsLocked(string username)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (!_failures.TryGetValue(username, out var list))
            {
                return false;
            }

            list.RemoveAll(t => t <= now - options.LockoutTime);
            return list.Count >= options.MaxFailedSignIns;
        }
    }

    private StaffStore? Load()
    {
        if (path is null || !File.Exists(path))
        {
            return null;
        }

        var written = File.GetLastWriteTimeUtc(path);
        lock (_lock)
        {
            if (_store is not null && written == _storeWrittenAt)
            {
                return _store;
            }
        }

        try
        {
            var store = StaffStore.Load(path);
            lock (_lock)
            {
                _store = store;
                _storeWrittenAt = written;
            }

            return store;
        }
        catch (ProvisioningException)
        {
            lock (_lock)
            {
                return _store; // a half-written file: keep the last good one
            }
        }
    }
}
