using Edge.Simulator;
using Edge.TestKit;

namespace Edge.Gateway.IntegrationTests;

/// <summary>
/// Issue 15.3: a gateway killed (SIGKILL) within about two seconds of an impact must still raise the fall
/// after its restart. The detector needs the two seconds before the impact and one and a half after it;
/// what the dead process had not finished with must still be in its broker session.
/// </summary>
public sealed class CrashDuringFallTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task GatewayKilledOneSecondAfterTheImpact_RestartedGatewayRaisesTheFall()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var site = await GatewayProcessSite.CreateAsync(_env, broker, "edge-gw-crash-fall");
        await using var sensors = await SensorPublisher.ConnectAsync(broker.Host, broker.Port, InProcessGateway.Site, loggers: _env.LoggerFactory);

        // The simulator's wearable: ten seconds standing, then its synthetic fall and lying still.
        var (x, y, z) = FallMotion.Make(standSeconds: 10, fallSeconds: 10);
        var impact = Enumerable.Range(0, x.Length).MaxBy(i => (x[i] * x[i]) + (y[i] * y[i]) + (z[i] * z[i]));
        Assert.True(impact >= 500, "the impact comes after the standing part");

        // Everything up to the end of the batch after the impact's: under one second past the impact,
        // short of the 1.5 s the detector waits for, so the first gateway cannot have decided yet.
        var cut = ((impact / SensorPublisher.SamplesPerBatch) + 2) * SensorPublisher.SamplesPerBatch;
        Assert.True((cut - impact) * 20 < 1_500, "the cut is within the post-impact wait");

        using (var first = site.Start())
        {
            await first.WaitForLineAsync("Ingest started", Wait);
            await GatewayProcessSite.WaitSubscribedAsync(first, sensors);
            await sensors.StatusAsync("dev-a");
            var batches = await sensors.StreamAsync("dev-a", x[..cut], y[..cut], z[..cut], 16);
            await UntilAsync(async () => await site.DeliveredAsync("dev-a") >= batches, "the first gateway has taken every batch up to the cut");

            await first.KillAsync();
            Assert.Equal(0, first.CountLines("Fall detected"));
        }

        // The rest of the fall happens while the gateway is dead: the broker keeps it in the session.
        await sensors.StreamAsync("dev-a", x[cut..], y[cut..], z[cut..], 16);

        using var second = site.Start();
        await second.WaitForLineAsync("Ingest started", Wait);
        await second.WaitForLineAsync("Fall detected on dev-a", Wait);
        await UntilAsync(async () => (await site.OpenIncidentsAsync()).Any(i => i.GetProperty("type").GetString() == "fall"), "the fall incident stored");
        var falls = (await site.OpenIncidentsAsync()).Where(i => i.GetProperty("type").GetString() == "fall").ToList();
        var fall = Assert.Single(falls);
        Assert.Equal("res-alice", fall.GetProperty("residentId").GetString());
    }

    // Polls a condition read over HTTP from another process (no event crosses the process boundary).
    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        using var cts = new CancellationTokenSource(Wait);
        while (!await condition())
        {
            try
            {
                await timer.WaitForNextTickAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Timed out after {Wait} waiting for {what}.");
            }
        }
    }
}
