using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Prevention;

public static class PreventionExtensions
{
    /// <summary>
    /// Fall prevention (section <c>Prevention</c>): the posture tracker stage the ingest worker runs beside detection,
    /// per-resident get-up settings, mobility trends and the falls log. Validated at start-up.
    /// </summary>
    public static IHostApplicationBuilder AddPrevention(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<PreventionOptions>()
            .Bind(builder.Configuration.GetSection(PreventionOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<PreventionOptions>, PreventionOptionsValidator>();
        builder.Services.AddSingleton<SiteClock>();
        builder.Services.AddSingleton<PreventionSettings>();
        builder.Services.AddSingleton<IPreventionSettings>(sp => sp.GetRequiredService<PreventionSettings>());
        builder.Services.AddSingleton<MobilityStore>();
        builder.Services.AddSingleton<ResidentLog>();
        builder.Services.AddSingleton<PreventionStage>();
        builder.Services.AddHostedService<MobilityRecorder>();
        return builder;
    }

    private sealed class PreventionOptionsValidator : IValidateOptions<PreventionOptions>
    {
        public ValidateOptionsResult Validate(string? name, PreventionOptions options)
        {
            var errors = options.Validate();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
