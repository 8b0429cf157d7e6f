using System.Net.Http.Json;
using System.Text.Json;
using Edge.Gateway.Incidents;
using Edge.Logging;
using Edge.Mqtt;
using Edge.Protocol;
using Edge.TestKit;

namespace Edge.Gateway.IntegrationTests;

/// <summary>
/// Issue 16 point 4 against a real Mosquitto: one press with the retain flag (what a cloned credential can
/// leave behind) is raised once, as it happens, and never again when the gateway starts, because the gateway
/// refuses retained replays and deletes them from the broker.
/// </summary>
public sealed class RetainedMessageTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task RetainedPress_IsRaisedOnceLive_NeverAgainAtTheNextStart_AndIsDeletedFromTheBroker()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var sensors = await SensorPublisher.ConnectAsync(broker.Host, broker.Port, InProcessGateway.Site, loggers: _env.LoggerFactory);

        await using (var first = await InProcessGateway.StartAsync(_env, broker, sensors))
        {
            await sensors.ButtonAsync("dev-a", retain: true);
            await first.WaitForChangeAsync(c => c.Incident.ResidentId == "res-alice" && c.Transition.Kind == TransitionKind.Raised, Wait);
        }

        // The next start (same broker, same persistent session, a new database so any raise would be a new incident).
        // The retained press is replayed right after the subscription, before anything published later: once Bob's
        // live press is raised, Alice's replay has been handled.
        await using var second = await InProcessGateway.StartAsync(_env, broker, sensors);
        await sensors.ButtonAsync("dev-b");
        await second.WaitForChangeAsync(c => c.Incident.ResidentId == "res-bob", Wait);
        await second.SettledAsync(sensors, Wait);

        Assert.DoesNotContain(second.Changes(), c => c.Incident.ResidentId == "res-alice");
        await second.WaitForEventAsync(EventIds.RetainedMessageCleared, Wait);
        Assert.Contains(second.Logs, e => e.EventId == EventIds.RetainedMessageIgnored && e.Message.Contains("dev-a", StringComparison.Ordinal));

        // The gateway logs the deletion once its client has taken the empty retained publish (before the broker's
        // acknowledgement); the broker applies it when the publish arrives. Asked until then (each a new subscriber).
        var topic = Topics.For(InProcessGateway.Site, "dev-a", TopicKind.Event);
        using var deadline = new CancellationTokenSource(Wait);
        List<MqttMessage> retained;
        while ((retained = [.. (await RetainedAsync(broker, topic)).Where(m => m.Retain)]).Count > 0 && !deadline.IsCancellationRequested)
        {
        }

        Assert.Empty(retained);
    }

    [Fact]
    public async Task DiagnosticsEndpoint_WithoutSignIn_LeavesResidentNamesAndNotesOut()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var sensors = await SensorPublisher.ConnectAsync(broker.Host, broker.Port, InProcessGateway.Site, loggers: _env.LoggerFactory);
        var port = ChildGateway.FreePort();
        await using var gateway = await InProcessGateway.StartAsync(_env, broker, sensors, new() { ["Diagnostics:HttpPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await sensors.ButtonAsync("dev-a");
        await sensors.StatusAsync("dev-b");
        var call = await gateway.WaitForChangeAsync(c => c.Incident.ResidentId == "res-alice", Wait);
        await gateway.Incidents.AcceptAsync(call.Incident.Id, "carer-1", "test");
        await gateway.Incidents.ResolveAsync(call.Incident.Id, "carer-1", IncidentOutcome.Other, "Alice said she slipped on the rug", "test");
        await gateway.SettledAsync(sensors, Wait);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };

        foreach (var path in new[] { "api/incidents", "api/incidents/recent", "api/devices", "api/unprotected" })
        {
            var body = await http.GetStringAsync(new Uri(path, UriKind.Relative));
            Assert.DoesNotContain("Alice", body, StringComparison.Ordinal);
            Assert.DoesNotContain("Bob", body, StringComparison.Ordinal);
        }

        var recent = await http.GetFromJsonAsync<List<JsonElement>>("api/incidents/recent");
        Assert.Contains(recent!, i => i.GetProperty("residentId").GetString() == "res-alice" && i.GetProperty("roomName").GetString() == "Room 1");
    }

    // What a new subscriber is given at once: retained messages come right after the subscription, before a
    // marker this client publishes afterwards on the same topic (the broker handles one connection in order).
    private async Task<List<MqttMessage>> RetainedAsync(MosquittoBroker broker, string topic)
    {
        await using var client = new MqttNetClient(new MqttClientOptions { Host = broker.Host, Port = broker.Port, ClientId = $"probe-{Guid.NewGuid():N}"[..23] }, _env.Logger<MqttNetClient>());
        using var cts = new CancellationTokenSource(Wait);
        client.Subscribe(topic, MqttQos.AtLeastOnce);
        await client.ConnectAsync(cts.Token);
        var marker = "marker-" + Guid.NewGuid().ToString("N");
        await client.PublishAsync(topic, System.Text.Encoding.UTF8.GetBytes(marker), MqttQos.AtLeastOnce, retain: false, cts.Token);
        var before = new List<MqttMessage>();
        while (true)
        {
            var m = await client.Messages.ReadAsync(cts.Token);
            if (System.Text.Encoding.UTF8.GetString(m.Payload.Span) == marker)
            {
                return before;
            }

            before.Add(m);
        }
    }
}
