using Edge.Alerting;
using Edge.Gateway.Registry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Alerting;

/// <summary>
/// Validates the escalation settings and the policy at start-up (<c>ValidateOnStart</c>): every bad setting,
/// every file that cannot be read, and every unit or time of the week with nobody to alert on the channels
/// this gateway has, all in one error. Units in use come from the registry database and the seed file; the
/// engine checks again once the registry is loaded (<see cref="EscalationEngine"/>).
/// </summary>
internal sealed class EscalationOptionsValidator(IServiceProvider services) : IValidateOptions<EscalationOptions>
{
    public ValidateOptionsResult Validate(string? name, EscalationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>(options.Validate());
        var source = services.GetRequiredService<EscalationPolicySource>();
        var configuration = services.GetRequiredService<IConfiguration>();
        var channels = services.GetServices<IAlertChannel>().Select(c => c.Kind).ToHashSet();
        IReadOnlyCollection<string> units;
        try
        {
            var registry = services.GetRequiredService<DeviceRegistry>();
            if (registry.Version == 0)
            {
                // Before the registry loader ran: read what the database holds now.
                registry.ReloadAsync().GetAwaiter().GetResult();
            }

            units = EscalationPolicySource.UnitsInUse(registry, RegistrySeed.Load(configuration));
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            units = [];
            errors.Add($"cannot read the units in use: {e.Message}");
        }

        var siteId = configuration["Ingest:SiteId"] ?? source.Policy?.Site ?? "";
        errors.AddRange(Describe(source.Check(siteId, units, channels).Errors, source));
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static IEnumerable<string> Describe(IReadOnlyList<string> errors, EscalationPolicySource source) =>
        errors.Select(e => $"escalation policy {source.PolicyPath ?? "(none)"}: {e}");
}
