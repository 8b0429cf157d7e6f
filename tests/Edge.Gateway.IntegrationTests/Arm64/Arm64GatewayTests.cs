using System.Net.Http.Json;
using System.Text.Json;
using Edge.TestKit;
using Xunit.Abstractions;

namespace Edge.Gateway.IntegrationTests.Arm64;

/// <summary>
/// Issue 13.5: the gateway on a Raspberry Pi's CPU. The release <c>./edge publish --arch arm64</c> makes (self-contained
/// linux-arm64) runs under <c>qemu-aarch64-static</c> against a loopback Mosquitto; the simulator's wearable (the real
/// firmware core, its own x64 process) falls, and the arm64 gateway raises the fall and pages it on the simulated
/// ESPA 4.4.4 paging system. What this does not show (speed, the SD card, the Pi's own kernel) is in hardware/README.md.
/// </summary>
public sealed class Arm64GatewayTests(Arm64GatewayBuild build, ITestOutputHelper output) : IClassFixture<Arm64GatewayBuild>, IDisposable
{
    // Emulated arm64 runs everything, the JIT included, through qemu's translator: several times slower than native,
    // and the machine is shared. These are generous ceilings, not expectations (a run takes about a minute).
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(4);
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task Arm64Build_SimulatedWearableFalls_IncidentRaisedAndPaged()
    {
        output.WriteLine($"published in {build.PublishTime.TotalSeconds:F0} s: {build.PublishOutput.Trim()}");
        Assert.Equal(0xB7, Arm64GatewayBuild.ElfMachine(build.Executable)); // EM_AARCH64
        Assert.Equal(0xB7, Arm64GatewayBuild.ElfMachine(Path.Combine(build.PublishDir, "libcoreclr.so"))); // self-contained: the runtime is in the release
        Assert.Equal(0xB7, Arm64GatewayBuild.ElfMachine(Path.Combine(build.PublishDir, "libe_sqlite3.so")));

        await using var site = await FaultSite.StartAsync(new FaultSiteOptions { Environment = _env, StartGateway = build.Start, StartupWait = Wait });
        if (Arm64GatewayBuild.Emulated)
        {
            // The process under test is the emulator running the arm64 apphost, not a dotnet of this machine.
            Assert.EndsWith("qemu-aarch64-static", File.ResolveLinkTarget($"/proc/{site.Gateway.Id}/exe", returnFinalTarget: true)?.FullName ?? "", StringComparison.Ordinal);
        }

        // One wearable, Alice's dev-a: walking, then the simulator's synthetic fall and lying still.
        var scenario = Path.Combine(site.Folder, "fall.json");
        await File.WriteAllTextAsync(scenario, """
            { "site": "site1", "sampleRateHz": 50, "mode": "streaming", "durationSeconds": 30, "seed": 7,
              "devices": [ { "deviceId": "dev-a", "resident": "Alice", "motion": "walking",
                             "timeline": [ { "at": 8, "synthetic": "fall" } ] } ] }
            """);
        using var sim = _env.Watch(ChildProcess.StartDotnet(typeof(Edge.Simulator.Simulation).Assembly.Location,
            ["--broker", $"{site.Broker.Host}:{site.Broker.Port}", "--site", "site1", "--scenario", scenario]));

        var detected = await site.Gateway.WaitForLineAsync("Fall detected on dev-a", Wait);
        output.WriteLine(detected);
        var page = await site.Pager.WaitForLineAsync(l => l.Contains("| FALL", StringComparison.Ordinal) && l.Contains("Alice", StringComparison.Ordinal), "Alice's fall paged", Wait);
        output.WriteLine(page);

        var incidents = (await site.Http.GetFromJsonAsync<List<JsonElement>>("api/incidents"))!;
        var fall = Assert.Single(incidents, i => i.GetProperty("type").GetString() == "fall");
        Assert.Equal("res-alice", fall.GetProperty("residentId").GetString());

        // The simulator's stream arrived whole: no sequence gaps at the emulated gateway.
        await sim.WaitForExitAsync(Wait);
        var ingest = await site.Http.GetFromJsonAsync<JsonElement>("api/ingest");
        var devA = ingest.GetProperty("devices").EnumerateArray().Single(d => d.GetProperty("deviceId").GetString() == "dev-a");
        Assert.True(devA.GetProperty("batchesDelivered").GetInt64() > 0);
        Assert.Equal(0, devA.GetProperty("gapBatches").GetInt64());

        // The arm64 gateway logged no error: the environment reads its console and fails the test on one.
        _env.ThrowIfErrors();
    }
}
