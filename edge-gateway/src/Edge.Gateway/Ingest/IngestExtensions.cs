using Edge.Gateway.Incidents;
using Edge.Gateway.Registry;
using Edge.Mqtt;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Ingest;

public static class IngestExtensions
{
    /// <summary>
    /// Messages the broker may send the gateway before it acknowledges them. Held per device: the detector's
    /// look-back (about 6.5 s with the soft path's window, some 8 batches at 1 batch/s), so 20,000 holds a
    /// thousand sensors twice over and still leaves room for ingest's own queue; beyond it the broker keeps
    /// messages in the session.
    /// </summary>
    public const int DefaultReceiveMaximum = 20_000;

    /// <summary>
    /// Ingest over MQTT: the Edge.Mqtt client (section <c>Mqtt</c>; always MQTT 5, a persistent session with
    /// a fixed client id, and manual acknowledgement), the sensor message source and the pipeline. Register
    /// another <see cref="ISensorMessageSource"/> before this call to replace the broker (tests).
    /// </summary>
    public static IHostApplicationBuilder AddIngest(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.AddOptions<IngestOptions>()
            .Bind(builder.Configuration.GetSection(IngestOptions.SectionName))
            .PostConfigure(o =>
            {
                // No built-in site: a provisioned gateway names its site in Site:Id.
                if (string.IsNullOrEmpty(o.SiteId))
                {
                    o.SiteId = SiteIdentity.From(configuration).Id;
                }
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<IngestOptions>, IngestOptionsValidator>();

        // The call button, detection and prevention raise through the incident raiser: an alarm that cannot be stored is
        // reported like ingest's other repeated warnings.
        builder.Services.AddOptions<IncidentRaiserOptions>().Bind(builder.Configuration.GetSection(IngestOptions.SectionName));

        builder.Services.AddOptions<MqttClientOptions>()
            .Bind(builder.Configuration.GetSection(MqttClientOptions.SectionName))
            .PostConfigure(mqtt =>
            {
                // The gateway must not lose what sensors send while it restarts: persistent session,
                // fixed client id (the broker queues QoS 1 messages for it meanwhile). Read from the
                // configuration, not IngestOptions, so a bad ingest value does not hide a bad Mqtt one.
                // Nor what it was still working on when it died: messages are acknowledged only once
                // processed, and MQTT 5's receive maximum sizes the window of those held (3.1.1 would be
                // capped at the broker's max_inflight_messages, 20 by default).
                mqtt.CleanSession = false;
                mqtt.ClientId ??= $"edge-gateway-{SiteIdentity.From(configuration).Id}";
                mqtt.ProtocolVersion = MqttProtocolVersion.V500;
                mqtt.ManualAcknowledgement = true;
                if (mqtt.ReceiveMaximum == 0)
                {
                    mqtt.ReceiveMaximum = DefaultReceiveMaximum;
                }
            })
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<MqttClientOptions>, MqttClientOptionsValidator>();
        builder.Services.TryAddSingleton<ISensorMessageSource>(sp => new MqttSensorMessageSource(
            new MqttNetClient(sp.GetRequiredService<IOptions<MqttClientOptions>>().Value, sp.GetRequiredService<ILogger<MqttNetClient>>(), sp.GetRequiredService<TimeProvider>()),
            sp.GetRequiredService<ILogger<MqttSensorMessageSource>>(), sp.GetRequiredService<BrokerConnection>()));
        builder.Services.TryAddSingleton<BrokerConnection>();

        builder.Services.AddSingleton<BrokerHealth>();
        builder.Services.AddSingleton<AcknowledgementLedger>();
        builder.Services.AddSingleton<RetainedMessageGuard>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RetainedMessageGuard>());
        builder.Services.AddSingleton<IngestPipeline>();
        builder.Services.AddHostedService<IngestService>();
        return builder;
    }
}

/// <summary>
/// Runs the pipeline for the host's lifetime. A broker that refuses the gateway (TLS verification, credentials) is
/// a configuration error: the gateway stops with exit code 2 and a clear message rather than running deaf.
/// </summary>
internal sealed class IngestService(IngestPipeline pipeline, StartupFailure failure, IOptions<MqttClientOptions> mqtt) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await pipeline.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (MqttConnectException e)
        {
            var o = mqtt.Value;
            failure.Fail(GatewayExitCodes.Configuration,
                $"the MQTT broker at {o.Host}:{o.Port} refused the gateway: {e.Message} (check Mqtt:Username, Mqtt:Password and Mqtt:Tls:CaFile)");
        }
    }
}
