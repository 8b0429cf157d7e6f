using System.Text.Json;
using System.Text.Json.Serialization;

namespace Edge.Site.Inventory;

/// <summary>
/// The site inventory (<c>site.json</c>): who wears which sensor in which room, the broker's settings
/// and the hashes of every MQTT credential. It holds residents' names (personal data) and is 0600.
/// The broker's password and ACL files are rendered from it, so no plaintext MQTT password is kept.
/// </summary>
public sealed class SiteInventory
{
    /// <summary>Format version of this file.</summary>
    public int Version { get; set; } = 1;

    /// <summary>The site id used in topics (<c>care/{site}/...</c>).</summary>
    public string SiteId { get; set; } = "";

    /// <summary>Host names and addresses in the broker certificate; the first is what sensors connect to.</summary>
    public List<string> GatewayHosts { get; set; } = [];

    /// <summary>Cloud ingest base URL, or null when the site runs without a cloud.</summary>
    public string? CloudUrl { get; set; }

    /// <summary>When the site was initialised (UTC).</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Broker listener and queue settings.</summary>
    public BrokerSettings Broker { get; set; } = new();

    /// <summary>The gateway's own MQTT account.</summary>
    public CredentialRecord Gateway { get; set; } = new();

    /// <summary>
    /// The provisioning tool's own MQTT account, used only to delete a replaced or retired sensor's retained
    /// messages (its password is in <c>secrets/provision-mqtt.txt</c>). Null on sites made before it existed;
    /// created at their next replace or retire.
    /// </summary>
    public CredentialRecord? Provisioner { get; set; }

    /// <summary>Rooms, each in a unit (a wing or floor with its own escalation policy).</summary>
    public List<RoomRecord> Rooms { get; set; } = [];

    /// <summary>Residents.</summary>
    public List<ResidentRecord> Residents { get; set; } = [];

    /// <summary>Devices, including retired ones (kept for the audit trail).</summary>
    public List<DeviceRecord> Devices { get; set; } = [];

    /// <summary>Finds a device by id (any status).</summary>
    public DeviceRecord? FindDevice(string deviceId) => Devices.Find(d => d.Id == deviceId);

    /// <summary>Devices whose credentials the broker accepts.</summary>
    public IEnumerable<DeviceRecord> ActiveDevices => Devices.Where(d => d.Status == DeviceState.Active);
}

/// <summary>Broker settings chosen at init.</summary>
public sealed class BrokerSettings
{
    /// <summary>The TLS port (8883 unless a test or demo picks a free one).</summary>
    public int Port { get; set; } = 8883;

    /// <summary>Address the listener binds to, or null for all interfaces.</summary>
    public string? ListenAddress { get; set; }

    /// <summary>How many sensors the site is sized for (queue limits scale with it; raised automatically).</summary>
    public int ExpectedDevices { get; set; } = 50;

    /// <summary>
    /// The account the broker drops privileges to when started as root ("mosquitto" on Debian). Broker
    /// secrets are handed to it; null when the broker runs as the provisioning user.
    /// </summary>
    public string? User { get; set; }

    /// <summary>
    /// PBKDF2 iterations of new broker password-file entries: 10,000, about 100 times mosquitto_passwd's default
    /// (why not more: <c>Edge.Provisioning.Crypto.MosquittoPasswordHash</c>).
    /// </summary>
    public const int DefaultPasswordIterations = 10_000;

    /// <summary>PBKDF2 iterations for new password-file entries.</summary>
    public int PasswordIterations { get; set; } = DefaultPasswordIterations;
}

/// <summary>An MQTT account: user name and its Mosquitto hash (never the password).</summary>
public sealed class CredentialRecord
{
    /// <summary>MQTT user name (also forced as the client id by the broker).</summary>
    public string Username { get; set; } = "";

    /// <summary>The <c>$7$</c> hash written to the broker's password file.</summary>
    public string PasswordHash { get; set; } = "";
}

/// <summary>A room.</summary>
public sealed class RoomRecord
{
    /// <summary>Room name or number as staff know it (e.g. "12", "Garden 3").</summary>
    public string Name { get; set; } = "";

    /// <summary>The unit the room belongs to.</summary>
    public string Unit { get; set; } = "";
}

/// <summary>A resident.</summary>
public sealed class ResidentRecord
{
    /// <summary>Stable id within the site (r001, r002...).</summary>
    public string Id { get; set; } = "";

    /// <summary>Name as staff know the resident.</summary>
    public string Name { get; set; } = "";

    /// <summary>The resident's room.</summary>
    public string Room { get; set; } = "";
}

/// <summary>Whether a device's credentials are accepted.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DeviceState>))]
public enum DeviceState
{
    /// <summary>In service: in the password file and ACL.</summary>
    Active,

    /// <summary>Retired: removed from the password file and ACL.</summary>
    Retired,
}

/// <summary>A sensor.</summary>
public sealed class DeviceRecord
{
    /// <summary>Device id used in topics.</summary>
    public string Id { get; set; } = "";

    /// <summary>The resident who wears it.</summary>
    public string ResidentId { get; set; } = "";

    /// <summary>Active or retired.</summary>
    public DeviceState Status { get; set; } = DeviceState.Active;

    /// <summary>Hardware generation: 1 at add, +1 on each replace. Part of the user name.</summary>
    public int Generation { get; set; } = 1;

    /// <summary>The current MQTT account.</summary>
    public CredentialRecord Credential { get; set; } = new();

    /// <summary>Claim code of the current credential, for the technician's records.</summary>
    public string ClaimCode { get; set; } = "";

    /// <summary>When it was added (UTC).</summary>
    public DateTimeOffset AddedAt { get; set; }

    /// <summary>When the current credential was issued (UTC).</summary>
    public DateTimeOffset IssuedAt { get; set; }

    /// <summary>When it was retired (UTC), or null.</summary>
    public DateTimeOffset? RetiredAt { get; set; }
}

/// <summary>Reads and writes <see cref="SiteInventory"/> as JSON.</summary>
public static class SiteInventoryJson
{
    /// <summary>The options every site JSON file uses (camelCase, indented).</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Serialises the inventory.</summary>
    public static string Serialize(SiteInventory inventory) => JsonSerializer.Serialize(inventory, Options) + "\n";

    /// <summary>Reads the inventory at <paramref name="path"/>, with a clear error when it is missing or broken.</summary>
    public static SiteInventory Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new SiteFileException($"No site inventory at {path}. Run 'init site' first, or pass the site folder with --dir.");
        }

        try
        {
            SiteInventory? inventory = JsonSerializer.Deserialize<SiteInventory>(File.ReadAllText(path), Options);
            if (inventory is null || inventory.Version != 1 || !Edge.Protocol.WireFormat.IsValidId(inventory.SiteId))
            {
                throw new SiteFileException($"{path} is not a version 1 site inventory with a valid site id.");
            }

            return inventory;
        }
        catch (JsonException ex)
        {
            throw new SiteFileException($"{path} is not valid JSON: {ex.Message}", ex);
        }
    }
}
