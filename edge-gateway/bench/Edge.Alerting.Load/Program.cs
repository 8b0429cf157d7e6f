using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Edge.Alerting;
using Edge.Alerting.Espa;
using Edge.Alerting.PagerConsole;
using Edge.Alerting.Sip;

// usage: Edge.Alerting.Load [sends=1000]
// Measures, per send, the time from calling SendAsync to (a) the first byte of the ESPA select handed to the
// transport (TCP loopback to the paging system simulator, polling on at 150 ms), and (b) the SIP MESSAGE
// datagram arriving at a loopback UDP peer (an upper bound of "sent": it includes loopback delivery).
var sends = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
const int Warmup = 50;

var espa = await MeasureEspaAsync(sends + Warmup);
var sip = await MeasureSipAsync(sends + Warmup);
Report("ESPA: send requested -> first select byte written (TCP loopback, polling 150 ms)", espa.Skip(Warmup).ToArray());
Report("SIP: send requested -> MESSAGE datagram received by loopback peer (UDP)", sip.Skip(Warmup).ToArray());
Console.WriteLine($"{Environment.ProcessorCount} cores, {RuntimeInformationText()}");
return 0;

static string RuntimeInformationText() =>
    $"{System.Runtime.InteropServices.RuntimeInformation.OSArchitecture}, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";

static void Report(string what, double[] ms)
{
    Array.Sort(ms);
    double P(double q) => ms[Math.Min(ms.Length - 1, (int)Math.Ceiling(q * ms.Length) - 1)];
    Console.WriteLine($"{what}: n={ms.Length} p50={P(0.50):F3} ms p99={P(0.99):F3} ms max={ms[^1]:F3} ms");
}

static async Task<double[]> MeasureEspaAsync(int n)
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    var port = ((IPEndPoint)listener.LocalEndpoint).Port;
    var timing = new TimingTransport(new TcpEspaTransport("127.0.0.1", port, TimeSpan.FromSeconds(5)));
    var options = new EspaOptions { Transport = EspaTransportKind.Tcp, TcpHost = "127.0.0.1", TcpPort = port, PollInterval = TimeSpan.FromMilliseconds(150) };
    await using var channel = new EspaChannel(options, timing);
    var accept = listener.AcceptSocketAsync();
    await channel.StartAsync(CancellationToken.None);
    await using var pager = new PagingSystemSimulator(TcpEspaTransport.FromAccepted(await accept));
    var results = new double[n];
    for (var i = 0; i < n; i++)
    {
        var message = new AlertMessage($"inc-{i}", ["550"], $"Fall: room {i % 40}, resident {i}", AlertPriority.Alarm, AlertKind.Fall);
        var start = Stopwatch.GetTimestamp();
        timing.Arm();
        var result = await channel.SendAsync(message, CancellationToken.None);
        if (!result.IsDelivered)
        {
            throw new InvalidOperationException($"ESPA send {i} not delivered: {result.Detail}");
        }

        results[i] = Stopwatch.GetElapsedTime(start, timing.FirstWriteTimestamp).TotalMilliseconds;
        _ = await pager.Pages.ReadAsync();
    }

    return results;
}

static async Task<double[]> MeasureSipAsync(int n)
{
    using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    var port = ((IPEndPoint)peer.LocalEndPoint!).Port;
    long received = 0;
    using var stop = new CancellationTokenSource();
    var responder = Task.Run(async () =>
    {
        var buffer = new byte[65535];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!stop.IsCancellationRequested)
        {
            SocketReceiveFromResult r;
            try
            {
                r = await peer.ReceiveFromAsync(buffer, SocketFlags.None, any, stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Interlocked.Exchange(ref received, Stopwatch.GetTimestamp());
            var request = Encoding.UTF8.GetString(buffer, 0, r.ReceivedBytes).Split("\r\n");
            var keep = request.Where(l => l.StartsWith("Via:", StringComparison.Ordinal) || l.StartsWith("From:", StringComparison.Ordinal)
                || l.StartsWith("To:", StringComparison.Ordinal) || l.StartsWith("Call-ID:", StringComparison.Ordinal) || l.StartsWith("CSeq:", StringComparison.Ordinal));
            var response = "SIP/2.0 200 OK\r\n" + string.Join("\r\n", keep) + "\r\nContent-Length: 0\r\n\r\n";
            await peer.SendToAsync(Encoding.UTF8.GetBytes(response), SocketFlags.None, r.RemoteEndPoint);
        }
    });

    var options = new SipOptions { LocalAddress = "127.0.0.1", Domain = "127.0.0.1", ProxyHost = "127.0.0.1", ProxyPort = port };
    await using var channel = new SipMessageChannel(options);
    await channel.StartAsync(CancellationToken.None);
    var results = new double[n];
    for (var i = 0; i < n; i++)
    {
        var message = new AlertMessage($"inc-{i}", ["2001"], $"Fall: room {i % 40}, resident {i}", AlertPriority.Alarm, AlertKind.Fall);
        var start = Stopwatch.GetTimestamp();
        var result = await channel.SendAsync(message, CancellationToken.None);
        if (!result.IsDelivered)
        {
            throw new InvalidOperationException($"SIP send {i} not delivered: {result.Detail}");
        }

        results[i] = Stopwatch.GetElapsedTime(start, Interlocked.Read(ref received)).TotalMilliseconds;
    }

    await stop.CancelAsync();
    await responder;
    return results;
}

/// <summary>Passes bytes through and notes when the first write after <see cref="Arm"/> happened.</summary>
internal sealed class TimingTransport(IEspaTransport inner) : IEspaTransport
{
    private volatile bool _armed;

    public long FirstWriteTimestamp { get; private set; }

    public string Description => inner.Description;

    public void Arm() => _armed = true;

    public ValueTask OpenAsync(CancellationToken cancellationToken) => inner.OpenAsync(cancellationToken);

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        // Only a select (EOT '1' ENQ '2' ENQ) starts a call; polls (EOT '2' ENQ) are not what we time.
        if (_armed && data.Length == 5 && data.Span[0] == EspaControl.Eot)
        {
            FirstWriteTimestamp = Stopwatch.GetTimestamp();
            _armed = false;
        }

        return inner.WriteAsync(data, cancellationToken);
    }

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) => inner.ReadAsync(buffer, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
