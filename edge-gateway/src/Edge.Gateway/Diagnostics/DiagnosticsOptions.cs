namespace Edge.Gateway.Diagnostics;

/// <summary>Read-only local status endpoint.</summary>
public sealed class DiagnosticsOptions
{
    public const string SectionName = "Diagnostics";

    /// <summary>
    /// Loopback port for the read-only JSON endpoint (<c>/api/incidents</c>, <c>/api/devices</c>,
    /// <c>/api/ingest</c>, <c>/api/unprotected</c>); 0 or absent disables it. Only 127.0.0.1 is bound.
    /// </summary>
    public int HttpPort { get; set; }
}
