using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Edge.Alerting;
using Edge.Alerting.Espa;
using Edge.Alerting.PagerConsole;
using Edge.Gateway;
using Edge.Gateway.Alerting;
using Edge.Gateway.Incidents;
using Edge.Gateway.Ingest;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// usage: Edge.Gateway.Alerting.Load [incidents=300]
// The real gateway host with its escalation engine: an ESPA channel (control station, polling every 150 ms) over
// TCP loopback to the paging system simulator, and the SIP MESSAGE channel to a loopback UDP peer that answers
// 200 OK. For each incident: t0 just before IIncidentService.RaiseAsync (so the SQLite commit, fsync'ed with
// synchronous=FULL, is inside the figure), t1 when the channel wrote the first byte of the ESPA select, t2 when the
// SIP MESSAGE datagram arrived at the peer. Each incident is then resolved and its withdrawal (ESPA reset, SIP
// notice) awaited before the next one, so the measurements do not overlap.
var incidents = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 300;
const int Warmup = 30;
const int Residents = 20;

var dir = Directory.CreateTempSubdirectory("edge-alert-load");
try
{
    // SIP peer: records when each MESSAGE arrived and answers 200 OK.
    using var sipPeer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    sipPeer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    var sipArrivals = System.Threading.Channels.Channel.CreateUnbounded<(long At, string Body)>();
    using var stop = new CancellationTokenSource();
    var responder = Task.Run(() => SipPeerAsync(sipPeer, sipArrivals.Writer, stop.Token));

    // ESPA peer: the paging system simulator behind a TCP listener.
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    var espaPort = ((IPEndPoint)listener.LocalEndpoint).Port;
    var timing = new TimingTransport(new TcpEspaTransport("127.0.0.1", espaPort, TimeSpan.FromSeconds(5)));

    await File.WriteAllTextAsync(Path.Combine(dir.FullName, "escalation.json"), """
        { "version": 1, "site": "load", "timeZone": "Etc/UTC", "units": [ { "unit": "u1", "slots": [
          { "from": "00:00", "to": "00:00", "steps": [ { "after": "00:00:00", "notify": ["espa:100", "sip:2001"] } ] } ] } ] }
        """);
    var site = new
    {
        site = new { id = "load", name = "Load" },
        units = new[] { new { id = "u1", name = "Unit 1" } },
        rooms = Enumerable.Range(1, Residents).Select(i => new { id = $"r{i}", unit = "u1", name = $"Room {i}" }),
        residents = Enumerable.Range(1, Residents).Select(i => new { id = $"res{i}", name = $"Resident {i}", room = $"r{i}" }),
        staff = new[] { new { id = "bench", name = "Bench", role = "carer" } },
        devices = Enumerable.Range(1, Residents).Select(i => new { id = $"dev{i}", resident = $"res{i}" }),
    };
    await File.WriteAllTextAsync(Path.Combine(dir.FullName, "site.json"), JsonSerializer.Serialize(site));

    var config = new Dictionary<string, string?>
    {
        ["Ingest:SiteId"] = "load",
        ["Storage:DatabasePath"] = Path.Combine(dir.FullName, "gateway.db"),
        ["Registry:SeedFile"] = Path.Combine(dir.FullName, "site.json"),
        ["Detection:ModelDirectory"] = Path.Combine(FindRepoRoot(), "models", "fall-model"),
        ["Alerting:Escalation:PolicyFile"] = Path.Combine(dir.FullName, "escalation.json"),
        ["Alerting:Sip:Name"] = "sip",
        ["Alerting:Sip:LocalAddress"] = "127.0.0.1",
        ["Alerting:Sip:Domain"] = "127.0.0.1",
        ["Alerting:Sip:ProxyHost"] = "127.0.0.1",
        ["Alerting:Sip:ProxyPort"] = ((IPEndPoint)sipPeer.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture),
        ["Supervision:MinFreeDiskMiB"] = "1",
    };
    var espaOptions = new EspaOptions { Name = "espa", Transport = EspaTransportKind.Tcp, TcpHost = "127.0.0.1", TcpPort = espaPort };
    using var host = GatewayHost.CreateBuilder([], b =>
    {
        b.Configuration.AddInMemoryCollection(config);
        b.Logging.ClearProviders();
        b.Services.AddSingleton<ISensorMessageSource>(new ChannelSensorMessageSource());
        b.Services.AddSingleton<IAlertChannel>(sp => new EspaChannelHost(espaOptions, () => timing, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IDeliveryAttemptRecorder>(), sp.GetRequiredService<ILoggerFactory>()));
    }).Build();
    var accept = listener.AcceptSocketAsync();
    await host.StartAsync();
    await using var pager = new PagingSystemSimulator(TcpEspaTransport.FromAccepted(await accept));
    var service = host.Services.GetRequiredService<IIncidentService>();

    var espaMs = new List<double>();
    var sipMs = new List<double>();
    for (var i = 0; i < incidents + Warmup; i++)
    {
        var resident = $"res{(i % Residents) + 1}";
        timing.Arm();
        var t0 = Stopwatch.GetTimestamp();
        var raised = await service.RaiseAsync(new RaiseRequest(IncidentType.Fall, resident, DateTimeOffset.UtcNow, "load", "load", resident, resident, null, null, null));
        var id = raised.Incident.Id.ToString(CultureInfo.InvariantCulture);
        var page = await pager.Pages.ReadAsync();
        var sip = await sipArrivals.Reader.ReadAsync();
        if (page['2'] is not { } text || !text.EndsWith("#" + id, StringComparison.Ordinal) || !sip.Body.Contains("#" + id, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"incident {id}: unexpected first alert (pager '{page['2']}', SIP '{sip.Body}')");
        }

        if (i >= Warmup)
        {
            espaMs.Add(Stopwatch.GetElapsedTime(t0, timing.FirstSelectTimestamp).TotalMilliseconds);
            sipMs.Add(Stopwatch.GetElapsedTime(t0, sip.At).TotalMilliseconds);
        }

        await service.ResolveAsync(raised.Incident.Id, "bench", IncidentOutcome.Test, null, "load");
        var reset = await pager.Pages.ReadAsync();
        var notice = await sipArrivals.Reader.ReadAsync();
        if (reset['4'] != "1" || !notice.Body.Contains("Accepted by a colleague", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"incident {id}: expected the withdrawal, got pager type {reset['4']} and SIP '{notice.Body}'");
        }
    }

    await host.StopAsync();
    await stop.CancelAsync();
    await responder;
    Report("incident committed -> first ESPA select byte written (TCP loopback, polling 150 ms)", espaMs);
    Report("incident committed -> SIP MESSAGE received by the loopback peer (UDP)", sipMs);
    Console.WriteLine($"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSArchitecture}, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
    return 0;
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    dir.Delete(recursive: true);
}

static void Report(string what, List<double> samples)
{
    var ms = samples.Order().ToArray();
    double P(double q) => ms[Math.Min(ms.Length - 1, (int)Math.Ceiling(q * ms.Length) - 1)];
    Console.WriteLine($"{what}: n={ms.Length} p50={P(0.50):F2} ms p90={P(0.90):F2} ms p99={P(0.99):F2} ms max={ms[^1]:F2} ms");
}

static async Task SipPeerAsync(Socket peer, System.Threading.Channels.ChannelWriter<(long, string)> arrivals, CancellationToken ct)
{
    var buffer = new byte[65535];
    EndPoint any = new IPEndPoint(IPAddress.Any, 0);
    var seen = new HashSet<string>(StringComparer.Ordinal);
    while (!ct.IsCancellationRequested)
    {
        SocketReceiveFromResult r;
        try
        {
            r = await peer.ReceiveFromAsync(buffer, SocketFlags.None, any, ct);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var at = Stopwatch.GetTimestamp();
        var text = Encoding.UTF8.GetString(buffer, 0, r.ReceivedBytes);
        var lines = text.Split("\r\n");
        var callId = lines.FirstOrDefault(l => l.StartsWith("Call-ID:", StringComparison.Ordinal)) ?? "";
        if (seen.Add(callId))
        {
            arrivals.TryWrite((at, text)); // a retransmission is not a new MESSAGE
        }

        var keep = lines.Where(l => l.StartsWith("Via:", StringComparison.Ordinal) || l.StartsWith("From:", StringComparison.Ordinal)
            || l.StartsWith("To:", StringComparison.Ordinal) || l.StartsWith("Call-ID:", StringComparison.Ordinal) || l.StartsWith("CSeq:", StringComparison.Ordinal));
        var response = "SIP/2.0 200 OK\r\n" + string.Join("\r\n", keep) + "\r\nContent-Length: 0\r\n\r\n";
        await peer.SendToAsync(Encoding.UTF8.GetBytes(response), SocketFlags.None, r.RemoteEndPoint, ct);
    }
}

static string FindRepoRoot()
{
    var d = new DirectoryInfo(AppContext.BaseDirectory);
    while (d is not null && !File.Exists(Path.Combine(d.FullName, "Edge.sln")))
    {
        d = d.Parent;
    }

    return d?.FullName ?? throw new InvalidOperationException("run from a checkout");
}

/// <summary>Passes bytes through and notes when the first select (EOT '1' ENQ '2' ENQ) after <see cref="Arm"/> was written.</summary>
internal sealed class TimingTransport(IEspaTransport inner) : IEspaTransport
{
    private volatile bool _armed;

    public long FirstSelectTimestamp { get; private set; }

    public string Description => inner.Description;

    public void Arm() => _armed = true;

    public ValueTask OpenAsync(CancellationToken cancellationToken) => inner.OpenAsync(cancellationToken);

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        // A poll is EOT '2' ENQ (3 bytes); a select is EOT '1' ENQ '2' ENQ (5 bytes).
        if (_armed && data.Length == 5 && data.Span[0] == 0x04)
        {
            FirstSelectTimestamp = Stopwatch.GetTimestamp();
            _armed = false;
        }

        return inner.WriteAsync(data, cancellationToken);
    }

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) => inner.ReadAsync(buffer, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
