// Over 400 lines on purpose: the provision CLI's whole command tree, one short builder per command, so the commands read as one list.
using System.CommandLine;
using System.Globalization;
using Edge.Protocol;
using Edge.Provisioning;
using Edge.Provisioning.Broker;
using Edge.Provisioning.Files;
using Edge.Site;
using Edge.Site.Inventory;
using Edge.Site.Policy;
using Edge.Site.Staff;

namespace Edge.Provision;

/// <summary>
/// <c>edge provision</c>: init site, add/replace/retire device, list, staff add/disable, policy
/// show/check, cloud-key. Exit codes: 0 done, 1 refused or failed (message on stderr), 2 policy has gaps.
/// Nothing secret is printed except the cloud gateway key, once, at init.
/// </summary>
public static class ProvisionCli
{
    /// <summary>Parses and runs one command.</summary>
    public static int Run(string[] args, ProvisionConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        RootCommand root = Build(console);
        return root.Parse(args).Invoke(new InvocationConfiguration { Output = console.Out, Error = console.Error });
    }

    // Options are created per command (never shared instances): Build runs once per invocation and
    // tests run the CLI in parallel. Values are read back by name.
    private static Option<DirectoryInfo> DirOption() => new("--dir")
    {
        Description = "The site folder (created by 'init site').",
        Required = true,
    };

    private static Option<int?> ReloadPidOption() => new("--reload-pid")
    {
        Description = "Send SIGHUP to this broker process so the change takes effect at once (otherwise run: sudo systemctl reload mosquitto).",
    };

    private static string SiteDir(ParseResult parse) => parse.GetRequiredValue<DirectoryInfo>("--dir").FullName;

    private static RootCommand Build(ProvisionConsole console)
    {
        var root = new RootCommand(
            "Provision an Edge fall-detection site: site CA and broker TLS, per-device MQTT credentials, broker ACLs, staff accounts and the escalation policy.");
        root.Add(InitCommand(console));
        root.Add(DeviceVerb("add", "Register a new sensor for a resident", console, Add));
        root.Add(DeviceVerb("replace", "Issue new credentials for new hardware worn by the same resident; the old ones are revoked", console, Replace));
        root.Add(DeviceVerb("retire", "Revoke a sensor's credentials at once (password file and ACL entries removed)", console, Retire));
        root.Add(ListCommand(console));
        root.Add(StaffCommand(console));
        root.Add(PolicyCommand(console));
        root.Add(CloudKeyCommand(console));
        root.Add(ClearRetainedCommand(console));
        root.Add(UplinkCommand(console));
        return root;
    }

    private static Command InitCommand(ProvisionConsole console)
    {
        var site = new Option<string>("--site") { Description = "Site id used in MQTT topics (1-32 of A-Z a-z 0-9 - _).", Required = true };
        var dir = new Option<DirectoryInfo>("--dir") { Description = "Folder to create the site in (must not hold a site yet).", Required = true };
        var hosts = new Option<string[]>("--gateway-host")
        {
            Description = "Host name or IP address sensors use to reach the gateway; repeat for more. The first goes into device configs.",
            Required = true,
        };
        var cloud = new Option<string?>("--cloud-url") { Description = "Cloud ingest URL (https). Give the gateway key the cloud issued with --cloud-key-file, or one is generated and shown once." };
        var cloudKeyFile = new Option<FileInfo?>("--cloud-key-file") { Description = "File whose first line is the gateway key the cloud issued for this gateway (edgegw_...)." };
        var cloudGatewayId = new Option<string?>("--cloud-gateway-id") { Description = "The id the cloud knows this gateway by (admin create-gateway --id). Required with --cloud-key-file; for a key generated here, default the site id (the printed create-gateway command uses it)." };
        var admin = new Option<string>("--admin") { Description = "User name of the first staff-page administrator.", Required = true };
        var adminPasswordFile = new Option<FileInfo?>("--admin-password-file")
        {
            Description = "File whose first line is the administrator's password. Otherwise it is read from stdin (first line) or prompted for.",
        };
        var wifiSsid = new Option<string>("--wifi-ssid") { Description = "The Wi-Fi network the sensors join.", Required = true };
        var wifiPasswordFile = new Option<FileInfo?>("--wifi-password-file")
        {
            Description = "File whose first line is the Wi-Fi passphrase. Otherwise read from stdin (the line after the admin password) or prompted for.",
        };
        var port = new Option<int>("--listen-port") { Description = "Broker TLS port.", DefaultValueFactory = _ => 8883 };
        var address = new Option<string?>("--listen-address") { Description = "Address the broker listens on (default: all interfaces)." };
        var expected = new Option<int>("--expected-devices")
        {
            Description = "Sensors the broker's queues are sized for (raised automatically as devices are added).",
            DefaultValueFactory = _ => 50,
        };
        var brokerUser = new Option<string?>("--broker-user")
        {
            Description = "Account the broker drops to when started as root (default when run as root: mosquitto). Its files are handed to it.",
        };
        var timeZone = new Option<string>("--time-zone") { Description = "IANA time zone of the escalation policy.", DefaultValueFactory = _ => "Europe/London" };

        var siteCommand = new Command("site", "Create a site: private CA, broker certificate and configuration, gateway credentials, first administrator, cloud key.")
        {
            site, dir, hosts, cloud, cloudKeyFile, cloudGatewayId, admin, adminPasswordFile, wifiSsid, wifiPasswordFile, port, address, expected, brokerUser, timeZone,
        };
        siteCommand.SetAction(parse => Guard(console, () =>
        {
            string adminName = parse.GetRequiredValue(admin);
            string adminPassword = ReadSecret(console, parse.GetValue(adminPasswordFile), $"Password for administrator '{adminName}'", confirm: true);
            string wifiPassword = ReadSecret(console, parse.GetValue(wifiPasswordFile), $"Passphrase of Wi-Fi '{parse.GetRequiredValue(wifiSsid)}'", confirm: true);
            var provisioner = new SiteProvisioner(parse.GetRequiredValue(dir).FullName, console.Time);
            InitSiteResult result = provisioner.InitSite(new InitSiteRequest
            {
                SiteId = parse.GetRequiredValue(site),
                GatewayHosts = parse.GetRequiredValue(hosts),
                CloudUrl = parse.GetValue(cloud),
                CloudKey = parse.GetValue(cloudKeyFile) is { } keyFile ? ReadSecret(console, keyFile, "Cloud gateway key", confirm: false) : null,
                CloudGatewayId = parse.GetValue(cloudGatewayId),
                AdminUsername = adminName,
                AdminPassword = adminPassword,
                WifiSsid = parse.GetRequiredValue(wifiSsid),
                WifiPassword = wifiPassword,
                ListenPort = parse.GetValue(port),
                ListenAddress = parse.GetValue(address),
                ExpectedDevices = parse.GetValue(expected),
                BrokerUser = parse.GetValue(brokerUser),
                TimeZone = parse.GetRequiredValue(timeZone),
            });
            SiteLayout l = result.Layout;
            TextWriter o = console.Out;
            o.WriteLine($"Site '{parse.GetRequiredValue(site)}' created in {l.Root}");
            o.WriteLine($"  site CA            {l.CaCertificate}  (key: {l.CaKey} - copy it offline and delete it from the gateway)");
            o.WriteLine($"  broker config      {l.BrokerConfig}");
            o.WriteLine($"  broker TLS         {l.ServerCertificate}");
            o.WriteLine($"  broker files owner {result.BrokerUser ?? "this user"}");
            o.WriteLine($"  gateway settings   {l.GatewaySettings}  (holds the gateway's MQTT password; 0600)");
            o.WriteLine($"  staff accounts     {l.StaffStore}  (administrator '{adminName}')");
            o.WriteLine($"  escalation policy  {l.EscalationPolicy}  (empty: write it, then run 'policy check')");
            if (result.CloudKey is not null)
            {
                o.WriteLine();
                o.WriteLine("Cloud gateway key - shown ONCE. It is stored only in the gateway settings. Register it in the cloud now:");
                o.WriteLine($"  {result.CloudKey}");
                o.WriteLine($"  (save the line above to a file F, then on the cloud: Edge.Cloud.Api admin create-gateway --id {parse.GetValue(cloudGatewayId) ?? parse.GetRequiredValue(site)} --site {parse.GetRequiredValue(site)} --key-file F)");
            }
            else if (parse.GetValue(cloud) is not null)
            {
                o.WriteLine($"  cloud gateway key  the cloud-issued key of gateway '{parse.GetValue(cloudGatewayId)}', stored in the gateway settings (Uplink:GatewayId)");
            }

            o.WriteLine();
            o.WriteLine($"Start the broker: mosquitto -c {l.BrokerConfig}   (or point the mosquitto service at it; see the README)");
            return 0;
        }));

        return new Command("init", "Create a new site.") { siteCommand };
    }

    private static Command DeviceVerb(string verb, string description, ProvisionConsole console, Func<ParseResult, ProvisionConsole, int> action)
    {
        var device = new Command("device", description) { DirOption(), new Option<string>("--device") { Description = "Device id (1-32 of A-Z a-z 0-9 - _).", Required = true } };
        if (verb == "add")
        {
            device.Add(new Option<string>("--resident") { Description = "The resident who wears the sensor.", Required = true });
            device.Add(new Option<string>("--room") { Description = "The resident's room.", Required = true });
            device.Add(new Option<string?>("--unit") { Description = $"The room's unit (wing/floor) when the room is new (default: {SiteProvisioner.DefaultUnit})." });
        }

        if (verb != "retire")
        {
            device.Add(CreateModeOption());
        }

        device.Add(ReloadPidOption());
        device.SetAction(parse => Guard(console, () => action(parse, console)));
        return new Command(verb, description + ".") { device };
    }

    private static int Add(ParseResult parse, ProvisionConsole console)
    {
        var p = new SiteProvisioner(SiteDir(parse), console.Time);
        IssuedDevice issued = p.AddDevice(
            parse.GetRequiredValue<string>("--device"),
            parse.GetRequiredValue<string>("--resident"),
            parse.GetRequiredValue<string>("--room"),
            parse.GetValue<string?>("--unit"),
            Mode(parse));
        console.Out.WriteLine($"Registered device '{issued.DeviceId}' for {parse.GetRequiredValue<string>("--resident")}, room {parse.GetRequiredValue<string>("--room")}.");
        PrintIssued(console, issued);
        Reload(parse, console);
        return 0;
    }

    private static int Replace(ParseResult parse, ProvisionConsole console)
    {
        var p = new SiteProvisioner(SiteDir(parse), console.Time);
        IssuedDevice issued = p.ReplaceDevice(parse.GetRequiredValue<string>("--device"), Mode(parse));
        console.Out.WriteLine($"New credentials for device '{issued.DeviceId}'; the previous hardware's credentials are revoked once the broker reloads.");
        PrintIssued(console, issued);
        bool reloaded = Reload(parse, console);
        ClearRetained(p, console, issued.DeviceId, includeConfig: false, reloaded);
        return 0;
    }

    private static int Retire(ParseResult parse, ProvisionConsole console)
    {
        var p = new SiteProvisioner(SiteDir(parse), console.Time);
        string id = parse.GetRequiredValue<string>("--device");
        p.RetireDevice(id);
        console.Out.WriteLine($"Retired device '{id}': removed from the broker's password file and ACL, config file deleted.");
        bool reloaded = Reload(parse, console);
        ClearRetained(p, console, id, includeConfig: true, reloaded);
        return 0;
    }

    // A clone of the old hardware may have left retained messages (a call-button press above all): deleted on the
    // broker now. If it cannot be reached, say so and how to finish; the gateway refuses such replays anyway.
    private static bool ClearRetained(SiteProvisioner p, ProvisionConsole console, string deviceId, bool includeConfig, bool reloaded)
    {
        SiteLayout layout = p.Layout;
        var (username, password) = p.ProvisionerAccount();
        string site = p.LoadInventory().SiteId;
        RetainedClearResult result = RetainedMessageCleaner.ClearAsync(
            GatewaySettingsFile.ReadMqttAccount(layout), username, password, RetainedMessageCleaner.TopicsOf(site, deviceId, includeConfig),
            reloaded ? TimeSpan.FromSeconds(5) : TimeSpan.Zero, CancellationToken.None).GetAwaiter().GetResult();
        if (result.Deleted)
        {
            console.Out.WriteLine($"Deleted the retained messages of '{deviceId}' on the broker.");
            return true;
        }

        console.Error.WriteLine($"warning: the retained messages of '{deviceId}' were not deleted: {result.Problem}.");
        console.Error.WriteLine(result.Refused
            ? $"  Reload the broker, then run: edge provision clear-retained --dir {layout.Root} --device {deviceId}"
            : $"  Once the broker runs, run: edge provision clear-retained --dir {layout.Root} --device {deviceId}");
        console.Error.WriteLine("  (The gateway never raises a retained call or fall, and deletes any it is replayed.)");
        return false;
    }

    private static void PrintIssued(ProvisionConsole console, IssuedDevice issued)
    {
        TextWriter o = console.Out;
        o.WriteLine($"  MQTT user   {issued.Username}");
        o.WriteLine($"  claim code  {issued.ClaimCode}   (write it on the sensor's label and in the site records)");
        o.WriteLine($"  flash       {issued.ConfigPath} as config.txt, and {issued.CaPath}");
        o.WriteLine("              (0600, holds the sensor's passwords: delete it once the sensor is flashed and connected)");
    }

    private static bool Reload(ParseResult parse, ProvisionConsole console)
    {
        if (parse.GetValue<int?>("--reload-pid") is int pid)
        {
            UnixFiles.SendHangup(pid);
            console.Out.WriteLine($"Broker (pid {pid}) told to reload: the change is in force.");
            return true;
        }

        console.Out.WriteLine("Reload the broker now so this takes effect: sudo systemctl reload mosquitto   (or: kill -HUP <broker pid>)");
        return false;
    }

    private static Command ClearRetainedCommand(ProvisionConsole console)
    {
        var device = new Option<string>("--device") { Description = "Device id (active or retired).", Required = true };
        var config = new Option<bool>("--include-config") { Description = "Also delete the retained config on its config topic (as 'retire' does)." };
        var command = new Command("clear-retained", "Delete a sensor's retained messages on the site broker (replace and retire do this themselves when the broker is reachable).")
        {
            DirOption(), device, config,
        };
        command.SetAction(parse => Guard(console, () =>
        {
            var p = new SiteProvisioner(SiteDir(parse), console.Time);
            string id = parse.GetRequiredValue(device);
            if (p.LoadInventory().FindDevice(id) is null)
            {
                throw new ProvisioningException($"There is no device '{id}' in this site.");
            }

            return ClearRetained(p, console, id, parse.GetValue(config), reloaded: true) ? 0 : 1;
        }));
        return command;
    }

    private static Command ListCommand(ProvisionConsole console)
    {
        var list = new Command("list", "Show the site inventory: devices, residents, rooms, units.") { DirOption() };
        list.SetAction(parse => Guard(console, () =>
        {
            var p = new SiteProvisioner(SiteDir(parse), console.Time);
            SiteInventory inventory = p.LoadInventory();
            IReadOnlyList<InventoryRow> rows = p.List();
            console.Out.WriteLine($"Site '{inventory.SiteId}': {rows.Count(r => r.Status == DeviceState.Active)} active device(s), {inventory.Residents.Count} resident(s), {inventory.Rooms.Count} room(s); broker queue limit {MosquittoFiles.MaxQueuedMessages(inventory)} messages per client.");
            string[] header = ["DEVICE", "STATUS", "RESIDENT", "ROOM", "UNIT", "HW", "CLAIM CODE", "ISSUED (UTC)"];
            var table = rows.Select(r => new[]
            {
                r.DeviceId, r.Status.ToString().ToLowerInvariant(), r.Resident, r.Room, r.Unit,
                r.Generation.ToString(CultureInfo.InvariantCulture), r.ClaimCode, r.IssuedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
            }).ToList();
            WriteTable(console.Out, header, table);
            return 0;
        }));
        return list;
    }

    private static Command StaffCommand(ProvisionConsole console)
    {
        var user = new Option<string>("--user") { Description = "Staff user name (a-z 0-9 . _ -).", Required = true };
        var role = new Option<string>("--role") { Description = "staff or admin.", DefaultValueFactory = _ => "staff" };
        role.AcceptOnlyFromAmong("staff", "admin");
        var passwordFile = new Option<FileInfo?>("--password-file") { Description = "File whose first line is the password. Otherwise stdin or a prompt." };

        var add = new Command("add", "Add a staff-page account.") { DirOption(), user, role, passwordFile };
        add.SetAction(parse => Guard(console, () =>
        {
            string name = parse.GetRequiredValue(user);
            string password = ReadSecret(console, parse.GetValue(passwordFile), $"Password for '{name}'", confirm: true);
            StaffRole r = parse.GetRequiredValue(role) == "admin" ? StaffRole.Administrator : StaffRole.Staff;
            new SiteProvisioner(SiteDir(parse), console.Time).AddStaff(name, r, password);
            console.Out.WriteLine($"Added staff account '{name}' ({(r == StaffRole.Administrator ? "administrator" : "staff")}).");
            return 0;
        }));

        var disable = new Command("disable", "Disable a staff-page account (it can no longer log in or be alerted).") { DirOption(), user };
        disable.SetAction(parse => Guard(console, () =>
        {
            string name = parse.GetRequiredValue(user);
            new SiteProvisioner(SiteDir(parse), console.Time).DisableStaff(name);
            console.Out.WriteLine($"Disabled staff account '{name}'. Run 'policy check': escalation steps that named it now reach nobody.");
            return 0;
        }));

        return new Command("staff", "Manage staff-page accounts.") { add, disable };
    }

    private static Command CloudKeyCommand(ProvisionConsole console)
    {
        var keyFile = new Option<FileInfo?>("--key-file") { Description = "File whose first line is the new key (edgegw_...). Otherwise stdin or a prompt." };
        var command = new Command(
            "cloud-key",
            "Put a new cloud gateway key in the gateway settings (after 'admin rotate-gateway-key' in the cloud). The old key keeps working in the cloud until the rotation's overlap ends.")
        {
            DirOption(), keyFile,
        };
        command.SetAction(parse => Guard(console, () =>
        {
            string key = ReadSecret(console, parse.GetValue(keyFile), "New cloud gateway key", confirm: false).Trim();
            var layout = new SiteLayout(SiteDir(parse));
            GatewaySettingsFile.SetCloudKey(layout, key);
            console.Out.WriteLine($"The new cloud key is in {layout.GatewaySettings}.");
            console.Out.WriteLine("Copy it into place and restart the gateway before the old key's overlap ends: sudo ./edge install ... (same arguments), then sudo systemctl restart edge-gateway.");
            console.Out.WriteLine("Then check in the cloud that the new key is in use (admin list-gateway-keys) and revoke the old one (admin revoke-gateway-key).");
            return 0;
        }));
        return command;
    }

    private static Command UplinkCommand(ProvisionConsole console)
    {
        var id = new Option<string>("--id") { Description = "The id the cloud knows this gateway by (Edge.Cloud.Api admin create-gateway --id).", Required = true };
        var gatewayId = new Command("gateway-id", "Set the cloud gateway id in the gateway settings; restart the gateway, then 'uplink resend'.") { DirOption(), id };
        gatewayId.SetAction(parse => Guard(console, () =>
        {
            var layout = new SiteLayout(SiteDir(parse));
            GatewaySettingsFile.SetGatewayId(layout, parse.GetRequiredValue(id));
            console.Out.WriteLine($"Uplink:GatewayId is now '{parse.GetRequiredValue(id)}' in {layout.GatewaySettings}. Restart the gateway, then send the refused events again: ./edge provision uplink resend --db DATABASE");
            return 0;
        }));

        var db = new Option<FileInfo>("--db") { Description = "The gateway database (Storage:DatabasePath).", Required = true };
        var resend = new Command("resend", "Send the events the cloud refused (uplink_dead_letters) again, after the cause is fixed; the running gateway delivers them under its current identity.") { db };
        resend.SetAction(parse => Guard(console, () =>
        {
            var file = parse.GetRequiredValue(db);
            if (!file.Exists)
            {
                throw new ProvisioningException($"{file.FullName} does not exist (the gateway database, Storage:DatabasePath).");
            }

            var store = new Edge.Uplink.Outbox.OutboxStore(new Edge.Uplink.Outbox.SqliteFileConnectionFactory(file.FullName));
            int moved = store.RequeueDeadLettersAsync(console.Time.GetUtcNow(), CancellationToken.None).GetAwaiter().GetResult();
            console.Out.WriteLine(moved == 0 ? "No refused events: nothing to send again." : $"{moved} refused event(s) are back in the uplink outbox; the gateway sends them at its next poll.");
            return 0;
        }));

        return new Command("uplink", "The cloud uplink: the gateway id, and events the cloud refused.") { gatewayId, resend };
    }

    private static Command PolicyCommand(ProvisionConsole console)
    {
        var file = new Option<FileInfo?>("--file") { Description = "Check this policy file instead of the site's (e.g. before copying it in)." };

        var show = new Command("show", "Show the site's escalation policy.") { DirOption() };
        show.SetAction(parse => Guard(console, () =>
        {
            var (policy, _) = new SiteProvisioner(SiteDir(parse), console.Time).CheckPolicy();
            TextWriter o = console.Out;
            o.WriteLine($"Escalation policy of site '{policy.Site}' (times in {policy.TimeZone})");
            if (policy.Units.Count == 0)
            {
                o.WriteLine("  (no units: every alert reaches nobody)");
            }

            foreach (UnitPolicy unit in policy.Units)
            {
                o.WriteLine($"unit {unit.Unit}");
                foreach (TimeSlot slot in unit.Slots)
                {
                    string days = slot.Days.Count == 0 ? "every day" : string.Join(",", slot.Days);
                    o.WriteLine($"  {slot.From}-{slot.To} {days}{(slot.Name.Length > 0 ? " (" + slot.Name + ")" : "")}");
                    foreach (EscalationStep step in slot.Steps)
                    {
                        o.WriteLine($"    +{step.After:hh\\:mm\\:ss}  {string.Join(", ", step.Notify)}");
                    }
                }
            }

            return 0;
        }));

        var check = new Command("check", "Check the escalation policy: every unit with residents must reach someone at every time of the week. Exit code 2 when there are gaps.") { DirOption(), file };
        check.SetAction(parse => Guard(console, () =>
        {
            var (_, findings) = new SiteProvisioner(SiteDir(parse), console.Time).CheckPolicy(parse.GetValue(file)?.FullName);
            foreach (PolicyFinding f in findings)
            {
                string where = f.Unit.Length > 0 ? $"unit {f.Unit}: " : "";
                console.Out.WriteLine($"{(f.Severity == FindingSeverity.Error ? "ERROR" : "warning")}  {where}{f.Message}");
            }

            int errors = findings.Count(f => f.Severity == FindingSeverity.Error);
            console.Out.WriteLine(errors == 0
                ? $"Policy OK: every unit reaches someone at every time ({findings.Count} warning(s))."
                : $"{errors} problem(s): some alerts would reach nobody.");
            return errors == 0 ? 0 : 2;
        }));

        return new Command("policy", "The escalation policy (who is alerted, per unit and time of day).") { show, check };
    }

    private static Option<string> CreateModeOption()
    {
        var mode = new Option<string>("--mode")
        {
            Description = "Sensor mode written to the config file: triggered (battery) or streaming.",
            DefaultValueFactory = _ => "triggered",
        };
        mode.AcceptOnlyFromAmong("triggered", "streaming");
        return mode;
    }

    private static DeviceMode Mode(ParseResult parse) =>
        parse.GetValue<string>("--mode") == "streaming" ? DeviceMode.Streaming : DeviceMode.Triggered;

    private static string ReadSecret(ProvisionConsole console, FileInfo? file, string what, bool confirm)
    {
        string? secret;
        if (file is not null)
        {
            if (!file.Exists)
            {
                throw new ProvisioningException($"{file.FullName} does not exist.");
            }

            using StreamReader reader = file.OpenText();
            secret = reader.ReadLine();
        }
        else if (console.IsInputRedirected)
        {
            secret = console.In.ReadLine();
        }
        else
        {
            secret = console.ReadHidden($"{what}: ");
            if (confirm && secret is { Length: > 0 } && console.ReadHidden($"{what} again: ") != secret)
            {
                throw new ProvisioningException($"The two entries of the {what.ToLowerInvariant()} differ.");
            }
        }

        return string.IsNullOrEmpty(secret)
            ? throw new ProvisioningException($"No {what.ToLowerInvariant()} given (there is no default). Give it on stdin, with the password-file option, or at the prompt.")
            : secret;
    }

    private static int Guard(ProvisionConsole console, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (ex is ProvisioningException or SiteFileException)
        {
            console.Error.WriteLine($"error: {ex.Message}");
            return 1;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            console.Error.WriteLine($"error: {ex.Message}");
            return 1;
        }
    }

    private static void WriteTable(TextWriter o, string[] header, List<string[]> rows)
    {
        int[] widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        o.WriteLine(string.Join("  ", header.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        foreach (string[] row in rows)
        {
            o.WriteLine(string.Join("  ", row.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        }
    }
}
