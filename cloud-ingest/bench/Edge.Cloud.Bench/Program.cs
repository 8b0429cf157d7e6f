using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Edge.Cloud.Api;
using Edge.Cloud.Api.Admin;
using Edge.Cloud.Contracts;
using Edge.Cloud.Data;
using Edge.TestKit;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

// usage: Edge.Cloud.Bench [--engine sqlite|postgres|both] [--events N] [--batch N] [--concurrency N] [--gateways N] [--pg CONNECTION]
var opts = Args.Parse(args);
var engines = opts.Get("engine", "both") switch
{
    "both" => new[] { "sqlite", "postgres" },
    var e => [e],
};
var results = new List<string>();
foreach (var engine in engines)
{
    results.Add(await Bench.RunAsync(engine, opts));
}

Console.WriteLine();
Console.WriteLine($"machine: {Environment.ProcessorCount} cores {RuntimeInformation.OSArchitecture}, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}");
Console.WriteLine("| engine | events | batch | concurrent clients | gateways | seconds | events/s | batch p50 ms | batch p95 ms |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
results.ForEach(Console.WriteLine);
return 0;

internal static class Bench
{
    public static async Task<string> RunAsync(string engine, Args opts)
    {
        var events = opts.GetInt("events", 200_000);
        var batchSize = opts.GetInt("batch", 500);
        var concurrency = opts.GetInt("concurrency", 4);
        var gateways = opts.GetInt("gateways", 4);

        using var temp = new TempDirectory("edge-cloud-bench");
        PostgresServer? pg = null;
        string connectionString;
        if (engine == "postgres")
        {
            if (opts.Get("pg", "") is { Length: > 0 } given)
            {
                connectionString = given;
            }
            else
            {
                // PostgreSQL's durable defaults (fsync on): the numbers are what a real deployment gets.
                pg = await PostgresServer.StartAsync(durable: true);
                connectionString = await pg.CreateDatabaseAsync("bench");
            }
        }
        else
        {
            connectionString = $"Data Source={temp.File("bench.db")}";
        }

        try
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = temp.Path });
            builder.Configuration["Storage:Provider"] = engine;
            builder.Configuration["Storage:ConnectionString"] = connectionString;
            builder.Configuration["Ingest:RequestsPerSecond"] = "100000";
            builder.Configuration["Ingest:Burst"] = "100000";
            builder.Logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning);
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.AddCloudIngest();
            await using var app = builder.Build();
            app.MapCloudIngest();
            await app.StartAsync();
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

            var admin = AdminCommands.For(app.Services.GetRequiredService<CloudStore>(), TimeProvider.System);
            await admin.CreateOrganisationAsync("bench-org", "Bench");
            await admin.CreateSiteAsync("bench-site", "bench-org", "Bench House");
            var keys = new List<(string Gateway, string Key)>();
            for (var g = 0; g < gateways; g++)
            {
                keys.Add(($"bench-gw-{g}", await admin.CreateGatewayAsync($"bench-gw-{g}", "bench-site")));
            }

            // Batches are serialised before the clock starts; each gateway sends its own incidents.
            var batches = Workload.Build(events, batchSize, keys.Select(k => k.Gateway).ToArray());
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency * 2 };
            using var http = new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
            var keyOf = keys.ToDictionary(k => k.Gateway, k => k.Key);

            await SendAsync(http, keyOf, batches.Take(2).ToList(), 1, expectAccepted: true); // warm-up (JIT, pools)
            var measured = batches.Skip(2).ToList();
            var sw = Stopwatch.StartNew();
            var latencies = await SendAsync(http, keyOf, measured, concurrency, expectAccepted: true);
            sw.Stop();

            var sent = measured.Sum(b => b.Count);
            var stored = await app.Services.GetRequiredService<IReportStore>().CountEventsAsync(default);
            if (stored != batches.Sum(b => b.Count))
            {
                throw new InvalidOperationException($"stored {stored} events, sent {batches.Sum(b => b.Count)}");
            }

            latencies.Sort();
            var rate = sent / sw.Elapsed.TotalSeconds;
            Console.WriteLine($"{engine}: {sent} events in {sw.Elapsed.TotalSeconds:0.00} s = {rate:0} events/s");
            await app.StopAsync();
            return string.Create(CultureInfo.InvariantCulture,
                $"| {engine} | {sent} | {batchSize} | {concurrency} | {gateways} | {sw.Elapsed.TotalSeconds:0.00} | **{rate:0}** | {latencies[latencies.Count / 2]:0.0} | {latencies[(int)(latencies.Count * 0.95)]:0.0} |");
        }
        finally
        {
            if (pg is not null)
            {
                await pg.DisposeAsync();
            }
        }
    }

    private static async Task<List<double>> SendAsync(HttpClient http, Dictionary<string, string> keys, List<Workload.Batch> batches, int concurrency, bool expectAccepted)
    {
        var next = -1;
        var latencies = new List<double>();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < batches.Count)
            {
                var batch = batches[i];
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/gateways/{batch.Gateway}/events")
                {
                    Content = new ByteArrayContent(batch.Body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", keys[batch.Gateway]);
                var start = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request);
                var body = await response.Content.ReadAsByteArrayAsync();
                var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"batch {i}: HTTP {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
                }

                var result = JsonSerializer.Deserialize(body, UplinkJsonContext.Default.UplinkBatchResult)!;
                if (expectAccepted && result.Accepted != batch.Count)
                {
                    throw new InvalidOperationException($"batch {i}: {result.Accepted} of {batch.Count} accepted ({result.Rejected} rejected: {result.Results.FirstOrDefault(r => r.Reason is not null)?.Reason})");
                }

                lock (latencies)
                {
                    latencies.Add(ms);
                }
            }
        }));
        return latencies;
    }
}

/// <summary>A realistic mix: per incident raised, notification attempt, accepted, resolved; an hourly health summary per gateway.</summary>
internal static class Workload
{
    public sealed record Batch(string Gateway, int Count, byte[] Body);

    public static List<Batch> Build(int events, int batchSize, string[] gateways)
    {
        var start = DateTimeOffset.UtcNow.AddDays(-2);
        var perGateway = gateways.ToDictionary(g => g, _ => new List<UplinkEvent>());
        var n = 0;
        var incident = 0;
        while (n < events)
        {
            var gw = gateways[incident % gateways.Length];
            var list = perGateway[gw];
            var id = $"inc-{incident}";
            var at = start.AddSeconds(incident);
            var seq = 0L;
            UplinkEvent E(string type, int offsetSeconds) => new()
            {
                IdempotencyKey = $"{gw}:{list.Count + 1}",
                GatewayId = gw,
                SiteId = "bench-site",
                Type = type,
                OccurredAt = at.AddSeconds(offsetSeconds),
                IncidentId = id,
                Sequence = type == UplinkEventTypes.NotificationAttempt ? null : ++seq,
            };
            list.Add(E(UplinkEventTypes.IncidentRaised, 0) with { Incident = new IncidentPayload { Kind = "fall", Unit = $"unit-{incident % 5}", Room = $"{incident % 40}", DeviceId = $"dev-{incident % 60}", Score = 0.9 } });
            list.Add(E(UplinkEventTypes.NotificationAttempt, 1) with { Notification = new NotificationAttemptPayload { Channel = "pager", Target = "101", Attempt = 1, Result = "delivered" } });
            list.Add(E(UplinkEventTypes.IncidentAccepted, 90) with { Incident = new IncidentPayload { AcceptedBy = "staff-1" } });
            list.Add(E(UplinkEventTypes.IncidentResolved, 600) with { Incident = new IncidentPayload { Outcome = incident % 7 == 0 ? IncidentOutcomes.NoFall : IncidentOutcomes.Fall } });
            n += 4;
            if (incident % 100 == 0)
            {
                list.Add(new UplinkEvent
                {
                    IdempotencyKey = $"{gw}:{list.Count + 1}",
                    GatewayId = gw,
                    SiteId = "bench-site",
                    Type = UplinkEventTypes.HealthSummary,
                    OccurredAt = at,
                    Health = new HealthSummaryPayload
                    {
                        PeriodStart = at.AddHours(-1), PeriodEnd = at, DevicesTotal = 20, DevicesProtected = 19,
                        Devices = [.. Enumerable.Range(0, 20).Select(d => new DeviceHealthEntry { DeviceId = $"dev-{d}", State = d == 0 ? DeviceStates.Docked : DeviceStates.Protected, UnprotectedSeconds = d == 0 ? 1200 : 0 })],
                    },
                });
                n++;
            }

            incident++;
        }

        // Interleave gateways batch by batch, as many sites would.
        var chunks = perGateway.Select(kv => kv.Value.Chunk(batchSize).Select(c => new Batch(kv.Key, c.Length,
            JsonSerializer.SerializeToUtf8Bytes(new UplinkBatch { Events = c }, UplinkJsonContext.Default.UplinkBatch))).ToList()).ToList();
        var batches = new List<Batch>();
        for (var i = 0; chunks.Any(c => i < c.Count); i++)
        {
            batches.AddRange(chunks.Where(c => i < c.Count).Select(c => c[i]));
        }

        return batches;
    }
}

internal sealed class Args
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public static Args Parse(string[] args)
    {
        var a = new Args();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            a._values[args[i].TrimStart('-')] = args[i + 1];
        }

        return a;
    }

    public string Get(string name, string fallback) => _values.GetValueOrDefault(name, fallback);

    public int GetInt(string name, int fallback) => _values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
