using System.ComponentModel.DataAnnotations;

namespace Edge.Cloud.Data;

/// <summary>Where the cloud keeps its data. SQLite unless the provider or the connection string says PostgreSQL.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>"sqlite" (default) or "postgres". Empty: decided from the connection string.</summary>
    public string? Provider { get; set; }

    /// <summary>
    /// SQLite: <c>Data Source=edge-cloud.db</c>. PostgreSQL: <c>Host=...;Database=...;Username=...;Password=...</c>.
    /// </summary>
    [Required]
    public string ConnectionString { get; set; } = "Data Source=edge-cloud.db";

    /// <summary>The engine these options select.</summary>
    public StorageProvider ResolveProvider()
    {
        if (!string.IsNullOrWhiteSpace(Provider))
        {
            return Provider.Trim().ToUpperInvariant() switch
            {
                "SQLITE" => StorageProvider.Sqlite,
                "POSTGRES" or "POSTGRESQL" or "NPGSQL" => StorageProvider.Postgres,
                _ => throw new InvalidOperationException($"Storage:Provider '{Provider}' is not supported; use 'sqlite' or 'postgres'."),
            };
        }

        return ConnectionString.Contains("Host=", StringComparison.OrdinalIgnoreCase)
            || ConnectionString.Contains("Server=", StringComparison.OrdinalIgnoreCase)
            ? StorageProvider.Postgres
            : StorageProvider.Sqlite;
    }
}

/// <summary>Storage engines.</summary>
public enum StorageProvider
{
    Sqlite,
    Postgres,
}
