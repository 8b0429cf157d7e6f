using Edge.Cloud.Contracts;
using Edge.Site;
using Edge.Site.Staff;

namespace Edge.Gateway.StaffPage;

/// <summary>Result of a sign-in attempt.</summary>
internal enum SignInResult
{
    Ok,
    Wrong,

    /// <summary>Refused before any password check: the source or the account has to wait (see <see cref="SignInOutcome.RetryAfter"/>).</summary>
    Throttled,

    /// <summary>The password-check queue is full: try again in a moment.</summary>
    Busy,
    NoStore,
}

/// <summary>What a sign-in attempt came to.</summary>
internal readonly record struct SignInOutcome(SignInResult Result, StaffAccount? Account = null, TimeSpan RetryAfter = default, string Reason = "");

/// <summary>
/// Staff-page sign-in against the provisioned staff store (<c>staff/staff.json</c>, PBKDF2-SHA256 hashes). There
/// are no default accounts: the first administrator is created by <c>provision init site</c>, others by
/// <c>provision staff add</c>. The file is re-read when it changes, so a disabled account stops working at its
/// next request. Guessing is slowed by <see cref="SignInThrottle"/> (growing waits per source and per account,
/// never a lock), and passwords are checked by <see cref="PasswordCheckQueue"/> off the request path. Unknown
/// names cost the same as known ones, so timing does not reveal which names exist.
/// </summary>
internal sealed class StaffAccounts(string? path, SignInThrottle throttle, PasswordCheckQueue checks)
{
    private static readonly string DummyHash = PasswordHash.Create("not-a-password-" + Guid.NewGuid().ToString("N"));
    private readonly Lock _lock = new();
    private StaffStore? _store;
    private DateTime _storeWrittenAt;

    public string? Path => path;

    /// <summary>The enabled account, re-reading the file if it changed; null when unknown, disabled or no store.</summary>
    public StaffAccount? Find(string username)
    {
        var store = Load();
        return store?.FindEnabled(username);
    }

    /// <param name="source">The client's <see cref="SignInThrottle.SourceKey"/>.</param>
    /// <param name="trustedDevice">The browser's device id when it is trusted for this account (<see cref="TrustedDevices"/>).</param>
    public async Task<SignInOutcome> SignInAsync(string username, string password, string source, string? trustedDevice, CancellationToken ct)
    {
        if (Load() is not { } store)
        {
            return new SignInOutcome(SignInResult.NoStore);
        }

        var decision = throttle.TryBegin(source, username, trustedDevice);
        if (!decision.Allowed)
        {
            return new SignInOutcome(SignInResult.Throttled, RetryAfter: decision.RetryAfter, Reason: decision.Reason);
        }

        var succeeded = false;
        var checkedPassword = false;
        try
        {
            var account = StaffStore.IsValidUsername(username) ? store.FindEnabled(username) : null;
            var check = await checks.CheckAsync(password, account?.PasswordHash ?? DummyHash, priority: decision.Trusted, ct).ConfigureAwait(false);
            if (check == PasswordCheck.Busy)
            {
                return new SignInOutcome(SignInResult.Busy, RetryAfter: TimeSpan.FromSeconds(2), Reason: "password checks queued to the limit");
            }

            checkedPassword = true;
            succeeded = check == PasswordCheck.Match && account is not null;
            return succeeded ? new SignInOutcome(SignInResult.Ok, account) : new SignInOutcome(SignInResult.Wrong);
        }
        finally
        {
            // A busy or abandoned attempt checked nothing: it frees its slot but counts as no failure.
            if (checkedPassword)
            {
                throttle.Complete(source, username, trustedDevice, succeeded);
            }
            else
            {
                throttle.Release(source);
            }
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
        catch (SiteFileException)
        {
            lock (_lock)
            {
                return _store; // a half-written file: keep the last good one
            }
        }
    }
}
