using System.Globalization;
using System.Net.Sockets;
using Edge.Gateway.Diagnostics;
using Edge.Gateway.Ingest;
using Edge.Gateway.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Edge.Gateway.Supervision;

/// <summary>
/// A liveness check the systemd watchdog keep-alive asks before each WATCHDOG=1. Return null when alive,
/// or what is wrong. Only checks whose failure a restart can cure belong here (a wedged worker, a dead
/// loop, a hung database); a broker that is down is a gateway-fault incident, not a reason to restart.
/// </summary>
public interface IGatewayLivenessProbe
{
    string Name { get; }

    ValueTask<string?> CheckAsync(CancellationToken ct);
}

/// <summary>
/// What systemd asked for: the watchdog interval (<c>WATCHDOG_USEC</c>), if any, for this process.
/// Microsoft.Extensions.Hosting.Systemd does not read the watchdog settings, so this does (as sd_watchdog_enabled(3)).
/// </summary>
public sealed record SystemdWatchdogSettings(TimeSpan? Interval)
{
    /// <summary>No watchdog: not started by systemd, or no <c>WatchdogSec=</c>.</summary>
    public static SystemdWatchdogSettings None { get; } = new((TimeSpan?)null);

    /// <summary>Reads <c>WATCHDOG_USEC</c> / <c>WATCHDOG_PID</c> as sd_watchdog_enabled(3) does.</summary>
    public static SystemdWatchdogSettings FromEnvironment(Func<string, string?> env, int processId)
    {
        ArgumentNullException.ThrowIfNull(env);
        if (!long.TryParse(env("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out var usec) || usec <= 0)
        {
            return new SystemdWatchdogSettings((TimeSpan?)null);
        }

        // WATCHDOG_PID, when set, names the process the watchdog is meant for (not a child we started).
        var pid = env("WATCHDOG_PID");
        if (!string.IsNullOrEmpty(pid) && pid != processId.ToString(CultureInfo.InvariantCulture))
        {
            return new SystemdWatchdogSettings((TimeSpan?)null);
        }

        return new SystemdWatchdogSettings(TimeSpan.FromMicroseconds(usec));
    }
}

/// <summary>
/// The systemd watchdog (<c>WatchdogSec=</c>): WATCHDOG=1 every half watchdog interval, but only while every
/// <see cref="IGatewayLivenessProbe"/> passes, with a STATUS= line that says why when it is withheld. When a probe
/// fails the keep-alive stops, systemd kills the process after WatchdogSec and <c>Restart=</c> starts it again.
/// READY=1 and STOPPING=1 come from Microsoft.Extensions.Hosting.Systemd's <see cref="SystemdLifetime"/>, which
/// has no watchdog; the datagrams go through its <see cref="ISystemdNotifier"/>. Does nothing outside systemd.
/// </summary>
internal sealed partial class SystemdWatchdog(
    ISystemdNotifier notify,
    SystemdWatchdogSettings settings,
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<SystemdWatchdog> logger) : BackgroundService
{
    private string? _lastProblem;

    /// <summary>Keep-alives sent (tests, diagnostics).</summary>
    public long KeepAlivesSent { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!notify.IsEnabled)
        {
            return;
        }

        // SystemdLifetime sends READY=1 once the host has started; the status line says what the gateway is doing.
        using var started = lifetime.ApplicationStarted.Register(() => Send("STATUS=running"));
        using var stopping = lifetime.ApplicationStopping.Register(() => Send("STATUS=stopping"));
        if (settings.Interval is not { } interval)
        {
            return;
        }

        var period = interval / 2;
        Log.Enabled(logger, interval.TotalSeconds, period.TotalSeconds);
        using var timer = new PeriodicTimer(period, time);
        try
        {
            do
            {
                await BeatAsync(period / 2, stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Runs the probes (each within <paramref name="probeTimeout"/>) and sends WATCHDOG=1 if all pass.</summary>
    internal async Task<bool> BeatAsync(TimeSpan probeTimeout, CancellationToken ct)
    {
        var problems = new List<string>();
        foreach (var probe in services.GetServices<IGatewayLivenessProbe>())
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(probeTimeout);
            try
            {
                if (await probe.CheckAsync(limit.Token).ConfigureAwait(false) is { } problem)
                {
                    problems.Add($"{probe.Name}: {problem}");
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                problems.Add($"{probe.Name}: no answer within {probeTimeout.TotalSeconds:F1} s");
            }
#pragma warning disable CA1031 // A probe that throws is a failed probe, never a crashed watchdog.
            catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
            {
                problems.Add($"{probe.Name}: {e.GetType().Name}: {e.Message}");
            }
        }

        if (problems.Count == 0)
        {
            if (_lastProblem is not null)
            {
                Log.Healthy(logger);
                Send("STATUS=running");
                _lastProblem = null;
            }

            if (Send("WATCHDOG=1"))
            {
                KeepAlivesSent++;
            }

            return true;
        }

        var text = string.Join("; ", problems);
        if (text != _lastProblem)
        {
            Log.Unhealthy(logger, text);
            Send("STATUS=unhealthy, watchdog keep-alive withheld: " + text);
            _lastProblem = text;
        }

        return false;
    }

    // SystemdNotifier throws when the notify socket is gone (systemd restarting, a test's socket closed): a lost
    // keep-alive is what the watchdog is for, never a reason for the gateway to fail.
    private bool Send(string state)
    {
        try
        {
            notify.Notify(new ServiceState(state));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.WatchdogEnabled, Level = LogLevel.Information, Message = "systemd watchdog: interval {IntervalSeconds:F1} s, keep-alive every {PeriodSeconds:F1} s while healthy")]
        public static partial void Enabled(ILogger logger, double intervalSeconds, double periodSeconds);

        [LoggerMessage(EventId = EventIds.WatchdogUnhealthy, Level = LogLevel.Error, Message = "Liveness check failed, withholding the systemd watchdog keep-alive (systemd restarts the gateway if this lasts): {Problems}")]
        public static partial void Unhealthy(ILogger logger, string problems);

        [LoggerMessage(EventId = EventIds.WatchdogHealthy, Level = LogLevel.Information, Message = "Liveness checks pass again; watchdog keep-alive resumed")]
        public static partial void Healthy(ILogger logger);
    }
}

/// <summary>The database answers a trivial query (not locked up, file still there, disk not hung).</summary>
internal sealed class DatabaseLivenessProbe(GatewayDatabase database) : IGatewayLivenessProbe
{
    public string Name => "database";

    public async ValueTask<string?> CheckAsync(CancellationToken ct)
    {
        var c = await database.OpenAsync(ct).ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT count(*) FROM sqlite_master";
            await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
        }

        return null;
    }
}

/// <summary>
/// The long-running loops (ingest, supervision) are still running: a loop that ended or faulted while
/// the host is not stopping means sensor data is no longer processed, and only a restart brings it back.
/// </summary>
internal sealed class PipelineLivenessProbe(IServiceProvider services, IHostApplicationLifetime lifetime) : IGatewayLivenessProbe
{
    public string Name => "pipeline";

    public ValueTask<string?> CheckAsync(CancellationToken ct)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return ValueTask.FromResult<string?>(null);
        }

        foreach (var service in services.GetServices<IHostedService>())
        {
            if (service is IngestService or SupervisionService && service is BackgroundService { ExecuteTask: { IsCompleted: true } task })
            {
                var how = task.IsFaulted ? $"failed: {task.Exception?.GetBaseException().Message}" : "ended";
                return ValueTask.FromResult<string?>($"{service.GetType().Name} {how}");
            }
        }

        return ValueTask.FromResult<string?>(null);
    }
}

public static class SystemdExtensions
{
    /// <summary>
    /// <c>Type=notify</c> and the journal through Microsoft.Extensions.Hosting.Systemd (<c>AddSystemd</c>, what
    /// <c>UseSystemd</c> does for a host builder): when systemd started the process, the host's lifetime sends
    /// READY=1 once every service has started and STOPPING=1 on stop, and console logs use the systemd format
    /// (one line per entry, with the syslog priority <c>&lt;N&gt;</c> that journald reads as the entry's level, and no
    /// timestamp of our own: the journal has one). On top of it, the watchdog keep-alive tied to liveness probes for
    /// the database and the pipeline loops. All of it is inert when not started by systemd.
    /// </summary>
    public static IHostApplicationBuilder AddSystemdIntegration(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSystemd();
        if (SystemdHelpers.IsSystemdService())
        {
            // The systemd formatter would still print appsettings.json's console timestamp; the journal stamps each line itself.
            builder.Services.PostConfigure<ConsoleFormatterOptions>(o => o.TimestampFormat = null);
        }

        // AddSystemd registers the notifier only under systemd; elsewhere nothing is sent, even with a NOTIFY_SOCKET.
        builder.Services.TryAddSingleton<ISystemdNotifier, NotUnderSystemd>();
        builder.Services.AddSingleton(_ => SystemdHelpers.IsSystemdService()
            ? SystemdWatchdogSettings.FromEnvironment(Environment.GetEnvironmentVariable, Environment.ProcessId)
            : SystemdWatchdogSettings.None);
        builder.Services.AddSingleton<IGatewayLivenessProbe, DatabaseLivenessProbe>();
        builder.Services.AddSingleton<IGatewayLivenessProbe, PipelineLivenessProbe>();
        builder.Services.AddHostedService<SystemdWatchdog>();
        return builder;
    }
}

/// <summary>The notifier outside systemd: disabled, sends nothing.</summary>
internal sealed class NotUnderSystemd : ISystemdNotifier
{
    public bool IsEnabled => false;

    public void Notify(ServiceState state)
    {
    }
}
