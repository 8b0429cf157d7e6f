using Edge.TestKit;

namespace Edge.Gateway.IntegrationTests;

/// <summary>
/// <c>./edge drill</c> runs against this build (a short selection: the whole drill takes about a minute and its
/// faults have their own tests here): it prints a timed line per fault and checks the cloud, and exits 0.
/// </summary>
public sealed class DrillTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(240);
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task Drill_TwoFaults_PrintsATimedLineEach_AndTheCloudHoldsEverythingOnce()
    {
        var configuration = AppContext.BaseDirectory.Contains("/bin/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        using var drill = _env.Watch(ChildProcess.Start(Path.Combine(TestData.RepoRoot, "edge"), ["drill", "--only", "baseline,gateway-kill-page"], TestData.RepoRoot,
            new Dictionary<string, string> { ["EDGE_SKIP_SETUP"] = "1", ["EDGE_NO_BUILD"] = "1", ["EDGE_CONFIGURATION"] = configuration }, "edge drill"));

        var code = await drill.WaitForExitAsync(Wait);

        var output = string.Join("\n", drill.Lines);
        Assert.True(code == 0, output);
        Assert.Matches(@"nothing wrong: a call button press +\d+\.\d s +pager +15 s +ok", output);
        Assert.Matches(@"gateway kill -9 while a call is on the wire +\d+\.\d s +pager +15 s +ok", output);
        Assert.Contains(": 0 missing, 0 duplicated, 0 under another id, 0 left in the dead letters", output, StringComparison.Ordinal);
        Assert.Contains("every fault alerted in time", output, StringComparison.Ordinal);
    }
}
