namespace Edge.Gateway.Registry;

/// <summary>Registry settings.</summary>
public sealed class RegistryOptions
{
    public const string SectionName = "Registry";

    /// <summary>
    /// Optional site file (JSON, see edge-gateway/README.md) imported at start-up before ingest begins.
    /// Import is an upsert: running it again with the same file changes nothing.
    /// </summary>
    public string? SeedFile { get; set; }
}
