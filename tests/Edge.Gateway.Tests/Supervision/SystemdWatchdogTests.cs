using System.Net.Sockets;
using System.Text;
using Edge.Gateway.Supervision;
using Edge.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Gateway.Tests.Supervision;

public sealed class SystemdWatchdogTests : IDisposable
{
    private readonly TempDirectory _dir = new("edge-sdnotify");
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly string _path;

    public SystemdWatchdogTests()
    {
        // A real notify socket, as systemd creates one for Type=notify services.
        _path = _dir.File("notify");
        _socket.Bind(new UnixDomainSocketEndPoint(_path));
    }

    [Fact]
    public void Notify_RealDatagramSocket_ReceivesTheStateLine()
    {
        var notify = new SystemdNotify(_path);

        Assert.True(notify.IsEnabled);
        Assert.True(notify.Notify("READY=1"));
        Assert.Equal("READY=1", Receive());
    }

    [Fact]
    public void Notify_NoSocket_IsDisabledAndSendsNothing()
    {
        var notify = new SystemdNotify("");

        Assert.False(notify.IsEnabled);
        Assert.False(notify.Notify("WATCHDOG=1"));
    }

    [Theory]
    [InlineData("30000000", null, 30.0)]
    [InlineData("30000000", "4242", 30.0)]
    [InlineData("30000000", "1", null)]
    [InlineData(null, null, null)]
    [InlineData("abc", null, null)]
    public void Settings_FromEnvironment_LikeSdWatchdogEnabled(string? usec, string? pid, double? seconds)
    {
        var s = SystemdWatchdogSettings.FromEnvironment(n => n == "WATCHDOG_USEC" ? usec : n == "WATCHDOG_PID" ? pid : null, 4242);

        Assert.Equal(seconds, s.Interval?.TotalSeconds);
    }

    [Fact]
    public async Task Beat_AllProbesPass_SendsWatchdog()
    {
        var watchdog = Create(new Probe(null));

        Assert.True(await watchdog.BeatAsync(TimeSpan.FromSeconds(5), CancellationToken.None));
        Assert.Equal("WATCHDOG=1", Receive());
        Assert.Equal(1, watchdog.KeepAlivesSent);
    }

    [Fact]
    public async Task Beat_ProbeFails_WithholdsKeepAliveAndSaysWhyThenResumes()
    {
        var probe = new Probe("worker wedged");
        var watchdog = Create(new Probe(null), probe);

        Assert.False(await watchdog.BeatAsync(TimeSpan.FromSeconds(5), CancellationToken.None));
        Assert.StartsWith("STATUS=unhealthy", Receive(), StringComparison.Ordinal);
        Assert.Equal(0, watchdog.KeepAlivesSent);

        probe.Problem = null;
        Assert.True(await watchdog.BeatAsync(TimeSpan.FromSeconds(5), CancellationToken.None));
        Assert.Equal("STATUS=running", Receive());
        Assert.Equal("WATCHDOG=1", Receive());
    }

    [Fact]
    public async Task Beat_ProbeHangs_CountsAsFailed()
    {
        var watchdog = Create(new HangingProbe());

        Assert.False(await watchdog.BeatAsync(TimeSpan.FromMilliseconds(50), CancellationToken.None));
        Assert.Contains("hang: no answer", Receive(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PipelineProbe_IngestLoopFailed_ReportsIt()
    {
        // The broker source cannot start, and the host is told to keep running despite the failed loop:
        // the pipeline is dead while the process lives, which is what the watchdog must catch.
        await using var gw = await TestGateway.CreateAsync(services: s =>
        {
            s.AddSingleton<Edge.Gateway.Ingest.ISensorMessageSource>(new FailingSource());
            s.Configure<HostOptions>(o => o.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.Ignore);
        });
        var probe = gw.Host.Services.GetServices<IGatewayLivenessProbe>().Single(p => p.Name == "pipeline");
        Assert.Null(await probe.CheckAsync(CancellationToken.None)); // not started yet: nothing has ended

        await gw.Host.StartAsync();
        try
        {
            var ingest = gw.Host.Services.GetServices<IHostedService>().OfType<BackgroundService>().Single(s => s.GetType().Name == "IngestService");
            await Assert.ThrowsAsync<InvalidOperationException>(() => ingest.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(10)));

            Assert.Equal("IngestService failed: broker unreachable", await probe.CheckAsync(CancellationToken.None));
        }
        finally
        {
            await gw.Host.StopAsync();
        }
    }

    [Fact]
    public async Task DatabaseProbe_HealthyDatabase_Passes()
    {
        await using var gw = await TestGateway.CreateAsync();
        var probe = gw.Host.Services.GetServices<IGatewayLivenessProbe>().Single(p => p.Name == "database");

        Assert.Null(await probe.CheckAsync(CancellationToken.None));
    }

    public void Dispose()
    {
        _socket.Dispose();
        _dir.Dispose();
    }

    private SystemdWatchdog Create(params IGatewayLivenessProbe[] probes)
    {
        var services = new ServiceCollection();
        foreach (var p in probes)
        {
            services.AddSingleton(p);
        }

        return new SystemdWatchdog(new SystemdNotify(_path), new SystemdWatchdogSettings(TimeSpan.FromSeconds(30)), services.BuildServiceProvider(),
            new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance), TimeProvider.System, NullLogger<SystemdWatchdog>.Instance);
    }

    private string Receive()
    {
        var buffer = new byte[4096];
        _socket.ReceiveTimeout = 5000;
        return Encoding.UTF8.GetString(buffer, 0, _socket.Receive(buffer));
    }

    private sealed class Probe(string? problem) : IGatewayLivenessProbe
    {
        public string? Problem { get; set; } = problem;

        public string Name => "probe";

        public ValueTask<string?> CheckAsync(CancellationToken ct) => ValueTask.FromResult(Problem);
    }

    private sealed class FailingSource : Edge.Gateway.Ingest.ISensorMessageSource
    {
        public System.Threading.Channels.ChannelReader<Edge.Gateway.Ingest.SensorMessage> Messages { get; } = System.Threading.Channels.Channel.CreateUnbounded<Edge.Gateway.Ingest.SensorMessage>().Reader;

        public bool IsConnected => false;

        public Task StartAsync(IReadOnlyList<string> topicFilters, CancellationToken ct) => throw new InvalidOperationException("broker unreachable");

        public (long Received, long DroppedByTransport) GetCounters() => (0, 0);
    }

    private sealed class HangingProbe : IGatewayLivenessProbe
    {
        public string Name => "hang";

        public async ValueTask<string?> CheckAsync(CancellationToken ct)
        {
            await Task.Delay(Timeout.Infinite, ct);
            return null;
        }
    }
}
