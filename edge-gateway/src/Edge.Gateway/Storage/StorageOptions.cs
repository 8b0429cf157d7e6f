using System.ComponentModel.DataAnnotations;

namespace Edge.Gateway.Storage;

/// <summary>Where the gateway keeps its SQLite database (incidents, audit, registry, supervision).</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>Path of the SQLite database file; relative paths are resolved against the working directory.</summary>
    [Required]
    public string DatabasePath { get; set; } = "edge-gateway.db";

    /// <summary>How long a writer waits for another writer's lock before failing.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
