using System.Globalization;
using System.Text.Json.Nodes;
using Edge.Mqtt.Broker;
using Edge.TestKit;

namespace Edge.Install.Tests;

/// <summary>One scratch root, installed twice with the same inputs (the second run must change nothing).</summary>
public sealed class InstalledRootFixture : IDisposable
{
    public InstalledRootFixture()
    {
        Scratch = new ScratchRoot();
        PublishDir = Scratch.CopyPublishDir("publish");
        First = Scratch.Install(PublishDir).AssertOk();
        AfterFirst = Scratch.Manifest();
        Second = Scratch.Install(PublishDir).AssertOk();
        AfterSecond = Scratch.Manifest();
    }

    internal ScratchRoot Scratch { get; }

    internal string PublishDir { get; }

    internal ScriptResult First { get; }

    internal ScriptResult Second { get; }

    internal string AfterFirst { get; }

    internal string AfterSecond { get; }

    public void Dispose() => Scratch.Dispose();
}

public sealed class InstallTests(InstalledRootFixture fixture) : IClassFixture<InstalledRootFixture>
{
    private readonly ScratchRoot _root = fixture.Scratch;

    [Fact]
    public void Install_SecondRunSameInputs_ChangesNothing()
    {
        Assert.Contains("0 change(s)", fixture.Second.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("changed:", fixture.Second.Out, StringComparison.Ordinal);
        Assert.Equal(fixture.AfterFirst, fixture.AfterSecond);
        Assert.Contains("changed: /etc/systemd/system/edge-gateway.service", fixture.First.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Install_SystemUser_NoLoginShellHomeInVarLib()
    {
        var edge = _root.Entry("/etc/passwd", "edge");
        Assert.NotNull(edge);
        Assert.Equal("/var/lib/edge", edge[5]);
        Assert.Equal("/usr/sbin/nologin", edge[6]);
        Assert.True(int.Parse(edge[2], CultureInfo.InvariantCulture) is > 0 and < 1000, $"uid {edge[2]} is not a system uid");
        Assert.NotNull(_root.Entry("/etc/group", "edge"));
        Assert.Equal("20", _root.Entry("/etc/group", "dialout")![2]);
        Assert.True(File.Exists(_root.InRoot("/usr/lib/sysusers.d/edge.conf")));
    }

    [Theory]
    [InlineData("/etc/edge", "750", "root", "edge")]
    [InlineData("/etc/edge/gateway-settings.json", "640", "root", "edge")]
    [InlineData("/etc/edge/staff.json", "640", "root", "edge")]
    [InlineData("/etc/edge/site.json", "640", "root", "edge")]
    [InlineData("/etc/edge/gateway.env", "644", "root", "root")]
    [InlineData("/var/lib/edge", "750", "edge", "edge")]
    [InlineData("/var/lib/edge/backups", "750", "edge", "edge")]
    [InlineData("/etc/mosquitto/edge", "750", "mosquitto", "mosquitto")]
    [InlineData("/etc/mosquitto/edge/passwd", "600", "mosquitto", "mosquitto")]
    [InlineData("/etc/mosquitto/edge/acl", "600", "mosquitto", "mosquitto")]
    [InlineData("/etc/mosquitto/edge/server.key", "600", "mosquitto", "mosquitto")]
    [InlineData("/etc/mosquitto/edge/server.crt", "644", "root", "root")]
    [InlineData("/etc/mosquitto/conf.d/edge.conf", "644", "root", "root")]
    [InlineData("/etc/systemd/system/edge-gateway.service", "644", "root", "root")]
    [InlineData("/etc/systemd/journald.conf.d/edge.conf", "644", "root", "root")]
    [InlineData("/etc/udev/rules.d/99-edge-espa.rules", "644", "root", "root")]
    public void Install_Files_HaveOwnersAndModes(string path, string mode, string user, string group)
    {
        var (m, uid, gid) = _root.Stat(path);
        Assert.Equal(mode, m);
        Assert.Equal(_root.Uid(user), uid);
        Assert.Equal(_root.Gid(group), gid);
    }

    [Fact]
    public void Install_Secrets_AreCopiesOfTheSiteFolder()
    {
        Assert.Equal(File.ReadAllBytes(Path.Combine(_root.SiteDir, "broker", "passwd")), File.ReadAllBytes(_root.InRoot("/etc/mosquitto/edge/passwd")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(_root.SiteDir, "gateway", "gateway-settings.json")), File.ReadAllBytes(_root.InRoot("/etc/edge/gateway-settings.json")));
    }

    [Fact]
    public void Install_BrokerConfig_NamesInstalledFilesAndLeavesPersistenceToDebian()
    {
        var conf = File.ReadAllLines(_root.InRoot("/etc/mosquitto/conf.d/edge.conf"));
        Assert.Contains("password_file /etc/mosquitto/edge/passwd", conf);
        Assert.Contains("acl_file /etc/mosquitto/edge/acl", conf);
        Assert.Contains("keyfile /etc/mosquitto/edge/server.key", conf);
        Assert.Contains("allow_anonymous false", conf);
        Assert.DoesNotContain(conf, l => l.StartsWith("persistence", StringComparison.Ordinal));
        Assert.DoesNotContain(conf, l => !l.StartsWith('#') && l.Contains(_root.SiteDir, StringComparison.Ordinal));
    }

    [Fact]
    public void Install_GatewayEnvironment_PointsAtInstalledPaths()
    {
        var env = File.ReadAllLines(_root.InRoot("/etc/edge/gateway.env")).Where(l => !l.StartsWith('#')).ToDictionary(l => l.Split('=', 2)[0], l => l.Split('=', 2)[1]);
        Assert.Equal(_root.SiteId, env["EDGE_Ingest__SiteId"]);
        Assert.Equal("/var/lib/edge/edge-gateway.db", env["EDGE_Storage__DatabasePath"]);
        Assert.Equal("/opt/edge/current/model", env["EDGE_Detection__ModelDirectory"]);
        Assert.Equal("/etc/edge/ca.crt", env["EDGE_Mqtt__Tls__CaFile"]);
        Assert.Equal(_root.HttpPort.ToString(CultureInfo.InvariantCulture), env["EDGE_Diagnostics__HttpPort"]);
    }

    [Fact]
    public void Install_Release_CurrentSymlinkLauncherAndModel()
    {
        var current = new FileInfo(_root.InRoot("/opt/edge/current")).LinkTarget;
        Assert.NotNull(current);
        Assert.StartsWith("/opt/edge/releases/build-", current, StringComparison.Ordinal);
        var release = _root.InRoot(current);
        Assert.True(File.Exists(Path.Combine(release, "model", "manifest.json")));
        foreach (var path in ModelFilesNamedByManifest(Path.Combine(TestData.RepoRoot, "models", "fall-model")))
        {
            Assert.True(File.Exists(Path.Combine(release, "model", path)), $"{path}, named in the model manifest, was not installed");
        }

        Assert.True(File.Exists(Path.Combine(release, "gateway", "Edge.Gateway")));
        var launcher = File.ReadAllText(Path.Combine(release, "edge-gateway"));
        Assert.Contains($"exec \"{current}/gateway/Edge.Gateway\" \"$@\"", launcher, StringComparison.Ordinal);
        Assert.Equal("755", _root.Stat(current + "/edge-gateway").Mode);
    }

    [Fact]
    public void Install_ModelFolderMissingAFileItsManifestNames_RefusedBeforeChangingAnything()
    {
        var model = _root.TempPath("model-without-soft");
        Directory.CreateDirectory(model);
        var source = Path.Combine(TestData.RepoRoot, "models", "fall-model");
        File.Copy(Path.Combine(source, "manifest.json"), Path.Combine(model, "manifest.json"));
        var files = ModelFilesNamedByManifest(source);
        Assert.True(files.Count >= 2, "the committed manifest names fewer than two model files");
        File.Copy(Path.Combine(source, files[0]), Path.Combine(model, files[0]));
        var before = _root.Manifest();

        var result = _root.Install(fixture.PublishDir, "--model-dir", model);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains($"{files[1]}, named in its manifest.json, is missing", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, _root.Manifest());
    }

    private static List<string> ModelFilesNamedByManifest(string modelDir)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(modelDir, "manifest.json")))!;
        return manifest.AsObject()
            .Select(p => p.Value is JsonObject o && o["modelFile"] is JsonValue v ? v.GetValue<string>() : null)
            .OfType<string>()
            .ToList();
    }

    [Fact]
    public void Install_Units_EnabledLikeSystemctlEnable()
    {
        Assert.Equal("/etc/systemd/system/edge-gateway.service", new FileInfo(_root.InRoot("/etc/systemd/system/multi-user.target.wants/edge-gateway.service")).LinkTarget);
        Assert.Equal("/etc/systemd/system/edge-backup.timer", new FileInfo(_root.InRoot("/etc/systemd/system/timers.target.wants/edge-backup.timer")).LinkTarget);
    }

    [Fact]
    public void Install_GatewayUnit_RestartWatchdogAndHardening()
    {
        var unit = File.ReadAllLines(_root.InRoot("/etc/systemd/system/edge-gateway.service"));
        foreach (var line in new[]
        {
            "Type=notify", "Restart=always", "WatchdogSec=30s", "User=edge", "SupplementaryGroups=dialout",
            "NoNewPrivileges=yes", "ProtectSystem=strict", "ReadWritePaths=/var/lib/edge", "ProtectHome=yes",
            "PrivateTmp=yes", "CapabilityBoundingSet=", "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6",
        })
        {
            Assert.Contains(line, unit);
        }
    }

    [Fact]
    public void Install_NoTimeSyncInRoot_Warns()
    {
        // The scratch root has systemd-timesyncd's unit file (copied with the systemd units) but it is not enabled.
        Assert.Contains("time sync is installed in the root but not enabled", fixture.First.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void UnitFiles_SystemdAnalyzeVerify_PassWithoutWarnings()
    {
        var result = Verify(_root.Root);
        Assert.True(result.ExitCode == 0 && result.Lines().Trim().Length == 0, "systemd-analyze verify: " + result);
    }

    [Fact]
    public void UnitFiles_SystemdAnalyzeVerify_CatchesAMissingExecutable()
    {
        // The control: verify must be able to fail here, or the test above proves nothing.
        var copy = _root.TempPath("verify-control");
        ScratchRoot.Run("cp", ["-a", _root.Root, copy]).AssertOk();
        File.Delete(copy + "/opt/edge/current");
        var result = Verify(copy);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("/opt/edge/current/edge-gateway", result.Lines(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstalledBrokerConfig_RealMosquitto_AcceptsGatewayAndRefusesWrongPassword()
    {
        // Debian's mosquitto.conf + the installed conf.d/edge.conf, with every target path mapped into the
        // scratch root and the pid/log/persistence files in a temp folder; on a free loopback port.
        var port = MosquittoProcess.FreePort();
        var data = _root.TempPath("mosquitto-data");
        Directory.CreateDirectory(data);
        ScratchRoot.Run("chown", ["mosquitto:mosquitto", data]).AssertOk();
        var conf = File.ReadAllLines(_root.InRoot("/etc/mosquitto/conf.d/edge.conf"))
            .Select(l => l.Replace(" /etc/mosquitto/", " " + _root.Root + "/etc/mosquitto/", StringComparison.Ordinal))
            .Select(l => l.StartsWith("listener ", StringComparison.Ordinal) ? $"listener {port} 127.0.0.1" : l);
        var main = $"persistence true\npersistence_location {data}/\n" + string.Join('\n', conf) + "\n";
        var path = _root.TempPath("mosquitto-test.conf");
        await File.WriteAllTextAsync(path, main);
        await using var broker = await MosquittoProcess.StartAsync(path, "127.0.0.1", port);

        var settings = JsonNode.Parse(await File.ReadAllTextAsync(_root.InRoot("/etc/edge/gateway-settings.json")))!;
        var user = settings["Mqtt"]!["Username"]!.GetValue<string>();
        var password = settings["Mqtt"]!["Password"]!.GetValue<string>();
        string[] Pub(string pw) => ["-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "--cafile", _root.InRoot("/etc/edge/ca.crt"),
            "-u", user, "-P", pw, "-i", user, "-t", $"care/{_root.SiteId}/sensors/m5-0001/config", "-m", "x", "-q", "1"];
        ScratchRoot.Run("mosquitto_pub", Pub(password)).AssertOk();
        var refused = ScratchRoot.Run("mosquitto_pub", Pub(password + "x"));
        Assert.NotEqual(0, refused.ExitCode);
    }

    [Fact]
    public void Install_SiteFolderChanged_RewritesOnlyTheBrokerFiles()
    {
        using var scratch = new ScratchRoot();
        var publish = scratch.CopyPublishDir("publish");
        scratch.Install(publish).AssertOk();
        scratch.Provisioner.AddDevices([new Edge.Provisioning.NewDevice("m5-0002", "John Brown", "14", "north", Edge.Protocol.DeviceMode.Streaming)]);
        var again = scratch.Install(publish).AssertOk();
        var changed = again.Out.Split('\n').Where(l => l.Contains("changed:", StringComparison.Ordinal)).Select(l => l[(l.IndexOf("changed: ", StringComparison.Ordinal) + 9)..]).ToHashSet();
        Assert.Contains("/etc/mosquitto/edge/passwd", changed);
        Assert.Contains("/etc/mosquitto/edge/acl", changed);
        Assert.DoesNotContain("/etc/systemd/system/edge-gateway.service", changed);
        Assert.DoesNotContain(changed, c => c.StartsWith("/opt/edge", StringComparison.Ordinal));
    }

    private static ScriptResult Verify(string root) => ScratchRoot.Run("systemd-analyze", ["verify", "--root=" + root,
        "/etc/systemd/system/edge-gateway.service", "/etc/systemd/system/edge-backup.service", "/etc/systemd/system/edge-backup.timer"]);
}
