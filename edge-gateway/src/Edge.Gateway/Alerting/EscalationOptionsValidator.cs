using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Alerting;

/// <summary>
/// Validates the escalation settings and the policy at start-up (<c>ValidateOnStart</c>): every bad setting,
/// every file that cannot be read, and every unit or time of the week with nobody to alert on the channels
/// this gateway has, all in one error. The policy itself is checked by <see cref="EscalationPolicyCheck"/>,
/// once; the engine logs that check's warnings when it starts.
/// </summary>
internal sealed class EscalationOptionsValidator(IServiceProvider services) : IValidateOptions<EscalationOptions>
{
    public ValidateOptionsResult Validate(string? name, EscalationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>(options.Validate());

        // Resolved here, not injected: the channels it looks at depend (through the attempt recorder) on these options.
        errors.AddRange(services.GetRequiredService<EscalationPolicyCheck>().Result.Errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
