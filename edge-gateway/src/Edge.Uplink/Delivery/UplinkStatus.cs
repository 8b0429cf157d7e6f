using System.Diagnostics.Metrics;

namespace Edge.Uplink.Delivery;

/// <summary>The uplink as the staff page and a technician see it.</summary>
public sealed record UplinkState
{
    public bool Enabled { get; init; }

    /// <summary>False from the first failed attempt until the next success.</summary>
    public bool CloudReachable { get; init; } = true;

    /// <summary>When the cloud stopped answering (null while it answers).</summary>
    public DateTimeOffset? UnreachableSince { get; init; }

    public DateTimeOffset? LastDeliveryAt { get; init; }

    public string? LastError { get; init; }

    public int ConsecutiveFailures { get; init; }

    /// <summary>Events waiting in the outbox.</summary>
    public long Backlog { get; init; }

    /// <summary>Of those, incident transitions and notification attempts.</summary>
    public long AlertBacklog { get; init; }

    /// <summary>When the oldest waiting event was queued.</summary>
    public DateTimeOffset? OldestQueuedAt { get; init; }

    /// <summary>Health summaries dropped because they outlived their time-to-live (never incident events).</summary>
    public long ExpiredHealth { get; init; }

    /// <summary>Events the cloud rejected (kept in uplink_dead_letters).</summary>
    public long DeadLettered { get; init; }

    /// <summary>Events delivered since start (accepted or already there).</summary>
    public long Delivered { get; init; }

    /// <summary>Of those, events the cloud already had (a resend after a lost answer).</summary>
    public long Duplicates { get; init; }

    /// <summary>Degraded: the cloud is unreachable, or alerts are waiting.</summary>
    public bool Degraded => Enabled && (!CloudReachable || AlertBacklog > 0 && ConsecutiveFailures > 0);
}

/// <summary>Events the cloud refused for good in one delivery cycle: how many, the first one's type and key, and the cloud's reason.</summary>
public sealed record UplinkRejection(int Count, string Type, string IdempotencyKey, string Reason);

/// <summary>Queryable status and metrics of the uplink (meter <c>Edge.Uplink</c>).</summary>
public sealed class UplinkStatus
{
    public const string MeterName = "Edge.Uplink";

    private readonly Lock _lock = new();
    private readonly List<(Func<UplinkState, bool> Predicate, TaskCompletionSource<UplinkState> Signal)> _waiters = [];
    private readonly TimeProvider _time;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _expired;
    private readonly Counter<long> _deadLettered;
    private UplinkState _state = new();

    public UplinkStatus(IMeterFactory meterFactory, TimeProvider time)
    {
        _time = time;
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge("edge.uplink.backlog", () => new[]
        {
            new Measurement<long>(Current.AlertBacklog, new KeyValuePair<string, object?>("kind", "alert")),
            new Measurement<long>(Current.Backlog - Current.AlertBacklog, new KeyValuePair<string, object?>("kind", "health")),
        }, "{event}", "Events waiting in the outbox.");
        meter.CreateObservableGauge("edge.uplink.unreachable.duration", () =>
            Current.UnreachableSince is { } since ? (_time.GetUtcNow() - since).TotalSeconds : 0.0, "s", "How long the cloud has been unreachable (0 while reachable).");
        _delivered = meter.CreateCounter<long>("edge.uplink.delivered", "{event}", "Events the cloud acknowledged, by status (accepted, duplicate).");
        _failures = meter.CreateCounter<long>("edge.uplink.failures", "{attempt}", "Failed delivery attempts, by kind.");
        _expired = meter.CreateCounter<long>("edge.uplink.expired", "{event}", "Health summaries dropped after their time-to-live.");
        _deadLettered = meter.CreateCounter<long>("edge.uplink.rejected", "{event}", "Events the cloud rejected (dead-lettered).");
    }

    public UplinkState Current
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    /// <summary>Completes when the state satisfies <paramref name="predicate"/> (now or later).</summary>
    public Task<UplinkState> WaitForAsync(Func<UplinkState, bool> predicate, CancellationToken ct)
    {
        lock (_lock)
        {
            if (predicate(_state))
            {
                return Task.FromResult(_state);
            }

            var signal = new TaskCompletionSource<UplinkState>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((predicate, signal));
            ct.Register(() => signal.TrySetCanceled(ct));
            return signal.Task;
        }
    }

    internal void Delivered(int accepted, int duplicates, Outbox.OutboxCounts counts)
    {
        _delivered.Add(accepted, new KeyValuePair<string, object?>("status", "accepted"));
        _delivered.Add(duplicates, new KeyValuePair<string, object?>("status", "duplicate"));
        Update(s => s with
        {
            CloudReachable = true, UnreachableSince = null, ConsecutiveFailures = 0, LastError = null,
            LastDeliveryAt = _time.GetUtcNow(), Delivered = s.Delivered + accepted + duplicates, Duplicates = s.Duplicates + duplicates,
            Enabled = true, Backlog = counts.Total, AlertBacklog = counts.Alerts, OldestQueuedAt = counts.OldestCreatedAt,
            ExpiredHealth = counts.Expired, DeadLettered = counts.DeadLettered,
        });
    }

    internal void Failed(string kind, string error, Outbox.OutboxCounts counts)
    {
        _failures.Add(1, new KeyValuePair<string, object?>("kind", kind));
        var now = _time.GetUtcNow();
        Update(s => s with
        {
            CloudReachable = false, UnreachableSince = s.UnreachableSince ?? now, ConsecutiveFailures = s.ConsecutiveFailures + 1, LastError = error,
            Enabled = true, Backlog = counts.Total, AlertBacklog = counts.Alerts, OldestQueuedAt = counts.OldestCreatedAt,
            ExpiredHealth = counts.Expired, DeadLettered = counts.DeadLettered,
        });
    }

    internal void Expired(int count) => _expired.Add(count);

    internal void DeadLettered(int count) => _deadLettered.Add(count);

    /// <summary>
    /// Raised once per delivery cycle in which the cloud refused events for good (they are in uplink_dead_letters);
    /// the gateway turns it into a gateway fault.
    /// </summary>
    public event EventHandler<UplinkRejection>? EventsRejected;

    internal void Rejected(UplinkRejection rejection) => EventsRejected?.Invoke(this, rejection);

    internal void Backlog(Outbox.OutboxCounts counts, bool enabled) =>
        Update(s => s with
        {
            Enabled = enabled, Backlog = counts.Total, AlertBacklog = counts.Alerts, OldestQueuedAt = counts.OldestCreatedAt,
            ExpiredHealth = counts.Expired, DeadLettered = counts.DeadLettered,
        });

    private void Update(Func<UplinkState, UplinkState> change)
    {
        List<(TaskCompletionSource<UplinkState>, UplinkState)> fire = [];
        lock (_lock)
        {
            _state = change(_state);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Predicate(_state))
                {
                    fire.Add((_waiters[i].Signal, _state));
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var (signal, state) in fire)
        {
            signal.TrySetResult(state);
        }
    }
}
