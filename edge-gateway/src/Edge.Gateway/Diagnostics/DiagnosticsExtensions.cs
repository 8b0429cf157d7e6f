using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Edge.Gateway.Diagnostics;

public static class DiagnosticsExtensions
{
    /// <summary>Metrics (meter <c>Edge.Gateway</c>), TimeProvider, and the optional loopback status endpoint.</summary>
    public static IHostApplicationBuilder AddDiagnostics(this IHostApplicationBuilder builder)
    {
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<GatewayMetrics>();
        builder.Services.AddOptions<DiagnosticsOptions>()
            .Bind(builder.Configuration.GetSection(DiagnosticsOptions.SectionName))
            .Validate(o => o.HttpPort is >= 0 and <= 65535, "Diagnostics:HttpPort must be 0 (off) or 1..65535.")
            .ValidateOnStart();
        builder.Services.AddHostedService<StatusEndpoint>();
        return builder;
    }
}
