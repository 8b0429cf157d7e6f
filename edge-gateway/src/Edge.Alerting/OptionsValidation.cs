using Microsoft.Extensions.Options;

namespace Edge.Alerting;

/// <summary>Options that can list every problem with themselves (not just the first).</summary>
public interface IValidatableAlertOptions
{
    /// <summary>Returns every error found, or an empty list.</summary>
    IReadOnlyList<string> Validate();
}

/// <summary>
/// Plugs <see cref="IValidatableAlertOptions.Validate"/> into the options pipeline, so that
/// <c>ValidateOnStart()</c> fails the gateway at boot with every bad pager, SIP or webhook setting listed.
/// </summary>
/// <typeparam name="TOptions">The options type.</typeparam>
public sealed class AlertOptionsValidator<TOptions> : IValidateOptions<TOptions>
    where TOptions : class, IValidatableAlertOptions
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count == 0)
        {
            return ValidateOptionsResult.Success;
        }

        var prefix = string.IsNullOrEmpty(name) ? typeof(TOptions).Name : $"{typeof(TOptions).Name} '{name}'";
        return ValidateOptionsResult.Fail(errors.Select(e => $"{prefix}: {e}"));
    }
}

internal static class Check
{
    public static void Positive(List<string> errors, TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{name} must be greater than zero (is {value}).");
        }
    }

    public static void Range(List<string> errors, int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            errors.Add($"{name} must be between {min} and {max} (is {value}).");
        }
    }
}
