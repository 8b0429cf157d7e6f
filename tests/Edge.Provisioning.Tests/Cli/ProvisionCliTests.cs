// Over 400 lines on purpose: one test class for the provision CLI, one scenario per method.
using System.Text.Json.Nodes;
using Edge.Cloud.Contracts;
using Edge.Firmware.Core;
using Edge.Provisioning.Crypto;
using Edge.Provisioning.Files;
using Edge.Site.Inventory;
using Edge.Site.Staff;
using Edge.TestKit;

namespace Edge.Provisioning.Tests.Cli;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ProvisionCliTests : IDisposable
{
    private readonly TempDirectory _temp = new("edge-provision");
    private readonly string _dir;
    private readonly SiteLayout _layout;

    public ProvisionCliTests()
    {
        _dir = _temp.File("site");
        _layout = new SiteLayout(_dir);
    }

    public void Dispose() => _temp.Dispose();

    private CliResult Init(params string[] extra)
    {
        CliResult r = Cli.InitSite(_dir, extra);
        Assert.True(r.ExitCode == 0, r.All);
        return r;
    }

    private CliResult AddDevice(string id, string resident, string room, params string[] extra)
    {
        CliResult r = Cli.Run("", [.. new[] { "add", "device", "--dir", _dir, "--device", id, "--resident", resident, "--room", room }, .. extra]);
        Assert.True(r.ExitCode == 0, r.All);
        return r;
    }

    private static SensorSettings ParseDeviceConfig(string path)
    {
        ProvisioningResult parsed = ProvisioningParser.Parse(File.ReadAllText(path));
        Assert.True(parsed.IsOk, string.Join("; ", parsed.Errors.Select(e => e.ToString())));
        return parsed.Settings;
    }

    [Fact]
    public void InitSite_SecretsAre0600AndPublicFilesReadable()
    {
        Init("--cloud-url", "https://cloud.example.org");
        AddDevice("dev-01", "Mary Smith", "12");

        string[] secrets =
        [
            _layout.Inventory, _layout.CaKey, _layout.ServerKey, _layout.PasswordFile, _layout.AclFile,
            _layout.GatewaySettings, _layout.StaffStore, _layout.Wifi, _layout.DeviceConfig("dev-01"), _layout.StaffPageKey,
        ];
        foreach (string path in secrets)
        {
            Assert.True(File.GetUnixFileMode(path) == UnixFiles.Secret, $"{path} is {File.GetUnixFileMode(path)}");
        }

        foreach (string path in new[] { _layout.CaCertificate, _layout.ServerCertificate, _layout.BrokerConfig, _layout.DeviceCaCertificate, _layout.StaffPageCertificate })
        {
            Assert.Equal(UnixFiles.Public, File.GetUnixFileMode(path));
        }

        foreach (string dir in new[] { _layout.GatewayDir, _layout.StaffDir, _layout.DevicesDir, _layout.SecretsDir, _layout.BrokerDir })
        {
            Assert.Equal(UnixFiles.PrivateDirectory, File.GetUnixFileMode(dir));
        }

        Assert.Empty(Directory.GetFiles(_dir, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void Cli_NoSecretIsPrintedExceptTheCloudKeyOnceAtInit()
    {
        CliResult init = Init("--cloud-url", "https://cloud.example.org");
        CliResult add = AddDevice("dev-01", "Mary Smith", "12");
        CliResult replace = Cli.Run("", "replace", "device", "--dir", _dir, "--device", "dev-01");
        CliResult list = Cli.Run("", "list", "--dir", _dir);
        CliResult staff = Cli.Run("Another-Good-Pass-9\n", "staff", "add", "--dir", _dir, "--user", "carol");
        CliResult retire = Cli.Run("", "retire", "device", "--dir", _dir, "--device", "dev-01");
        Assert.All(new[] { replace, list, staff, retire }, r => Assert.True(r.ExitCode == 0, r.All));

        JsonNode settings = JsonNode.Parse(File.ReadAllText(_layout.GatewaySettings))!;
        string gatewayPassword = settings["Mqtt"]!["Password"]!.GetValue<string>();
        string cloudKey = settings["Uplink"]!["GatewayKey"]!.GetValue<string>();
        string printedAfterInit = add.All + replace.All + list.All + staff.All + retire.All;
        string[] neverPrinted = [Cli.AdminPassword, Cli.WifiPassword, "Another-Good-Pass-9", gatewayPassword];
        foreach (string secret in neverPrinted)
        {
            Assert.DoesNotContain(secret, init.All + printedAfterInit, StringComparison.Ordinal);
        }

        Assert.Single(init.Out.Split('\n'), l => l.Contains(cloudKey, StringComparison.Ordinal));
        Assert.DoesNotContain(cloudKey, printedAfterInit, StringComparison.Ordinal);
        Assert.DoesNotContain(cloudKey, init.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void AddDevice_DevicePasswordIsNeverPrinted_AndTheConfigParsesWithTheFirmwareParser()
    {
        Init();
        CliResult add = AddDevice("dev-01", "Mary Smith", "12", "--mode", "streaming");

        SensorSettings s = ParseDeviceConfig(_layout.DeviceConfig("dev-01"));
        Assert.DoesNotContain(s.MqttPassword, add.All, StringComparison.Ordinal);
        Assert.Equal("dev-01", s.DeviceId);
        Assert.Equal("oak", s.Site);
        Assert.Equal("dev-01.1", s.MqttUsername);
        Assert.Equal("127.0.0.1", s.BrokerHost);
        Assert.Equal(8883, s.BrokerPort);
        Assert.Equal(Cli.WifiPassword, s.WifiPassword);
        Assert.Equal(SiteLayout.DeviceCaFileName, s.TlsCa);
        Assert.Equal(Edge.Protocol.DeviceMode.Streaming, s.Mode);

        SiteInventory inventory = SiteInventoryJson.Load(_layout.Inventory);
        DeviceRecord device = Assert.Single(inventory.Devices);
        Assert.True(MosquittoPasswordHash.Verify(s.MqttPassword, device.Credential.PasswordHash));
        Assert.Contains($"{device.Credential.Username}:{device.Credential.PasswordHash}", File.ReadAllLines(_layout.PasswordFile));
        Assert.Contains(device.ClaimCode, add.Out, StringComparison.Ordinal);
        Assert.Equal(Secrets.ClaimCode("oak", "dev-01", "dev-01.1", s.MqttPassword), device.ClaimCode);
    }

    [Fact]
    public void AddDevice_TwoDevices_GetDifferentCredentials()
    {
        Init();
        AddDevice("dev-01", "Mary Smith", "12");
        AddDevice("dev-02", "John Jones", "14", "--unit", "south");

        SensorSettings a = ParseDeviceConfig(_layout.DeviceConfig("dev-01"));
        SensorSettings b = ParseDeviceConfig(_layout.DeviceConfig("dev-02"));
        Assert.NotEqual(a.MqttUsername, b.MqttUsername);
        Assert.NotEqual(a.MqttPassword, b.MqttPassword);

        CliResult list = Cli.Run("", "list", "--dir", _dir);
        Assert.Contains("dev-02  active  John Jones  14    south", list.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void ReplaceDevice_OldCredentialLeavesPasswordFileAndAcl()
    {
        Init();
        AddDevice("dev-01", "Mary Smith", "12");
        string oldPassword = ParseDeviceConfig(_layout.DeviceConfig("dev-01")).MqttPassword;

        CliResult r = Cli.Run("", "replace", "device", "--dir", _dir, "--device", "dev-01");

        Assert.True(r.ExitCode == 0, r.All);
        SensorSettings s = ParseDeviceConfig(_layout.DeviceConfig("dev-01"));
        Assert.Equal("dev-01.2", s.MqttUsername);
        Assert.NotEqual(oldPassword, s.MqttPassword);
        Assert.DoesNotContain(File.ReadAllLines(_layout.PasswordFile), l => l.StartsWith("dev-01.1:", StringComparison.Ordinal));
        Assert.DoesNotContain("user dev-01.1", File.ReadAllText(_layout.AclFile), StringComparison.Ordinal);
        Assert.Contains("user dev-01.2", File.ReadAllText(_layout.AclFile), StringComparison.Ordinal);
    }

    [Fact]
    public void RetireDevice_RemovesCredentialAclAndConfig_AndTheIdCannotBeReused()
    {
        Init();
        AddDevice("dev-01", "Mary Smith", "12");
        AddDevice("dev-02", "John Jones", "14");

        CliResult r = Cli.Run("", "retire", "device", "--dir", _dir, "--device", "dev-01");

        Assert.True(r.ExitCode == 0, r.All);
        Assert.Contains("systemctl reload mosquitto", r.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("dev-01", File.ReadAllText(_layout.PasswordFile), StringComparison.Ordinal);
        Assert.DoesNotContain("dev-01", File.ReadAllText(_layout.AclFile), StringComparison.Ordinal);
        Assert.Contains("dev-02.1", File.ReadAllText(_layout.PasswordFile), StringComparison.Ordinal);
        Assert.False(File.Exists(_layout.DeviceConfig("dev-01")));

        CliResult again = Cli.Run("", "add", "device", "--dir", _dir, "--device", "dev-01", "--resident", "Mary Smith", "--room", "12");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("ids are never reused", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void InitSite_ExistingSite_IsRefused()
    {
        Init();
        string ca = File.ReadAllText(_layout.CaCertificate);

        CliResult again = Cli.InitSite(_dir);

        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already exists", again.Error, StringComparison.Ordinal);
        Assert.Equal(ca, File.ReadAllText(_layout.CaCertificate));
    }

    [Fact]
    public void InitSite_NoAdminPassword_IsRefusedAndWritesNothing()
    {
        CliResult r = Cli.Run("", "init", "site", "--site", "oak", "--dir", _dir, "--gateway-host", "gw", "--admin", "alice", "--wifi-ssid", "CareNet");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("there is no default", r.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dir));
    }

    [Fact]
    public void InitSite_WeakAdminPasswordAndBadIds_AreAllReported()
    {
        CliResult r = Cli.Run("short\nwifi-Secret-4711\n", "init", "site", "--site", "oak/1", "--dir", _dir, "--gateway-host", "bad host", "--admin", "alice", "--wifi-ssid", "CareNet");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("'oak/1' is not a valid site id", r.Error, StringComparison.Ordinal);
        Assert.Contains("'bad host' is not a host name", r.Error, StringComparison.Ordinal);
        Assert.Contains("administrator password is too weak", r.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_layout.Inventory));
    }

    [Fact]
    public void InitSite_AdminPasswordFile_IsHashedWithPbkdf2()
    {
        string file = _temp.File("admin.txt");
        File.WriteAllText(file, "From-A-File-Pass-77\n");

        CliResult r = Cli.Run("wifi-Secret-4711\n", "init", "site", "--site", "oak", "--dir", _dir, "--gateway-host", "gw", "--admin", "alice", "--admin-password-file", file, "--wifi-ssid", "CareNet");

        Assert.True(r.ExitCode == 0, r.All);
        StaffAccount admin = Assert.Single(StaffStore.Load(_layout.StaffStore).Accounts);
        Assert.Equal(StaffRole.Administrator, admin.Role);
        Assert.True(PasswordHash.Verify("From-A-File-Pass-77", admin.PasswordHash));
        Assert.DoesNotContain("From-A-File-Pass-77", File.ReadAllText(_layout.StaffStore), StringComparison.Ordinal);
    }

    [Fact]
    public void InitSite_CloudIssuedKeyFile_IsStoredForTheGatewayAndNeverPrinted()
    {
        string key = Edge.Cloud.Contracts.GatewayKey.New();
        string file = _temp.File("cloud.key");
        File.WriteAllText(file, key + "\n");

        CliResult r = Init("--cloud-url", "https://cloud.example.org", "--cloud-key-file", file, "--cloud-gateway-id", "oak-gw-1");

        Assert.DoesNotContain(key, r.Out + r.Error, StringComparison.Ordinal);
        JsonNode uplink = JsonNode.Parse(File.ReadAllText(_layout.GatewaySettings))!["Uplink"]!;
        Assert.Equal(key, uplink["GatewayKey"]!.GetValue<string>());
        Assert.Equal("oak-gw-1", uplink["GatewayId"]!.GetValue<string>()); // the id the cloud issued the key for
        Assert.Equal("oak", uplink["SiteId"]!.GetValue<string>());
        // The site secret behind the pseudonymous resident references: 32 random bytes, never printed.
        string pseudonymKey = uplink["ResidentPseudonymKey"]!.GetValue<string>();
        Assert.Equal(32, Convert.FromBase64String(pseudonymKey).Length);
        Assert.DoesNotContain(pseudonymKey, r.Out + r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void InitSite_CloudIssuedKeyWithoutItsGatewayId_IsRefused_NotGuessedFromTheSite()
    {
        string file = _temp.File("cloud.key");
        File.WriteAllText(file, Edge.Cloud.Contracts.GatewayKey.New() + "\n");

        CliResult r = Cli.InitSite(_dir, "--cloud-url", "https://cloud.example.org", "--cloud-key-file", file);
        CliResult bad = Cli.InitSite(_dir, "--cloud-url", "https://cloud.example.org", "--cloud-key-file", file, "--cloud-gateway-id", "oak gw/1");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("--cloud-gateway-id", r.Error, StringComparison.Ordinal);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("'oak gw/1'", bad.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_layout.GatewaySettings));
    }

    [Theory]
    [InlineData(null, "oak")]
    [InlineData("oak-gw-7", "oak-gw-7")]
    public void InitSite_GeneratedKey_SettingsAndThePrintedCloudCommandNameTheSameGatewayId(string? given, string expected)
    {
        CliResult r = given is null
            ? Init("--cloud-url", "https://cloud.example.org")
            : Init("--cloud-url", "https://cloud.example.org", "--cloud-gateway-id", given);

        JsonNode uplink = JsonNode.Parse(File.ReadAllText(_layout.GatewaySettings))!["Uplink"]!;
        Assert.Equal(expected, uplink["GatewayId"]!.GetValue<string>());
        Assert.Contains($"admin create-gateway --id {expected} --site oak --key-file F", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void UplinkGatewayId_CorrectsTheIdInTheGatewaySettings_KeepsTheRest_RefusesBadIdsAndSitesWithoutCloud()
    {
        Init("--cloud-url", "https://cloud.example.org");
        string key = JsonNode.Parse(File.ReadAllText(_layout.GatewaySettings))!["Uplink"]!["GatewayKey"]!.GetValue<string>();

        CliResult r = Cli.Run("", "uplink", "gateway-id", "--dir", _dir, "--id", "gw-oak-2");
        CliResult bad = Cli.Run("", "uplink", "gateway-id", "--dir", _dir, "--id", "gw oak");

        Assert.True(r.ExitCode == 0, r.All);
        Assert.Contains("uplink resend", r.Out, StringComparison.Ordinal);
        JsonNode settings = JsonNode.Parse(File.ReadAllText(_layout.GatewaySettings))!;
        Assert.Equal("gw-oak-2", settings["Uplink"]!["GatewayId"]!.GetValue<string>());
        Assert.Equal(key, settings["Uplink"]!["GatewayKey"]!.GetValue<string>());
        Assert.NotNull(settings["Mqtt"]!["Password"]);
        Assert.Equal(UnixFiles.Secret, File.GetUnixFileMode(_layout.GatewaySettings));
        Assert.Equal(1, bad.ExitCode);
        Assert.Equal("gw-oak-2", JsonNode.Parse(File.ReadAllText(_layout.GatewaySettings))!["Uplink"]!["GatewayId"]!.GetValue<string>());

        string other = _temp.File("no-cloud");
        Assert.Equal(0, Cli.InitSite(other).ExitCode);
        CliResult noCloud = Cli.Run("", "uplink", "gateway-id", "--dir", other, "--id", "gw-1");
        Assert.Equal(1, noCloud.ExitCode);
        Assert.Contains("--cloud-url", noCloud.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void InitSite_MalformedCloudKey_IsRefused()
    {
        string file = _temp.File("cloud.key");
        File.WriteAllText(file, "not-a-key\n");

        CliResult r = Cli.InitSite(_dir, "--cloud-url", "https://cloud.example.org", "--cloud-key-file", file);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("edgegw_", r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-key", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void InitSite_StaffPage_GetsItsOwnCertificateAndTheGatewayNamesAsAllowedHosts_ButStaysOff()
    {
        CliResult r = Cli.Run($"{Cli.AdminPassword}\n{Cli.WifiPassword}\n",
            "init", "site", "--site", "oak", "--dir", _dir, "--gateway-host", "gateway.oakhouse.lan", "--gateway-host", "192.168.1.20",
            "--admin", "alice", "--wifi-ssid", "CareNet");
        Assert.True(r.ExitCode == 0, r.All);

        JsonNode staffPage = JsonNode.Parse(File.ReadAllText(_layout.GatewaySettings))!["StaffPage"]!;
        Assert.Null(staffPage["Url"]);
        Assert.Equal(_layout.StaffPageCertificate, staffPage["CertificateFile"]!.GetValue<string>());
        Assert.Equal(_layout.StaffPageKey, staffPage["CertificateKeyFile"]!.GetValue<string>());
        Assert.Equal(["gateway.oakhouse.lan"], staffPage["AllowedHosts"]!.AsArray().Select(h => h!.GetValue<string>()));
        using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(_layout.StaffPageCertificate, _layout.StaffPageKey);
        Assert.Contains("gateway.oakhouse.lan", certificate.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.DnsName, false) + string.Join(",", certificate.Extensions.OfType<System.Security.Cryptography.X509Certificates.X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames())), StringComparison.Ordinal);
        Assert.NotEqual(File.ReadAllText(_layout.ServerKey), File.ReadAllText(_layout.StaffPageKey));
    }

    [Fact]
    public void StaffAdd_CommonPassword_IsRefused()
    {
        Init();

        CliResult r = Cli.Run("Password1234\n", "staff", "add", "--dir", _dir, "--user", "bob");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("too common", r.Error, StringComparison.Ordinal);
        Assert.Null(StaffStore.Load(_layout.StaffStore).FindEnabled("bob"));
    }

    [Fact]
    public void CloudKey_RotatedKey_ReplacesTheOldInTheGatewaySettings_0600_NeverPrinted()
    {
        string old = Edge.Cloud.Contracts.GatewayKey.New();
        string file = _temp.File("cloud.key");
        File.WriteAllText(file, old + "\n");
        Init("--cloud-url", "https://cloud.example.org", "--cloud-key-file", file, "--cloud-gateway-id", "oak-gw-1");
        string rotated = Edge.Cloud.Contracts.GatewayKey.New();
        File.WriteAllText(file, rotated + "\n");

        CliResult r = Cli.Run("", "cloud-key", "--dir", _dir, "--key-file", file);

        Assert.True(r.ExitCode == 0, r.All);
        Assert.DoesNotContain(rotated, r.All, StringComparison.Ordinal);
        JsonNode settings = JsonNode.Parse(File.ReadAllText(_layout.GatewaySettings))!;
        Assert.Equal(rotated, settings["Uplink"]!["GatewayKey"]!.GetValue<string>());
        Assert.Equal("https://cloud.example.org", settings["Uplink"]!["CloudUrl"]!.GetValue<string>());
        Assert.NotNull(settings["Mqtt"]!["Password"]);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_layout.GatewaySettings));
        Assert.Equal(1, Cli.Run("", "cloud-key", "--dir", _dir, "--key-file", file).ExitCode); // the same key again
    }

    [Fact]
    public void CloudKey_MalformedKeyOrNoCloud_IsRefused()
    {
        Init();
        string file = _temp.File("cloud.key");
        File.WriteAllText(file, Edge.Cloud.Contracts.GatewayKey.New() + "\n");

        CliResult noCloud = Cli.Run("", "cloud-key", "--dir", _dir, "--key-file", file);
        CliResult malformed = Cli.Run("edgegw_short\n", "cloud-key", "--dir", _dir);

        Assert.Equal(1, noCloud.ExitCode);
        Assert.Contains("--cloud-url", noCloud.Error, StringComparison.Ordinal);
        Assert.Equal(1, malformed.ExitCode);
        Assert.DoesNotContain("edgegw_short", malformed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void StaffDisable_LastAdministrator_IsRefused_OtherwiseDisables()
    {
        Init();

        CliResult refused = Cli.Run("", "staff", "disable", "--dir", _dir, "--user", "alice");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("last enabled administrator", refused.Error, StringComparison.Ordinal);

        Assert.Equal(0, Cli.Run("Second-Admin-Pass-5\n", "staff", "add", "--dir", _dir, "--user", "dave", "--role", "admin").ExitCode);
        Assert.Equal(0, Cli.Run("", "staff", "disable", "--dir", _dir, "--user", "alice").ExitCode);
        StaffStore store = StaffStore.Load(_layout.StaffStore);
        Assert.Null(store.FindEnabled("alice"));
        Assert.NotNull(store.FindEnabled("dave"));
    }

    [Fact]
    public void PolicyCheck_NewSiteWithResidents_ReportsTheGapWithExitCode2()
    {
        Init();
        AddDevice("dev-01", "Mary Smith", "12", "--unit", "north");

        CliResult r = Cli.Run("", "policy", "check", "--dir", _dir);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("unit north: the unit has residents but no escalation policy", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void PolicyCheck_CompletePolicyFile_PassesUntilItsOnlyStaffTargetIsDisabled()
    {
        Init();
        AddDevice("dev-01", "Mary Smith", "12", "--unit", "north");
        Assert.Equal(0, Cli.Run("Night-Nurse-Pass-8\n", "staff", "add", "--dir", _dir, "--user", "nina").ExitCode);
        File.WriteAllText(_layout.EscalationPolicy, """
            {
              "version": 1, "site": "oak", "timeZone": "Europe/London",
              "units": [ { "unit": "north", "slots": [
                { "name": "day",   "from": "07:00", "to": "19:00", "steps": [ { "after": "00:00:00", "notify": ["pager:north-day"] } ] },
                { "name": "night", "from": "19:00", "to": "07:00", "steps": [ { "after": "00:00:00", "notify": ["staff:nina"] } ] }
              ] } ]
            }
            """);

        CliResult ok = Cli.Run("", "policy", "check", "--dir", _dir);
        Assert.True(ok.ExitCode == 0, ok.All);
        CliResult show = Cli.Run("", "policy", "show", "--dir", _dir);
        Assert.Contains("19:00-07:00 every day (night)", show.Out, StringComparison.Ordinal);

        Assert.Equal(0, Cli.Run("", "staff", "disable", "--dir", _dir, "--user", "nina").ExitCode);
        CliResult gap = Cli.Run("", "policy", "check", "--dir", _dir);
        Assert.Equal(2, gap.ExitCode);
        Assert.Contains("nobody to alert Mon 19:00–Tue 07:00", gap.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_ListsTheCommands()
    {
        CliResult r = Cli.Run("", "--help");

        Assert.Equal(0, r.ExitCode);
        foreach (string command in new[] { "init", "add", "replace", "retire", "list", "staff", "policy" })
        {
            Assert.Contains(command, r.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AddDevice_MissingRequiredOption_FailsWithAParseError()
    {
        Init();

        CliResult r = Cli.Run("", "add", "device", "--dir", _dir, "--device", "dev-01");

        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("--resident", r.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_layout.DeviceConfig("dev-01")));
    }

    [Fact]
    public void AddDevice_UnknownSite_ExplainsWhatToDo()
    {
        CliResult r = Cli.Run("", "add", "device", "--dir", _dir, "--device", "dev-01", "--resident", "Mary", "--room", "1");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("Run 'init site' first", r.Error, StringComparison.Ordinal);
    }
}
