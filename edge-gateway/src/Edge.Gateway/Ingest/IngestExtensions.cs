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
    /// Ingest over MQTT: the Edge.Mqtt client (MQTTnet) (section <c>Mqtt</c>, always a persistent session with a
    /// fixed client id), the sensor message source and the pipeline. Register another
    /// <see cref="ISensorMessageSource"/> before this call to replace the broker (tests).
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
                    o.SiteId = configuration["Site:Id"] ?? "";
                }
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<IngestOptions>, IngestOptionsValidator>();

        builder.Services.AddOptions<MqttClientOptions>()
            .Bind(builder.Configuration.GetSection(MqttClientOptions.SectionName))
            .PostConfigure(mqtt =>
            {
                // The gateway must not lose what sensors send while it restarts: persistent session,
                // fixed client id (the broker queues QoS 1 messages for it meanwhile). Read from the
                // configuration, not IngestOptions, so a bad ingest value does not hide a bad Mqtt one.
                mqtt.CleanSession = false;
                mqtt.ClientId ??= $"edge-gateway-{(configuration["Ingest:SiteId"] is { Length: > 0 } site ? site : configuration["Site:Id"])}";
            })
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<MqttClientOptions>, MqttClientOptionsValidator>();
        builder.Services.TryAddSingleton<ISensorMessageSource>(sp => new MqttSensorMessageSource(
            new MqttNetClient(sp.GetRequiredService<IOptions<MqttClientOptions>>().Value, sp.GetRequiredService<ILogger<MqttNetClient>>(), sp.GetRequiredService<TimeProvider>()),
            sp.GetRequiredService<ILogger<MqttSensorMessageSource>>()));

        builder.Services.AddSingleton<BrokerHealth>();
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
