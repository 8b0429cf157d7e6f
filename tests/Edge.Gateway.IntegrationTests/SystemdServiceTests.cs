using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Edge.TestKit;

namespace Edge.Gateway.IntegrationTests;

/// <summary>
/// Issue 13.4: the gateway as a <c>Type=notify</c> service with <c>WatchdogSec=</c>, through
/// Microsoft.Extensions.Hosting.Systemd. No systemd runs here (not PID 1 in this container), so the test plays its
/// part with real pieces: a notify datagram socket, <c>NOTIFY_SOCKET</c> and <c>WATCHDOG_USEC</c> in the
/// environment, and a parent process named <c>systemd</c> (the library decides from the parent's name that systemd
/// started the process, as it does on the Pi where the parent is PID 1). The unit file itself is checked by
/// <c>systemd-analyze verify</c> in the install tests.
/// </summary>
public sealed class SystemdServiceTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    [Fact]
    public async Task UnderSystemd_ReadyAfterStart_WatchdogKeepAlives_JournalLogLines_StoppingOnSigterm()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var site = await GatewayProcessSite.CreateAsync(_env, broker, "edge-systemd");
        using var dir = new TempDirectory("edge-systemd-notify");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(dir.File("notify")));
        var datagrams = Channel.CreateUnbounded<string>();
        _ = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            try
            {
                while (true)
                {
                    var n = await socket.ReceiveAsync(buffer, SocketFlags.None);
                    datagrams.Writer.TryWrite(Encoding.UTF8.GetString(buffer, 0, n));
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                datagrams.Writer.TryComplete();
            }
        });

        // "systemd" is /bin/sh under that name: it starts the gateway as its child, says the child's pid and waits.
        var systemd = dir.File("systemd");
        File.CreateSymbolicLink(systemd, "/bin/sh");
        using var parent = _env.Watch(ChildProcess.Start(systemd,
            ["-c", "\"$@\" & echo \"gateway pid $!\"; wait $!", "systemd", "dotnet", typeof(GatewayHost).Assembly.Location, "--config", site.ConfigFile],
            Path.GetDirectoryName(site.ConfigFile),
            new Dictionary<string, string> { ["NOTIFY_SOCKET"] = dir.File("notify"), ["WATCHDOG_USEC"] = "2000000" },
            name: "gateway under 'systemd'"));
        var pid = int.Parse((await parent.WaitForLineAsync("gateway pid ", Wait))["gateway pid ".Length..], CultureInfo.InvariantCulture);

        // READY=1 (SystemdLifetime) once every hosted service has started (the host's ApplicationStarted).
        var sent = new List<string>();
        await NextAsync(datagrams, sent, d => d.Contains("READY=1", StringComparison.Ordinal));

        // WATCHDOG=1 every second (half of WATCHDOG_USEC) while the liveness probes pass.
        await NextAsync(datagrams, sent, d => d == "WATCHDOG=1");
        await NextAsync(datagrams, sent, d => d == "WATCHDOG=1");

        // Journal format: the syslog priority first (<6> information, <4> warning), no timestamp of our own.
        var ingestStarted = await parent.WaitForLineAsync("Ingest started", Wait);
        Assert.StartsWith("<6>Edge.Gateway.Ingest.IngestPipeline[1001] Ingest started", ingestStarted, StringComparison.Ordinal);
        Assert.DoesNotContain(parent.Lines, l => l.Contains(" info: ", StringComparison.Ordinal));

        // systemctl stop sends SIGTERM: STOPPING=1, then a clean exit.
        using (var term = System.Diagnostics.Process.Start("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        await NextAsync(datagrams, sent, d => d.Contains("STOPPING=1", StringComparison.Ordinal));
        Assert.Equal(0, await parent.WaitForExitAsync(Wait));
    }

    private static async Task NextAsync(Channel<string> datagrams, List<string> sent, Func<string, bool> match)
    {
        using var cts = new CancellationTokenSource(Wait);
        try
        {
            while (true)
            {
                var d = await datagrams.Reader.ReadAsync(cts.Token);
                sent.Add(d);
                if (match(d))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no matching notify datagram within {Wait}; received: {string.Join(" | ", sent)}");
        }
    }
}
