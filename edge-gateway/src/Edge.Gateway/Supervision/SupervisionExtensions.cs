using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Supervision;

public static class SupervisionExtensions
{
    /// <summary>Device supervision (offline/docked, battery, not worn, unprotected time) and the gateway self-check.</summary>
    public static IHostApplicationBuilder AddSupervision(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SupervisionOptions>()
            .Bind(builder.Configuration.GetSection(SupervisionOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SupervisionOptions>, SupervisionOptionsValidator>();
        builder.Services.AddSingleton<UnprotectedTimeStore>();
        builder.Services.TryAddSingleton<Ingest.BrokerConnection>();
        builder.Services.AddSingleton<DeviceSupervisor>();
        builder.Services.AddSingleton<GatewaySelfCheck>();
        builder.Services.AddHostedService<SupervisionService>();
        builder.Services.AddHostedService<SessionProbeService>();
        return builder;
    }
}
