// Over 400 lines on purpose: one facade over a site's files (inventory, broker password and ACL files, device configs, gateway settings) that every operation must commit together.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Cloud.Contracts;
using Edge.Protocol;
using Edge.Provisioning.Broker;
using Edge.Provisioning.Crypto;
using Edge.Provisioning.Devices;
using Edge.Provisioning.Files;
using Edge.Site.Inventory;
using Edge.Site.Policy;
using Edge.Site.Staff;

namespace Edge.Provisioning;

/// <summary>What <see cref="SiteProvisioner.InitSite"/> needs.</summary>
public sealed class InitSiteRequest
{
    /// <summary>Site id (topics).</summary>
    public required string SiteId { get; init; }

    /// <summary>Host names / IP addresses sensors use to reach the gateway; the first goes into device configs.</summary>
    public required IReadOnlyList<string> GatewayHosts { get; init; }

    /// <summary>Cloud ingest URL, or null.</summary>
    public string? CloudUrl { get; init; }

    /// <summary>
    /// The gateway key the cloud issued for this gateway (its admin command shows it once), or null to
    /// generate one here in the same format, shown once, for the cloud to register.
    /// </summary>
    public string? CloudKey { get; init; }

    /// <summary>
    /// The id the cloud knows this gateway by (<c>Edge.Cloud.Api admin create-gateway --id</c>); the site id when not
    /// given. Written as <c>Uplink:GatewayId</c>, so provisioning and the cloud agree.
    /// </summary>
    public string? CloudGatewayId { get; init; }

    /// <summary>The first staff-page administrator.</summary>
    public required string AdminUsername { get; init; }

    /// <summary>Their password, set by the technician.</summary>
    public required string AdminPassword { get; init; }

    /// <summary>The sensors' Wi-Fi SSID.</summary>
    public required string WifiSsid { get; init; }

    /// <summary>The sensors' Wi-Fi passphrase.</summary>
    public required string WifiPassword { get; init; }

    /// <summary>TLS port.</summary>
    public int ListenPort { get; init; } = 8883;

    /// <summary>Bind address, or null for all interfaces.</summary>
    public string? ListenAddress { get; init; }

    /// <summary>Sensors the broker's queues are sized for.</summary>
    public int ExpectedDevices { get; init; } = 50;

    /// <summary>Account the broker runs as when started as root; null picks "mosquitto" when running as root.</summary>
    public string? BrokerUser { get; init; }

    /// <summary>IANA time zone of the escalation policy.</summary>
    public string TimeZone { get; init; } = "Europe/London";
}

/// <summary>The outcome of <see cref="SiteProvisioner.InitSite"/>.</summary>
/// <param name="Layout">Where the files are.</param>
/// <param name="CloudKey">A cloud gateway key generated here, to enter in the cloud once; null without a cloud or when the cloud issued it.</param>
/// <param name="BrokerUser">The account that owns the broker's files, or null.</param>
public sealed record InitSiteResult(SiteLayout Layout, string? CloudKey, string? BrokerUser);

/// <summary>A newly issued device credential.</summary>
/// <param name="DeviceId">Device id.</param>
/// <param name="Username">MQTT user name.</param>
/// <param name="ClaimCode">Claim code for the technician's records.</param>
/// <param name="ConfigPath">The config file to flash.</param>
/// <param name="CaPath">The CA file to flash with it.</param>
public sealed record IssuedDevice(string DeviceId, string Username, string ClaimCode, string ConfigPath, string CaPath);

/// <summary>A sensor to register.</summary>
/// <param name="DeviceId">Device id (topics).</param>
/// <param name="ResidentName">The resident who wears it.</param>
/// <param name="Room">The resident's room.</param>
/// <param name="Unit">The room's unit when the room is new, or null for <see cref="SiteProvisioner.DefaultUnit"/>.</param>
/// <param name="Mode">Sensor mode written to its config.</param>
public sealed record NewDevice(string DeviceId, string ResidentName, string Room, string? Unit, DeviceMode Mode);

/// <summary>A row of the site inventory for display.</summary>
/// <param name="DeviceId">Device id.</param>
/// <param name="Status">Active or retired.</param>
/// <param name="Resident">Resident name.</param>
/// <param name="Room">Room.</param>
/// <param name="Unit">Unit.</param>
/// <param name="Generation">Hardware generation.</param>
/// <param name="ClaimCode">Claim code of the current credential.</param>
/// <param name="IssuedAt">When the current credential was issued.</param>
public sealed record InventoryRow(string DeviceId, DeviceState Status, string Resident, string Room, string Unit, int Generation, string ClaimCode, DateTimeOffset IssuedAt);

/// <summary>
/// The provisioning operations on one site folder. Each changes site.json and then re-renders the
/// broker files from it; the broker applies changes on reload (SIGHUP). Secrets are written 0600 and
/// returned only where the technician must copy them once (the cloud key).
/// </summary>
public sealed class SiteProvisioner
{
    /// <summary>The unit rooms go to when none is given.</summary>
    public const string DefaultUnit = "main";

    private readonly SiteLayout _layout;
    private readonly TimeProvider _time;

    /// <summary>Works on the site folder <paramref name="siteDir"/>.</summary>
    public SiteProvisioner(string siteDir, TimeProvider time)
    {
        _layout = new SiteLayout(siteDir);
        _time = time;
    }

    /// <summary>The folder layout.</summary>
    public SiteLayout Layout => _layout;

    /// <summary>Creates the site: CA, broker certificate and files, gateway credentials, first administrator, cloud key.</summary>
    public InitSiteResult InitSite(InitSiteRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ValidateInit(request);
        if (File.Exists(_layout.Inventory))
        {
            throw new ProvisioningException(
                $"{_layout.Inventory} already exists. A second init would replace the site CA and every credential, and every flashed sensor would stop connecting. Use another --dir.");
        }

        UnixAccount? brokerUser = ResolveBrokerUser(request.BrokerUser);
        DateTimeOffset now = _time.GetUtcNow();

        // The root stays traversable: the broker (another account) reads broker/ and ca/ca.crt below it.
        UnixFiles.CreateDirectory(_layout.Root, UnixFiles.PublicDirectory);
        UnixFiles.CreateDirectory(_layout.CaDir, UnixFiles.PublicDirectory);
        UnixFiles.CreateDirectory(_layout.BrokerDir, UnixFiles.PrivateDirectory, brokerUser);
        UnixFiles.CreateDirectory(_layout.BrokerData, UnixFiles.PrivateDirectory, brokerUser);
        foreach (string dir in new[] { _layout.GatewayDir, _layout.StaffDir, _layout.DevicesDir, _layout.SecretsDir })
        {
            UnixFiles.CreateDirectory(dir, UnixFiles.PrivateDirectory);
        }

        UnixFiles.CreateDirectory(_layout.PolicyDir, UnixFiles.PublicDirectory);

        var hosts = request.GatewayHosts.Concat(["localhost", "127.0.0.1"]).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        PemPair ca = SiteCertificates.CreateCa(request.SiteId, now);
        PemPair server = SiteCertificates.CreateServerCertificate(ca, hosts, now);
        UnixFiles.WriteText(_layout.CaCertificate, ca.CertificatePem + "\n", UnixFiles.Public);
        UnixFiles.WriteText(_layout.CaKey, ca.PrivateKeyPem + "\n", UnixFiles.Secret);
        UnixFiles.WriteText(_layout.DeviceCaCertificate, ca.CertificatePem + "\n", UnixFiles.Public);
        UnixFiles.WriteText(_layout.ServerCertificate, server.CertificatePem + "\n", UnixFiles.Public, brokerUser);
        UnixFiles.WriteText(_layout.ServerKey, server.PrivateKeyPem + "\n", UnixFiles.Secret, brokerUser);

        // The staff page's own certificate and key (the broker's key belongs to the broker's account).
        PemPair staffPage = SiteCertificates.CreateServerCertificate(ca, hosts, now);
        UnixFiles.WriteText(_layout.StaffPageCertificate, staffPage.CertificatePem + "\n", UnixFiles.Public);
        UnixFiles.WriteText(_layout.StaffPageKey, staffPage.PrivateKeyPem + "\n", UnixFiles.Secret);

        string gatewayPassword = Secrets.NewMqttPassword();
        var inventory = new SiteInventory
        {
            SiteId = request.SiteId,
            GatewayHosts = [.. request.GatewayHosts],
            CloudUrl = request.CloudUrl,
            CreatedAt = now,
            Broker = new BrokerSettings
            {
                Port = request.ListenPort,
                ListenAddress = request.ListenAddress,
                ExpectedDevices = request.ExpectedDevices,
                User = brokerUser?.Name,
            },
        };
        inventory.Gateway = new CredentialRecord
        {
            Username = MosquittoFiles.GatewayUsername(request.SiteId),
            PasswordHash = MosquittoPasswordHash.Create(gatewayPassword, inventory.Broker.PasswordIterations),
        };
        EnsureProvisioner(inventory);

        string? generatedCloudKey = request.CloudUrl is not null && request.CloudKey is null ? GatewayKey.New() : null;
        WriteGatewaySettings(inventory, gatewayPassword, request.CloudKey ?? generatedCloudKey, request.CloudGatewayId ?? request.SiteId);

        var staff = new StaffStore();
        staff.Accounts.Add(new StaffAccount
        {
            Username = request.AdminUsername,
            Role = StaffRole.Administrator,
            PasswordHash = PasswordHash.Create(request.AdminPassword),
            CreatedAt = now,
        });
        SaveStaff(staff);

        var wifi = new JsonObject { ["ssid"] = request.WifiSsid, ["password"] = request.WifiPassword };
        UnixFiles.WriteText(_layout.Wifi, wifi.ToJsonString(SiteInventoryJson.Options) + "\n", UnixFiles.Secret);

        var policy = new EscalationPolicy { Site = request.SiteId, TimeZone = request.TimeZone };
        UnixFiles.WriteText(_layout.EscalationPolicy, policy.ToJson(), UnixFiles.Public);

        // site.json last: a failed init leaves no inventory, so it can simply be run again.
        Commit(inventory);
        return new InitSiteResult(_layout, generatedCloudKey, brokerUser?.Name);
    }

    /// <summary>Registers a sensor for a resident and issues its credentials and config file.</summary>
    public IssuedDevice AddDevice(string deviceId, string residentName, string room, string? unit, DeviceMode mode) =>
        AddDevices([new NewDevice(deviceId, residentName, room, unit, mode)])[0];

    /// <summary>
    /// Registers many sensors with one write of the site files (the demo's hundreds of simulated
    /// sensors). All or nothing: one invalid entry and none is added.
    /// </summary>
    public IReadOnlyList<IssuedDevice> AddDevices(IReadOnlyList<NewDevice> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        SiteInventory inventory = SiteInventoryJson.Load(_layout.Inventory);
        DateTimeOffset now = _time.GetUtcNow();
        var pending = new List<(DeviceRecord Device, DeviceMode Mode)>();
        foreach (NewDevice d in devices)
        {
            pending.Add((Register(inventory, d, now), d.Mode));
        }

        var issued = new List<IssuedDevice>();
        foreach (var (device, mode) in pending)
        {
            string configPath = Issue(inventory, device, mode, now);
            issued.Add(new IssuedDevice(device.Id, device.Credential.Username, device.ClaimCode, configPath, _layout.DeviceCaCertificate));
        }

        Commit(inventory);
        return issued;
    }

    private static DeviceRecord Register(SiteInventory inventory, NewDevice d, DateTimeOffset now)
    {
        RequireId(d.DeviceId, "device id");
        if (string.IsNullOrWhiteSpace(d.ResidentName) || d.ResidentName.Trim() != d.ResidentName || d.ResidentName.Length > 100)
        {
            throw new ProvisioningException("--resident must be the resident's name (1-100 characters, no leading or trailing spaces).");
        }

        RequireName(d.Room, "--room");
        if (d.Unit is not null)
        {
            RequireName(d.Unit, "--unit");
        }

        if (inventory.FindDevice(d.DeviceId) is { } existing)
        {
            throw new ProvisioningException(existing.Status == DeviceState.Retired
                ? $"Device '{d.DeviceId}' was retired on {existing.RetiredAt:u}; ids are never reused. Give the new sensor a new id."
                : $"Device '{d.DeviceId}' is already registered. To give it new hardware use 'replace device'.");
        }

        RoomRecord roomRecord = FindOrAddRoom(inventory, d.Room, d.Unit);
        ResidentRecord resident = inventory.Residents.Find(r => r.Room == roomRecord.Name && string.Equals(r.Name, d.ResidentName, StringComparison.OrdinalIgnoreCase))
            ?? AddResident(inventory, d.ResidentName, roomRecord.Name);
        if (inventory.ActiveDevices.FirstOrDefault(x => x.ResidentId == resident.Id) is { } worn)
        {
            throw new ProvisioningException($"{resident.Name} in room {resident.Room} already wears device '{worn.Id}'. Use 'replace device --device {worn.Id}' for new hardware, or 'retire device' first.");
        }

        var device = new DeviceRecord { Id = d.DeviceId, ResidentId = resident.Id, AddedAt = now };
        inventory.Devices.Add(device);
        return device;
    }

    /// <summary>
    /// The provisioning tool's own MQTT account, which deletes retained messages: its user name and password.
    /// Created (and written to the broker's password file and ACL) when the site has none yet; the broker must
    /// then reload before the account works.
    /// </summary>
    public (string Username, string Password) ProvisionerAccount()
    {
        SiteInventory inventory = SiteInventoryJson.Load(_layout.Inventory);
        if (EnsureProvisioner(inventory))
        {
            Commit(inventory);
        }

        return (inventory.Provisioner!.Username, File.ReadAllText(_layout.ProvisionerPassword).Trim());
    }

    private bool EnsureProvisioner(SiteInventory inventory)
    {
        if (inventory.Provisioner is not null && File.Exists(_layout.ProvisionerPassword))
        {
            return false;
        }

        string password = Secrets.NewMqttPassword();
        UnixFiles.WriteText(_layout.ProvisionerPassword, password + "\n", UnixFiles.Secret);
        inventory.Provisioner = new CredentialRecord
        {
            Username = MosquittoFiles.ProvisionerUsername(inventory.SiteId),
            PasswordHash = MosquittoPasswordHash.Create(password, inventory.Broker.PasswordIterations),
        };
        return true;
    }

    /// <summary>New hardware for the same resident: a new user name and password; the old ones stop working on reload.</summary>
    public IssuedDevice ReplaceDevice(string deviceId, DeviceMode mode)
    {
        SiteInventory inventory = SiteInventoryJson.Load(_layout.Inventory);
        DeviceRecord device = RequireActive(inventory, deviceId);
        EnsureProvisioner(inventory);
        device.Generation++;
        string configPath = Issue(inventory, device, mode, _time.GetUtcNow());
        Commit(inventory);
        return new IssuedDevice(device.Id, device.Credential.Username, device.ClaimCode, configPath, _layout.DeviceCaCertificate);
    }

    /// <summary>Retires a sensor: its password-file entry and ACL section go; its config file is deleted.</summary>
    public void RetireDevice(string deviceId)
    {
        SiteInventory inventory = SiteInventoryJson.Load(_layout.Inventory);
        DeviceRecord device = RequireActive(inventory, deviceId);
        EnsureProvisioner(inventory);
        device.Status = DeviceState.Retired;
        device.RetiredAt = _time.GetUtcNow();
        device.Credential.PasswordHash = "";
        File.Delete(_layout.DeviceConfig(deviceId));
        Commit(inventory);
    }

    /// <summary>The inventory as rows, active devices first.</summary>
    public IReadOnlyList<InventoryRow> List()
    {
        SiteInventory inventory = SiteInventoryJson.Load(_layout.Inventory);
        return inventory.Devices
            .OrderBy(d => d.Status)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .Select(d =>
            {
                ResidentRecord? r = inventory.Residents.Find(x => x.Id == d.ResidentId);
                RoomRecord? room = r is null ? null : inventory.Rooms.Find(x => x.Name == r.Room);
                return new InventoryRow(d.Id, d.Status, r?.Name ?? "?", r?.Room ?? "?", room?.Unit ?? "?", d.Generation, d.ClaimCode, d.IssuedAt);
            })
            .ToList();
    }

    /// <summary>The inventory itself (read-only use).</summary>
    public SiteInventory LoadInventory() => SiteInventoryJson.Load(_layout.Inventory);

    /// <summary>Adds a staff-page account.</summary>
    public void AddStaff(string username, StaffRole role, string password)
    {
        _ = SiteInventoryJson.Load(_layout.Inventory);
        RequireStaffPassword(username, password);
        StaffStore store = StaffStore.Load(_layout.StaffStore);
        if (store.Accounts.Exists(a => a.Username == username))
        {
            throw new ProvisioningException($"Staff account '{username}' already exists (disabled accounts keep their name for the audit trail).");
        }

        store.Accounts.Add(new StaffAccount { Username = username, Role = role, PasswordHash = PasswordHash.Create(password), CreatedAt = _time.GetUtcNow() });
        SaveStaff(store);
    }

    /// <summary>Disables a staff-page account (never the last enabled administrator).</summary>
    public void DisableStaff(string username)
    {
        StaffStore store = StaffStore.Load(_layout.StaffStore);
        StaffAccount account = store.FindEnabled(username)
            ?? throw new ProvisioningException($"There is no enabled staff account '{username}'.");
        if (account.Role == StaffRole.Administrator && store.Accounts.Count(a => a.Enabled && a.Role == StaffRole.Administrator) == 1)
        {
            throw new ProvisioningException($"'{username}' is the last enabled administrator; add another administrator before disabling this one.");
        }

        account.Enabled = false;
        account.DisabledAt = _time.GetUtcNow();
        SaveStaff(store);
    }

    /// <summary>Loads the site's policy (or <paramref name="candidatePath"/>) and checks it against the inventory and staff store.</summary>
    public (EscalationPolicy Policy, IReadOnlyList<PolicyFinding> Findings) CheckPolicy(string? candidatePath = null)
    {
        SiteInventory inventory = SiteInventoryJson.Load(_layout.Inventory);
        EscalationPolicy policy = EscalationPolicy.Load(candidatePath ?? _layout.EscalationPolicy);
        StaffStore staff = StaffStore.Load(_layout.StaffStore);
        var unitsInUse = inventory.ActiveDevices
            .Select(d => inventory.Residents.Find(r => r.Id == d.ResidentId)?.Room)
            .Select(room => inventory.Rooms.Find(r => r.Name == room)?.Unit)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        return (policy, PolicyChecker.Check(policy, inventory.SiteId, unitsInUse, staff));
    }

    private string Issue(SiteInventory inventory, DeviceRecord device, DeviceMode mode, DateTimeOffset now)
    {
        WifiSettings wifi = LoadWifi();
        string password = Secrets.NewMqttPassword();
        device.Credential = new CredentialRecord
        {
            Username = MosquittoFiles.DeviceUsername(device.Id, device.Generation),
            PasswordHash = MosquittoPasswordHash.Create(password, inventory.Broker.PasswordIterations),
        };
        device.ClaimCode = Secrets.ClaimCode(inventory.SiteId, device.Id, device.Credential.Username, password);
        device.IssuedAt = now;
        var config = new DeviceConfigContent(
            device.Id,
            inventory.SiteId,
            wifi.Ssid,
            wifi.Password,
            inventory.GatewayHosts[0],
            inventory.Broker.Port,
            SiteLayout.DeviceCaFileName,
            device.Credential.Username,
            password,
            mode);
        string path = _layout.DeviceConfig(device.Id);
        UnixFiles.WriteText(path, DeviceConfigFile.Render(config, now), UnixFiles.Secret);
        return path;
    }

    private void Commit(SiteInventory inventory)
    {
        DateTimeOffset now = _time.GetUtcNow();
        UnixAccount? brokerUser = inventory.Broker.User is { } name && UnixFiles.IsRoot ? UnixFiles.FindAccount(name) : null;
        UnixFiles.WriteText(_layout.Inventory, SiteInventoryJson.Serialize(inventory), UnixFiles.Secret);
        UnixFiles.WriteText(_layout.PasswordFile, MosquittoFiles.RenderPasswordFile(inventory), UnixFiles.Secret, brokerUser);
        UnixFiles.WriteText(_layout.AclFile, MosquittoFiles.RenderAcl(inventory), UnixFiles.Secret, brokerUser);
        UnixFiles.WriteText(_layout.BrokerConfig, MosquittoFiles.RenderConfig(inventory, _layout, now), UnixFiles.Public, brokerUser);
    }

    private void WriteGatewaySettings(SiteInventory inventory, string gatewayPassword, string? cloudKey, string cloudGatewayId)
    {
        // Shaped for Microsoft.Extensions.Configuration: the "Mqtt" section binds to Edge.Mqtt's
        // MqttClientOptions. The gateway connects on the same host, over TLS with verification.
        string host = inventory.Broker.ListenAddress is { Length: > 0 } a && a != "0.0.0.0" && a != "::" ? a : "127.0.0.1";
        var settings = new JsonObject
        {
            ["Site"] = new JsonObject
            {
                ["Id"] = inventory.SiteId,
                ["Directory"] = _layout.Root,
                ["StaffStore"] = _layout.StaffStore,
                ["EscalationPolicy"] = _layout.EscalationPolicy,
                ["Inventory"] = _layout.Inventory,
            },
            // The staff page is off until StaffPage:Url is set (e.g. https://0.0.0.0:8443); its certificate is
            // ready, and it answers only to the gateway's names and addresses (DNS rebinding).
            ["StaffPage"] = new JsonObject
            {
                ["CertificateFile"] = _layout.StaffPageCertificate,
                ["CertificateKeyFile"] = _layout.StaffPageKey,
                ["AllowedHosts"] = new JsonArray([.. inventory.GatewayHosts.Where(h => !System.Net.IPAddress.TryParse(h, out _)).Select(h => (JsonNode?)JsonValue.Create(h))]),
            },
            ["Mqtt"] = new JsonObject
            {
                ["Host"] = host,
                ["Port"] = inventory.Broker.Port,
                ["ClientId"] = inventory.Gateway.Username,
                ["Username"] = inventory.Gateway.Username,
                ["Password"] = gatewayPassword,
                ["CleanSession"] = false,
                ["Tls"] = new JsonObject { ["CaFile"] = _layout.CaCertificate },
            },
        };
        if (inventory.CloudUrl is not null)
        {
            // Binds to Edge.Uplink's UplinkOptions. The cloud knows this gateway by cloudGatewayId (the site id
            // unless --cloud-gateway-id says otherwise): Edge.Cloud.Api admin create-gateway --id <it> --site <site>.
            settings["Uplink"] = new JsonObject
            {
                ["Enabled"] = true,
                ["CloudUrl"] = inventory.CloudUrl,
                ["GatewayId"] = cloudGatewayId,
                ["SiteId"] = inventory.SiteId,
                ["GatewayKey"] = cloudKey,
                // The secret behind the pseudonymous resident references sent to the cloud (never sent itself).
                ["ResidentPseudonymKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            };
        }

        UnixFiles.WriteText(_layout.GatewaySettings, settings.ToJsonString(SiteInventoryJson.Options) + "\n", UnixFiles.Secret);
    }

    private sealed record WifiSettings(string Ssid, string Password);

    private WifiSettings LoadWifi()
    {
        try
        {
            JsonNode? node = JsonNode.Parse(File.ReadAllText(_layout.Wifi));
            string? ssid = node?["ssid"]?.GetValue<string>();
            string? password = node?["password"]?.GetValue<string>();
            return ssid is { Length: > 0 } && password is { Length: > 0 }
                ? new WifiSettings(ssid, password)
                : throw new ProvisioningException($"{_layout.Wifi} has no ssid/password.");
        }
        catch (Exception ex) when (ex is IOException or JsonException or InvalidOperationException)
        {
            throw new ProvisioningException($"Cannot read the site's Wi-Fi settings at {_layout.Wifi}: {ex.Message}", ex);
        }
    }

    private static RoomRecord FindOrAddRoom(SiteInventory inventory, string room, string? unit)
    {
        RoomRecord? existing = inventory.Rooms.Find(r => r.Name == room);
        if (existing is not null)
        {
            if (unit is not null && unit != existing.Unit)
            {
                throw new ProvisioningException($"Room '{room}' is in unit '{existing.Unit}', not '{unit}'.");
            }

            return existing;
        }

        var created = new RoomRecord { Name = room, Unit = unit ?? DefaultUnit };
        inventory.Rooms.Add(created);
        return created;
    }

    private static ResidentRecord AddResident(SiteInventory inventory, string name, string room)
    {
        var resident = new ResidentRecord
        {
            Id = string.Create(CultureInfo.InvariantCulture, $"r{inventory.Residents.Count + 1:D3}"),
            Name = name,
            Room = room,
        };
        inventory.Residents.Add(resident);
        return resident;
    }

    private static DeviceRecord RequireActive(SiteInventory inventory, string deviceId)
    {
        DeviceRecord device = inventory.FindDevice(deviceId)
            ?? throw new ProvisioningException($"There is no device '{deviceId}' at site '{inventory.SiteId}'. 'list' shows the registered devices.");
        return device.Status == DeviceState.Active
            ? device
            : throw new ProvisioningException($"Device '{deviceId}' was retired on {device.RetiredAt:u}.");
    }

    private static void RequireId(string id, string what)
    {
        if (!WireFormat.IsValidId(id))
        {
            throw new ProvisioningException($"'{id}' is not a valid {what}: use 1 to {WireFormat.MaxIdLength} characters of A-Z, a-z, 0-9, '-' and '_'.");
        }
    }

    private static void RequireName(string value, string option)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Trim() != value || value.Length > 64)
        {
            throw new ProvisioningException($"{option} must be 1-64 characters with no leading or trailing spaces.");
        }
    }

    private static void RequireStaffPassword(string username, string password)
    {
        if (!StaffStore.IsValidUsername(username))
        {
            throw new ProvisioningException($"'{username}' is not a valid staff user name: use 1-64 characters of a-z, 0-9, '.', '_' and '-'.");
        }

        if (StaffPasswords.Weakness(password, username) is { } weakness)
        {
            throw new ProvisioningException($"The password for '{username}' is too weak: {weakness}.");
        }
    }

    private static void ValidateInit(InitSiteRequest r)
    {
        var errors = new List<string>();
        if (!WireFormat.IsValidId(r.SiteId))
        {
            errors.Add($"'{r.SiteId}' is not a valid site id: use 1 to {WireFormat.MaxIdLength} characters of A-Z, a-z, 0-9, '-' and '_'.");
        }

        if (r.GatewayHosts.Count == 0)
        {
            errors.Add("--gateway-host is required: the host name or IP address sensors use to reach the gateway.");
        }

        foreach (string host in r.GatewayHosts.Where(h => !SiteCertificates.IsValidHost(h)))
        {
            errors.Add($"'{host}' is not a host name or IP address.");
        }

        if (r.CloudUrl is not null
            && (!Uri.TryCreate(r.CloudUrl, UriKind.Absolute, out Uri? cloud)
                || !(cloud.Scheme == Uri.UriSchemeHttps || (cloud.Scheme == Uri.UriSchemeHttp && cloud.IsLoopback))))
        {
            errors.Add($"--cloud-url '{r.CloudUrl}' must be an absolute https:// URL (http:// only for a loopback test cloud).");
        }

        if (r.CloudKey is not null && (r.CloudUrl is null || !GatewayKey.IsWellFormed(r.CloudKey)))
        {
            errors.Add($"The cloud gateway key must come with --cloud-url and look like {GatewayKey.Prefix} followed by {GatewayKey.RandomCharacters} base64url characters (as the cloud's admin command prints it).");
        }

        // A key the cloud issued belongs to the gateway id it was created under; only the technician knows it, and a
        // guess (the site id) is what left a site's events refused by the cloud.
        if (r.CloudKey is not null && r.CloudGatewayId is null)
        {
            errors.Add("A cloud-issued key belongs to the gateway id the cloud created it for: give that id with --cloud-gateway-id (admin create-gateway --id).");
        }

        if (r.CloudGatewayId is not null && (r.CloudUrl is null || !GatewaySettingsFile.IsCloudGatewayId(r.CloudGatewayId)))
        {
            errors.Add($"--cloud-gateway-id '{r.CloudGatewayId}' must come with --cloud-url and be 1-64 letters, digits or . _ : - (as the cloud's admin create-gateway --id).");
        }

        if (!StaffStore.IsValidUsername(r.AdminUsername))
        {
            errors.Add($"--admin '{r.AdminUsername}' is not a valid staff user name: use 1-64 characters of a-z, 0-9, '.', '_' and '-'.");
        }
        else if (StaffPasswords.Weakness(r.AdminPassword, r.AdminUsername) is { } weakness)
        {
            errors.Add($"The administrator password is too weak: {weakness}.");
        }

        if (string.IsNullOrEmpty(r.WifiSsid) || r.WifiSsid.Length > 32 || r.WifiSsid.Trim() != r.WifiSsid)
        {
            errors.Add("--wifi-ssid must be 1-32 characters with no leading or trailing spaces.");
        }

        if (r.WifiPassword.Length is < 8 or > 63 || r.WifiPassword.Trim() != r.WifiPassword || r.WifiPassword.Contains('\n', StringComparison.Ordinal))
        {
            errors.Add("The Wi-Fi passphrase must be 8-63 characters (WPA2), with no leading or trailing spaces.");
        }

        if (r.ListenPort is < 1 or > 65535)
        {
            errors.Add($"--listen-port {r.ListenPort} is not a TCP port.");
        }

        if (r.ListenAddress is not null && !System.Net.IPAddress.TryParse(r.ListenAddress, out _))
        {
            errors.Add($"--listen-address '{r.ListenAddress}' is not an IP address.");
        }

        if (r.ExpectedDevices is < 1 or > 10_000)
        {
            errors.Add($"--expected-devices {r.ExpectedDevices} must be 1-10000.");
        }

        if (errors.Count > 0)
        {
            throw new ProvisioningException(string.Join(Environment.NewLine, errors));
        }
    }

    private static UnixAccount? ResolveBrokerUser(string? requested)
    {
        if (requested is not null)
        {
            UnixAccount account = UnixFiles.FindAccount(requested)
                ?? throw new ProvisioningException($"--broker-user '{requested}' is not a local account (see /etc/passwd).");
            // Only root can hand files to another account; as that account, mosquitto ignores 'user'.
            return UnixFiles.IsRoot ? account : null;
        }

        // Debian's broker starts as root and drops to 'mosquitto', which must be able to read its files.
        return UnixFiles.IsRoot ? UnixFiles.FindAccount("mosquitto") : null;
    }

    private void SaveStaff(StaffStore store) => UnixFiles.WriteText(_layout.StaffStore, store.ToJson(), UnixFiles.Secret);
}
