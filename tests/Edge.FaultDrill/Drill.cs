// Over 400 lines on purpose: the drill's eleven fault scenarios, one method each, in the order they run against one scratch site.
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Edge.FaultKit;
using Edge.Simulator;
using Edge.TestKit;
using Microsoft.Data.Sqlite;

namespace Edge.FaultDrill;

/// <summary>One fault of the drill: its name (for --only), what it does, the target for the first alert, and who is affected.</summary>
internal sealed record Fault(string Name, string Title, TimeSpan Target, string Resident, Func<Drill, Fault, CancellationToken, Task<Outcome>> Run);

/// <summary>What a fault produced: the time from the event to the first alert on a working channel, which channel, and a note.</summary>
internal sealed record Outcome(TimeSpan? Latency, string Channel, string Note, bool Ok = true);

/// <summary>
/// The fault drill (issue 15): a scratch site of real processes (Mosquitto, the gateway, the simulated ESPA paging
/// system, a webhook receiver, the cloud ingest service; <see cref="FaultSite"/>, the fault tests' harness), the
/// gateway database on a small tmpfs, and the faults a site meets every month injected one after the other. Each
/// prints the time from the event to the first alert on a working channel, against its target (15 s, or 60 s where
/// a sensor must first reconnect). At the end the cloud must hold every incident transition and notification attempt
/// of the gateway exactly once.
/// </summary>
internal sealed class Drill(IReadOnlyCollection<string>? only, string? logDir)
{
    private static readonly TimeSpan Fast = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(120);

    private FaultSite _site = null!;
    private CloudProcess _cloud = null!;
    private TmpfsMount? _disk;
    private Simulation? _simulation;
    private Task _simulating = Task.CompletedTask;
    private CancellationTokenSource? _stopSimulation;
    private long? _brokerBackAt;
    private int _offlineBeforeBroker = -1;

    public static IReadOnlyList<Fault> Faults { get; } =
    [
        new("baseline", "nothing wrong: a call button press", Fast, "Alice", (d, f, ct) => d.CallAsync(f, ct)),
        new("malformed", "a sensor floods 2,000 malformed payloads, a call", Fast, "Bob", (d, f, ct) => d.MalformedAsync(f, ct)),
        new("pager-hung", "pager system hung (SIGSTOP), then a call", Fast, "Carol", (d, f, ct) => d.PagerHungAsync(f, ct)),
        new("gateway-kill-page", "gateway kill -9 while a call is on the wire", Fast, "Dan", (d, f, ct) => d.GatewayKilledDuringPageAsync(f, ct)),
        new("gateway-kill-fall", "gateway kill -9 1 s after a fall's impact", Fast, "Eve", (d, f, ct) => d.GatewayKilledAfterImpactAsync(f, ct)),
        new("sensor-reboot", "sensor reboots 5 s after its boot, then falls", Reconnect, "Fay", (d, f, ct) => d.SensorRebootAsync(f, ct)),
        new("broker-kill", "broker kill -9, back after 2 s, then a call", Reconnect, "Gus", (d, f, ct) => d.BrokerDownAsync(f, kill: true, ct)),
        new("broker-restart", "broker clean restart, then a call", Reconnect, "Hal", (d, f, ct) => d.BrokerDownAsync(f, kill: false, ct)),
        new("disk-full", "gateway disk full (tmpfs), then a call", Fast, "Ida", (d, f, ct) => d.DiskFullAsync(f, ct)),
        new("cloud-down", "cloud killed (kill -9), then a call", Fast, "Jon", (d, f, ct) => d.CloudDownAsync(f, ct)),
        new("uplink-refused", "cloud refuses the gateway id, then a call", Fast, "Kim", (d, f, ct) => d.UplinkRefusedAsync(f, ct)),
    ];

    /// <summary>One resident per fault (their alerts tell the faults apart), and Lou, whose sensor is broken (it floods).</summary>
    private static IReadOnlyList<string> Residents => [.. Faults.Select(f => f.Resident), BrokenSensorResident];

    private const string BrokenSensorResident = "Lou";

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var selected = Faults.Where(f => only is null || only.Contains(f.Name)).ToList();
        var total = Stopwatch.StartNew();
        using var work = new TempDirectory("edge-drill");
        Say($"edge drill: {selected.Count} fault(s) against a scratch site of real processes ({work.Path})");
        if (selected.Any(f => f.Name == "disk-full"))
        {
            // A disk that really fills: a 64 MiB tmpfs for the gateway database (needs root, like the test).
            _disk = TmpfsMount.Create(sizeMiB: 64);
        }

        try
        {
            _cloud = await CloudProcess.StartAsync(work.File("cloud.db"), "drill-gw", "drill-site", Wait);
            Say($"cloud: Edge.Cloud.Api on {_cloud.Url} (SQLite), gateway 'drill-gw' of site 'drill-site'");
            _site = await FaultSite.StartAsync(new FaultSiteOptions
            {
                Residents = Residents,
                DatabasePath = _disk?.File("gateway.db"),
                Cloud = _cloud,
                Settings = new Dictionary<string, string?> { ["Supervision:ReconnectGrace"] = "00:00:20" },
            });
            Say($"site: mosquitto on {_site.Broker.Host}:{_site.Broker.Port}, gateway process, pager system (ESPA over TCP) as tier 1, webhook as tier 2 after 2 min, {Residents.Count} residents");
            Say("");
            Say($"{"fault",-50} {"event -> first alert",21}  {"channel",-8} {"target",6}  result");

            var failed = 0;
            foreach (var fault in selected)
            {
                ct.ThrowIfCancellationRequested();
                Outcome outcome;
                try
                {
                    outcome = await fault.Run(this, fault, ct);
                }
                catch (Exception e) when (e is TimeoutException or InvalidOperationException or IOException or HttpRequestException)
                {
                    outcome = new Outcome(null, "-", "FAILED: " + e.Message.Split('\n')[0], Ok: false);
                }

                var ok = outcome.Ok && outcome.Latency is { } l && l <= fault.Target;
                failed += ok ? 0 : 1;
                var took = outcome.Latency is { } t ? $"{t.TotalSeconds,6:F1} s" : "     - ";
                Say($"{fault.Title,-50} {took,21}  {outcome.Channel,-8} {fault.Target.TotalSeconds,4:F0} s  {(ok ? "ok" : "MISSED")}{(outcome.Note.Length > 0 ? "  " + outcome.Note : "")}");
            }

            Say("");
            failed += await CheckNoOfflineAfterBrokerFaultsAsync(ct) ? 0 : 1;
            await StopSimulationAsync();
            failed += await CheckCloudAsync(ct) ? 0 : 1;
            Say($"drill finished in {total.Elapsed.TotalSeconds:F0} s: {(failed == 0 ? "every fault alerted in time, nothing lost or duplicated at the cloud" : $"{failed} check(s) MISSED")}");
            return failed == 0 ? 0 : 1;
        }
        finally
        {
            await StopSimulationAsync();
            if (_site is not null)
            {
                WriteLogs();
                await _site.DisposeAsync();
            }

            _cloud?.Dispose();
            _disk?.Dispose();
            SqliteConnection.ClearAllPools();
        }
    }

    private static void Say(string line) => Console.WriteLine(line);

    // --log DIR: what every process printed, for a closer look at a line.
    private void WriteLogs()
    {
        if (logDir is null)
        {
            return;
        }

        Directory.CreateDirectory(logDir);
        File.WriteAllLines(Path.Combine(logDir, "pager.log"), _site.Pager.Lines);
        File.WriteAllLines(Path.Combine(logDir, "broker.log"), _site.Broker.LogLines);
        File.WriteAllLines(Path.Combine(logDir, "webhook.log"), _site.Webhook.Bodies);
        for (var i = 0; i < _site.Gateways.Count; i++)
        {
            File.WriteAllLines(Path.Combine(logDir, $"gateway-{i + 1}.log"), _site.Gateways[i].Lines);
        }

        if (_cloud?.Process is { } cloud)
        {
            File.WriteAllLines(Path.Combine(logDir, "cloud.log"), cloud.Lines);
        }

        Say($"logs: {logDir}");
    }

    private async Task StopSimulationAsync()
    {
        if (_stopSimulation is null)
        {
            return;
        }

        await _stopSimulation.CancelAsync();
        try
        {
            await _simulating;
        }
        catch (OperationCanceledException)
        {
        }

        if (_simulation is not null)
        {
            await _simulation.DisposeAsync();
        }

        _stopSimulation.Dispose();
        _stopSimulation = null;
        _simulation = null;
    }

    private static string Device(Fault f) => GatewayConfig.DeviceOf(Faults.ToList().IndexOf(f));

    // ---- the faults ----

    private async Task<Outcome> CallAsync(Fault f, CancellationToken ct)
    {
        var alert = WatchAlert(f.Resident, "CALL");
        var at = Stopwatch.GetTimestamp();
        await _site.Sensors.ButtonAsync(Device(f));
        return await alert.Within(at, Wait, ct);
    }

    private async Task<Outcome> MalformedAsync(Fault f, CancellationToken ct)
    {
        // Lou's broken sensor floods its own topics (random bytes, half as events, half as batches) while Bob presses.
        var broken = GatewayConfig.DeviceOf(Residents.Count - 1);
        var rng = new Random(15);
        var flood = Task.Run(async () =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                var junk = new byte[rng.Next(1, 300)]; // not empty: an empty message deletes a retained one, it is not a payload
                rng.NextBytes(junk);
                await _site.Sensors.PublishRawAsync(broken, i % 2 == 0 ? Edge.Protocol.TopicKind.Event : Edge.Protocol.TopicKind.Accel, junk);
            }
        }, ct);
        var result = await CallAsync(f, ct);
        await flood;

        // Every message of the flood is accounted for: refused as malformed, or dropped (counted) when its lane was full.
        long received = 0, malformed = 0, dropped = 0;
        await UntilAsync(async () =>
        {
            var ingest = await _site.Http.GetFromJsonAsync<JsonElement>("api/ingest", ct);
            var device = ingest.GetProperty("devices").EnumerateArray().FirstOrDefault(d => d.GetProperty("deviceId").GetString() == broken);
            if (device.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            received = device.GetProperty("received").GetInt64();
            dropped = device.GetProperty("queueDropped").GetInt64();
            malformed = device.GetProperty("malformed").EnumerateObject().Sum(p => p.Value.GetInt64());
            return received >= 2_000 && malformed + dropped >= received;
        }, () => $"the gateway to count the whole flood (so far {received} received, {malformed} malformed, {dropped} dropped)", ct);
        var alive = !_site.Gateway.HasExited;
        return result with { Note = $"{(alive ? "gateway alive" : "the gateway DIED")}; of {received:N0} received: {malformed:N0} malformed, {dropped:N0} dropped (lane full), all counted", Ok = alive };
    }

    private async Task<Outcome> PagerHungAsync(Fault f, CancellationToken ct)
    {
        await _site.Pager.FreezeAsync(); // SIGSTOP: the TCP link stays open, nothing answers
        Outcome first;
        try
        {
            var alert = WatchAlert(f.Resident, "CALL");
            var at = Stopwatch.GetTimestamp();
            await _site.Sensors.ButtonAsync(Device(f));
            first = await alert.Within(at, Wait, ct);
        }
        finally
        {
            await _site.Pager.ThawAsync();
        }

        // When the paging system answers again, the open call is paged on it too.
        await _site.WaitForPageAsync("CALL", f.Resident, Wait);
        return first with { Note = "re-paged on the pager once it answered" };
    }

    private async Task<Outcome> GatewayKilledDuringPageAsync(Fault f, CancellationToken ct)
    {
        await _site.Pager.WriteLineAsync("ignore 100000"); // selects go unanswered: the page stays on the wire
        var before = _site.Gateway.CountLines("tier 1 of 2 on pager to 101");
        var alert = WatchAlert(f.Resident, "CALL");
        var at = Stopwatch.GetTimestamp();
        await _site.Sensors.ButtonAsync(Device(f));
        await _site.Gateway.WaitForLineCountAsync("tier 1 of 2 on pager to 101", before + 1, Wait);
        await _site.Gateway.KillAsync();
        await _site.Pager.WriteLineAsync("ignore 0");
        _site.StartGateway(); // as systemd's Restart=always does
        var outcome = await alert.Within(at, Wait, ct);
        await _site.WaitReadyAsync();
        return outcome with { Note = "restarted at once; the unconfirmed page is sent again" };
    }

    private async Task<Outcome> GatewayKilledAfterImpactAsync(Fault f, CancellationToken ct)
    {
        var device = Device(f);
        var (x, y, z) = FallMotion.Make(standSeconds: 10, fallSeconds: 10);
        var impact = Enumerable.Range(0, x.Length).MaxBy(i => (x[i] * x[i]) + (y[i] * y[i]) + (z[i] * z[i]));
        var cut = ((impact / SensorPublisher.SamplesPerBatch) + 2) * SensorPublisher.SamplesPerBatch; // under 1 s past the impact

        await _site.Sensors.StatusAsync(device);
        var delivered = await _site.DeliveredAsync(device);
        var alert = WatchAlert(f.Resident, "FALL");
        var batches = await _site.Sensors.StreamAsync(device, x[..cut], y[..cut], z[..cut], 16);
        var at = Stopwatch.GetTimestamp(); // the impact's batch is out
        await UntilAsync(async () => await _site.DeliveredAsync(device) >= delivered + batches, "the gateway took every batch up to the cut", ct);
        await _site.Gateway.KillAsync();
        await _site.Sensors.StreamAsync(device, x[cut..], y[cut..], z[cut..], 16); // the rest of the fall, while the gateway is dead
        _site.StartGateway();
        var outcome = await alert.Within(at, Wait, ct);
        await _site.WaitReadyAsync();
        return outcome with { Note = "restarted at once; the broker kept what detection still needed" };
    }

    private async Task<Outcome> SensorRebootAsync(Fault f, CancellationToken ct)
    {
        // The real firmware core in the simulator: streaming, a reboot 5 s after its boot (connection cut, sequence
        // numbers and µs clock from 0 again, a new boot identity), then a fall at times its previous boot already used.
        var device = Device(f);
        var scenario = Scenario.Parse($$"""
            { "mode": "streaming", "seed": 11, "devices": [ { "deviceId": "{{device}}", "motion": "walking", "timeline": [
              { "at": 0.5, "synthetic": "walking" }, { "at": 5, "reboot": true }, { "at": 14, "synthetic": "fall" }, { "at": 30, "synthetic": "walking" } ] } ] }
            """);
        var log = new SignalWriter();
        var fell = log.WhenLogged($"{device} synthetic fall");
        var options = new SimulationOptions { BrokerHost = _site.Broker.Host, BrokerPort = _site.Broker.Port, Site = GatewayConfig.Site, Speed = 1, DurationSeconds = 3600 };
        var alert = WatchAlert(f.Resident, "FALL");

        // The wearable then streams on for the rest of the drill, through the broker faults.
        _simulation = new Simulation(options, scenario, null, log);
        _stopSimulation = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var simulation = _simulation;
        var stop = _stopSimulation.Token;
        _simulating = Task.Run(() => simulation.RunAsync(stop), CancellationToken.None);
        var at = await fell.WaitAsync(Wait, ct);
        return (await alert.Within(at, Wait, ct)) with { Note = "new boot's batches not taken for duplicates; it streams on" };
    }

    private async Task<Outcome> BrokerDownAsync(Fault f, bool kill, CancellationToken ct)
    {
        if (_offlineBeforeBroker < 0)
        {
            _offlineBeforeBroker = OfflinePages().Count;
        }

        if (kill)
        {
            _site.Broker.Kill();
            await WaitQuietly(TimeSpan.FromSeconds(2), ct); // the outage itself: part of the fault, not a wait for a signal
            await _site.Broker.StartAsync();
        }
        else
        {
            await _site.Broker.RestartAsync();
        }

        _brokerBackAt = Stopwatch.GetTimestamp();

        // The sensor presses as soon as the broker is back; its client queues the press until it has reconnected.
        var alert = WatchAlert(f.Resident, "CALL");
        var at = Stopwatch.GetTimestamp();
        await _site.Sensors.ButtonAsync(Device(f));
        var outcome = await alert.Within(at, Wait, ct);
        return outcome with { Note = "gateway and sensor reconnected" };
    }

    private async Task<Outcome> DiskFullAsync(Fault f, CancellationToken ct)
    {
        if (_disk is null)
        {
            return new Outcome(null, "-", "skipped: needs the tmpfs", Ok: false);
        }

        var filler = _disk.Fill();
        Outcome outcome;
        try
        {
            outcome = await CallAsync(f, ct);
        }
        finally
        {
            File.Delete(filler);
        }

        await _site.Gateway.WaitForLineAsync("stores incidents again", Wait);
        return outcome with { Note = "paged from memory; stored once the disk had room" };
    }

    private async Task<Outcome> CloudDownAsync(Fault f, CancellationToken ct)
    {
        await _cloud.KillAsync();
        Outcome outcome;
        try
        {
            outcome = await CallAsync(f, ct);
        }
        finally
        {
            await _cloud.StartAsync(Wait);
        }

        return outcome with { Note = "queued for the cloud, sent when it was back" };
    }

    private async Task<Outcome> UplinkRefusedAsync(Fault f, CancellationToken ct)
    {
        // The gateway id the provision tool used to write (the site id) where the cloud knows the gateway as drill-gw.
        await RestartGatewayAsync(new Dictionary<string, string?> { ["Uplink:GatewayId"] = _cloud.SiteId });
        var fault = WatchAlert("Cloud uplink", "GATEWAY FAULT");
        var alert = WatchAlert(f.Resident, "CALL");
        var at = Stopwatch.GetTimestamp();
        await _site.Sensors.ButtonAsync(Device(f));
        var call = await alert.Within(at, Wait, ct);
        var faulted = await fault.Within(at, Wait, ct); // the call's events are refused: the fault says so

        // The technician fixes the id, restarts the gateway and sends the refused events again.
        await RestartGatewayAsync(new Dictionary<string, string?> { ["Uplink:GatewayId"] = _cloud.GatewayId });
        var configuration = AppContext.BaseDirectory.Contains("/bin/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        using var resend = ChildProcess.Start(Path.Combine(TestData.RepoRoot, "edge"), ["provision", "uplink", "resend", "--db", _site.DatabasePath], TestData.RepoRoot,
            new Dictionary<string, string> { ["EDGE_NO_BUILD"] = "1", ["EDGE_CONFIGURATION"] = configuration }, "edge provision");
        var code = await resend.WaitForExitAsync(Wait);
        var said = resend.Lines.LastOrDefault(l => l.Length > 0) ?? "";
        return call with
        {
            Note = $"gateway fault 'cloud refused' on the {faulted.Channel} {faulted.Latency?.TotalSeconds:F1} s after the press; after the fix: {(code == 0 ? said : "resend FAILED: " + said)}",
            Ok = call.Ok && faulted.Latency <= f.Target && code == 0,
        };
    }

    private async Task RestartGatewayAsync(IReadOnlyDictionary<string, string?> changes)
    {
        await _site.Gateway.SignalAsync("TERM");
        await _site.Gateway.WaitForExitAsync(Wait);
        await _site.ReconfigureAsync(changes);
        _site.StartGateway();
        await _site.WaitReadyAsync();
    }

    // ---- no offline storm ----

    private List<string> OfflinePages() => [.. _site.Pager.Lines.Where(l => l.Contains("OFFLINE", StringComparison.Ordinal)).Select(l => l.Trim())];

    /// <summary>
    /// A broker restart publishes the wills of the sensors connected to it (the simulated wearable streams on through
    /// both broker faults): none of them may be paged offline, also after the gateway's reconnect grace (20 s here).
    /// </summary>
    private async Task<bool> CheckNoOfflineAfterBrokerFaultsAsync(CancellationToken ct)
    {
        if (_brokerBackAt is not { } back)
        {
            return true;
        }

        // A decision deferred by the grace would page after it: let the grace and a margin pass before counting.
        var left = TimeSpan.FromSeconds(25) - Stopwatch.GetElapsedTime(back);
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left, ct);
        }

        var offline = OfflinePages();
        var before = offline.Take(_offlineBeforeBroker).ToList();
        var after = offline.Skip(_offlineBeforeBroker).ToList();
        if (before.Count > 0)
        {
            Say($"before the broker faults: {string.Join(" / ", before)} (the rebooting sensor's last will, cleared when it came back)");
        }

        Say(after.Count == 0
            ? $"no SENSOR OFFLINE page after the broker kill and restart{(_simulation is null ? "" : " (the streaming wearable's will was published at the restart)")}, 25 s on"
            : $"MISSED: SENSOR OFFLINE paged after the broker faults though every sensor came back: {string.Join(" / ", after)}");
        return after.Count == 0;
    }

    // ---- the cloud: exactly once ----

    private async Task<bool> CheckCloudAsync(CancellationToken ct)
    {
        // The uplink drains within a few polls once everything is back. Then the gateway stops (its escalations would
        // go on adding notification attempts), and the real uplink sender alone delivers what the last seconds queued:
        // the gateway's database then says exactly what the cloud must hold.
        await UntilAsync(async () => await ScalarAsync("SELECT COUNT(*) FROM uplink_outbox WHERE priority = 0") == 0, "the gateway's alert outbox to drain", ct);
        await _site.Gateway.SignalAsync("TERM");
        await _site.Gateway.WaitForExitAsync(Wait);
        if (await ScalarAsync("SELECT COUNT(*) FROM uplink_outbox") > 0)
        {
            using var uplink = ChildProcess.StartDotnet(CloudProcess.BuiltDll("tests/Edge.Uplink.ChildProcess", "Edge.Uplink.ChildProcess"),
            [
                "--db", _site.DatabasePath, "--Uplink:Enabled", "true", "--Uplink:CloudUrl", _cloud.Url, "--Uplink:GatewayId", _cloud.GatewayId,
                "--Uplink:SiteId", _cloud.SiteId, "--Uplink:GatewayKey", _cloud.GatewayKey, "--Uplink:PollInterval", "00:00:00.200",
            ]);
            await uplink.WaitForExitAsync(Wait);
        }

        var transitions = await PerIncidentAsync("SELECT incident_id, COUNT(*) FROM incident_transitions GROUP BY incident_id");
        var attempts = await ScalarAsync("SELECT COUNT(*) FROM notification_attempts");
        var dead = await ScalarAsync("SELECT COUNT(*) FROM uplink_dead_letters");
        var events = _cloud.Events();
        var prefix = _cloud.GatewayId + ":";
        int missing = 0, duplicated = 0, misnamed = 0;
        foreach (var (incident, count) in transitions)
        {
            var of = events.Where(e => Edge.Cloud.Contracts.UplinkEventTypes.IsIncident(e.Type) && e.IncidentId == prefix + incident.ToString(CultureInfo.InvariantCulture)).ToList();
            var distinct = of.Select(e => e.Sequence).Distinct().Count();
            missing += Math.Max(0, count - distinct);
            duplicated += of.Count - distinct;
        }

        misnamed = events.Count(e => e.GatewayId != _cloud.GatewayId || (Edge.Cloud.Contracts.UplinkEventTypes.IsIncident(e.Type) && e.IncidentId?.StartsWith(prefix, StringComparison.Ordinal) != true));
        var cloudAttempts = events.Count(e => e.Type == Edge.Cloud.Contracts.UplinkEventTypes.NotificationAttempt);
        var keys = events.Count - events.Select(e => e.IdempotencyKey).Distinct().Count();
        var ok = missing == 0 && duplicated == 0 && misnamed == 0 && keys == 0 && dead == 0 && cloudAttempts == attempts;
        Say($"cloud: {transitions.Count} incidents, {transitions.Values.Sum()} transitions and {attempts} notification attempts on the gateway; at the cloud {events.Count(e => Edge.Cloud.Contracts.UplinkEventTypes.IsIncident(e.Type))} incident events, {cloudAttempts} attempts: "
            + $"{missing} missing, {duplicated + keys} duplicated, {misnamed} under another id, {dead} left in the dead letters{(ok ? "" : "  MISSED")}");
        return ok;
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var c = Open();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private async Task<Dictionary<long, int>> PerIncidentAsync(string sql)
    {
        await using var c = Open();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        var result = new Dictionary<long, int>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            result[r.GetInt64(0)] = r.GetInt32(1);
        }

        return result;
    }

    private SqliteConnection Open()
    {
        var c = new SqliteConnection($"Data Source={_site.DatabasePath};Pooling=False;Default Timeout=30");
        c.Open();
        return c;
    }

    // ---- waiting ----

    /// <summary>The first alert for <paramref name="text"/>: a page of <paramref name="kind"/> on the pager, or a webhook call naming it.</summary>
    private AlertWatch WatchAlert(string text, string kind)
    {
        var pager = _site.WaitForPageAsync(kind, text, Wait).ContinueWith(t => (Stopwatch.GetTimestamp(), "pager", t), TaskScheduler.Default);
        var hook = _site.Webhook.WaitForAsync(b => b.Contains(text, StringComparison.Ordinal), Wait).ContinueWith(t => (Stopwatch.GetTimestamp(), "webhook", t), TaskScheduler.Default);
        return new AlertWatch(pager, hook);
    }

    private static Task UntilAsync(Func<Task<bool>> condition, string what, CancellationToken ct) => UntilAsync(condition, () => what, ct);

    private static async Task UntilAsync(Func<Task<bool>> condition, Func<string> what, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(Wait);
        while (!await condition())
        {
            try
            {
                await timer.WaitForNextTickAsync(cts.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException($"Timed out after {Wait.TotalSeconds:F0} s waiting for {what()}.");
            }
        }
    }

    private static async Task WaitQuietly(TimeSpan delay, CancellationToken ct) => await Task.Delay(delay, ct);

    /// <summary>Whichever channel shows the alert first.</summary>
    private sealed class AlertWatch(Task<(long At, string Channel, Task<string> Wait)> pager, Task<(long At, string Channel, Task<string> Wait)> hook)
    {
        public async Task<Outcome> Within(long eventAt, TimeSpan timeout, CancellationToken ct)
        {
            var pending = new List<Task<(long At, string Channel, Task<string> Wait)>> { pager, hook };
            while (pending.Count > 0)
            {
                var done = await Task.WhenAny(pending).WaitAsync(timeout, ct);
                pending.Remove(done);
                var (at, channel, wait) = await done;
                if (wait.IsCompletedSuccessfully)
                {
                    return new Outcome(Stopwatch.GetElapsedTime(eventAt, at), channel, "");
                }
            }

            throw new TimeoutException($"no alert on any channel within {timeout.TotalSeconds:F0} s");
        }
    }
}
