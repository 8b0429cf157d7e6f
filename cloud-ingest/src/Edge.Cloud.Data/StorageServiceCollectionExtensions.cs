using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Edge.Cloud.Data;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Registers the store chosen by <see cref="StorageOptions"/> behind its narrow interfaces.</summary>
    public static IServiceCollection AddCloudStorage(this IServiceCollection services)
    {
        services.AddSingleton<CloudStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            var time = sp.GetService<TimeProvider>() ?? TimeProvider.System;
            return Create(options, time);
        });
        services.AddSingleton<IIngestStore>(sp => sp.GetRequiredService<CloudStore>());
        services.AddSingleton<IDirectoryStore>(sp => sp.GetRequiredService<CloudStore>());
        services.AddSingleton<ICredentialStore>(sp => sp.GetRequiredService<CloudStore>());
        services.AddSingleton<IReportStore>(sp => sp.GetRequiredService<CloudStore>());
        services.AddSingleton<ISchemaMigrator>(sp => sp.GetRequiredService<CloudStore>());
        return services;
    }

    /// <summary>Creates the store for these options (the admin CLI and tests use this directly).</summary>
    public static CloudStore Create(StorageOptions options, TimeProvider timeProvider) =>
        options.ResolveProvider() switch
        {
            StorageProvider.Postgres => new PostgresCloudStore(options.ConnectionString, timeProvider),
            _ => new SqliteCloudStore(options.ConnectionString, timeProvider),
        };
}
