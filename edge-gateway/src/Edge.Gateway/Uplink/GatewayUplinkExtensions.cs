using Edge.Gateway.Incidents;
using Edge.Gateway.Storage;
using Edge.Uplink;
using Edge.Uplink.Outbox;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Edge.Gateway.Uplink;

public static class GatewayUplinkExtensions
{
    /// <summary>
    /// Registers the uplink only when an <c>Uplink</c> section is configured: a site without a cloud keeps
    /// everything on site and needs no outbox. <see cref="GatewayHost"/> calls this after the incidents.
    /// </summary>
    public static IHostApplicationBuilder AddUplinkWhenConfigured(this IHostApplicationBuilder builder) =>
        builder.Configuration.GetSection(UplinkOptions.SectionName).Exists() ? builder.AddGatewayUplink() : builder;

    /// <summary>
    /// The uplink over the gateway database: the outbox sits beside the incidents, and every transition
    /// is queued in its own transaction. Call after <c>AddStorage</c> and <c>AddIncidents</c>.
    /// </summary>
    public static IHostApplicationBuilder AddGatewayUplink(this IHostApplicationBuilder builder)
    {
        // Twice would register the outbox observer twice and queue every transition twice.
        if (builder.Services.Any(d => d.ImplementationType == typeof(IncidentOutboxObserver)))
        {
            return builder;
        }

        builder.Services.AddSingleton<IOutboxConnectionFactory, GatewayDatabaseConnections>();
        builder.Services.AddOptions<ResidentPseudonymOptions>().Bind(builder.Configuration.GetSection(UplinkOptions.SectionName))
            .Validate(o => IsKey(o.ResidentPseudonymKey), "Uplink:ResidentPseudonymKey must be at least 32 random bytes in base64 (or absent).").ValidateOnStart();
        builder.Services.AddSingleton<ResidentPseudonyms>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ResidentPseudonyms>()); // before ingest and supervision can raise anything
        builder.Services.AddSingleton<IIncidentTransitionObserver, IncidentOutboxObserver>();
        builder.Services.AddOptions<HealthSummaryOptions>().Bind(builder.Configuration.GetSection(HealthSummaryOptions.SectionName))
            .Validate(o => o.Interval >= TimeSpan.FromSeconds(1), "Uplink:HealthSummary:Interval must be at least one second.").ValidateOnStart();
        builder.Services.AddHostedService<HealthSummaryPublisher>();
        builder.Services.AddHostedService<UplinkRejectionReporter>();
        builder.Services.AddSingleton<MobilityUplinkPublisher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MobilityUplinkPublisher>());
        builder.AddUplink();
        return builder;
    }

    private static bool IsKey(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        var bytes = new byte[text.Length];
        return Convert.TryFromBase64String(text.Trim(), bytes, out var length) && length >= 32;
    }

    private sealed class GatewayDatabaseConnections(GatewayDatabase database) : IOutboxConnectionFactory
    {
        public Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => database.OpenAsync(cancellationToken);
    }
}
