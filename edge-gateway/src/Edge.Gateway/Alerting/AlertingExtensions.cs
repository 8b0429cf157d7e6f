using Edge.Alerting;
using Edge.Alerting.Espa;
using Edge.Alerting.Sip;
using Edge.Alerting.Webhook;
using Edge.Gateway.Incidents;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Alerting;

public static class AlertingExtensions
{
    /// <summary>
    /// Escalation (policy, schedule, engine), the attempt store, and the alert channels configured under
    /// <c>Alerting:Espa</c>, <c>Alerting:Sip</c> and <c>Alerting:Webhook</c> (one of each; a section that is
    /// absent means no such channel). Every channel's settings and the policy are validated at start-up.
    /// Register extra <see cref="IAlertChannel"/>s (tests, other transports) as singletons before the host is built.
    /// </summary>
    public static IHostApplicationBuilder AddAlerting(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var config = builder.Configuration;
        services.AddOptions<EscalationOptions>().Bind(config.GetSection(EscalationOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EscalationOptions>, EscalationOptionsValidator>();
        services.AddSingleton<EscalationPolicySource>();
        services.AddSingleton<EscalationPolicyCheck>();
        services.AddSingleton<EscalationStore>();
        services.AddSingleton<DeliveryLedger>();
        services.AddSingleton<IIncidentTransitionObserver>(sp => sp.GetRequiredService<EscalationStore>());
        services.AddSingleton<SqliteDeliveryAttemptRecorder>();
        services.AddSingleton<IDeliveryAttemptRecorder>(sp => sp.GetRequiredService<SqliteDeliveryAttemptRecorder>());

        if (config.GetSection(EspaOptions.SectionName).Exists())
        {
            AddValidated<EspaOptions>(services, config, EspaOptions.SectionName);
            // One registration per channel: the container disposes what a factory returned, once.
            services.AddSingleton<IAlertChannel>(sp =>
            {
                var o = sp.GetRequiredService<IOptions<EspaOptions>>().Value;
                return new EspaChannelHost(o, () => EspaTransportFactory.Create(o), sp.GetRequiredService<TimeProvider>(),
                    sp.GetRequiredService<IDeliveryAttemptRecorder>(), sp.GetRequiredService<ILoggerFactory>());
            });
        }

        if (config.GetSection(SipOptions.SectionName).Exists())
        {
            AddValidated<SipOptions>(services, config, SipOptions.SectionName);
            services.AddSingleton<IAlertChannel>(sp => new SipMessageChannel(sp.GetRequiredService<IOptions<SipOptions>>().Value, sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<IDeliveryAttemptRecorder>(), sp.GetRequiredService<ILogger<SipMessageChannel>>()));
        }

        if (config.GetSection(WebhookOptions.SectionName).Exists())
        {
            AddValidated<WebhookOptions>(services, config, WebhookOptions.SectionName);
            services.AddSingleton<IAlertChannel>(sp =>
            {
                var o = sp.GetRequiredService<IOptions<WebhookOptions>>().Value;
#pragma warning disable CA2000 // The HttpClient lives as long as the channel (a singleton); the container ends the process.
                var http = new HttpClient(WebhookChannel.CreateHandler(o)) { Timeout = Timeout.InfiniteTimeSpan };
#pragma warning restore CA2000
                return new WebhookChannel(http, o, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IDeliveryAttemptRecorder>(), sp.GetRequiredService<ILogger<WebhookChannel>>());
            });
        }

        services.AddHostedService<AlertChannelStarter>();

        // The engine's parts (see EscalationEngine): one of each per gateway.
        services.AddSingleton<EscalationWork>();
        services.AddSingleton<ChannelFaultMonitor>();
        services.AddSingleton<AlertRouter>();
        services.AddSingleton(sp => new NonUrgentGate(sp.GetRequiredService<IOptions<EscalationOptions>>().Value, sp.GetRequiredService<EscalationPolicySource>().ToLocal));
        services.AddSingleton<AcceptanceHandler>();
        services.AddSingleton<UnsavedMoves>();
        services.AddSingleton<AlertDispatcher>();
        services.AddSingleton<UnstoredAlarmPager>();
        services.AddSingleton<EscalationStepper>();
        services.AddSingleton<EscalationEngine>();
        services.AddHostedService(sp => sp.GetRequiredService<EscalationEngine>());
        return builder;
    }

    private static void AddValidated<T>(IServiceCollection services, IConfiguration config, string section)
        where T : class, IValidatableAlertOptions
    {
        services.AddOptions<T>().Bind(config.GetSection(section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>, AlertOptionsValidator<T>>();
    }
}

/// <summary>Opens the configured channels before escalation starts (the ESPA link, the SIP socket).</summary>
internal sealed class AlertChannelStarter(IServiceProvider services) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var channel in services.GetServices<IAlertChannel>())
        {
            if (channel is EspaChannelHost espa)
            {
                await espa.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (channel is SipMessageChannel sip)
            {
                await sip.StartAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
