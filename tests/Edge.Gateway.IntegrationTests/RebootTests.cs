using Edge.Gateway.Incidents;
using Edge.Simulator;
using Edge.TestKit;

namespace Edge.Gateway.IntegrationTests;

/// <summary>
/// Issue 15 point 2: a sensor that reboots soon after its previous boot restarts its sequence numbers and its
/// µs clock, and the gateway must not take its new boot's batches and presses for duplicates. The simulator runs
/// the real firmware core (which stamps its boot identity, protocol version 2) against a real broker and the
/// in-process gateway with the committed model; the reboot cuts the connection like a power cycle.
/// </summary>
public sealed class RebootTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    [Theory]
    [InlineData("streaming", 5)]
    [InlineData("streaming", 30)]
    [InlineData("streaming", 120)]
    [InlineData("triggered", 5)]
    [InlineData("triggered", 30)]
    [InlineData("triggered", 120)]
    public async Task SensorRebootsSoonAfterItsBoot_ItsFallAndItsButtonPressAreStillRaised(string mode, int rebootAfter)
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var sensors = await SensorPublisher.ConnectAsync(broker.Host, broker.Port, InProcessGateway.Site, loggers: _env.LoggerFactory);
        await using var gateway = await InProcessGateway.StartAsync(_env, broker, sensors);

        // Before the reboot: the sensor sends what it sends in its mode (a fall and its window first when there
        // is time for it, so the old boot has used the sequence numbers and times the new boot will reuse), and a
        // press. After it: a fall and a press, at times of the new boot the old one has already used.
        var before = rebootAfter >= 30;
        var steps = new List<string> { """{ "at": 0.5, "synthetic": "walking" }""" };
        if (before)
        {
            steps.Add("""{ "at": 2, "synthetic": "fall" }""");
            steps.Add("""{ "at": 15, "synthetic": "walking" }""");
        }

        steps.Add($$"""{ "at": {{rebootAfter - 3}}, "button": true }""");
        steps.Add($$"""{ "at": {{rebootAfter}}, "reboot": true }""");
        steps.Add($$"""{ "at": {{rebootAfter + 6}}, "synthetic": "walking" }""");
        steps.Add($$"""{ "at": {{rebootAfter + 9}}, "synthetic": "fall" }""");
        steps.Add($$"""{ "at": {{rebootAfter + 30}}, "button": true }""");
        var scenario = Scenario.Parse($$"""
            { "mode": "{{mode}}", "seed": 3, "devices": [ { "deviceId": "dev-a", "motion": "walking", "timeline": [ {{string.Join(", ", steps)}} ] } ] }
            """);
        var log = new StringWriter();
        var options = new SimulationOptions { BrokerHost = broker.Host, BrokerPort = broker.Port, Site = InProcessGateway.Site, Speed = 10, DurationSeconds = rebootAfter + 50 };
        await using (var sim = new Simulation(options, scenario, null, log, _env.LoggerFactory))
        {
            using var timeout = new CancellationTokenSource(Wait);
            await sim.RunAsync(timeout.Token);
        }

        var falls = before ? 2 : 1;
        var why = "";
        try
        {
            await gateway.WaitForChangeAsync(c => Count(gateway, IncidentType.Fall) >= falls && Count(gateway, IncidentType.ManualCall) >= 2, Wait);
        }
        catch (OperationCanceledException)
        {
            why = $"falls {Count(gateway, IncidentType.Fall)} of {falls}, presses {Count(gateway, IncidentType.ManualCall)} of 2\nsimulator:\n{log}\ngateway:\n"
                + string.Join("\n", gateway.Logs.Select(e => $"[{e.EventId}] {e.Message}"));
        }

        Assert.True(why.Length == 0, why);
        Assert.Equal(falls, Count(gateway, IncidentType.Fall));
        Assert.Equal(2, Count(gateway, IncidentType.ManualCall));
        Assert.Contains("reboots (boot id", log.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Raises and re-triggers of Alice's incidents of that type (each fall or press is one).</summary>
    private static int Count(InProcessGateway gateway, IncidentType type) =>
        gateway.Changes().Count(c => c.Incident.Type == type && c.Incident.ResidentId == "res-alice" && c.Transition.Kind is TransitionKind.Raised or TransitionKind.Retriggered);
}
