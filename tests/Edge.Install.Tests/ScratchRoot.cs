using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Edge.Provisioning;
using Edge.TestKit;

namespace Edge.Install.Tests;

/// <summary>Output of a script run.</summary>
internal sealed record ScriptResult(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}

/// <summary>
/// A scratch root that looks like a Debian 12 / Raspberry Pi OS machine with the packages the installer
/// expects (the state after `apt-get install mosquitto systemd`): the host's root and mosquitto account
/// lines, Debian's /etc/mosquitto/mosquitto.conf and the systemd unit files from this machine's own
/// packages (so systemd-analyze can resolve sysinit.target and mosquitto.service inside the root). Plus a
/// site folder made by the real provisioning code and the gateway's build output as the publish dir.
/// </summary>
internal sealed class ScratchRoot : IDisposable
{
    private readonly TempDirectory _temp = new("edge-install");

    public ScratchRoot(string siteId = "oak", int? httpPort = null)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            throw new InvalidOperationException("The install tests need Linux and root (the installer chowns files to the accounts of the scratch root).");
        }

        Root = Path.Combine(_temp.Path, "root");
        SiteDir = Path.Combine(_temp.Path, "site");
        SiteId = siteId;
        HttpPort = httpPort ?? Edge.Mqtt.Broker.MosquittoProcess.FreePort();
        Directory.CreateDirectory(Path.Combine(Root, "etc", "mosquitto", "conf.d"));
        File.WriteAllText(Path.Combine(Root, "etc", "passwd"), HostEntry("/etc/passwd", "root") + HostEntry("/etc/passwd", "mosquitto"));
        File.WriteAllText(Path.Combine(Root, "etc", "group"), HostEntry("/etc/group", "root") + HostEntry("/etc/group", "mosquitto"));
        Require("/etc/mosquitto/mosquitto.conf", "the mosquitto package");
        File.Copy("/etc/mosquitto/mosquitto.conf", Path.Combine(Root, "etc", "mosquitto", "mosquitto.conf"));
        Require("/lib/systemd/system/sysinit.target", "the systemd package");
        Directory.CreateDirectory(Path.Combine(Root, "lib", "systemd"));
        Run("cp", ["-a", "/lib/systemd/system", Path.Combine(Root, "lib", "systemd", "system")]).AssertOk();

        var provisioner = new SiteProvisioner(SiteDir, TimeProvider.System);
        provisioner.InitSite(new InitSiteRequest
        {
            SiteId = siteId,
            GatewayHosts = ["127.0.0.1"],
            AdminUsername = "manager",
            AdminPassword = "Tulip-Kettle-93-north",
            WifiSsid = "oak-sensors",
            WifiPassword = "wifi-Secret-4711",
            ListenAddress = "127.0.0.1",
            ListenPort = Edge.Mqtt.Broker.MosquittoProcess.FreePort(),
        });
        provisioner.AddDevices([new NewDevice("m5-0001", "Mary Smith", "12", "north", Edge.Protocol.DeviceMode.Streaming)]);

        // What the technician writes before the gateway may start: an escalation policy that reaches
        // someone in every unit with residents, over a channel this gateway has. The gateway imports the
        // provisioned residents and refuses to start with a gap.
        File.WriteAllText(provisioner.Layout.EscalationPolicy, $$"""
            {
              "version": 1, "site": "{{siteId}}", "timeZone": "Etc/UTC",
              "units": [ { "unit": "north", "slots": [ { "name": "all day", "from": "00:00", "to": "00:00",
                "steps": [ { "after": "00:00:00", "notify": ["webhook:on-call"] } ] } ] } ]
            }
            """);
        var settings = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(provisioner.Layout.GatewaySettings))!;
        settings["Alerting"] = new System.Text.Json.Nodes.JsonObject
        {
            ["Webhook"] = new System.Text.Json.Nodes.JsonObject
            {
                ["Url"] = "http://127.0.0.1:9/on-call",
                ["AllowInsecureHttp"] = true,
                ["Secret"] = "install-test-webhook-secret-0123456789",
            },
        };
        File.WriteAllText(provisioner.Layout.GatewaySettings, settings.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
        Provisioner = provisioner;
    }

    public string Root { get; }

    public string SiteDir { get; }

    public string SiteId { get; }

    public int HttpPort { get; }

    public SiteProvisioner Provisioner { get; }

    public string TempPath(string name) => _temp.File(name);

    /// <summary>The path of a target path inside the root.</summary>
    public string InRoot(string targetPath) => Root + targetPath;

    /// <summary>The gateway's build output (framework-dependent, with the apphost), as the publish dir.</summary>
    public static string GatewayBuildOutput
    {
        get
        {
#if DEBUG
            const string configuration = "Debug";
#else
            const string configuration = "Release";
#endif
            var dir = Path.Combine(TestData.RepoRoot, "edge-gateway", "src", "Edge.Gateway", "bin", configuration, "net10.0");
            if (!File.Exists(Path.Combine(dir, "Edge.Gateway")))
            {
                throw new InvalidOperationException($"No gateway build in {dir}: the test project references Edge.Gateway so that it is built first.");
            }

            return dir;
        }
    }

    /// <summary>A private copy of a gateway build (the build folder may be rebuilt by others meanwhile).</summary>
    public string CopyPublishDir(string name, string? from = null)
    {
        var dest = TempPath(name);
        Run("cp", ["-a", from ?? GatewayBuildOutput, dest]).AssertOk();
        return dest;
    }

    public ScriptResult Install(string publishDir, params string[] extra) =>
        RunScript("install.sh", ["--root", Root, "--site-dir", SiteDir, "--publish-dir", publishDir, "--http-port", HttpPort.ToString(CultureInfo.InvariantCulture), .. extra]);

    public static string InstallDir => Path.Combine(TestData.RepoRoot, "hardware", "install");

    public static ScriptResult RunScript(string script, string[] args, IDictionary<string, string>? env = null) =>
        Run(Path.Combine(InstallDir, script), args, env);

    public static ScriptResult Run(string file, string[] args, IDictionary<string, string>? env = null, int timeoutSeconds = 300)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeoutSeconds} s");
        }

        return new ScriptResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>
    /// Every path under the root with type, mode, numeric owner, and content hash or link target: two
    /// equal manifests mean nothing was changed, added or removed.
    /// </summary>
    public string Manifest()
    {
        var listing = Run("find", [Root, "-printf", "%P|%y|%m|%U|%G|%l\\n"]).AssertOk().Out;
        var lines = new List<string>();
        foreach (var line in listing.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var rel = line.Split('|')[0];
            var full = Path.Combine(Root, rel);
            var hash = line.Split('|')[1] == "f" ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(full))) : "";
            lines.Add(line + "|" + hash);
        }

        lines.Sort(StringComparer.Ordinal);
        return string.Join('\n', lines);
    }

    /// <summary>(mode, uid, gid) of a target path in the root, e.g. ("640", 0, 999).</summary>
    public (string Mode, int Uid, int Gid) Stat(string targetPath)
    {
        var parts = Run("stat", ["-c", "%a %u %g", InRoot(targetPath)]).AssertOk().Out.Trim().Split(' ');
        return (parts[0], int.Parse(parts[1], CultureInfo.InvariantCulture), int.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    /// <summary>A passwd/group entry of the scratch root, split into fields.</summary>
    public string[]? Entry(string file, string name) =>
        File.ReadAllLines(InRoot(file)).Select(l => l.Split(':')).FirstOrDefault(f => f[0] == name);

    public int Uid(string name) => int.Parse(Entry("/etc/passwd", name)![2], CultureInfo.InvariantCulture);

    public int Gid(string name) => int.Parse(Entry("/etc/group", name)![2], CultureInfo.InvariantCulture);

    public void Dispose() => _temp.Dispose();

    private static string HostEntry(string file, string name)
    {
        var line = File.ReadAllLines(file).FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{file} on this machine has no '{name}' entry (is the mosquitto package installed?)");
        return line + "\n";
    }

    private static void Require(string path, string what)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{path} is missing: the install tests need {what} on this machine (a Debian 12 root is emulated from it).");
        }
    }
}

internal static class ScriptResultExtensions
{
    public static ScriptResult AssertOk(this ScriptResult r)
    {
        Assert.True(r.ExitCode == 0, r.ToString());
        return r;
    }

    public static string Lines(this ScriptResult r) => new StringBuilder(r.Out).Append(r.Error).ToString();
}
