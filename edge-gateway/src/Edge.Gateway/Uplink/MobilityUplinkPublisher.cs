using Edge.Cloud.Contracts;
using Edge.Gateway.Prevention;
using Edge.Gateway.Registry;
using Edge.Gateway.Storage;
using Edge.Uplink;
using Edge.Uplink.Outbox;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Uplink;

/// <summary>
/// Queues each resident's mobility for every completed day as one <c>mobility.daily</c> event, only when the site
/// opted in (<see cref="UplinkOptions.ShareMobilityTrends"/>). Nothing finer than a day's totals ever goes: the contract
/// has no field for it and the outbox refuses anything else. Each day is queued once (<c>mobility_uplinked</c>, written
/// in the same transaction as the outbox row); days from before the last <see cref="MaxBackfillDays"/> are left on site.
/// The resident is named by the site's pseudonymous reference (<see cref="ResidentPseudonyms"/>), never the registry id.
/// </summary>
internal sealed partial class MobilityUplinkPublisher(
    IOptions<UplinkOptions> options,
    MobilityStore store,
    SiteClock clock,
    IDeviceRegistry registry,
    OutboxWriter outbox,
    GatewayDatabase database,
    ResidentPseudonyms pseudonyms,
    TimeProvider time,
    ILogger<MobilityUplinkPublisher> logger) : BackgroundService
{
    /// <summary>How far back an opted-in site sends days it has not sent yet.</summary>
    public const int MaxBackfillDays = 7;

    /// <summary>How long a queued day is worth sending while the cloud is unreachable.</summary>
    public static readonly TimeSpan TimeToLive = TimeSpan.FromDays(14);

    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ShareMobilityTrends)
        {
            Log.StaysOnSite(logger);
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PublishAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(Interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Trends must never stop the uplink; the next round tries again.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.Failed(logger, e);
                await Task.Delay(Interval, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Queues the completed days not queued yet; returns how many.</summary>
    internal async Task<int> PublishAsync(CancellationToken ct)
    {
        await store.FlushAsync(ct).ConfigureAwait(false); // the last minutes of yesterday
        var now = time.GetUtcNow();
        var yesterday = clock.Day(now).AddDays(-1);
        var queued = 0;
        var connection = await database.OpenAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await PreventionSchema.EnsureAsync(connection, null, ct).ConfigureAwait(false);
            var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                foreach (var day in await MobilityStore.NotUplinkedAsync(connection, tx, yesterday, 1000, ct).ConfigureAwait(false))
                {
                    await using (var mark = connection.CreateCommand())
                    {
                        mark.Transaction = tx;
                        mark.CommandText = "INSERT INTO mobility_uplinked(resident_id, day, queued_at) VALUES ($r, $d, $at)";
                        mark.Parameters.AddWithValue("$r", day.ResidentId);
                        mark.Parameters.AddWithValue("$d", MobilityStore.Text(day.Day));
                        mark.Parameters.AddWithValue("$at", DbTime.ToText(now));
                        await mark.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    }

                    if (day.Day < yesterday.AddDays(1 - MaxBackfillDays))
                    {
                        continue; // too old: recorded as handled, never sent
                    }

                    registry.TryGetResident(day.ResidentId, out var assignment);
                    outbox.Enqueue(tx, outbox.Mobility(now, new MobilityDailyPayload
                    {
                        Day = MobilityStore.Text(day.Day),
                        ResidentRef = await pseudonyms.ForAsync(day.ResidentId, tx, ct).ConfigureAwait(false),
                        Unit = assignment?.UnitId,
                        WornMinutes = Math.Round(day.WornSeconds / 60, 1),
                        WalkingMinutes = Math.Round(day.WalkingSeconds / 60, 1),
                        Steps = day.Steps,
                        Cadence = day.Cadence is { } c ? Math.Round(c, 1) : null,
                        SitToStands = day.SitToStands,
                        LyingMinutes = Math.Round(day.LyingSeconds / 60, 1),
                        NightTransitions = day.NightTransitions,
                    }), TimeToLive);
                    queued++;
                }

                await tx.CommitAsync(ct).ConfigureAwait(false);
            }
        }

        if (queued > 0)
        {
            Log.Queued(logger, queued, MobilityStore.Text(yesterday));
        }

        return queued;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.TrendsUplinked, Level = LogLevel.Information, Message = "Mobility trends: {Count} resident-day(s) up to {Day} queued for the cloud (daily totals only; the site opted in)")]
        public static partial void Queued(ILogger logger, int count, string day);

        [LoggerMessage(EventId = EventIds.TrendsUplinkFailed, Level = LogLevel.Error, Message = "Mobility trends could not be queued for the cloud; retrying later")]
        public static partial void Failed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = EventIds.TrendsStayOnSite, Level = LogLevel.Information, Message = "Mobility trends stay on site: the site has not opted in (Uplink:ShareMobilityTrends)")]
        public static partial void StaysOnSite(ILogger logger);
    }
}
