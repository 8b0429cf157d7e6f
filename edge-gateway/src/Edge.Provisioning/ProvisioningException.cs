namespace Edge.Provisioning;

/// <summary>
/// A provisioning step cannot be done as asked (bad id, unknown device, missing site, weak password...).
/// The message is written for the technician and never contains a secret.
/// </summary>
public sealed class ProvisioningException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ProvisioningException()
    {
    }

    /// <summary>Creates the exception with a message for the technician.</summary>
    public ProvisioningException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message for the technician and its cause.</summary>
    public ProvisioningException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
