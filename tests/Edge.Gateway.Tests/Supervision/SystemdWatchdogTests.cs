using System.Collections.Concurrent;
using Edge.Gateway.Supervision;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Gateway.Tests.Supervision;

/// <summary>
/// The watchdog keep-alive over Microsoft.Extensions.Hosting.Systemd's notifier (a recording one here; the real
/// datagram socket, READY=1, STOPPING=1 and the journal format are covered with a real process in
/// Edge.Gateway.IntegrationTests' SystemdServiceTests).
/// </summary>
public sealed class SystemdWatchdogTests
{
    private readonly RecordingNotifier _notifier = new();

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

    [Fact]
    public async Task Beat_NotifySocketGone_WatchdogCarriesOn()
    {
        _notifier.Fail = true;
        var watchdog = Create(new Probe(null));

        Assert.True(await watchdog.BeatAsync(TimeSpan.FromSeconds(5), CancellationToken.None)); // healthy, the datagram lost
        Assert.Equal(0, watchdog.KeepAlivesSent);
    }

    [Fact]
    public void AddSystemdIntegration_NotStartedBySystemd_NothingIsSentAndNoWatchdog()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddSystemdIntegration();
        using var host = builder.Build();

        Assert.False(SystemdHelpers.IsSystemdService()); // the test runner's parent is not systemd
        Assert.False(host.Services.GetRequiredService<ISystemdNotifier>().IsEnabled);
        Assert.Null(host.Services.GetRequiredService<SystemdWatchdogSettings>().Interval);
        Assert.IsNotType<SystemdLifetime>(host.Services.GetRequiredService<IHostLifetime>());
    }

    private SystemdWatchdog Create(params IGatewayLivenessProbe[] probes)
    {
        var services = new ServiceCollection();
        foreach (var p in probes)
        {
            services.AddSingleton(p);
        }

        return new SystemdWatchdog(_notifier, new SystemdWatchdogSettings(TimeSpan.FromSeconds(30)), services.BuildServiceProvider(),
            new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance), TimeProvider.System, NullLogger<SystemdWatchdog>.Instance);
    }

    private string Receive() => Assert.IsType<string>(_notifier.Sent.TryDequeue(out var state) ? state : null);

    /// <summary>Records what would go to the notify socket; <see cref="Fail"/> makes it throw as SystemdNotifier does when the socket is gone.</summary>
    private sealed class RecordingNotifier : ISystemdNotifier
    {
        public ConcurrentQueue<string> Sent { get; } = new();

        public bool Fail { get; set; }

        public bool IsEnabled => true;

        public void Notify(ServiceState state)
        {
            if (Fail)
            {
                throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused);
            }

            Sent.Enqueue(state.ToString());
        }
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
