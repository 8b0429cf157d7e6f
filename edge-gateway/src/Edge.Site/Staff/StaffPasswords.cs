namespace Edge.Site.Staff;

/// <summary>
/// What a staff member's password must be. Stored only as an <c>Edge.Cloud.Contracts.PasswordHash</c> (the hasher the
/// cloud dashboard shares).
/// </summary>
public static class StaffPasswords
{
    /// <summary>Shortest staff password accepted (NIST SP 800-63B asks for at least 8; we ask 12).</summary>
    public const int MinimumLength = 12;

    /// <summary>
    /// Why <paramref name="password"/> is unacceptable for <paramref name="username"/>, or null when it is
    /// acceptable. There is never a default password: the technician or staff member sets it.
    /// </summary>
    public static string? Weakness(string password, string username)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (password.Length < MinimumLength)
        {
            return $"the password must be at least {MinimumLength} characters long";
        }

        if (password.Contains(username, StringComparison.OrdinalIgnoreCase))
        {
            return "the password must not contain the user name";
        }

        if (password.Distinct().Count() < 5)
        {
            return "the password must use at least 5 different characters";
        }

        return CommonPasswords.Reason(password);
    }
}
