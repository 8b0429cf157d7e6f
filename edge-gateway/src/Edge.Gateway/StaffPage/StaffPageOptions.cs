namespace Edge.Gateway.StaffPage;

/// <summary>The staff page: served by the gateway itself on the care home's network, no internet needed.</summary>
public sealed class StaffPageOptions
{
    public const string SectionName = "StaffPage";

    /// <summary>
    /// Where to listen, e.g. <c>http://0.0.0.0:8080</c> or <c>https://0.0.0.0:8443</c> (port 0 picks a free
    /// one). Empty: no staff page.
    /// </summary>
    public string Url { get; set; } = "";

    /// <summary>The staff store (<c>staff/staff.json</c>). Defaults to <c>Alerting:Escalation:StaffStoreFile</c>, then <c>Site:StaffStore</c>.</summary>
    public string? StaffStoreFile { get; set; }

    /// <summary>PEM certificate for https (e.g. one issued by the site CA for the gateway's host name).</summary>
    public string? CertificateFile { get; set; }

    /// <summary>PEM private key of <see cref="CertificateFile"/>.</summary>
    public string? CertificateKeyFile { get; set; }

    /// <summary>A session lasts this long after the last request (a shift).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How often the device board and incident ages are pushed to open pages.</summary>
    public TimeSpan BoardInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Failed sign-ins for one user name before it is locked for <see cref="LockoutTime"/>.</summary>
    public int MaxFailedSignIns { get; set; } = 5;

    /// <summary>How long a user name stays locked after too many failed sign-ins.</summary>
    public TimeSpan LockoutTime { get; set; } = TimeSpan.FromMinutes(15);

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

        if (SessionLifetime <= TimeSpan.Zero || BoardInterval <= TimeSpan.Zero || LockoutTime <= TimeSpan.Zero)
        {
            errors.Add($"{SectionName}: SessionLifetime, BoardInterval and LockoutTime must be greater than zero.");
        }

        if (MaxFailedSignIns < 1)
        {
            errors.Add($"{SectionName}:MaxFailedSignIns must be at least 1.");
        }

        return errors;
    }
}
