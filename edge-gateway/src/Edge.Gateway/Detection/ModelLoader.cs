using Edge.Detection;
using Edge.Detection.Model;
using Edge.Gateway.Registry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Detection;

/// <summary>
/// Loads the model when the host starts and refuses to start on a bad model, or on a resident whose
/// stored sensitivity lies outside the model card's bounds: better no gateway than a silent one.
/// </summary>
internal sealed partial class ModelLoader(IServiceProvider services, IDeviceRegistry registry, ModelHealth health, ILogger<ModelLoader> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        IFallDetectorFactory factory;
        try
        {
            factory = (IFallDetectorFactory)services.GetService(typeof(IFallDetectorFactory))!;
        }
        catch (Exception e) when ((e as ModelArtifactException ?? e.InnerException as ModelArtifactException) is { } model)
        {
            Log.ModelInvalid(logger, model.Message);
            throw new GatewayConfigurationException($"The fall model could not be loaded; the gateway will not start without it. {model.Message}", model);
        }

        var bad = registry.Assignments
            .Where(a => a.Sensitivity is { } s && (s < factory.MinSensitivity || s > factory.MaxSensitivity))
            .Select(a => $"{a.ResidentId}={a.Sensitivity}")
            .ToList();
        if (bad.Count > 0)
        {
            var message = $"Resident sensitivity outside the model card's bounds [{factory.MinSensitivity}, {factory.MaxSensitivity}]: {string.Join(", ", bad)}";
            Log.ModelInvalid(logger, message);
            throw new GatewayConfigurationException(message);
        }

        health.Loaded = true;
        Log.ModelLoaded(logger, factory.ModelDescription, factory.MinSensitivity, factory.MaxSensitivity);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.ModelLoaded, Level = LogLevel.Information, Message = "Fall model loaded: {Model}; sensitivity bounds [{Min}, {Max}]")]
        public static partial void ModelLoaded(ILogger logger, string model, double min, double max);

        [LoggerMessage(EventId = EventIds.ModelInvalid, Level = LogLevel.Critical, Message = "Fall model refused: {Reason}")]
        public static partial void ModelInvalid(ILogger logger, string reason);
    }
}

/// <summary>Whether the model is loaded (for self-supervision).</summary>
public sealed class ModelHealth
{
    public bool Loaded { get; set; }
}
