using Edge.Gateway.Incidents;
using Edge.Uplink.Delivery;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Uplink;

/// <summary>
/// Every event the cloud refuses for good goes to <c>uplink_dead_letters</c> (the rest keeps flowing); this raises
/// a gateway fault (subject <c>uplink</c>) that says why and how to send them again once the cause is fixed. One
/// fault while it is open: later refusals are logged by the uplink, not paged again.
/// </summary>
internal sealed partial class UplinkRejectionReporter(UplinkStatus status, IIncidentService incidents, TimeProvider time, ILogger<UplinkRejectionReporter> logger) : IHostedService
{
    public const string Subject = "uplink";

    private readonly SemaphoreSlim _one = new(1, 1);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        status.EventsRejected += OnRejected;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        status.EventsRejected -= OnRejected;
        return Task.CompletedTask;
    }

    private void OnRejected(object? sender, UplinkRejection e) => _ = RaiseAsync(e);

    private async Task RaiseAsync(UplinkRejection e)
    {
        await _one.WaitAsync().ConfigureAwait(false);
        try
        {
            var open = await incidents.ListOpenAsync().ConfigureAwait(false);
            if (open.Any(i => i.Type == IncidentType.GatewayFault && i.Subject == Subject))
            {
                return;
            }

            await incidents.RaiseAsync(new RaiseRequest(IncidentType.GatewayFault, Subject, time.GetUtcNow(),
                $"Cloud uplink: the cloud refused {e.Count} event(s) ({e.Type} {e.IdempotencyKey} first): {e.Reason}. They are kept in uplink_dead_letters; fix the cause (e.g. ./edge provision uplink gateway-id), restart the gateway, then ./edge provision uplink resend --db DATABASE",
                "uplink")).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The events are safe in the dead letters; the uplink has logged the refusal (8010) either way.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.FaultNotRaised(logger, ex, e.Count, e.Reason);
        }
        finally
        {
            _one.Release();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.UplinkFaultNotRaised, Level = LogLevel.Error, Message = "Could not raise the gateway fault for {Count} event(s) the cloud refused ({Reason}); they are in uplink_dead_letters")]
        public static partial void FaultNotRaised(ILogger logger, Exception exception, int count, string reason);
    }
}
