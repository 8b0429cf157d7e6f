using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Edge.Gateway.Incidents;

public static class IncidentsExtensions
{
    /// <summary>The incident store and state machine. Register <see cref="IIncidentTransitionObserver"/>s to write in the same transaction.</summary>
    public static IHostApplicationBuilder AddIncidents(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<UnstoredAlarms>();
        builder.Services.AddSingleton<IncidentService>();
        builder.Services.AddSingleton<IIncidentService>(sp => sp.GetRequiredService<IncidentService>());
        return builder;
    }
}
