using Edge.Uplink.Delivery;
using Edge.Uplink.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Edge.Uplink;

public static class UplinkExtensions
{
    /// <summary>
    /// The outbox writer, the sender and the status. The host registers an
    /// <see cref="IOutboxConnectionFactory"/> for its database (the gateway: its GatewayDatabase).
    /// </summary>
    public static IHostApplicationBuilder AddUplink(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<UplinkOptions>().Bind(builder.Configuration.GetSection(UplinkOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<UplinkOptions>, UplinkOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<OutboxWriter>();
        services.AddSingleton<OutboxStore>();
        services.AddSingleton<UplinkStatus>();
        services.AddSingleton<UplinkClient>();
        services.AddSingleton<UplinkSender>();
        services.AddHostedService(sp => sp.GetRequiredService<UplinkSender>());
        return builder;
    }
}
