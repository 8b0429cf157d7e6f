using System.Text.Json;
using System.Text.Json.Serialization;
using Edge.Site.Inventory;

namespace Edge.Site.Staff;

/// <summary>What a staff account may do on the staff page.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StaffRole>))]
public enum StaffRole
{
    /// <summary>Sees and acknowledges alerts for the site.</summary>
    Staff,

    /// <summary>Also manages staff accounts, devices and the escalation policy.</summary>
    Administrator,
}

/// <summary>A staff-page account. The password is only ever stored as its hash (<c>Edge.Cloud.Contracts.PasswordHash</c>).</summary>
public sealed class StaffAccount
{
    /// <summary>Login name: 1–64 characters of a–z, 0–9, '.', '_' and '-'.</summary>
    public string Username { get; set; } = "";

    /// <summary>Role.</summary>
    public StaffRole Role { get; set; } = StaffRole.Staff;

    /// <summary>PBKDF2-SHA256 hash (<c>Edge.Cloud.Contracts.PasswordHash</c>).</summary>
    public string PasswordHash { get; set; } = "";

    /// <summary>False once disabled: the account can no longer log in or be alerted.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>When the account was created (UTC).</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it was disabled (UTC), or null.</summary>
    public DateTimeOffset? DisabledAt { get; set; }
}

/// <summary>
/// The site's staff accounts (<c>staff/staff.json</c>, 0600). Written by the provisioning CLI; the
/// gateway reads it for staff-page logins (<see cref="FindEnabled"/>, then the account's hash is checked with <c>Edge.Cloud.Contracts.PasswordHash</c>)
/// and re-reads it when it changes.
/// </summary>
public sealed class StaffStore
{
    /// <summary>Format version.</summary>
    public int Version { get; set; } = 1;

    /// <summary>Accounts, including disabled ones (kept for the audit trail).</summary>
    public List<StaffAccount> Accounts { get; set; } = [];

    /// <summary>The enabled account with this user name, or null.</summary>
    public StaffAccount? FindEnabled(string username) =>
        Accounts.Find(a => a.Enabled && string.Equals(a.Username, username, StringComparison.Ordinal));

    /// <summary>True for a valid login name.</summary>
    public static bool IsValidUsername(string? username) =>
        username is { Length: >= 1 and <= 64 }
        && username.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-');

    /// <summary>Reads the store, with a clear error when it is missing or broken.</summary>
    public static StaffStore Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new SiteFileException($"No staff store at {path}. Run 'init site' first.");
        }

        try
        {
            StaffStore? store = JsonSerializer.Deserialize<StaffStore>(File.ReadAllText(path), SiteInventoryJson.Options);
            return store is { Version: 1 } ? store : throw new SiteFileException($"{path} is not a version 1 staff store.");
        }
        catch (JsonException ex)
        {
            throw new SiteFileException($"{path} is not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>The store as written to its file (the provisioning CLI writes it 0600).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, SiteInventoryJson.Options) + "\n";
}
