using Edge.Cloud.Contracts;
using Edge.Gateway.Registry;
using Edge.Gateway.Supervision;
using Edge.Uplink;
using Edge.Uplink.Delivery;
using Edge.Uplink.Outbox;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Uplink;

/// <summary>How often the gateway summarises site health for the cloud.</summary>
public sealed class HealthSummaryOptions
{
    public const string SectionName = "Uplink:HealthSummary";

    /// <summary>Length of one summary period (default one hour); periods are aligned to it.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// At the end of each period, queues one health.summary: every registered device with its state
/// from the device board and the seconds its resident was unprotected in the period (from the
/// supervision's unprotected intervals). The summary exists only as the outbox row, written in its own
/// transaction; it carries the health time-to-live.
/// </summary>
public sealed partial class HealthSummaryPublisher(
    IOptions<HealthSummaryOptions> options,
    IDeviceRegistry registry,
    DeviceSupervisor supervisor,
    UnprotectedTimeStore unprotected,
    OutboxWriter outbox,
    IOutboxConnectionFactory connections,
    UplinkStatus status,
    ResidentPseudonyms pseudonyms,
    TimeProvider time,
    ILogger<HealthSummaryPublisher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.Interval;
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var end = new DateTimeOffset((now.UtcTicks / interval.Ticks + 1) * interval.Ticks, TimeSpan.Zero);
            try
            {
                await Task.Delay(end - now, time, stoppingToken).ConfigureAwait(false);
                await PublishAsync(end - interval, end, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed summary must not stop the next ones; it is logged.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.Failed(logger, e);
            }
        }
    }

    internal async Task PublishAsync(DateTimeOffset start, DateTimeOffset end, CancellationToken ct)
    {
        var period = (long)(end - start).TotalSeconds;
        var unprotectedByResident = (await unprotected.QueryAsync(start, end, null, ct).ConfigureAwait(false))
            .GroupBy(u => u.ResidentId)
            .ToDictionary(g => g.Key, g => Math.Min(period, (long)Math.Round(g.Sum(u => u.Minutes) * 60)));
        var board = supervisor.GetBoard().ToDictionary(b => b.DeviceId, StringComparer.Ordinal);
        var references = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var a in registry.Assignments)
        {
            references[a.ResidentId] = await pseudonyms.ForAsync(a.ResidentId, null, ct).ConfigureAwait(false);
        }

        var devices = registry.Assignments.OrderBy(a => a.DeviceId, StringComparer.Ordinal).Select(a =>
        {
            board.TryGetValue(a.DeviceId, out var entry);
            return new DeviceHealthEntry
            {
                DeviceId = a.DeviceId,
                ResidentRef = references.GetValueOrDefault(a.ResidentId),
                Unit = a.UnitId,
                State = State(entry),
                BatteryPercent = entry?.BatteryPercent,
                UnprotectedSeconds = unprotectedByResident.GetValueOrDefault(a.ResidentId),
            };
        }).ToList();
        var payload = new HealthSummaryPayload
        {
            PeriodStart = start,
            PeriodEnd = end,
            DevicesTotal = devices.Count,
            DevicesProtected = devices.Count(d => d.State is DeviceStates.Protected or DeviceStates.BatteryLow),
            UplinkBacklog = status.Current.Backlog,
            Devices = devices,
        };

        await using var c = await connections.OpenAsync(ct).ConfigureAwait(false);
        await using var tx = (SqliteTransaction)await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        outbox.Enqueue(tx, outbox.Health(payload));
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    private static string State(DeviceBoardEntry? entry) => entry switch
    {
        null => DeviceStates.Offline,
        { State: DeviceConnectivity.Docked } or { Charging: true } => DeviceStates.Docked,
        { State: DeviceConnectivity.Offline or DeviceConnectivity.Unknown } => DeviceStates.Offline,
        { Worn: false } => DeviceStates.NotWorn,
        { UnprotectedReason: not null } => DeviceStates.NotWorn,
        { BatteryPercent: < 20 } => DeviceStates.BatteryLow,
        _ => DeviceStates.Protected,
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.HealthSummaryFailed, Level = LogLevel.Error, Message = "Health summary could not be queued")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
