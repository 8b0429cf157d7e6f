using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Prevention;

/// <summary>
/// Loads the prevention settings at start, then writes the day's mobility figures to SQLite every
/// <see cref="PreventionOptions.TrendFlushInterval"/> and once more at shutdown. A failed write keeps the figures
/// for the next one (logged as an error).
/// </summary>
internal sealed partial class MobilityRecorder(
    PreventionSettings settings,
    MobilityStore store,
    IOptions<PreventionOptions> options,
    SiteClock clock,
    TimeProvider time,
    ILogger<MobilityRecorder> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await settings.LoadAsync(cancellationToken).ConfigureAwait(false);
        Log.Started(logger, options.Value.Enabled, clock.Zone.Id, options.Value.NightFrom, options.Value.NightTo);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.TrendFlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await FlushAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task FlushAsync(CancellationToken ct)
    {
        try
        {
            var rows = await store.FlushAsync(ct).ConfigureAwait(false);
            if (rows > 0)
            {
                Log.Written(logger, rows);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // Trends must never take the gateway down; the figures stay in memory for the next write.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.WriteFailed(logger, e);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.PreventionStarted, Level = LogLevel.Information, Message = "Prevention: posture tracker {Enabled}, site time zone {Zone}, night {NightFrom}-{NightTo}")]
        public static partial void Started(ILogger logger, bool enabled, string zone, string nightFrom, string nightTo);

        [LoggerMessage(EventId = EventIds.TrendsWritten, Level = LogLevel.Debug, Message = "Mobility trends: {Rows} resident-day(s) updated")]
        public static partial void Written(ILogger logger, int rows);

        [LoggerMessage(EventId = EventIds.TrendsWriteFailed, Level = LogLevel.Error, Message = "Mobility trends could not be written; kept in memory for the next try")]
        public static partial void WriteFailed(ILogger logger, Exception exception);
    }
}
