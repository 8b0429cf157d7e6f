using System.Diagnostics;
using Edge.Logging;
using Edge.TestKit;

namespace Edge.Gateway.IntegrationTests;

/// <summary>
/// Issue 15 point 4 with real processes (<see cref="FaultSite"/>, the harness ./edge drill runs too): the gateway, a
/// Mosquitto broker and the simulated paging system each run as their own process, and a webhook receiver listens in
/// the test. Tier 1 is the pager, tier 2 the webhook two
/// minutes later: an alert that cannot reach the pager must not wait for tier 2.
/// </summary>
public sealed class AlertFaultTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task HungPager_CallReachesTheNextTierWithinSeconds_AndThePagerGetsItWhenItReturns()
    {
        // The frozen pager is the fault under test: the channel fails over and says so.
        _env.ExpectError(EventIds.ChannelFailed, "Alert channel pager (Espa) failed: no answer to");
        await using var site = await FaultSite.StartAsync(new FaultSiteOptions { Environment = _env });
        await site.Sensors.ButtonAsync("dev-a");
        await site.Pager.WaitForLineAsync(l => l.Contains("| CALL", StringComparison.Ordinal) && l.Contains("Alice", StringComparison.Ordinal), "Alice's call", Wait);

        await site.Pager.FreezeAsync(); // SIGSTOP: the TCP link stays open, nothing answers
        var pressed = Stopwatch.StartNew();
        await site.Sensors.ButtonAsync("dev-b");
        var hook = await site.Webhook.WaitForAsync(b => b.Contains("Bob", StringComparison.Ordinal), TimeSpan.FromSeconds(90));
        var took = pressed.Elapsed;
        Assert.True(took < TimeSpan.FromSeconds(40), $"the call reached the webhook {took.TotalSeconds:F1} s after the press (tier 2 is due at 120 s)");
        Assert.Contains("CALL", hook, StringComparison.Ordinal);
        await site.Gateway.WaitForLineAsync("failover from pager", Wait);

        // The paging system comes back: the open call is paged on it again.
        await site.Pager.ThawAsync();
        await site.Pager.WaitForLineAsync(l => l.Contains("| CALL", StringComparison.Ordinal) && l.Contains("Bob", StringComparison.Ordinal), "Bob's call on the pager", TimeSpan.FromSeconds(90));
    }

    [Fact]
    public async Task GatewayKilledDuringAPage_UnconfirmedPageIsSentAgainAfterTheRestart()
    {
        await using var site = await FaultSite.StartAsync(new FaultSiteOptions { Environment = _env, PagerArgs = ["--ignore-selects", "100000"] });
        await site.Sensors.ButtonAsync("dev-a");
        await site.Gateway.WaitForLineAsync("tier 1 of 2 on pager to 101", Wait); // on the wire, unanswered
        await site.Gateway.KillAsync();

        await site.Pager.WriteLineAsync("ignore 0");
        var restarted = Stopwatch.StartNew();
        using var second = site.StartGateway();
        await second.WaitForLineAsync("sending it again", Wait);
        await site.Pager.WaitForLineAsync(l => l.Contains("| CALL", StringComparison.Ordinal) && l.Contains("Alice", StringComparison.Ordinal), "Alice's call", Wait);
        Assert.True(restarted.Elapsed < TimeSpan.FromSeconds(45), $"the page came {restarted.Elapsed.TotalSeconds:F1} s after the restart (tier 2 is due at 120 s)");
    }

    [Fact]
    public async Task DiskFull_CallIsPagedAtOnceFromMemory_WithAFaultThatSaysWhy_AndStoredOnceTheDiskHasRoom()
    {
        // The full disk is the fault under test: what cannot be stored is reported, the alarm as critical.
        const string Full = "database or disk is full";
        _env.ExpectError(EventIds.IncidentRaiseDeferred, "ALARM NOT YET STORED");
        _env.ExpectError(EventIds.GatewayFault, "Gateway fault: disk: 0 MiB free");
        _env.ExpectError(EventIds.SupervisionFailed, Full);
        _env.ExpectError(EventIds.AttemptWriteFailed, Full);
        using var disk = TmpfsMount.Create(sizeMiB: 8);
        await using var site = await FaultSite.StartAsync(new FaultSiteOptions { Environment = _env, DatabasePath = disk.File("gateway.db") });
        var filler = disk.Fill();

        var pressed = Stopwatch.StartNew();
        await site.Sensors.ButtonAsync("dev-a");
        await site.Pager.WaitForLineAsync(l => l.Contains("| CALL", StringComparison.Ordinal) && l.Contains("Alice", StringComparison.Ordinal), "Alice's call", TimeSpan.FromSeconds(30));
        Assert.True(pressed.Elapsed < TimeSpan.FromSeconds(15), $"the call was paged {pressed.Elapsed.TotalSeconds:F1} s after the press with the disk full");
        await site.Pager.WaitForLineAsync(l => l.Contains("database cannot", StringComparison.Ordinal), "the storage fault", Wait);
        await site.Gateway.WaitForLineAsync("ALARM NOT YET STORED", Wait);

        // Storing is retried every sweep (0.5 s); the log says so once, not on every retry. Ten failed
        // supervision passes (0.2 s apart, they cannot store their disk fault either) let several retries happen.
        var passes = 0;
        await site.Gateway.WaitForLineAsync(l => l.Contains("Supervision pass failed", StringComparison.Ordinal) && ++passes >= 10, "ten failed supervision passes", Wait);
        File.Delete(filler);
        await site.Gateway.WaitForLineAsync("stores incidents again", Wait);
        await site.Gateway.WaitForLineAsync(l => l.Contains("INCIDENT #", StringComparison.Ordinal) && l.Contains("Alice", StringComparison.Ordinal), "Alice's stored incident", Wait);
        Assert.Equal(1, site.Gateway.Lines.Count(l => l.Contains("ALARM NOT YET STORED", StringComparison.Ordinal)));
    }
}
