using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Registry;

public static class RegistryExtensions
{
    /// <summary>The registry (sites, units, rooms, residents, devices, staff), its optional seed file, and the site's identity.</summary>
    public static IHostApplicationBuilder AddRegistry(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(sp => SiteIdentity.From(sp.GetRequiredService<IConfiguration>()));
        builder.Services.AddOptions<RegistryOptions>()
            .Bind(builder.Configuration.GetSection(RegistryOptions.SectionName))
            .Validate(o => o.SeedFile is null || File.Exists(o.SeedFile), "Registry:SeedFile names a file that does not exist.")
            .ValidateOnStart();
        builder.Services.AddSingleton<DeviceRegistry>();
        builder.Services.AddSingleton<IDeviceRegistry>(sp => sp.GetRequiredService<DeviceRegistry>());
        builder.Services.AddHostedService<RegistryLoader>();
        return builder;
    }
}

/// <summary>Imports the seed (a site file, or the provisioned site) and loads the registry before ingest starts.</summary>
internal sealed class RegistryLoader(DeviceRegistry registry, IConfiguration configuration) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (RegistrySeed.Load(configuration) is { } seed)
        {
            await registry.ImportAsync(seed, "seed-file", cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await registry.ReloadAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
