using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.StaffPage;

public static class StaffPageExtensions
{
    /// <summary>The staff page (off unless <c>StaffPage:Url</c> is set), validated at start-up.</summary>
    public static IHostApplicationBuilder AddStaffPage(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<StaffPageOptions>()
            .Bind(builder.Configuration.GetSection(StaffPageOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<StaffPageOptions>, StaffPageOptionsValidator>();
        builder.Services.AddSingleton<StaffPageServer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StaffPageServer>());
        return builder;
    }

    private sealed class StaffPageOptionsValidator : IValidateOptions<StaffPageOptions>
    {
        public ValidateOptionsResult Validate(string? name, StaffPageOptions options)
        {
            var errors = options.Validate();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
