namespace Edge.Site;

/// <summary>
/// A site file (inventory, staff store, escalation policy) is missing or cannot be read. The message names the file
/// and what is wrong with it, for the technician, and never contains a secret.
/// </summary>
public sealed class SiteFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SiteFileException()
    {
    }

    /// <summary>Creates the exception with a message for the technician.</summary>
    public SiteFileException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message for the technician and its cause.</summary>
    public SiteFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
