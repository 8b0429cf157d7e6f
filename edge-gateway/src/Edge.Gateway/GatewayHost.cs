using Edge.Gateway.Alerting;
using Edge.Gateway.Commissioning;
using Edge.Gateway.Detection;
using Edge.Gateway.Diagnostics;
using Edge.Gateway.Incidents;
using Edge.Gateway.Ingest;
using Edge.Gateway.Prevention;
using Edge.Gateway.Registry;
using Edge.Gateway.StaffPage;
using Edge.Gateway.Storage;
using Edge.Gateway.Supervision;
using Edge.Gateway.Uplink;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Edge.Gateway;

/// <summary>Builds the gateway host; Program.cs and the integration tests use the same composition.</summary>
public static class GatewayHost
{
    /// <summary>
    /// The gateway: configuration from appsettings.json, an optional <c>--config FILE</c> (JSON, same
    /// shape), environment variables (<c>EDGE_</c> prefix, <c>__</c> for sections) and the command line,
    /// later ones winning. Areas in pipeline order.
    /// </summary>
    public static HostApplicationBuilder CreateBuilder(string[] args, Action<IHostApplicationBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.AddGatewayConfiguration(args);
        configure?.Invoke(builder);
        builder.AddStartupReporting();
        builder.AddSystemdIntegration();
        builder.AddDiagnostics()
            .AddStorage()
            .AddRegistry()
            .AddIncidents()
            .AddUplinkWhenConfigured()
            .AddAlerting()
            .AddDetection()
            .AddPrevention()
            .AddSupervision()
            .AddIngest()
            .AddStaffPage()
            .AddCommissioning();
        return builder;
    }

    /// <summary>Adds <c>--config FILE</c> and <c>EDGE_</c> environment variables, then the command line again so it wins.</summary>
    public static IHostApplicationBuilder AddGatewayConfiguration(this IHostApplicationBuilder builder, string[] args)
    {
        var file = builder.Configuration["config"];
        if (!string.IsNullOrEmpty(file))
        {
            var full = Path.GetFullPath(file);
            if (!File.Exists(full))
            {
                throw new FileNotFoundException($"--config {file}: the file does not exist.", full);
            }

            builder.Configuration.AddJsonFile(full, optional: false, reloadOnChange: false);
        }

        builder.Configuration.AddEnvironmentVariables("EDGE_");
        builder.Configuration.AddCommandLine(args);
        return builder;
    }
}
