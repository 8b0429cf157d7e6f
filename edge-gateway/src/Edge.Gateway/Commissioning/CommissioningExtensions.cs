using Edge.Gateway.Incidents;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Edge.Gateway.Commissioning;

public static class CommissioningExtensions
{
    /// <summary>
    /// Commissioning mode and the scheduled self-test. Puts a decorator in front of the incident store
    /// (<see cref="IncidentsExtensions.AddIncidentServiceDecorator{TDecorator}"/>, whatever the order of the areas):
    /// incidents of devices under test go to the commissioning report instead of the store (and so never to
    /// escalation or uplink).
    /// </summary>
    public static IHostApplicationBuilder AddCommissioning(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CommissioningOptions>()
            .Bind(builder.Configuration.GetSection(CommissioningOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => o.DefaultSessionLength <= o.MaxSessionLength, "Commissioning:DefaultSessionLength must not exceed MaxSessionLength.")
            .ValidateOnStart();
        builder.Services.AddSingleton<CommissioningStore>();
        builder.Services.AddSingleton<CommissioningState>();
        builder.Services.AddSingleton<SelfTest>();
        builder.Services.AddIncidentServiceDecorator<CommissioningIncidentService>();
        builder.Services.AddSingleton<CommissioningService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CommissioningService>());
        return builder;
    }
}
