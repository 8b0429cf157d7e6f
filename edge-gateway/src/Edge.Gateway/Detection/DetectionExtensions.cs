using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Edge.Gateway.Detection;

public static class DetectionExtensions
{
    /// <summary>The committed fall model (loaded and validated at start-up), the detection stage and per-resident settings.</summary>
    public static IHostApplicationBuilder AddDetection(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DetectionOptions>()
            .Bind(builder.Configuration.GetSection(DetectionOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => Directory.Exists(o.ModelDirectory), "Detection:ModelDirectory does not exist (the committed model is in models/fall-model).")
            .ValidateOnStart();
        builder.Services.TryAddSingleton<IFallDetectorFactory, ModelArtifactDetectorFactory>();
        builder.Services.AddSingleton<ModelHealth>();
        builder.Services.AddSingleton<DetectionStage>();
        builder.Services.AddSingleton<ResidentSettings>();
        builder.Services.AddSingleton<IResidentSettings>(sp => sp.GetRequiredService<ResidentSettings>());
        builder.Services.AddHostedService<ModelLoader>();
        return builder;
    }
}
