using System.Diagnostics;
using Edge.Logging;
using Edge.TestKit;
using Xunit.Abstractions;

namespace Edge.Gateway.IntegrationTests;

/// <summary>
/// Issue 15.1: the gateway (a real child process) against a TLS Mosquitto that is killed with SIGKILL,
/// then stopped cleanly, each time restarted on the same port. The gateway must be back within 10 s of
/// the broker's return, its gateway fault must stop claiming the broker is down, and a button press must
/// reach an incident again.
/// </summary>
public sealed class BrokerOutageTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly TestEnvironment _env = new(output);

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task TlsBrokerKilledThenStopped_GatewayReconnectsWithin10SecondsEachTimeAndRaisesAgain()
    {
        // The outage is the fault under test: after BrokerDownFaultAfter the gateway raises its broker fault.
        _env.ExpectError(EventIds.GatewayFault, "Gateway fault: broker: not connected to the MQTT broker");
        using var pki = new TempDirectory("edge-gw-outage-pki");
        var certs = await TestCertificates.CreateAsync(pki.Path);
        var brokerOptions = new MosquittoBrokerOptions();
        foreach (var line in certs.BrokerConfig)
        {
            brokerOptions.ExtraConfig.Add(line);
        }

        await using var broker = await MosquittoBroker.StartAsync(brokerOptions);
        using var site = await GatewayProcessSite.CreateAsync(_env, broker, "edge-gw-outage", new()
        {
            ["Mqtt:Tls:CaFile"] = certs.CaCert,
            ["Supervision:BrokerDownFaultAfter"] = "00:00:01",
        });
        await using var sensors = await SensorPublisher.ConnectAsync(broker.Host, broker.Port, InProcessGateway.Site, certs.CaCert, _env.LoggerFactory);
        using var gateway = site.Start();
        await gateway.WaitForLineAsync("Ingest started", Wait);
        await GatewayProcessSite.WaitSubscribedAsync(gateway, sensors);

        try
        {
            await RunRoundsAsync(broker, site, sensors, gateway);
        }
        catch
        {
            output.WriteLine(string.Join('\n', gateway.Lines));
            throw;
        }
    }

    private async Task RunRoundsAsync(MosquittoBroker broker, GatewayProcessSite site, SensorPublisher sensors, ChildProcess gateway)
    {
        var round = 0;
        await gateway.WaitForLineAsync("Ingest started", Wait);

        // A slow start may have raised (and cleared) a broker fault already: every count below is relative,
        // and the fault itself is read from the status endpoint.
        foreach (var (kill, device) in new[] { (true, "dev-a"), (false, "dev-b") })
        {
            round++;
            var lost = gateway.CountLines("lost its connection");
            var failedAttempts = gateway.CountLines("could not connect");
            var connects = gateway.CountLines("connected to 127.0.0.1");
            if (kill)
            {
                broker.Kill();
            }
            else
            {
                await broker.StopAsync();
            }

            await gateway.WaitForLineCountAsync("lost its connection", lost + 1, Wait);

            // The outage lasts long enough for the gateway fault and for the backoff to grow (1 s, 2 s, 4 s).
            // (A slow start-up may already have an open broker fault; then it is the same one, not a new one.)
            await UntilAsync(async () => (await site.OpenIncidentsAsync()).Any(IsGatewayFault), "an open gateway fault");
            await gateway.WaitForLineCountAsync("could not connect", failedAttempts + 3, Wait);

            var back = Stopwatch.StartNew();
            await broker.StartAsync();
            await gateway.WaitForLineCountAsync("connected to 127.0.0.1", connects + 1, Wait);
            output.WriteLine($"{(kill ? "SIGKILL" : "clean stop")}: the gateway reconnected {back.Elapsed.TotalSeconds:F1} s after the broker came back");
            Assert.True(back.Elapsed < TimeSpan.FromSeconds(10), $"{(kill ? "after SIGKILL" : "after a clean stop")}: reconnected {back.Elapsed.TotalSeconds:F1} s after the broker came back");

            // The fault no longer says the broker is down: the self-check passes and clears it.
            await UntilAsync(async () => !(await site.OpenIncidentsAsync()).Any(IsGatewayFault), "the gateway fault cleared");
            // The service clears the fault, then logs the recovery: wait for the line rather than race it.
            await gateway.WaitForLineCountAsync("Self-check broker passes again", round, Wait);

            // And the site works again: a button press becomes an incident.
            var incidents = gateway.CountLines("INCIDENT #");
            await GatewayProcessSite.WaitSubscribedAsync(gateway, sensors, $"probe-{round}");
            await sensors.ButtonAsync(device);
            await gateway.WaitForLineCountAsync("INCIDENT #", incidents + 1, Wait);
        }
    }

    private static bool IsGatewayFault(System.Text.Json.JsonElement incident) => incident.GetProperty("type").GetString() == "gateway_fault";

    // Polls state read over HTTP from another process (no event crosses the process boundary).
    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
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
