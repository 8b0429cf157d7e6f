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
    /// Ingest over MQTT: the libmosquitto client (section <c>Mqtt</c>, always a persistent session with a
    /// fixed client id), the sensor message source and the pipeline. Register another
    /// <see cref="ISensorMessageSource"/> before this call to replace the broker (tests).
    /// </summary>
    public static IHostApplicationBuilder AddIngest(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<IngestOptions>()
            .Bind(builder.Configuration.GetSection(IngestOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<IngestOptions>, IngestOptionsValidator>();

        builder.Services.AddOptions<MqttClientOptions>()
            .Bind(builder.Configuration.GetSection(MqttClientOptions.SectionName))
            .PostConfigure<IOptions<IngestOptions>>((mqtt, ingest) =>
            {
                // The gateway must not lose what sensors send while it restarts: persistent session,
                // fixed client id (the broker queues QoS 1 messages for it meanwhile).
                mqtt.CleanSession = false;
                mqtt.ClientId ??= $"edge-gateway-{ingest.Value.SiteId}";
            })
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<MqttClientOptions>, MqttClientOptionsValidator>();
        builder.Services.TryAddSingleton<ISensorMessageSource>(sp => new MqttSensorMessageSource(
            new MosquittoMqttClient(sp.GetRequiredService<IOptions<MqttClientOptions>>().Value, sp.GetRequiredService<ILogger<MosquittoMqttClient>>(), sp.GetRequiredService<TimeProvider>()),
            sp.GetRequiredService<ILogger<MqttSensorMessageSource>>()));

        builder.Services.AddSingleton<BrokerHealth>();
        builder.Services.AddSingleton<IngestPipeline>();
        builder.Services.AddHostedService<IngestService>();
        return builder;
    }
}

/// <summary>Runs the pipeline for the host's lifetime.</summary>
internal sealed class IngestService(IngestPipeline pipeline) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => pipeline.RunAsync(stoppingToken);
}
