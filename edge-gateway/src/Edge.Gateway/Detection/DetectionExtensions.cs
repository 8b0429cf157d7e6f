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
            .ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<DetectionOptions>, DetectionOptionsValidator>();
        builder.Services.TryAddSingleton<IFallDetectorFactory, ModelArtifactDetectorFactory>();
        builder.Services.AddSingleton<ModelHealth>();
        builder.Services.AddSingleton<DetectionStage>();
        builder.Services.AddSingleton<ResidentSettings>();
        builder.Services.AddSingleton<IResidentSettings>(sp => sp.GetRequiredService<ResidentSettings>());
        builder.Services.AddHostedService<ModelLoader>();
        return builder;
    }
}

internal sealed class DetectionOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<DetectionOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, DetectionOptions options) =>
        !string.IsNullOrEmpty(options.ModelDirectory) && !Directory.Exists(options.ModelDirectory)
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Fail(
                $"Detection:ModelDirectory '{Path.GetFullPath(options.ModelDirectory)}' does not exist (the committed model is models/fall-model in the repository; relative paths resolve against the working directory).")
            : Microsoft.Extensions.Options.ValidateOptionsResult.Success;
}
