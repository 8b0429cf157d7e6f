using System.Text.Json;
using System.Text.Json.Serialization;

namespace Edge.Simulator;

/// <summary>
/// A scenario file: which simulated wearables exist, whom each belongs to, and what happens to each
/// when (recordings, synthetic motion, button presses, battery, charger, network drops).
/// </summary>
public sealed class Scenario
{
    /// <summary>Site id; --site overrides it.</summary>
    public string? Site { get; set; }

    /// <summary>Sample rate of every device, Hz.</summary>
    public int SampleRateHz { get; set; } = 50;

    /// <summary>"streaming" or "triggered".</summary>
    public string Mode { get; set; } = "streaming";

    /// <summary>Seconds to run when --duration is not given (0 = until Ctrl+C).</summary>
    public double DurationSeconds { get; set; }

    /// <summary>Seed for synthetic motion, jitter and device phase offsets.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Explicitly listed devices.</summary>
    public List<ScenarioDevice> Devices { get; set; } = [];

    /// <summary>Bulk synthetic devices (e.g. 1,000 for a load run).</summary>
    public ScenarioGenerate? Generate { get; set; }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Reads and validates a scenario file; throws <see cref="ScenarioException"/> listing every problem.</summary>
    public static Scenario Load(string path)
    {
        Scenario? s;
        try
        {
            s = JsonSerializer.Deserialize<Scenario>(File.ReadAllText(path), JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new ScenarioException($"{path}: not a valid scenario: {ex.Message}");
        }

        if (s is null)
        {
            throw new ScenarioException($"{path}: empty scenario");
        }

        var errors = s.Validate();
        if (errors.Count > 0)
        {
            throw new ScenarioException($"{path}: {string.Join("; ", errors)}");
        }

        return s;
    }

    /// <summary>Parses scenario JSON text (tests).</summary>
    public static Scenario Parse(string json) =>
        JsonSerializer.Deserialize<Scenario>(json, JsonOptions) ?? throw new ScenarioException("empty scenario");

    /// <summary>Every problem in the scenario.</summary>
    public List<string> Validate()
    {
        var errors = new List<string>();
        if (Mode is not ("streaming" or "triggered"))
        {
            errors.Add($"mode '{Mode}' must be streaming or triggered");
        }

        if (Devices.Count == 0 && (Generate is null || Generate.Count < 1))
        {
            errors.Add("no devices: list some under 'devices' or set 'generate.count'");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var d in Devices)
        {
            if (!Edge.Protocol.WireFormat.IsValidId(d.DeviceId))
            {
                errors.Add($"device id '{d.DeviceId}' must be 1-32 characters of A-Z, a-z, 0-9, '-', '_'");
            }
            else if (!ids.Add(d.DeviceId))
            {
                errors.Add($"device id '{d.DeviceId}' appears twice");
            }

            if (!SyntheticMotion.IsActivity(d.Motion))
            {
                errors.Add($"{d.DeviceId}: motion '{d.Motion}' must be one of {string.Join(", ", SyntheticMotion.Activities)}");
            }

            foreach (var a in d.Timeline)
            {
                var actions = (a.Recording is null ? 0 : 1) + (a.Synthetic is null ? 0 : 1) + (a.Button ? 1 : 0)
                            + (a.BatteryPercent is null ? 0 : 1) + (a.OfflineSeconds is null ? 0 : 1) + (a.Charger is null ? 0 : 1) + (a.Reboot ? 1 : 0);
                if (actions != 1)
                {
                    errors.Add($"{d.DeviceId}: the step at {a.At} s must do exactly one thing (recording, synthetic, button, batteryPercent, offlineSeconds, charger or reboot)");
                }

                if (a.At < 0)
                {
                    errors.Add($"{d.DeviceId}: step time {a.At} s is negative");
                }

                if (a.Synthetic is not null && !SyntheticMotion.IsActivity(a.Synthetic))
                {
                    errors.Add($"{d.DeviceId}: synthetic '{a.Synthetic}' must be one of {string.Join(", ", SyntheticMotion.Activities)}");
                }

                if (a.BatteryPercent is < 0 or > 100)
                {
                    errors.Add($"{d.DeviceId}: batteryPercent {a.BatteryPercent} must be 0-100");
                }
            }
        }

        return errors;
    }
}

/// <summary>One simulated wearable.</summary>
public sealed class ScenarioDevice
{
    /// <summary>Device id (topic level).</summary>
    public string DeviceId { get; set; } = "";

    /// <summary>The resident wearing it (for logs; the gateway maps devices to residents itself).</summary>
    public string? Resident { get; set; }

    /// <summary>Per-device MQTT user name (else --username).</summary>
    public string? Username { get; set; }

    /// <summary>Per-device MQTT password (else --password).</summary>
    public string? Password { get; set; }

    /// <summary>Synthetic activity between timeline steps: idle, walking, sitting, lying.</summary>
    public string Motion { get; set; } = "idle";

    /// <summary>Overrides the scenario mode for this device.</summary>
    public string? Mode { get; set; }

    /// <summary>What happens when.</summary>
    public List<ScenarioStep> Timeline { get; set; } = [];
}

/// <summary>One timed step; exactly one action property is set.</summary>
public sealed class ScenarioStep
{
    /// <summary>Seconds after the simulation starts.</summary>
    public double At { get; set; }

    /// <summary>A SisFall recording to play: a code ("F05"), optionally with subject/trial, or a relative path ("SA01/F05_SA01_R01.txt.gz").</summary>
    public string? Recording { get; set; }

    /// <summary>Subject to pick the recording from (with a code).</summary>
    public string? Subject { get; set; }

    /// <summary>Trial number to pick (with a code).</summary>
    public int? Trial { get; set; }

    /// <summary>Switch to synthetic motion: idle, walking, sitting, lying or fall.</summary>
    public string? Synthetic { get; set; }

    /// <summary>Press the call button.</summary>
    public bool Button { get; set; }

    /// <summary>Set the battery state of charge.</summary>
    public int? BatteryPercent { get; set; }

    /// <summary>Drop off the network for this many seconds.</summary>
    public double? OfflineSeconds { get; set; }

    /// <summary>Put on (true) or take off (false) the charger.</summary>
    public bool? Charger { get; set; }

    /// <summary>
    /// Reboot: the connection drops without DISCONNECT, RAM is lost (counters, buffers, the µs clock restart
    /// near 0) and the firmware core starts afresh with a new boot identity, back online after the boot time.
    /// </summary>
    public bool Reboot { get; set; }
}

/// <summary>Bulk synthetic devices.</summary>
public sealed class ScenarioGenerate
{
    /// <summary>How many.</summary>
    public int Count { get; set; }

    /// <summary>Device id prefix; ids are prefix + 4-digit number.</summary>
    public string Prefix { get; set; } = "sim-";

    /// <summary>Activity: idle, walking, sitting, lying, or "mixed" (each device picks one and changes every few minutes).</summary>
    public string Motion { get; set; } = "mixed";

    /// <summary>Each generated device falls (synthetic) with this probability per hour.</summary>
    public double FallsPerHour { get; set; }
}

/// <summary>The scenario file is wrong.</summary>
public sealed class ScenarioException(string message) : Exception(message);
