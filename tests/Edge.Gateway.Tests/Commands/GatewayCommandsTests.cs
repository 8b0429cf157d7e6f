using Edge.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Gateway.Tests.Commands;

/// <summary>
/// The maintenance commands (registry import, db, commission) through their command line, as the backup timer,
/// upgrade.sh and the technician run them: the lines that worked keep their output and exit codes, and a bad line is
/// refused with a message that names the problem and exit code 2.
/// </summary>
public sealed class GatewayCommandsTests : IDisposable
{
    private readonly TempDirectory _dir = new("gateway-commands");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));

    private string Database => _dir.File("gateway.db");

    private string DatabaseSetting => $"--Storage:DatabasePath={Database}";

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string[], string> BadLines => new()
    {
        { ["db"], "error: Required command was not provided." },
        { ["db", "frobnicate"], "error: unrecognised argument 'frobnicate'" },
        { ["db", "backup"], "error: Option '--to' is required." },
        { ["db", "backup", "--to", "x", "--keep-days", "two weeks"], "error: --keep-days must be a whole number, 0 or more (not 'two weeks')." },
        { ["db", "backup", "--to", "x", "--keep-days", "-1"], "error: --keep-days must be a whole number, 0 or more (not '-1')." },
        { ["db", "backup", "--to", "x", "--keep-dayz", "3"], "error: unrecognised argument '--keep-dayz'" },
        { ["db", "restore"], "error: Required argument 'FILE' missing for command: 'restore'." },
        { ["db", "version", "--config", "/nonexistent/gateway-settings.json"], "error: --config /nonexistent/gateway-settings.json: the file does not exist." },
        { ["db", "version", "--Storage:DatabasePath"], "error: the setting --Storage:DatabasePath needs a value (--Storage:DatabasePath=VALUE)" },
        { ["commission", "start"], "error: give either --site or one or more --device ID" },
        { ["commission", "start", "--site", "--device", "m5-0001"], "error: give either --site or one or more --device ID" },
        { ["commission", "start", "--device", "m5-0001", "--for", "soon"], "error: --for must be a duration as hh:mm:ss (not 'soon')." },
        { ["commission", "start", "--device", "m5-0001", "--wait", "x"], "error: --wait must be a whole number, 0 or more (not 'x')." },
        { ["commission", "status", "--session", "0"], "error: --session must be a session number, 1 or more (not '0')." },
        { ["commission", "report"], "error: Option '--out' is required." },
        { ["commission", "selftest"], "error: unrecognised argument 'selftest'" },
        { ["registry", "import"], "error: Required argument 'SITE-FILE' missing for command: 'import'." },
        { ["registry", "export", "site.json"], "error: unrecognised argument 'export'" },
    };

    [Theory]
    [MemberData(nameof(BadLines))]
    public async Task BadLine_NamesTheProblem_ShowsUsage_Exits2(string[] args, string error)
    {
        var (code, output, errors) = await RunAsync(args);

        Assert.Equal(2, code);
        Assert.Contains(error, errors.Split('\n').Select(l => l.TrimEnd('\r')));
        Assert.Contains($"usage: {args[0]} ", errors, StringComparison.Ordinal);
        Assert.Equal("", output);
        Assert.False(File.Exists(Database), "a refused command line touches no database");
    }

    [Fact]
    public async Task Db_VersionBackupRestore_KeepTheirOutput()
    {
        Assert.Equal((0, "none\n", ""), await RunAsync("db", "version", DatabaseSetting));
        await ImportDemoSiteAsync();
        Assert.Equal((0, "1\n", ""), await RunAsync("db", "version", DatabaseSetting));

        var backups = _dir.File("backups");
        var (code, output, errors) = await RunAsync("db", "backup", "--to", backups, "--keep-days", "14", "--keep-at-least", "3", "--label", "pre-upgrade-to-v2", DatabaseSetting);

        Assert.Equal((0, ""), (code, errors));
        var backup = Assert.Single(Directory.GetFiles(backups));
        Assert.EndsWith("-pre-upgrade-to-v2.db", backup, StringComparison.Ordinal);
        Assert.Equal($"backup written: {backup} (schema version 1)\n", output);

        (code, output, errors) = await RunAsync("db", "restore", backup, DatabaseSetting);
        Assert.Equal((0, ""), (code, errors));
        Assert.StartsWith($"restored {backup} to {Database} (schema version 1); the replaced database is kept as ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Db_BackupWithoutADatabase_FailsWithExit1()
    {
        var (code, output, errors) = await RunAsync("db", "backup", "--to", _dir.File("backups"), DatabaseSetting);

        Assert.Equal((1, ""), (code, output));
        Assert.Equal($"db backup failed: No database at {Database}: nothing to back up.\n", errors);
    }

    [Fact]
    public async Task Registry_BrokenSiteFile_Exits2WithItsProblem()
    {
        var broken = _dir.File("site.json");
        await File.WriteAllTextAsync(broken, "{ \"site\": ");

        var (code, output, errors) = await RunAsync("registry", "import", broken, DatabaseSetting);

        Assert.Equal((2, ""), (code, output));
        Assert.Contains(broken, errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commission_SessionWithoutARunningGateway_Exits3_ThenStatusStopReport()
    {
        await ImportDemoSiteAsync();

        var (code, output, errors) = await RunAsync("commission", "start", "--device", "m5-0001", "--technician", "J. Doe", "--for", "01:00:00", "--wait", "0", DatabaseSetting);
        Assert.Equal(3, code);
        Assert.Equal("commissioning session 1 for m5-0001 until 2026-03-02 11:00:00Z; waiting for the gateway to take it up ...\n", output);
        Assert.StartsWith("the gateway did not take up session 1 within the wait", errors, StringComparison.Ordinal);

        (code, output, _) = await RunAsync("commission", "status", DatabaseSetting);
        Assert.Equal((0, "session 1: waiting for the gateway; m5-0001; J. Doe; 2026-03-02 10:00:00Z .. 2026-03-02 11:00:00Z\n"), (code, output));

        var reports = _dir.File("reports");
        (code, output, _) = await RunAsync("commission", "report", "--session", "1", "--out", reports, DatabaseSetting);
        Assert.Equal(4, code); // nothing was pressed or dropped: the device did not pass
        Assert.Equal($"0 of 1 devices passed every check; wrote {Path.Combine(reports, "commissioning-1.md")} and {Path.Combine(reports, "commissioning-1.csv")}\n", output);
        Assert.True(File.Exists(Path.Combine(reports, "commissioning-1.csv")));

        (code, output, _) = await RunAsync("commission", "stop", "--session", "1", DatabaseSetting);
        Assert.Equal((0, "1 session(s) ended; their devices alert staff again within 1 s\n"), (code, output));

        (code, output, _) = await RunAsync("commission", "last-selftest", DatabaseSetting);
        Assert.Equal((0, "no self-test has run yet\n"), (code, output));
    }

    [Fact]
    public async Task Commission_UnknownDevice_Exits1()
    {
        await ImportDemoSiteAsync();

        var (code, output, errors) = await RunAsync("commission", "start", "--device", "not-a-device", "--wait", "0", DatabaseSetting);

        Assert.Equal((1, ""), (code, output));
        Assert.Equal("not assigned to a resident in the gateway's registry: not-a-device (import the site file first)\n", errors);
    }

    [Fact]
    public void Handles_OnlyTheMaintenanceCommands()
    {
        Assert.True(GatewayCommands.Handles(["db", "version"]));
        Assert.True(GatewayCommands.Handles(["commission"]));
        Assert.True(GatewayCommands.Handles(["registry", "import", "x"]));
        Assert.False(GatewayCommands.Handles([]));
        Assert.False(GatewayCommands.Handles(["--config", "gateway-settings.json"]));
    }

    private async Task ImportDemoSiteAsync()
    {
        var site = Path.Combine(TestData.RepoRoot, "edge-gateway", "config", "demo-site.json");
        var (code, output, errors) = await RunAsync("registry", "import", site, DatabaseSetting);
        Assert.Equal((0, ""), (code, errors));
        Assert.StartsWith("Imported site demo: ", output, StringComparison.Ordinal);
        Assert.EndsWith($" into {Database}\n", output, StringComparison.Ordinal);
    }

    private async Task<(int Code, string Output, string Errors)> RunAsync(params string[] args)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var errors = new StringWriter { NewLine = "\n" };
        var code = await GatewayCommands.RunAsync(args, new CommandContext(output, errors, _time));
        return (code, output.ToString(), errors.ToString());
    }
}
