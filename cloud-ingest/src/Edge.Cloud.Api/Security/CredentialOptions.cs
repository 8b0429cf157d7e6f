using System.ComponentModel.DataAnnotations;

namespace Edge.Cloud.Api.Security;

/// <summary>Lifetimes of dashboard sessions and API tokens (section <c>Credentials</c>).</summary>
public sealed class CredentialOptions : IValidatableObject
{
    public const string SectionName = "Credentials";

    /// <summary>A dashboard session ends after this long without a request (the page refreshes itself every minute while open).</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromHours(8);

    /// <summary>A dashboard session ends this long after sign-in, however active (sign in again each working day).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How long a new API token is valid unless the administrator says otherwise.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromDays(90);

    /// <summary>The longest an API token may be issued for.</summary>
    public TimeSpan MaxTokenLifetime { get; set; } = TimeSpan.FromDays(365);

    /// <summary>How long the old key keeps working after a gateway key is rotated, unless the administrator says otherwise.</summary>
    public TimeSpan KeyRotationOverlap { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often "last used" is written for a key, token or session (a write per request would cost the ingest path).</summary>
    public TimeSpan LastUsedResolution { get; set; } = TimeSpan.FromMinutes(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, value) in new[]
        {
            (nameof(SessionIdleTimeout), SessionIdleTimeout), (nameof(SessionLifetime), SessionLifetime),
            (nameof(TokenLifetime), TokenLifetime), (nameof(MaxTokenLifetime), MaxTokenLifetime),
            (nameof(LastUsedResolution), LastUsedResolution),
        })
        {
            if (value <= TimeSpan.Zero)
            {
                yield return new ValidationResult($"{SectionName}:{name} must be greater than zero.", [name]);
            }
        }

        if (KeyRotationOverlap < TimeSpan.Zero)
        {
            yield return new ValidationResult($"{SectionName}:{nameof(KeyRotationOverlap)} must not be negative.", [nameof(KeyRotationOverlap)]);
        }

        if (TokenLifetime > MaxTokenLifetime)
        {
            yield return new ValidationResult($"{SectionName}:{nameof(TokenLifetime)} must not exceed {nameof(MaxTokenLifetime)}.", [nameof(TokenLifetime)]);
        }
    }
}
