using System.Globalization;
using Edge.TestKit;

namespace Edge.Gateway.IntegrationTests;

/// <summary>
/// Issue 15 point 9: <c>./edge demo</c> started in the background (so the shell starts it with SIGINT ignored) stops
/// everything it started on SIGINT and on SIGTERM: no broker or other child is left behind.
/// </summary>
public sealed class DemoSignalTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(120);
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task DemoInTheBackground_Signal_StopsEverythingItStarted(string signal)
    {
        using var work = new TempDirectory("edge-demo-signal");
        var configuration = AppContext.BaseDirectory.Contains("/bin/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        using var shell = _env.Watch(ChildProcess.Start("bash", ["-c", $"./edge demo --duration 600 --work '{work.Path}' & echo \"demo pid $!\"; wait"], TestData.RepoRoot,
            new Dictionary<string, string> { ["EDGE_SKIP_SETUP"] = "1", ["EDGE_NO_BUILD"] = "1", ["EDGE_CONFIGURATION"] = configuration }, "edge demo"));
        var pidLine = await shell.WaitForLineAsync("demo pid ", Wait);
        var demo = int.Parse(pidLine["demo pid ".Length..], CultureInfo.InvariantCulture);
        await shell.WaitForLineAsync("simulator: wearables connecting", Wait);
        var children = ProcessesMentioning(work.Path);
        Assert.NotEmpty(children); // the demo's broker runs from the work folder's config

        using (var kill = System.Diagnostics.Process.Start("kill", [$"-{signal}", demo.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await shell.WaitForExitAsync(Wait);
        Assert.False(Directory.Exists($"/proc/{demo}"), $"the demo (pid {demo}) is still running after SIG{signal}");
        Assert.Empty(ProcessesMentioning(work.Path));
        Assert.Contains(shell.Lines, l => l.Contains("everything is stopped", StringComparison.Ordinal));
    }

    /// <summary>Processes whose command line names <paramref name="fragment"/> (the demo's own folder), read from /proc.</summary>
    private static List<string> ProcessesMentioning(string fragment)
    {
        var found = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _))
            {
                continue;
            }

            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains(fragment, StringComparison.Ordinal) && !cmdline.StartsWith("bash -c", StringComparison.Ordinal))
                {
                    found.Add($"{Path.GetFileName(dir)}: {cmdline}");
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return found;
    }
}
