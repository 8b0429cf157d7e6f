using System.Globalization;
using System.Text;
using System.Text.Json;
using Edge.TestKit;

namespace Edge.FaultKit;

/// <summary>
/// Files for a gateway child process: its settings (flat <c>Section:Key</c> pairs written as nested JSON for
/// <c>--config</c>), a site file with residents wearing sensors, and an escalation policy.
/// </summary>
public static class GatewayConfig
{
    /// <summary>The MQTT site id the scratch sites use.</summary>
    public const string Site = "site1";

    /// <summary>Settings every scratch gateway gets: the broker, its database and registry in <paramref name="dir"/>, the committed model.</summary>
    public static Dictionary<string, string?> Base(string brokerHost, int brokerPort, TempDirectory dir) => new()
    {
        ["Mqtt:Host"] = brokerHost,
        ["Mqtt:Port"] = brokerPort.ToString(CultureInfo.InvariantCulture),
        ["Mqtt:ClientId"] = "gateway-under-test",
        ["Ingest:SiteId"] = Site,
        ["Storage:DatabasePath"] = dir.File("gateway.db"),
        ["Registry:SeedFile"] = dir.File("site.json"),
        ["Detection:ModelDirectory"] = Path.Combine(TestData.RepoRoot, "models", "fall-model"),
        ["Supervision:CheckInterval"] = "00:00:00.200",
        ["Supervision:StreamingOfflineAfter"] = "00:10:00",
        ["Supervision:TriggeredOfflineAfter"] = "00:10:00",
        ["Supervision:MinFreeDiskMiB"] = "1",
    };

    /// <summary>Writes flat <c>Section:Key</c> settings as the nested JSON file the gateway reads with <c>--config</c>.</summary>
    public static Task WriteAsync(string file, Dictionary<string, string?> flat) => File.WriteAllTextAsync(file, JsonSerializer.Serialize(Nest(flat)));

    /// <summary>Flat <c>Section:Key</c> pairs as nested objects.</summary>
    public static Dictionary<string, object> Nest(Dictionary<string, string?> flat)
    {
        ArgumentNullException.ThrowIfNull(flat);
        var root = new Dictionary<string, object>();
        foreach (var (key, value) in flat)
        {
            var parts = key.Split(':');
            var node = root;
            foreach (var p in parts[..^1])
            {
                if (!node.TryGetValue(p, out var child))
                {
                    child = new Dictionary<string, object>();
                    node[p] = child;
                }

                node = (Dictionary<string, object>)child;
            }

            node[parts[^1]] = value!;
        }

        return root;
    }

    /// <summary>
    /// A site file: unit u1, one room per resident; resident i (Alice, Bob ...) is <c>res-{name}</c> in room r{i}
    /// wearing <c>dev-{letter}</c> (dev-a, dev-b ...).
    /// </summary>
    public static string SiteJson(IReadOnlyList<string> residents)
    {
        ArgumentNullException.ThrowIfNull(residents);
        var rooms = new StringBuilder();
        var people = new StringBuilder();
        var devices = new StringBuilder();
        for (var i = 0; i < residents.Count; i++)
        {
            var sep = i == 0 ? "" : ", ";
            var id = "res-" + residents[i].ToLowerInvariant();
            rooms.Append(CultureInfo.InvariantCulture, $"{sep}{{ \"id\": \"r{i + 1}\", \"unit\": \"u1\", \"name\": \"Room {i + 1}\" }}");
            people.Append(CultureInfo.InvariantCulture, $"{sep}{{ \"id\": \"{id}\", \"name\": \"{residents[i]}\", \"room\": \"r{i + 1}\" }}");
            devices.Append(CultureInfo.InvariantCulture, $"{sep}{{ \"id\": \"{DeviceOf(i)}\", \"resident\": \"{id}\" }}");
        }

        return $$"""
            {
              "site": { "id": "{{Site}}", "name": "Rose House" },
              "units": [ { "id": "u1", "name": "Ground floor" } ],
              "rooms": [ {{rooms}} ],
              "residents": [ {{people}} ],
              "staff": [ { "id": "carer-1", "name": "Sam", "role": "carer" } ],
              "devices": [ {{devices}} ]
            }
            """;
    }

    /// <summary>The sensor of the i-th resident (0: dev-a).</summary>
    public static string DeviceOf(int i) => "dev-" + (char)('a' + i);

    /// <summary>An escalation policy for unit u1: tier 1 at once on <paramref name="tier1"/>, tier 2 after <paramref name="tier2After"/> on <paramref name="tier2"/>.</summary>
    public static string Policy(string tier1, TimeSpan tier2After, string tier2) => $$"""
        { "version": 1, "site": "{{Site}}", "timeZone": "Etc/UTC",
          "units": [ { "unit": "u1", "slots": [ { "name": "all day", "from": "00:00", "to": "00:00", "steps": [
            { "after": "00:00:00", "notify": ["{{tier1}}"] },
            { "after": "{{tier2After:hh\:mm\:ss}}", "notify": ["{{tier2}}"] } ] } ] } ] }
        """;
}
