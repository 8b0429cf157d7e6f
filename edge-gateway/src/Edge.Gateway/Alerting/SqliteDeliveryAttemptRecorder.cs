using System.Globalization;
using System.Threading.Channels;
using Edge.Alerting;
using Edge.Cloud.Contracts;
using Edge.Gateway.Storage;
using Edge.Uplink.Outbox;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Alerting;

/// <summary>
/// Stores every delivery attempt in <c>notification_attempts</c>. Channels call it on their send path, and the
/// database commits with fsync (synchronous=FULL), so attempts are queued and written by one background writer
/// in batches: a page to the second recipient never waits for the disk. <see cref="FlushAsync"/> waits until
/// everything queued so far is committed (the engine flushes before it reads attempts back). When the uplink
/// is configured, each attempt is also queued for the cloud in the same transaction (outcome and channel
/// only: the detail text can carry a resident's name, which never leaves the site).
/// </summary>
public sealed partial class SqliteDeliveryAttemptRecorder : IDeliveryAttemptRecorder, IAsyncDisposable
{
    private readonly GatewayDatabase _database;
    private readonly EscalationStore _store;
    private readonly ILogger<SqliteDeliveryAttemptRecorder> _logger;
    private readonly Channel<Item> _queue = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private readonly OutboxWriter? _outbox;

    public SqliteDeliveryAttemptRecorder(GatewayDatabase database, EscalationStore store, ILogger<SqliteDeliveryAttemptRecorder> logger, OutboxWriter? outbox = null)
    {
        _outbox = outbox;
        _database = database;
        _store = store;
        _logger = logger;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Raised after an attempt is stored (the staff page and tests watch it).</summary>
    public event EventHandler<DeliveryAttempt>? Recorded;

    public ValueTask RecordAsync(DeliveryAttempt attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        if (!_queue.Writer.TryWrite(new Item(attempt, null)))
        {
            Log.RecorderClosed(_logger, attempt.Channel, attempt.IncidentId, attempt.Recipient, OutcomeName(attempt.Outcome));
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Completes when every attempt queued before the call is committed.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _queue.Writer.TryWrite(new Item(null, done)) ? done.Task.WaitAsync(cancellationToken) : Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    internal static string OutcomeName(DeliveryOutcome outcome) => outcome switch
    {
        DeliveryOutcome.Delivered => "delivered",
        DeliveryOutcome.Refused => "refused",
        DeliveryOutcome.Busy => "busy",
        DeliveryOutcome.Corrupted => "corrupted",
        DeliveryOutcome.Challenged => "challenged",
        DeliveryOutcome.TimedOut => "timed_out",
        _ => "failed",
    };

    internal static string KindName(ChannelKind kind) => kind switch
    {
        ChannelKind.Espa => "espa",
        ChannelKind.Sip => "sip",
        ChannelKind.Webhook => "webhook",
        _ => "staff_page",
    };

    private async Task WriteLoopAsync()
    {
        var batch = new List<Item>();
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < 256 && _queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            try
            {
                await WriteAsync(batch).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A failed write is logged with what was lost; the writer must keep going.
            catch (Exception e)
#pragma warning restore CA1031
            {
                foreach (var a in batch.Where(i => i.Attempt is not null).Select(i => i.Attempt!))
                {
                    Log.WriteFailed(_logger, e, a.Channel, a.IncidentId, a.Recipient, OutcomeName(a.Outcome));
                }
            }

            foreach (var item in batch)
            {
                item.Flushed?.TrySetResult();
                if (item.Attempt is { } a)
                {
                    Recorded?.Invoke(this, a);
                }
            }
        }
    }

    private async Task WriteAsync(List<Item> batch)
    {
        if (!batch.Exists(i => i.Attempt is not null))
        {
            return;
        }

        await _store.EnsureSchemaAsync(CancellationToken.None).ConfigureAwait(false);
        var c = await _database.OpenAsync().ConfigureAwait(false);
        await using (c.ConfigureAwait(false))
        {
            var tx = (Microsoft.Data.Sqlite.SqliteTransaction)await c.BeginTransactionAsync().ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                foreach (var a in batch.Where(i => i.Attempt is not null).Select(i => i.Attempt!))
                {
                    await using var cmd = c.CreateCommand();
                    cmd.Transaction = tx;
                    cmd.CommandText = """
                        INSERT INTO notification_attempts(incident_id, incident_ref, channel, channel_kind, recipient, operation, attempt, outcome, started_at, finished_at, duration_ms, detail)
                        VALUES ($iid, $ref, $ch, $kind, $rcpt, $op, $n, $outcome, $start, $end, $ms, $detail)
                        """;
                    cmd.Parameters.AddWithValue("$iid", long.TryParse(a.IncidentId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : DBNull.Value);
                    cmd.Parameters.AddWithValue("$ref", a.IncidentId);
                    cmd.Parameters.AddWithValue("$ch", a.Channel);
                    cmd.Parameters.AddWithValue("$kind", KindName(a.Kind));
                    cmd.Parameters.AddWithValue("$rcpt", a.Recipient);
                    cmd.Parameters.AddWithValue("$op", a.Operation == AlertOperation.Send ? "send" : "cancel");
                    cmd.Parameters.AddWithValue("$n", a.AttemptNumber);
                    cmd.Parameters.AddWithValue("$outcome", OutcomeName(a.Outcome));
                    cmd.Parameters.AddWithValue("$start", DbTime.ToText(a.StartedAt));
                    cmd.Parameters.AddWithValue("$end", DbTime.ToText(a.StartedAt + a.Duration));
                    cmd.Parameters.AddWithValue("$ms", a.Duration.TotalMilliseconds);
                    cmd.Parameters.AddWithValue("$detail", a.Detail);
                    await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
                    _outbox?.Enqueue(tx, _outbox.Notification(a.IncidentId, a.StartedAt, new NotificationAttemptPayload
                    {
                        Channel = KindName(a.Kind),
                        Target = a.Recipient,
                        Attempt = Math.Max(1, a.AttemptNumber),
                        Result = a.Operation == AlertOperation.Send ? OutcomeName(a.Outcome) : "withdrawn_" + OutcomeName(a.Outcome),
                    }));
                }

                await tx.CommitAsync().ConfigureAwait(false);
            }
        }

    }

    private sealed record Item(DeliveryAttempt? Attempt, TaskCompletionSource? Flushed);

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.AttemptWriteFailed, Level = LogLevel.Error, Message = "Could not store a delivery attempt: {Channel} incident {IncidentId} to {Recipient}: {Outcome}")]
        public static partial void WriteFailed(ILogger logger, Exception exception, string channel, string incidentId, string recipient, string outcome);

        [LoggerMessage(EventId = EventIds.AttemptRecorderClosed, Level = LogLevel.Warning, Message = "Delivery attempt after shutdown not stored: {Channel} incident {IncidentId} to {Recipient}: {Outcome}")]
        public static partial void RecorderClosed(ILogger logger, string channel, string incidentId, string recipient, string outcome);
    }
}
