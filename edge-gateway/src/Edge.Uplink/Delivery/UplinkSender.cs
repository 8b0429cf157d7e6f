using Edge.Cloud.Contracts;
using Edge.Logging;
using Edge.Uplink.Outbox;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edge.Uplink.Delivery;

/// <summary>
/// Delivers the outbox in order (alerts first, then health), one batch at a time, and deletes an event
/// only after the cloud has answered for it. A crash between the cloud storing a batch and the answer
/// arriving means the batch is sent again after restart; the cloud answers "duplicate" for those events.
/// While the cloud is unreachable it retries with exponential backoff and jitter; the backlog and the
/// time since when are in <see cref="UplinkStatus"/>.
/// </summary>
public sealed partial class UplinkSender(
    OutboxStore store,
    UplinkClient client,
    UplinkStatus status,
    IOptions<UplinkOptions> options,
    TimeProvider time,
    ILogger<UplinkSender> logger) : BackgroundService
{
    private int _failures;
    private int _batchSize = options.Value.BatchSize;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        await store.EnsureSchemaAsync(stoppingToken).ConfigureAwait(false);
        if (!o.Enabled)
        {
            Log.Disabled(logger);
            status.Backlog(await store.CountAsync(stoppingToken).ConfigureAwait(false), enabled: false);
            return;
        }

        Log.Started(logger, o.CloudUrl!, o.GatewayId, o.PinnedCaCertificateFile ?? "system trust store");
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                wait = await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A storage hiccup must not stop the uplink for good; it is logged and retried.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.CycleFailed(logger, e);
                wait = o.MaxBackoff;
            }

            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>One cycle: expire old health, send one batch, record the answers. Returns how long to wait before the next cycle.</summary>
    internal async Task<TimeSpan> RunOnceAsync(CancellationToken ct)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var expired = await store.ExpireAsync(now, ct).ConfigureAwait(false);
        if (expired > 0)
        {
            status.Expired(expired);
            Log.HealthExpired(logger, expired);
        }

        var batch = await store.ReadBatchAsync(_batchSize, now, ct).ConfigureAwait(false);
        if (batch.Count == 0)
        {
            status.Backlog(await store.CountAsync(ct).ConfigureAwait(false), enabled: true);
            return o.PollInterval;
        }

        // The identity is stamped now, not when the event was queued: events queued under an old or wrong
        // configuration go out under the gateway's current one once it is fixed.
        var outcome = await client.SendAsync([.. batch.Select(b => Stamp(b.Event, o))], ct).ConfigureAwait(false);
        switch (outcome.Kind)
        {
            case SendOutcomeKind.Answered:
                var delivered = new List<long>();
                var rejected = new List<(OutboxItem, string)>();
                int accepted = 0, duplicates = 0;
                for (var i = 0; i < batch.Count; i++)
                {
                    var r = outcome.Result!.Results[i];
                    switch (r.Status)
                    {
                        case UplinkEventStatus.Accepted:
                            accepted++;
                            delivered.Add(batch[i].Id);
                            break;
                        case UplinkEventStatus.Duplicate:
                            duplicates++;
                            delivered.Add(batch[i].Id);
                            break;
                        default:
                            rejected.Add((batch[i], r.Reason ?? "rejected"));
                            Log.Rejected(logger, batch[i].Event.Type, batch[i].IdempotencyKey, r.Reason ?? "");
                            break;
                    }
                }

                await store.CompleteAsync(delivered, rejected, time.GetUtcNow(), ct).ConfigureAwait(false);
                if (rejected.Count > 0)
                {
                    status.Rejected(new UplinkRejection(rejected.Count, rejected[0].Item1.Event.Type, rejected[0].Item1.IdempotencyKey, rejected[0].Item2));
                }

                if (_failures > 0)
                {
                    Log.Recovered(logger, _failures, status.Current.UnreachableSince ?? now);
                }

                _failures = 0;
                _batchSize = o.BatchSize;
                // One update with the new backlog: a waiter never sees a delivery without its backlog, or the reverse.
                status.Delivered(accepted, duplicates, await store.CountAsync(ct).ConfigureAwait(false));
                status.DeadLettered(rejected.Count);
                return TimeSpan.Zero;

            case SendOutcomeKind.BatchRefused when batch.Count > 1:
                // Something in the batch is too big or malformed for the cloud: halve until it is isolated.
                _batchSize = Math.Max(1, batch.Count / 2);
                Log.BatchRefused(logger, batch.Count, outcome.Error ?? "");
                return TimeSpan.Zero;

            case SendOutcomeKind.BatchRefused or SendOutcomeKind.Refused:
                // Refused for good as sent: to the dead letters (a gateway fault says so), so the events behind
                // them keep flowing. After the cause is fixed, 'edge provision uplink resend' queues them again.
                var reason = outcome.Error ?? "refused";
                await store.CompleteAsync([], [.. batch.Select(b => (b, reason))], time.GetUtcNow(), ct).ConfigureAwait(false);
                Log.RefusedForGood(logger, batch.Count, batch[0].Event.Type, batch[0].IdempotencyKey, reason);
                status.DeadLettered(batch.Count);
                status.Rejected(new UplinkRejection(batch.Count, batch[0].Event.Type, batch[0].IdempotencyKey, reason));
                status.Backlog(await store.CountAsync(ct).ConfigureAwait(false), enabled: true);
                _batchSize = o.BatchSize;
                return TimeSpan.Zero;

            default:
                _failures++;
                await store.CountAttemptAsync([.. batch.Select(b => b.Id)], ct).ConfigureAwait(false);
                status.Failed(outcome.Kind.ToString(), outcome.Error ?? "", await store.CountAsync(ct).ConfigureAwait(false));
                var delay = outcome.RetryAfter is { } after && after > TimeSpan.Zero ? Min(after, o.MaxBackoff) : Backoff(_failures, o);
                if (_failures == 1 || _failures % 20 == 0)
                {
                    Log.Unreachable(logger, outcome.Kind.ToString(), outcome.Error ?? "", status.Current.Backlog, delay);
                }

                return delay;
        }
    }

    /// <summary>
    /// The event as it goes out now: this gateway's current gateway and site id, and the incident id qualified by the
    /// current gateway id when it was qualified by the one the event was queued under (so every event of an incident
    /// names it the same way, before and after a fix of <c>Uplink:GatewayId</c>).
    /// </summary>
    internal static UplinkEvent Stamp(UplinkEvent e, UplinkOptions o)
    {
        var incidentId = e.IncidentId;
        if (incidentId is not null && e.GatewayId != o.GatewayId && incidentId.StartsWith(e.GatewayId + ":", StringComparison.Ordinal))
        {
            incidentId = o.GatewayId + incidentId[e.GatewayId.Length..];
        }

        return e with { GatewayId = o.GatewayId, SiteId = o.SiteId, IncidentId = incidentId };
    }

    /// <summary>
    /// Exponential backoff with "equal jitter": half of min(max, initial * 2^(n-1)) plus a random part
    /// of the other half, so many gateways coming back after a cloud outage do not retry in step.
    /// </summary>
    internal static TimeSpan Backoff(int failures, UplinkOptions o)
    {
        var exponent = Math.Min(failures - 1, 30);
        var cap = Math.Min(o.MaxBackoff.TotalMilliseconds, o.InitialBackoff.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds((cap / 2) + (Random.Shared.NextDouble() * cap / 2));
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.UplinkStarted, Level = LogLevel.Information, Message = "Uplink to {CloudUrl} as gateway {GatewayId} (trust: {Trust})")]
        public static partial void Started(ILogger logger, Uri cloudUrl, string gatewayId, string trust);

        [LoggerMessage(EventId = EventIds.UplinkDisabled, Level = LogLevel.Information, Message = "Uplink disabled: events are kept in the outbox and sent once it is enabled")]
        public static partial void Disabled(ILogger logger);

        [LoggerMessage(EventId = EventIds.CloudUnreachable, Level = LogLevel.Warning, Message = "Cloud not reachable ({Kind}: {Error}); {Backlog} event(s) waiting, next attempt in {Delay}")]
        public static partial void Unreachable(ILogger logger, string kind, string error, long backlog, TimeSpan delay);

        [LoggerMessage(EventId = EventIds.CloudReachableAgain, Level = LogLevel.Information, Message = "Cloud reachable again after {Failures} failed attempt(s), unreachable since {Since:O}")]
        public static partial void Recovered(ILogger logger, int failures, DateTimeOffset since);

        [LoggerMessage(EventId = EventIds.UplinkEventRejected, Level = LogLevel.Error, Message = "The cloud rejected {Type} event {Key}: {Reason}; kept in uplink_dead_letters")]
        public static partial void Rejected(ILogger logger, string type, string key, string reason);

        [LoggerMessage(EventId = EventIds.UplinkRefusedForGood, Level = LogLevel.Error, Message = "The cloud refused {Count} event(s) for good, the first {Type} {Key}: {Reason}; kept in uplink_dead_letters (after the fix: ./edge provision uplink resend)")]
        public static partial void RefusedForGood(ILogger logger, int count, string type, string key, string reason);

        [LoggerMessage(EventId = EventIds.UplinkBatchRefused, Level = LogLevel.Warning, Message = "The cloud refused a batch of {Count}: {Error}; retrying with smaller batches")]
        public static partial void BatchRefused(ILogger logger, int count, string error);

        [LoggerMessage(EventId = EventIds.HealthSummariesExpired, Level = LogLevel.Warning, Message = "{Count} health summary event(s) expired unsent (time-to-live reached)")]
        public static partial void HealthExpired(ILogger logger, int count);

        [LoggerMessage(EventId = EventIds.UplinkCycleFailed, Level = LogLevel.Error, Message = "Uplink cycle failed; retrying")]
        public static partial void CycleFailed(ILogger logger, Exception exception);
    }
}
