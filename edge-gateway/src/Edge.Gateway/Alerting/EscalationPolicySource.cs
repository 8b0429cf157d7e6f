using Edge.Alerting;
using Edge.Gateway.Registry;
using Edge.Site;
using Edge.Site.Policy;
using Edge.Site.Staff;
using Microsoft.Extensions.Configuration;

namespace Edge.Gateway.Alerting;

/// <summary>
/// The site's escalation policy and staff store as the gateway uses them: loaded once at start, checked with
/// provisioning's own <see cref="PolicyChecker"/> against the channels this gateway actually has, and resolved
/// to a time slot per unit and moment (in the policy's time zone).
/// </summary>
public sealed class EscalationPolicySource
{
    private readonly EscalationOptions _options;
    private readonly IConfiguration _configuration;
    private readonly Lazy<Loaded> _loaded;

    /// <summary>
    /// Binds <see cref="EscalationOptions"/> from configuration itself rather than through IOptions: the options
    /// validator uses this class, and reading IOptions.Value from inside its own validation would recurse.
    /// </summary>
    public EscalationPolicySource(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _options = configuration.GetSection(EscalationOptions.SectionName).Get<EscalationOptions>() ?? new EscalationOptions();
        _configuration = configuration;
        _loaded = new Lazy<Loaded>(Load);
    }

    /// <summary>The policy file in use, or null when none is configured.</summary>
    public string? PolicyPath => _options.PolicyFile is { Length: > 0 } p ? p : _configuration["Site:EscalationPolicy"] is { Length: > 0 } s ? s : null;

    /// <summary>The staff store in use, or null.</summary>
    public string? StaffStorePath => _options.StaffStoreFile is { Length: > 0 } p ? p : _configuration["Site:StaffStore"] is { Length: > 0 } s ? s : null;

    /// <summary>The policy, or null when none is configured.</summary>
    public EscalationPolicy? Policy => _loaded.Value.Policy;

    /// <summary>The staff store (empty when none is configured).</summary>
    public StaffStore Staff => _loaded.Value.Staff;

    /// <summary>The policy's time zone (UTC without a policy).</summary>
    public TimeZoneInfo TimeZone => _loaded.Value.TimeZone;

    /// <summary>Problems loading the files (empty when they loaded or none is configured).</summary>
    public IReadOnlyList<string> LoadErrors => _loaded.Value.Errors;

    /// <summary>Local time in the policy's time zone.</summary>
    public DateTime ToLocal(DateTimeOffset now) => TimeZoneInfo.ConvertTime(now, TimeZone).DateTime;

    /// <summary>
    /// The slot in effect for <paramref name="unit"/> at <paramref name="now"/>, or null. With a null unit (gateway
    /// faults, residents without a room), every unit's current slot is merged: each distinct delay becomes one
    /// step with every unit's targets at that delay.
    /// </summary>
    public TimeSlot? Resolve(string? unit, DateTimeOffset now)
    {
        var policy = Policy;
        if (policy is null)
        {
            return null;
        }

        var local = ToLocal(now);
        var time = TimeOnly.FromDateTime(local);
        if (unit is not null)
        {
            return policy.Resolve(unit, local.DayOfWeek, time);
        }

        var slots = policy.Units.Select(u => policy.Resolve(u.Unit, local.DayOfWeek, time)).OfType<TimeSlot>().ToList();
        if (slots.Count == 0)
        {
            return null;
        }

        return new TimeSlot
        {
            Name = "all units",
            Steps = [.. slots.SelectMany(s => s.Steps)
                .GroupBy(s => s.After)
                .OrderBy(g => g.Key)
                .Select(g => new EscalationStep { After = g.Key, Notify = [.. g.SelectMany(s => s.Notify).Distinct(StringComparer.Ordinal)] })],
        };
    }

    /// <summary>
    /// Checks the policy for <paramref name="siteId"/> and <paramref name="unitsInUse"/> as this gateway will run
    /// it: targets on channels that are not configured, <c>page:</c> targets (the staff page alerts nobody by
    /// itself) and <c>staff:</c> members without a device in <see cref="EscalationOptions.Staff"/> are taken out
    /// first, then provisioning's <see cref="PolicyChecker"/> finds every unit and minute of the week that is left
    /// with nobody to alert. Returns (errors, warnings); errors stop the gateway at start-up.
    /// </summary>
    public (IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings) Check(string siteId, IReadOnlyCollection<string> unitsInUse, IReadOnlySet<ChannelKind> channels)
    {
        ArgumentNullException.ThrowIfNull(unitsInUse);
        ArgumentNullException.ThrowIfNull(channels);
        var errors = new List<string>(LoadErrors);
        var warnings = new List<string>();
        if (Policy is not { } policy)
        {
            return (errors, warnings);
        }

        var notes = new SortedSet<string>(StringComparer.Ordinal);
        var effective = new EscalationPolicy
        {
            Version = policy.Version,
            Site = policy.Site,
            TimeZone = policy.TimeZone,
            Units = [.. policy.Units.Select(u => new UnitPolicy
            {
                Unit = u.Unit,
                Slots = [.. u.Slots.Select(s => new TimeSlot
                {
                    Name = s.Name, Days = s.Days, From = s.From, To = s.To,
                    Steps = [.. s.Steps.Select(step => new EscalationStep { After = step.After, Notify = [.. step.Notify.SelectMany(t => Effective(t, channels, notes))] })],
                })],
            })],
        };
        foreach (var finding in PolicyChecker.Check(effective, siteId, unitsInUse, Staff))
        {
            var text = finding.Unit.Length > 0 ? $"unit '{finding.Unit}': {finding.Message}" : finding.Message;
            (finding.Severity == FindingSeverity.Error ? errors : warnings).Add(text);
        }

        if (errors.Count > 0 && notes.Count > 0)
        {
            errors.AddRange(notes.Select(n => "note: " + n));
        }

        return (errors, warnings);
    }

    /// <summary>The device targets a policy target stands for on this gateway (staff expanded; page and unconfigured channels dropped).</summary>
    internal IEnumerable<AlertTarget> Expand(string target, IReadOnlySet<ChannelKind> channels)
    {
        if (!AlertTarget.TryParse(target, out var t))
        {
            yield break;
        }

        if (t.Scheme == "staff")
        {
            if (Staff.FindEnabled(t.Address) is null && StaffStorePath is not null)
            {
                yield break;
            }

            foreach (var device in DevicesOf(t.Address))
            {
                if (device.Kind is { } k && channels.Contains(k))
                {
                    yield return device;
                }
            }

            yield break;
        }

        if (t.Kind is { } kind && channels.Contains(kind))
        {
            yield return t;
        }
    }

    /// <summary>The device targets configured for a staff member.</summary>
    internal IEnumerable<AlertTarget> DevicesOf(string staffId) =>
        _options.Staff.TryGetValue(staffId, out var list)
            ? list.Select(s => AlertTarget.TryParse(s, out var t) ? t : default).Where(t => t.Kind is not null)
            : [];

    /// <summary>The staff member whose device is <paramref name="recipient"/> on a channel of <paramref name="kind"/>, or null.</summary>
    public string? StaffForDevice(ChannelKind kind, string recipient)
    {
        foreach (var (staff, targets) in _options.Staff)
        {
            foreach (var text in targets)
            {
                if (AlertTarget.TryParse(text, out var t) && t.Kind == kind && string.Equals(t.Recipient, recipient, StringComparison.Ordinal))
                {
                    return staff;
                }
            }
        }

        return null;
    }

    private IEnumerable<string> Effective(string target, IReadOnlySet<ChannelKind> channels, SortedSet<string> notes)
    {
        if (!AlertTarget.TryParse(target, out var t))
        {
            return [target]; // the checker reports it
        }

        if (t.Scheme == "page")
        {
            notes.Add($"'{target}': the staff page shows every open incident, but a board alerts nobody by itself; give each step a pager, handset or webhook");
            return [];
        }

        if (t.Scheme == "staff")
        {
            if (Staff.FindEnabled(t.Address) is null)
            {
                return [target]; // the checker reports unknown or disabled accounts
            }

            var devices = Expand(target, channels).Select(d => d.ToString()).ToList();
            if (devices.Count == 0)
            {
                notes.Add($"'{target}': no device of this staff member on a configured channel (set {EscalationOptions.SectionName}:Staff:{t.Address})");
            }

            return devices;
        }

        if (t.Kind is { } kind && !channels.Contains(kind))
        {
            notes.Add($"'{target}': no {kind} channel is configured on this gateway (Alerting:{kind})");
            return [];
        }

        return [target];
    }

    private Loaded Load()
    {
        var errors = new List<string>();
        EscalationPolicy? policy = null;
        var staff = new StaffStore();
        var zone = TimeZoneInfo.Utc;
        if (StaffStorePath is { } staffPath)
        {
            try
            {
                staff = StaffStore.Load(staffPath);
            }
            catch (SiteFileException e)
            {
                errors.Add($"staff store: {e.Message}");
            }
        }

        if (PolicyPath is { } policyPath)
        {
            try
            {
                policy = EscalationPolicy.Load(policyPath);
                zone = TimeZoneInfo.FindSystemTimeZoneById(policy.TimeZone);
            }
            catch (SiteFileException e)
            {
                errors.Add($"escalation policy: {e.Message}");
            }
            catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                // The checker reports the unknown zone; resolve in UTC meanwhile.
            }
        }

        return new Loaded(policy, staff, zone, errors);
    }

    private sealed record Loaded(EscalationPolicy? Policy, StaffStore Staff, TimeZoneInfo TimeZone, IReadOnlyList<string> Errors);
}
