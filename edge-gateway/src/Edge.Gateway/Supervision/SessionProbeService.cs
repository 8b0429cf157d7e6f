using Edge.Gateway.Ingest;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Supervision;

/// <summary>
/// Sends the gateway's session probe (<see cref="BrokerHealth"/>) every <see cref="SupervisionOptions.ProbeInterval"/>
/// while connected; the self-check turns a late or missing probe into an "ingest-lag" gateway fault. Sources that
/// cannot reach a broker (in-memory test sources) are not probed.
/// </summary>
internal sealed partial class SessionProbeService(
    ISensorMessageSource source,
    BrokerHealth health,
    IOptions<SupervisionOptions> options,
    TimeProvider time,
    ILogger<SessionProbeService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (source is not ISessionProbeChannel channel)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.ProbeInterval, time);
        var wasConnected = false;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var connected = source.IsConnected;
                if (!connected || !wasConnected)
                {
                    // Probes of a connection that went prove nothing about the next one.
                    health.ForgetProbes();
                }

                wasConnected = connected;
                if (!connected)
                {
                    continue;
                }

                try
                {
                    if (!await channel.PublishProbeAsync(health.ProbeTopic, health.NextProbe(), stoppingToken).ConfigureAwait(false))
                    {
                        health.ForgetProbes();
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Log.ProbeFailed(logger, e.Message);
                    health.ForgetProbes();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.SessionProbeFailed, Level = LogLevel.Warning, Message = "The session probe could not be sent: {Detail}")]
        public static partial void ProbeFailed(ILogger logger, string detail);
    }
}
