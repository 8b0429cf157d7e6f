using Edge.Alerting;
using Edge.Gateway.Registry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Alerting;

/// <summary>
/// The one check of the escalation policy against this gateway, run once at start-up: the site it serves
/// (<see cref="SiteIdentity"/>), the units with residents wearing a device (the registry database and the
/// configured seed), and the channels it has. The options validator reports its errors, so a gap stops the gateway
/// at boot; the engine has its warnings logged when it starts (<see cref="ConfirmAtStart"/>). Logs under the
/// engine's category.
/// </summary>
internal sealed partial class EscalationPolicyCheck
{
    private readonly EscalationPolicySource _source;
    private readonly DeviceRegistry _registry;
    private readonly IReadOnlySet<ChannelKind> _channels;
    private readonly SiteIdentity _site;
    private readonly IConfiguration _configuration;
    private readonly ILogger _logger;
    private readonly Lazy<PolicyCheckResult> _result;

    public EscalationPolicyCheck(EscalationPolicySource source, DeviceRegistry registry, IEnumerable<IAlertChannel> channels, SiteIdentity site, IConfiguration configuration, ILogger<EscalationEngine> logger)
    {
        ArgumentNullException.ThrowIfNull(channels);
        _source = source;
        _registry = registry;
        _channels = channels.Select(c => c.Kind).ToHashSet();
        _site = site;
        _configuration = configuration;
        _logger = logger;
        _result = new Lazy<PolicyCheckResult>(Run);
    }

    /// <summary>What the check found. Runs it the first time (normally from the options validation at start-up).</summary>
    public PolicyCheckResult Result => _result.Value;

    /// <summary>
    /// Escalation starts: logs the warnings (9021), and when no options validation stopped the gateway before,
    /// stops it now on the errors. Without a policy, warns (9002) that nobody is paged.
    /// </summary>
    /// <exception cref="OptionsValidationException">The policy has errors.</exception>
    public void ConfirmAtStart()
    {
        var (errors, warnings) = Result;
        foreach (var w in warnings)
        {
            Log.PolicyWarning(_logger, w);
        }

        if (errors.Count > 0)
        {
            throw new OptionsValidationException(EscalationOptions.SectionName, typeof(EscalationOptions), errors);
        }

        if (_source.Policy is null)
        {
            Log.NoPolicy(_logger, EscalationOptions.SectionName);
        }
    }

    /// <summary>Units with residents wearing a device: from the registry, and from the seed file when one is configured.</summary>
    internal static IReadOnlyCollection<string> UnitsInUse(IDeviceRegistry registry, SiteFile? seed)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var units = new HashSet<string>(registry.Assignments.Select(a => a.UnitId).OfType<string>(), StringComparer.Ordinal);
        if (seed is { } site)
        {
            var worn = site.Devices.Select(d => d.Resident).OfType<string>().ToHashSet(StringComparer.Ordinal);
            foreach (var r in site.Residents.Where(r => worn.Contains(r.Id) && r.Room is not null))
            {
                if (site.Rooms.Find(x => x.Id == r.Room) is { } room)
                {
                    units.Add(room.Unit);
                }
            }
        }

        return units;
    }

    private PolicyCheckResult Run()
    {
        var errors = new List<string>();
        IReadOnlyCollection<string> units;
        try
        {
            if (_registry.Version == 0)
            {
                // Before the registry loader ran: read what the database holds now.
                _registry.ReloadAsync().GetAwaiter().GetResult();
            }

            units = UnitsInUse(_registry, RegistrySeed.Load(_configuration));
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            units = [];
            errors.Add($"cannot read the units in use: {e.Message}");
        }

        // Without a site id ingest refuses to start and says why; the policy's own site is not a second error.
        var siteId = _site.IsKnown ? _site.Id : _source.Policy?.Site ?? "";
        var (policyErrors, warnings) = _source.Check(siteId, units, _channels);
        errors.AddRange(policyErrors.Select(e => $"escalation policy {_source.PolicyPath ?? "(none)"}: {e}"));
        return new PolicyCheckResult(errors, warnings);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.NoPolicy, Level = LogLevel.Warning, Message = "No escalation policy configured ({Section}:PolicyFile or Site:EscalationPolicy): incidents are shown on the staff page but nobody is paged")]
        public static partial void NoPolicy(ILogger logger, string section);

        [LoggerMessage(EventId = EventIds.PolicyWarning, Level = LogLevel.Warning, Message = "Escalation policy: {Warning}")]
        public static partial void PolicyWarning(ILogger logger, string warning);
    }
}

/// <summary>What <see cref="EscalationPolicyCheck"/> found: errors stop the gateway at start-up; warnings are logged.</summary>
internal sealed record PolicyCheckResult(IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings);
