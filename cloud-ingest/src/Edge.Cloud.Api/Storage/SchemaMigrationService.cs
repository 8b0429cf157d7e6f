using Edge.Cloud.Api.Diagnostics;
using Edge.Cloud.Data;

namespace Edge.Cloud.Api.Storage;

/// <summary>Creates or upgrades the schema before the server takes requests (hosted services start first).</summary>
internal sealed class SchemaMigrationService(CloudStore store, ILogger<SchemaMigrationService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var ran = await store.MigrateAsync(null, cancellationToken).ConfigureAwait(false);
        var versions = await store.GetAppliedVersionsAsync(cancellationToken).ConfigureAwait(false);
        Log.SchemaMigrated(logger, store.Provider.ToString(), ran, versions.Count == 0 ? 0 : versions[^1]);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
