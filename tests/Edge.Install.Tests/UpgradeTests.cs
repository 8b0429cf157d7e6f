using Microsoft.Data.Sqlite;

namespace Edge.Install.Tests;

/// <summary>
/// upgrade.sh in a scratch root with a real gateway: test-service.sh stands in for systemctl and runs the
/// release `current` points at (status endpoint on a free loopback port; no broker needed for health).
/// The database holds an open incident before the upgrade; it must still be there, open, afterwards.
/// </summary>
public sealed class UpgradeTests : IDisposable
{
    private readonly ScratchRoot _root = new();
    private readonly string _publish;
    private readonly string _service = Path.Combine(AppContext.BaseDirectory, "test-service.sh");

    public UpgradeTests()
    {
        _publish = _root.CopyPublishDir("publish-v1");
        _root.Install(_publish, "--version", "v1").AssertOk();
        Service("start");
        Assert.True(WaitHealthy(), "the installed v1 gateway did not become healthy:\n" + GatewayLog());
        Service("stop");
        // An open incident, as the gateway would have left it.
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            INSERT INTO incidents(type, subject, resident_id, resident_name, device_id, state, raised_at, event_at, last_triggered_at, trigger_count, detail)
            VALUES ('fall', 'r-mary', 'r-mary', 'Mary Smith', 'm5-0001', 'raised', '2026-11-22T02:00:00.000Z', '2026-11-22T02:00:00.000Z', '2026-11-22T02:00:00.000Z', 1, 'before the upgrade')
            """;
        cmd.ExecuteNonQuery();
        Service("start");
        Assert.True(WaitHealthy(), GatewayLog());
    }

    [Fact]
    public void Upgrade_HealthyRelease_SwitchesCurrentKeepsOpenIncidentAndBacksUp()
    {
        var v2 = _root.CopyPublishDir("publish-v2", _publish);
        File.AppendAllText(Path.Combine(v2, "release-notes.txt"), "v2\n"); // different content, same gateway

        var result = Upgrade("--publish-dir", v2, "--version", "v2");

        Assert.True(result.ExitCode == 0, result + GatewayLog());
        Assert.Equal("/opt/edge/releases/v2", CurrentTarget());
        Assert.True(Directory.Exists(_root.InRoot("/opt/edge/releases/v1")), "the previous release is kept for rollback");
        Assert.Equal("raised", OpenIncidentState());
        var backup = Assert.Single(Directory.GetFiles(_root.InRoot("/var/lib/edge/backups"), "edge-gateway-*-pre-upgrade-to-v2.db"));
        Assert.Equal("raised", OpenIncidentState(backup));
        Assert.Contains("* v2", Upgrade("list").Out, StringComparison.Ordinal);

        // And back by hand.
        var back = Upgrade("rollback");
        Assert.True(back.ExitCode == 0, back + GatewayLog());
        Assert.Equal("/opt/edge/releases/v1", CurrentTarget());
        Assert.Equal("raised", OpenIncidentState());
    }

    [Fact]
    public void Upgrade_ReleaseThatDoesNotStart_RollsBackAutomatically()
    {
        var broken = BrokenRelease("publish-broken");

        var result = Upgrade("--publish-dir", broken, "--version", "v2-broken", "--health-timeout", "20");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("rolling back to v1", result.Error, StringComparison.Ordinal);
        Assert.Equal("/opt/edge/releases/v1", CurrentTarget());
        Assert.True(WaitHealthy(), "v1 is not running after the rollback:\n" + GatewayLog());
        Assert.Equal("raised", OpenIncidentState());
        // The schema did not change, so the live database was kept (not replaced by the backup).
        Assert.Empty(Directory.GetFiles(_root.InRoot("/var/lib/edge"), "edge-gateway.db.before-restore-*"));
    }

    [Fact]
    public void Upgrade_FailedReleaseMigratedTheSchema_RollbackRestoresPreUpgradeBackup()
    {
        var broken = BrokenRelease("publish-migrating");
        File.WriteAllText(Path.Combine(broken, "MIGRATES"), "test marker\n");
        var version = SchemaVersion();

        var result = Upgrade(["--publish-dir", broken, "--version", "v2-migrating", "--health-timeout", "20"], new Dictionary<string, string> { ["EDGE_TEST_MIGRATE_MARKER"] = "MIGRATES" });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("restoring the pre-upgrade backup", result.Error, StringComparison.Ordinal);
        Assert.Equal("/opt/edge/releases/v1", CurrentTarget());
        Assert.True(WaitHealthy(), GatewayLog());
        Assert.Equal(version, SchemaVersion());
        Assert.Equal("raised", OpenIncidentState());
        Assert.Single(Directory.GetFiles(_root.InRoot("/var/lib/edge"), "edge-gateway.db.before-restore-*"));
    }

    public void Dispose()
    {
        Service("stop");
        _root.Dispose();
    }

    // A copy of the gateway whose appsettings.json fails option validation: it exits at start-up.
    private string BrokenRelease(string name)
    {
        var dir = _root.CopyPublishDir(name, _publish);
        File.WriteAllText(Path.Combine(dir, "appsettings.json"), """{ "Storage": { "BusyTimeout": "99:00:00" } }""");
        return dir;
    }

    private ScriptResult Upgrade(params string[] args) => Upgrade(args, null);

    private ScriptResult Upgrade(string[] args, Dictionary<string, string>? env)
    {
        var all = new Dictionary<string, string>(env ?? []) { ["ROOT"] = _root.Root };
        return ScratchRoot.RunScript("upgrade.sh", [.. args, "--root", _root.Root, "--service-cmd", _service], all);
    }

    private void Service(string action) =>
        ScratchRoot.Run(_service, [action], new Dictionary<string, string> { ["ROOT"] = _root.Root });

    private bool WaitHealthy()
    {
        // The gateway takes a few seconds to load the model; this polls the real health check, bounded.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (ScratchRoot.Run(_service, ["health"], new Dictionary<string, string> { ["ROOT"] = _root.Root }).ExitCode == 0)
            {
                return true;
            }

            Thread.Sleep(250);
        }

        return false;
    }

    private string CurrentTarget() => new FileInfo(_root.InRoot("/opt/edge/current")).LinkTarget!;

    private string GatewayLog()
    {
        var log = _root.InRoot("/var/log/edge-gateway-test.log");
        return File.Exists(log) ? "\n--- gateway log (tail)\n" + string.Join('\n', File.ReadAllLines(log).TakeLast(40)) : "";
    }

    private SqliteConnection Open(string? path = null)
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path ?? _root.InRoot("/var/lib/edge/edge-gateway.db"), Pooling = false }.ToString());
        c.Open();
        return c;
    }

    private string? OpenIncidentState(string? path = null)
    {
        using var c = Open(path);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT state FROM incidents WHERE detail = 'before the upgrade'";
        return cmd.ExecuteScalar() as string;
    }

    private long SchemaVersion()
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA user_version";
        return (long)cmd.ExecuteScalar()!;
    }
}
