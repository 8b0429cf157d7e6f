using System.Net;

namespace Edge.Gateway.StaffPage;

/// <summary>The staff page: served by the gateway itself on the care home's network, no internet needed.</summary>
public sealed class StaffPageOptions
{
    public const string SectionName = "StaffPage";

    /// <summary>
    /// Where to listen, e.g. <c>https://0.0.0.0:8443</c> (with <see cref="CertificateFile"/>) or, on a
    /// trusted wired network only, <c>http://0.0.0.0:8080</c> (port 0 picks a free one). Empty: no staff page.
    /// </summary>
    public string Url { get; set; } = "";

    /// <summary>The staff store (<c>staff/staff.json</c>). Defaults to <c>Alerting:Escalation:StaffStoreFile</c>, then <c>Site:StaffStore</c>.</summary>
    public string? StaffStoreFile { get; set; }

    /// <summary>PEM certificate for https (e.g. one issued by the site CA for the gateway's host name).</summary>
    public string? CertificateFile { get; set; }

    /// <summary>PEM private key of <see cref="CertificateFile"/>.</summary>
    public string? CertificateKeyFile { get; set; }

    /// <summary>
    /// Host names the page answers to (the <c>Host</c> header), e.g. <c>gateway.oakhouse.lan</c>. A request
    /// naming any other host is refused, so a web page on another site cannot reach the staff page through
    /// DNS rebinding. IP addresses and <c>localhost</c> are always accepted (they cannot be rebound). The
    /// provisioning writes the site's <c>--gateway-host</c> names here.
    /// </summary>
    public IList<string> AllowedHosts { get; } = [];

    /// <summary>With https: how long browsers must keep using https for this host (the HSTS header's max-age).</summary>
    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(365);

    /// <summary>A session ends this long after its last request (a carer keeps a shift's page open).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>A session ends this long after sign-in, however busy (a shift and the handover).</summary>
    public TimeSpan SessionMaxLifetime { get; set; } = TimeSpan.FromHours(14);

    /// <summary>How often the device board and incident ages are pushed to open pages.</summary>
    public TimeSpan BoardInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Failed sign-ins from one network source (an IPv4 address or an IPv6 /64) before it has to wait between attempts.</summary>
    public int SourceFreeFailures { get; set; } = 5;

    /// <summary>
    /// Failed sign-ins for one account (from browsers not trusted for it) before further attempts have to wait.
    /// There is no lock: the right password always works once the wait is over, and a browser that signed in
    /// to this account before never waits for other people's failures.
    /// </summary>
    public int AccountFreeFailures { get; set; } = 5;

    /// <summary>The first wait; it doubles with every further failure.</summary>
    public TimeSpan ThrottleBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between attempts from one source.</summary>
    public TimeSpan SourceMaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest wait between attempts on one account from sources guessing it.</summary>
    public TimeSpan AccountMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Failed sign-ins from one source on one account after which that source counts as guessing the account
    /// (and waits for the account's waits). Fewer are a person mistyping on a new browser.
    /// </summary>
    public int NewBrowserFailures { get; set; } = 3;

    /// <summary>The longest wait for a browser that is neither trusted for the account nor guessing it (a new tablet during an attack).</summary>
    public TimeSpan NewBrowserMaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Failures are forgotten after this long without another one.</summary>
    public TimeSpan FailureMemory { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Sign-ins one source may have in progress at once; more are refused at once (no password check).</summary>
    public int MaxConcurrentSignInsPerSource { get; set; } = 2;

    /// <summary>
    /// How long a browser stays trusted for an account after signing in to it (the <c>edge-device</c> cookie).
    /// A trusted browser skips the account and source waits and has a password-check worker of its own.
    /// </summary>
    public TimeSpan TrustedDeviceLifetime { get; set; } = TimeSpan.FromDays(180);

    /// <summary>Failed sign-ins after which a trusted browser loses that trust for the account.</summary>
    public int TrustedDeviceFailures { get; set; } = 5;

    /// <summary>
    /// Workers checking passwords for untrusted browsers (each check is ~0.5 s of one core at 600,000
    /// PBKDF2 iterations). One more worker serves only trusted browsers, so a flood of bogus sign-ins
    /// cannot queue a carer behind it.
    /// </summary>
    public int PasswordCheckWorkers { get; set; } = 1;

    /// <summary>Password checks waiting for a worker; beyond this a sign-in is answered "busy, retry" at once.</summary>
    public int PasswordCheckQueue { get; set; } = 8;

    internal IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Url.Length == 0)
        {
            return errors;
        }

        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            errors.Add($"{SectionName}:Url '{Url}' must be an absolute http or https URL.");
        }
        else if (uri.Scheme == "https" && (string.IsNullOrEmpty(CertificateFile) || string.IsNullOrEmpty(CertificateKeyFile)))
        {
            errors.Add($"{SectionName}:CertificateFile and CertificateKeyFile are required for https.");
        }

        foreach (var file in new[] { CertificateFile, CertificateKeyFile })
        {
            if (!string.IsNullOrEmpty(file) && !File.Exists(file))
            {
                errors.Add($"{SectionName}: {file} does not exist.");
            }
        }

        foreach (var host in AllowedHosts)
        {
            if (Uri.CheckHostName(host) is UriHostNameType.Unknown || host.Contains(':', StringComparison.Ordinal) && !IPAddress.TryParse(host, out _))
            {
                errors.Add($"{SectionName}:AllowedHosts entry '{host}' is not a host name (no scheme, no port).");
            }
        }

        foreach (var (name, value) in new[]
        {
            (nameof(SessionLifetime), SessionLifetime), (nameof(SessionMaxLifetime), SessionMaxLifetime), (nameof(BoardInterval), BoardInterval),
            (nameof(ThrottleBaseDelay), ThrottleBaseDelay), (nameof(SourceMaxDelay), SourceMaxDelay), (nameof(AccountMaxDelay), AccountMaxDelay), (nameof(NewBrowserMaxDelay), NewBrowserMaxDelay),
            (nameof(FailureMemory), FailureMemory), (nameof(TrustedDeviceLifetime), TrustedDeviceLifetime), (nameof(HstsMaxAge), HstsMaxAge),
        })
        {
            if (value <= TimeSpan.Zero)
            {
                errors.Add($"{SectionName}:{name} must be greater than zero.");
            }
        }

        foreach (var (name, value, min) in new[]
        {
            (nameof(SourceFreeFailures), SourceFreeFailures, 1), (nameof(AccountFreeFailures), AccountFreeFailures, 1),
            (nameof(MaxConcurrentSignInsPerSource), MaxConcurrentSignInsPerSource, 1), (nameof(TrustedDeviceFailures), TrustedDeviceFailures, 1), (nameof(NewBrowserFailures), NewBrowserFailures, 1),
            (nameof(PasswordCheckWorkers), PasswordCheckWorkers, 1), (nameof(PasswordCheckQueue), PasswordCheckQueue, 1),
        })
        {
            if (value < min)
            {
                errors.Add($"{SectionName}:{name} must be at least {min}.");
            }
        }

        return errors;
    }
}
