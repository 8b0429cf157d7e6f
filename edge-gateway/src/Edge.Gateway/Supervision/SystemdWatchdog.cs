using System.Globalization;
using Edge.Gateway.Diagnostics;
using Edge.Gateway.Ingest;
using Edge.Gateway.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

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

/// <summary>What systemd asked for: the watchdog interval (<c>WATCHDOG_USEC</c>), if any, for this process.</summary>
public sealed record SystemdWatchdogSettings(TimeSpan? Interval)
{
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
/// systemd integration for <c>Type=notify</c> with <c>WatchdogSec=</c>: READY=1 once the host has
/// started, STOPPING=1 when it stops, and WATCHDOG=1 every half watchdog interval, but only while every
/// <see cref="IGatewayLivenessProbe"/> passes. When a probe fails the keep-alive stops, systemd kills the
/// process after WatchdogSec and <c>Restart=on-failure</c> starts it again. Does nothing outside systemd.
/// </summary>
internal sealed partial class SystemdWatchdog(
    ISystemdNotify notify,
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

        using var started = lifetime.ApplicationStarted.Register(() => notify.Notify("READY=1\nSTATUS=running"));
        using var stopping = lifetime.ApplicationStopping.Register(() => notify.Notify("STOPPING=1\nSTATUS=stopping"));
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
                notify.Notify("STATUS=running");
                _lastProblem = null;
            }

            if (notify.Notify("WATCHDOG=1"))
            {
                KeepAlivesSent++;
            }

            return true;
        }

        var text = string.Join("; ", problems);
        if (text != _lastProblem)
        {
            Log.Unhealthy(logger, text);
            notify.Notify("STATUS=unhealthy, watchdog keep-alive withheld: " + text);
            _lastProblem = text;
        }

        return false;
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
    /// sd_notify integration (READY/STOPPING/WATCHDOG) with liveness probes for the database and the
    /// pipeline loops. Inert when not started by systemd (no <c>NOTIFY_SOCKET</c>).
    /// </summary>
    public static IHostApplicationBuilder AddSystemdIntegration(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ISystemdNotify>(_ => new SystemdNotify());
        builder.Services.AddSingleton(_ => SystemdWatchdogSettings.FromEnvironment(Environment.GetEnvironmentVariable, Environment.ProcessId));
        builder.Services.AddSingleton<IGatewayLivenessProbe, DatabaseLivenessProbe>();
        builder.Services.AddSingleton<IGatewayLivenessProbe, PipelineLivenessProbe>();
        builder.Services.AddHostedService<SystemdWatchdog>();
        return builder;
    }
}
