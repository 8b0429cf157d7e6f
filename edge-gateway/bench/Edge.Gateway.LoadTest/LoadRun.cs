// Over 400 lines on purpose: one measured run from start to report (three processes, sampling, faults, the results table), kept in the order it happens.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Edge.Mqtt.Broker;

namespace Edge.Gateway.LoadTest;

internal sealed class LoadOptions
{
    public int DurationSeconds { get; set; } = 300;

    public int WarmupSeconds { get; set; } = 30;

    public int Devices { get; set; } = 1000;

    public double FallsPerHour { get; set; } = 2;

    public string WorkDir { get; set; } = Path.Combine(Path.GetTempPath(), "edge-loadtest");

    public string RepoRoot { get; set; } = Directory.GetCurrentDirectory();

    /// <summary>Window second at which the gateway is frozen (SIGSTOP), as a GC pause or a starved core would; null: never.</summary>
    public int? PauseAtSeconds { get; set; }

    /// <summary>How long the gateway stays frozen before SIGCONT.</summary>
    public int PauseForSeconds { get; set; }
}

/// <summary>One measured run: broker, gateway and simulator as separate processes.</summary>
internal sealed partial class LoadRun(LoadOptions o)
{
    private const string Site = "load";

    // The broker keeps at most this many messages for a client whose in-flight window is full or
    // that is offline. Sized on purpose: 60 s of the whole site (1 batch/s/device) for the gateway's
    // persistent session, so a gateway restart of up to a minute loses nothing. Past it Mosquitto
    // drops silently and counts it in $SYS/broker/publish/messages/dropped.
    private int MaxQueuedMessages => o.Devices * 60;

    private readonly List<double> _latencies = [];
    private readonly List<double> _allLatencies = [];
    private readonly StringBuilder _report = new();
    private volatile bool _inWindow;
    private StreamWriter? _gatewayLog;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var gatewayDll = Path.Combine(o.RepoRoot, "edge-gateway/src/Edge.Gateway/bin/Release/net10.0/Edge.Gateway.dll");
        var simDll = Path.Combine(o.RepoRoot, "firmware/src/Edge.Simulator/bin/Release/net10.0/edge-sim.dll");
        var modelDir = Path.Combine(o.RepoRoot, "models/fall-model");
        foreach (var f in new[] { gatewayDll, simDll, Path.Combine(modelDir, "manifest.json") })
        {
            if (!File.Exists(f))
            {
                Console.Error.WriteLine($"loadtest: {f} not found (build the gateway and simulator with -c Release; run from the repo root or pass --repo)");
                return 2;
            }
        }

        if (Directory.Exists(o.WorkDir))
        {
            Directory.Delete(o.WorkDir, recursive: true);
        }

        Directory.CreateDirectory(o.WorkDir);
        var brokerPort = MosquittoProcess.FreePort();
        var httpPort = MosquittoProcess.FreePort();
        var brokerConf = WriteBrokerConfig(brokerPort);
        var siteFile = WriteSiteFile();
        var scenarioFile = WriteScenario();
        var gatewayConf = WriteGatewayConfig(brokerPort, httpPort, siteFile, modelDir);

        Say($"loadtest: {o.Devices} devices, streaming 50 Hz (1 batch/s each), {o.FallsPerHour} synthetic falls/h/device, warm-up {o.WarmupSeconds} s, window {o.DurationSeconds} s; work dir {o.WorkDir}");
        Say($"machine: {Environment.ProcessorCount} cores {System.Runtime.InteropServices.RuntimeInformation.OSArchitecture}, .NET {Environment.Version}, load average at start {ProcStats.LoadAverage()}");

        await using var broker = await MosquittoProcess.StartAsync(brokerConf, "127.0.0.1", brokerPort);
        Say($"broker: mosquitto pid {broker.ProcessId} on 127.0.0.1:{brokerPort}, plain TCP (no TLS), max_queued_messages {MaxQueuedMessages}, sys_interval 1");

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/"), Timeout = TimeSpan.FromSeconds(30) };
        using var gateway = StartChild("dotnet", [gatewayDll, "--config", gatewayConf], OnGatewayLine);
        Say($"gateway: pid {gateway.Id} (log {Path.Combine(o.WorkDir, "gateway.log")})");
        _gatewayLog = new StreamWriter(Path.Combine(o.WorkDir, "gateway.log")) { AutoFlush = false };
        Process? sim = null;
        try
        {
            await WaitForAsync(async () => await TryIngestAsync(http, ct) is not null, TimeSpan.FromSeconds(90), "the gateway's status endpoint", gateway, ct);

            var simLog = new StreamWriter(Path.Combine(o.WorkDir, "simulator.log"));
            sim = StartChild("dotnet", [simDll, "--broker", $"127.0.0.1:{brokerPort}", "--site", Site, "--scenario", scenarioFile, "--duration", "86400"], l =>
            {
                lock (simLog)
                {
                    simLog.WriteLine(l);
                }
            });
            Say($"simulator: pid {sim.Id}; waiting for all {o.Devices} devices to reach the gateway");
            var connectWatch = Stopwatch.StartNew();
            await WaitForAsync(async () => (await TryIngestAsync(http, ct))?.DevicesSeen >= o.Devices, TimeSpan.FromMinutes(5), "every device's first batch", sim, ct);
            Say($"all {o.Devices} devices delivering after {connectWatch.Elapsed.TotalSeconds:F0} s; warm-up {o.WarmupSeconds} s");

            var rss = new List<(double T, double Gateway, double Broker, double Sim)>();
            var warm = Stopwatch.StartNew();
            while (warm.Elapsed.TotalSeconds < o.WarmupSeconds)
            {
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(10, o.WarmupSeconds - warm.Elapsed.TotalSeconds)), ct);
            }

            // Measured window.
            var a = await SnapshotAsync(http, broker.ProcessId, gateway.Id, sim.Id, brokerPort, ct);
            _inWindow = true;
            var window = Stopwatch.StartNew();
            rss.Add((0, ProcStats.RssMiB(gateway.Id), ProcStats.RssMiB(broker.ProcessId), ProcStats.RssMiB(sim.Id)));
            var minute = (At: a.At, Gateway: a.GatewayCpu, Broker: a.BrokerCpu, Received: a.Ingest.Received);
            var paused = false;
            while (window.Elapsed.TotalSeconds < o.DurationSeconds)
            {
                var next = Math.Min(10 * rss.Count, o.DurationSeconds);
                if (o.PauseAtSeconds is { } pauseAt && !paused && pauseAt < next)
                {
                    // The fault: the gateway freezes mid-stream; the broker keeps its session's messages meanwhile.
                    await Task.Delay(TimeSpan.FromSeconds(Math.Max(0, pauseAt - window.Elapsed.TotalSeconds)), ct);
                    Signal(gateway.Id, "STOP");
                    Say(string.Create(CultureInfo.InvariantCulture, $"  t={window.Elapsed.TotalSeconds,4:F0} s  gateway frozen (SIGSTOP) for {o.PauseForSeconds} s"));
                    await Task.Delay(TimeSpan.FromSeconds(o.PauseForSeconds), ct);
                    Signal(gateway.Id, "CONT");
                    Say(string.Create(CultureInfo.InvariantCulture, $"  t={window.Elapsed.TotalSeconds,4:F0} s  gateway resumed (SIGCONT)"));
                    paused = true;
                    continue;
                }

                var wait = next - window.Elapsed.TotalSeconds;
                if (wait > 0)
                {
                    // A little past the mark: a timer may fire a hair early.
                    await Task.Delay(TimeSpan.FromSeconds(wait + 0.05), ct);
                }

                EnsureRunning(gateway, "gateway");
                EnsureRunning(sim, "simulator");
                rss.Add((window.Elapsed.TotalSeconds, ProcStats.RssMiB(gateway.Id), ProcStats.RssMiB(broker.ProcessId), ProcStats.RssMiB(sim.Id)));
                Console.WriteLine($"  t={window.Elapsed.TotalSeconds,4:F0} s  RSS gateway {rss[^1].Gateway:F1} MiB, broker {rss[^1].Broker:F1} MiB, simulator {rss[^1].Sim:F1} MiB; load {ProcStats.LoadAverage()}");
                if (rss.Count % 6 == 1 || paused && rss.Count % 6 != 1 && window.Elapsed.TotalSeconds - (o.PauseAtSeconds ?? 0) < 90)
                {
                    // Each minute (and every 10 s for 90 s after a freeze): what the gateway took in and what it cost.
                    var now = (At: DateTimeOffset.UtcNow, Gateway: ProcStats.CpuSeconds(gateway.Id), Broker: ProcStats.CpuSeconds(broker.ProcessId),
                        Received: (await TryIngestAsync(http, ct))?.Received ?? minute.Received);
                    var n = now.Received - minute.Received;
                    var dt = (now.At - minute.At).TotalSeconds;
                    Say(string.Create(CultureInfo.InvariantCulture,
                        $"  t={window.Elapsed.TotalSeconds,4:F0} s  last {dt:F0} s: gateway received {n / dt:F0}/s; CPU gateway {(now.Gateway - minute.Gateway) / Math.Max(1, n) * 1e6:F1} µs/msg, broker {(now.Broker - minute.Broker) / Math.Max(1, n) * 1e6:F1} µs per gateway msg"));
                    minute = now;
                }
            }

            var b = await SnapshotAsync(http, broker.ProcessId, gateway.Id, sim.Id, brokerPort, ct);
            _inWindow = false;
            var incidents = await CountIncidentsAsync(http, ct);
            Report(a, b, rss, incidents);
            return 0;
        }
        finally
        {
            if (sim is { HasExited: false })
            {
                sim.Kill(entireProcessTree: true);
            }

            if (!gateway.HasExited)
            {
                gateway.Kill(entireProcessTree: true);
            }

            await broker.StopAsync();
            sim?.Dispose();
            lock (_latencies)
            {
                _gatewayLog?.Dispose();
                _gatewayLog = null;
            }
        }
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {pid} failed (exit {kill.ExitCode})");
        }
    }

    private static void EnsureRunning(Process p, string what)
    {
        if (p.HasExited)
        {
            throw new InvalidOperationException($"the {what} exited (code {p.ExitCode}) during the run; see its log in the work dir");
        }
    }

    private void OnGatewayLine(string line)
    {
        var m = CommittedLine().Match(line);
        lock (_latencies)
        {
            _gatewayLog?.WriteLine(line);
            if (m.Success)
            {
                var ms = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                _allLatencies.Add(ms);
                if (_inWindow)
                {
                    _latencies.Add(ms);
                }
            }
        }
    }

    [GeneratedRegex(@"\[2006\].* committed ([0-9]+(?:\.[0-9]+)?) ms after")]
    private static partial Regex CommittedLine();

    private sealed record Snapshot(
        DateTimeOffset At,
        double GatewayCpu,
        double BrokerCpu,
        double SimCpu,
        IngestSums Ingest,
        IReadOnlyDictionary<string, string> Sys,
        string LoadAverage);

    private sealed record IngestSums(int DevicesSeen, long Received, long BatchesDelivered, long QueueDropped, long Malformed, long Gaps, long Duplicates, long Late, long Reordered, long Reboots, long TransportDropped, long Unknown, long GatewaySawBrokerDropped);

    private async Task<Snapshot> SnapshotAsync(HttpClient http, int brokerPid, int gatewayPid, int simPid, int brokerPort, CancellationToken ct)
    {
        // CPU first (cheap), then the endpoints: what reading them costs falls inside the window.
        var at = DateTimeOffset.UtcNow;
        var g = ProcStats.CpuSeconds(gatewayPid);
        var br = ProcStats.CpuSeconds(brokerPid);
        var s = ProcStats.CpuSeconds(simPid);
        var ingest = await TryIngestAsync(http, ct) ?? throw new InvalidOperationException("the gateway's /api/ingest did not answer");
        var sys = await ReadSysAsync(brokerPort, ct);
        return new Snapshot(at, g, br, s, ingest, sys, ProcStats.LoadAverage());
    }

    private static async Task<IngestSums?> TryIngestAsync(HttpClient http, CancellationToken ct)
    {
        try
        {
            using var stream = await http.GetStreamAsync(new Uri("api/ingest", UriKind.Relative), ct);
            using var doc = await JsonDocument.ParseAsync(stream, cancellationToken: ct);
            var root = doc.RootElement;
            var totals = root.GetProperty("totals");
            int seen = 0;
            long received = 0, delivered = 0, dropped = 0, malformed = 0, gaps = 0, dups = 0, late = 0, reordered = 0, reboots = 0;
            foreach (var d in root.GetProperty("devices").EnumerateArray())
            {
                var r = d.GetProperty("received").GetInt64();
                seen += r > 0 ? 1 : 0;
                received += r;
                delivered += d.GetProperty("batchesDelivered").GetInt64();
                dropped += d.GetProperty("queueDropped").GetInt64();
                gaps += d.GetProperty("gapBatches").GetInt64();
                dups += d.GetProperty("duplicates").GetInt64();
                late += d.GetProperty("late").GetInt64();
                reordered += d.GetProperty("reordered").GetInt64();
                reboots += d.GetProperty("reboots").GetInt64();
                foreach (var reason in d.GetProperty("malformed").EnumerateObject())
                {
                    malformed += reason.Value.GetInt64();
                }
            }

            return new IngestSums(seen, received, delivered, dropped, malformed, gaps, dups, late, reordered, reboots,
                totals.GetProperty("transportDropped").GetInt64(), totals.GetProperty("unknownDeviceMessages").GetInt64(),
                root.TryGetProperty("session", out var session) ? session.GetProperty("brokerDropped").GetInt64() : -1);
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
    }

    private static async Task<Dictionary<string, int>> CountIncidentsAsync(HttpClient http, CancellationToken ct)
    {
        using var stream = await http.GetStreamAsync(new Uri("api/incidents/recent", UriKind.Relative), ct);
        using var doc = await JsonDocument.ParseAsync(stream, cancellationToken: ct);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var i in doc.RootElement.EnumerateArray())
        {
            var type = i.GetProperty("type").GetString() ?? "?";
            counts[type] = counts.GetValueOrDefault(type) + 1;
        }

        return counts;
    }

    // The broker's own counters: $SYS topics are retained, so a short subscription reads them all.
    private static async Task<IReadOnlyDictionary<string, string>> ReadSysAsync(int port, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("mosquitto_sub") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-i", "loadtest-sys", "-v", "-W", "10",
            "-t", "$SYS/broker/publish/messages/dropped", "-t", "$SYS/broker/publish/messages/received", "-t", "$SYS/broker/publish/messages/sent" })
        {
            psi.ArgumentList.Add(arg);
        }

        using var p = Process.Start(psi) ?? throw new InvalidOperationException("mosquitto_sub did not start");
        // Read line by line and stop once all three retained values are in; -W 10 is only the limit. (Twice at the end of
        // a run the drop counter did not come while the other two did, for reasons not found: a fresh broker with the
        // same configuration sends it, retained, as 0. It is then reported as NOT READ, never guessed.)
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        while (values.Count < 3 && await p.StandardOutput.ReadLineAsync(ct) is { } line)
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0)
            {
                values[line[..space]] = line[(space + 1)..].Trim();
            }
        }

        if (!p.HasExited)
        {
            p.Kill();
        }

        await p.WaitForExitAsync(ct);

        return values;
    }

    private static long Sys(Snapshot s, string topic) =>
        s.Sys.TryGetValue("$SYS/broker/" + topic, out var v) && long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : -1;

    private void Report(Snapshot a, Snapshot b, List<(double T, double Gateway, double Broker, double Sim)> rss, Dictionary<string, int> incidents)
    {
        var seconds = (b.At - a.At).TotalSeconds;
        var gwMessages = b.Ingest.Received - a.Ingest.Received;
        var gwBatches = b.Ingest.BatchesDelivered - a.Ingest.BatchesDelivered;
        var brokerIn = Sys(b, "publish/messages/received") - Sys(a, "publish/messages/received");
        var brokerOut = Sys(b, "publish/messages/sent") - Sys(a, "publish/messages/sent");
        var gwCpu = b.GatewayCpu - a.GatewayCpu;
        var brCpu = b.BrokerCpu - a.BrokerCpu;
        var simCpu = b.SimCpu - a.SimCpu;
        var gwPerMsg = gwCpu / gwMessages * 1e6;
        var brPerMsg = brCpu / brokerIn * 1e6;
        var brPerGwMsg = brCpu / gwMessages * 1e6;
        double[] lat;
        lock (_latencies)
        {
            lat = [.. _latencies.Order()];
        }

        string P(double q) => lat.Length == 0 ? "n/a" : Percentile(lat, q).ToString("F1", CultureInfo.InvariantCulture);
        var afterWarm = rss.Where(r => r.T >= 0).ToList();
        var slope = Slope(afterWarm.Select(r => (r.T, r.Gateway)).ToList()) * 60;
        var inv = CultureInfo.InvariantCulture;

        Say("");
        Say($"## Results ({DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC)");
        Say("");
        Say("| Measure | Value | Target |");
        Say("| --- | --- | --- |");
        Say(string.Create(inv, $"| Devices / window | {o.Devices} streaming at 50 Hz / {seconds:F0} s after {o.WarmupSeconds} s warm-up | 1,000 for 5 min |"));
        Say(string.Create(inv, $"| Messages the gateway received in the window (all kinds) | {gwMessages:N0} ({gwMessages / seconds:F0}/s); accel batches delivered to detection {gwBatches:N0} | ~{o.Devices * seconds:N0} batches |"));
        Say(string.Create(inv, $"| Broker PUBLISH received / sent in the window | {brokerIn:N0} / {brokerOut:N0} | |"));
        Say(string.Create(inv, $"| Broker drop counter (`$SYS/broker/publish/messages/dropped`), whole run | {(b.Sys.TryGetValue("$SYS/broker/publish/messages/dropped", out var dropped) ? dropped : "NOT READ")} here; the gateway's live subscription last read {(b.Ingest.GatewaySawBrokerDropped >= 0 ? b.Ingest.GatewaySawBrokerDropped.ToString(inv) : "nothing")} | 0 |"));
        Say(string.Create(inv, $"| Gateway sequence gaps (batches), window / whole run | {b.Ingest.Gaps - a.Ingest.Gaps} / {b.Ingest.Gaps} | 0 |"));
        Say(string.Create(inv, $"| Gateway queue drops / transport drops / malformed / duplicates / late / reboots / unknown-device msgs (whole run) | {b.Ingest.QueueDropped} / {b.Ingest.TransportDropped} / {b.Ingest.Malformed} / {b.Ingest.Duplicates} / {b.Ingest.Late} / {b.Ingest.Reboots} / {b.Ingest.Unknown} | 0 |"));
        Say(string.Create(inv, $"| Gateway CPU in the window | {gwCpu:F1} s ({gwCpu / seconds * 100:F0} % of one core) = **{gwPerMsg:F1} µs per message** | ≤ broker's |"));
        Say(string.Create(inv, $"| Broker CPU in the window | {brCpu:F1} s ({brCpu / seconds * 100:F0} % of one core) = **{brPerMsg:F1} µs per message** (per PUBLISH received; it also sends each once); per message the gateway received {brPerGwMsg:F1} µs | |"));
        Say(string.Create(inv, $"| Simulator CPU in the window (1,000 firmware cores + their MQTT clients) | {simCpu:F1} s ({simCpu / seconds * 100:F0} % of one core) | |"));
        Say(string.Create(inv, $"| Batch arrival → fall incident committed (event 2006 = `edge.gateway.detection.latency`), falls in window | n = {lat.Length}; p50 {P(0.50)} ms, p99 **{P(0.99)} ms**, max {(lat.Length == 0 ? "n/a" : lat[^1].ToString("F1", inv))} ms | p99 ≤ 50 ms |"));
        Say(string.Create(inv, $"| Gateway RSS over the window (every 10 s) | start {afterWarm[0].Gateway:F1} MiB, end {afterWarm[^1].Gateway:F1} MiB, min {afterWarm.Min(r => r.Gateway):F1}, max {afterWarm.Max(r => r.Gateway):F1}; trend {slope:+0.00;-0.00} MiB/min | flat |"));
        Say(string.Create(inv, $"| Broker RSS start / end | {afterWarm[0].Broker:F1} / {afterWarm[^1].Broker:F1} MiB | |"));
        Say(string.Create(inv, $"| Simulator RSS start / end | {afterWarm[0].Sim:F1} / {afterWarm[^1].Sim:F1} MiB | |"));
        Say($"| Incidents raised (last 24 h, whole run) | {(incidents.Count == 0 ? "none" : string.Join(", ", incidents.Select(kv => $"{kv.Key} {kv.Value}")))} | |");
        Say($"| Load average at window start / end | {a.LoadAverage} / {b.LoadAverage} | |");
        File.WriteAllText(Path.Combine(o.WorkDir, "results.md"), _report.ToString());
        Console.WriteLine($"written: {Path.Combine(o.WorkDir, "results.md")}");
    }

    private static double Percentile(double[] sorted, double q)
    {
        // Nearest rank: with few samples the p99 is the largest or next-largest, never an interpolation.
        var rank = (int)Math.Ceiling(q * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    private static double Slope(List<(double X, double Y)> points)
    {
        if (points.Count < 2)
        {
            return 0;
        }

        var mx = points.Average(p => p.X);
        var my = points.Average(p => p.Y);
        var num = points.Sum(p => (p.X - mx) * (p.Y - my));
        var den = points.Sum(p => (p.X - mx) * (p.X - mx));
        return den == 0 ? 0 : num / den;
    }

    private void Say(string line)
    {
        Console.WriteLine(line);
        _report.AppendLine(line);
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, Process watched, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watched.HasExited)
            {
                throw new InvalidOperationException($"waiting for {what}: the child process exited with code {watched.ExitCode} (see its log in the work dir)");
            }

            if (sw.Elapsed > timeout)
            {
                throw new TimeoutException($"waiting for {what}: nothing after {timeout.TotalSeconds:F0} s");
            }

            await Task.Delay(TimeSpan.FromSeconds(2), ct);
        }
    }

    private Process StartChild(string file, string[] args, Action<string> onLine)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = o.RepoRoot,
        };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } l)
            {
                onLine(l);
            }
        };
        p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } l)
            {
                onLine(l);
            }
        };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private string WriteBrokerConfig(int port)
    {
        var path = Path.Combine(o.WorkDir, "mosquitto.conf");
        File.WriteAllText(path, string.Create(CultureInfo.InvariantCulture, $"""
            # Load-test broker: plain TCP on loopback (the measurement is of CPU and loss, not of TLS).
            listener {port} 127.0.0.1
            allow_anonymous true
            persistence false
            max_connections -1
            max_queued_messages {MaxQueuedMessages}
            max_queued_bytes 0
            sys_interval 1
            log_dest stderr
            log_type error
            log_type warning
            log_type notice
            log_type information
            connection_messages false
            user {Environment.UserName}

            """));
        return path;
    }

    private string WriteSiteFile()
    {
        var devices = Enumerable.Range(0, o.Devices).Select(i => $"sim-{i:D4}").ToList();
        var site = new
        {
            site = new { id = Site, name = "Load test" },
            units = new[] { new { id = "u1", name = "Unit 1" } },
            rooms = devices.Select((d, i) => new { id = $"r{i:D4}", unit = "u1", name = $"Room {i}" }),
            residents = devices.Select((d, i) => new { id = $"res-{i:D4}", name = $"Resident {i}", room = $"r{i:D4}" }),
            staff = new[] { new { id = "carer-1", name = "Carer", role = "carer" } },
            devices = devices.Select((d, i) => new { id = d, resident = $"res-{i:D4}" }),
        };
        var path = Path.Combine(o.WorkDir, "site.json");
        File.WriteAllText(path, JsonSerializer.Serialize(site));
        return path;
    }

    private string WriteScenario()
    {
        var scenario = new
        {
            site = Site,
            sampleRateHz = 50,
            mode = "streaming",
            generate = new { count = o.Devices, prefix = "sim-", motion = "mixed", fallsPerHour = o.FallsPerHour },
        };
        var path = Path.Combine(o.WorkDir, "scenario.json");
        File.WriteAllText(path, JsonSerializer.Serialize(scenario));
        return path;
    }

    private string WriteGatewayConfig(int brokerPort, int httpPort, string siteFile, string modelDir)
    {
        var config = new
        {
            Mqtt = new { Host = "127.0.0.1", Port = brokerPort, ClientId = "edge-gateway-load" },
            Ingest = new { SiteId = Site },
            Storage = new { DatabasePath = Path.Combine(o.WorkDir, "gateway.db") },
            Detection = new { ModelDirectory = modelDir, DeviceSampleRateHz = 50 },
            Registry = new { SeedFile = siteFile },
            Diagnostics = new { HttpPort = httpPort },
        };
        var path = Path.Combine(o.WorkDir, "gateway.json");
        File.WriteAllText(path, JsonSerializer.Serialize(config));
        return path;
    }
}
