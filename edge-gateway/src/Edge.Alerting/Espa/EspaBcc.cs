namespace Edge.Alerting.Espa;

/// <summary>The ESPA 4.4.4 block check character.</summary>
public static class EspaBcc
{
    /// <summary>
    /// XOR of every byte after SOH up to and including ETX. <paramref name="block"/> may start with SOH
    /// (it is skipped) and must end with ETX; a trailing BCC must not be included.
    /// </summary>
    public static byte Compute(ReadOnlySpan<byte> block)
    {
        var start = block.Length > 0 && block[0] == EspaControl.Soh ? 1 : 0;
        byte bcc = 0;
        for (var i = start; i < block.Length; i++)
        {
            bcc ^= block[i];
        }

        return bcc;
    }
}
