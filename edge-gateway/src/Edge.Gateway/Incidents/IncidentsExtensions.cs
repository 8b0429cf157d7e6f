using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Edge.Gateway.Incidents;

public static class IncidentsExtensions
{
    /// <summary>
    /// The incident store and state machine, and the <see cref="IncidentRaiser"/> every area raises through. Register
    /// <see cref="IIncidentTransitionObserver"/>s to write in the same transaction, and decorators with
    /// <see cref="AddIncidentServiceDecorator{TDecorator}"/>.
    /// </summary>
    public static IHostApplicationBuilder AddIncidents(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<UnstoredAlarms>();
        builder.Services.AddSingleton<IncidentService>();
        builder.Services.TryAddSingleton<IIncidentService>(ComposeIncidentService);
        builder.Services.AddOptions<IncidentRaiserOptions>();
        builder.Services.AddSingleton<IncidentRaiser>();
        return builder;
    }

    /// <summary>
    /// Puts <typeparamref name="TDecorator"/> in front of the incident store for every area that asks for
    /// <see cref="IIncidentService"/> (its constructor takes the service it wraps as an <see cref="IIncidentService"/>).
    /// The service is composed when it is first resolved, not when areas register, so the order of
    /// <see cref="AddIncidents"/> and this call does not matter; several decorators wrap in the order they were added
    /// (the last added is outermost).
    /// </summary>
    internal static IServiceCollection AddIncidentServiceDecorator<TDecorator>(this IServiceCollection services)
        where TDecorator : class, IIncidentService
    {
        services.AddSingleton(new IncidentServiceDecorator(typeof(TDecorator)));
        services.TryAddSingleton<IIncidentService>(ComposeIncidentService);
        return services;
    }

    private static IIncidentService ComposeIncidentService(IServiceProvider services)
    {
        IIncidentService service = services.GetRequiredService<IncidentService>();
        foreach (var decorator in services.GetServices<IncidentServiceDecorator>())
        {
            service = (IIncidentService)ActivatorUtilities.CreateInstance(services, decorator.Type, service);
        }

        return service;
    }

    private sealed record IncidentServiceDecorator(Type Type);
}
