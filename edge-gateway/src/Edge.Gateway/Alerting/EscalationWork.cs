using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Alerting;

/// <summary>
/// The escalation's work in flight (sends, withdrawals, and the handling of channel events) and the stop signal
/// it all honours. Work is tracked by incident, so a withdrawal can wait for the sends still on the wire, and
/// <see cref="WhenIdleAsync"/> for everything. Logs under the engine's category, as before the engine was split.
/// </summary>
internal sealed partial class EscalationWork(ILogger<EscalationEngine> logger) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly List<(long IncidentId, Task Task)> _inflight = [];
    private CancellationTokenSource? _stopping;

    /// <summary>Cancelled when the engine stops (none before it starts).</summary>
    public CancellationToken Stopping => _stopping?.Token ?? CancellationToken.None;

    /// <summary>The engine is stopping: a cancellation now is expected, not a failure.</summary>
    public bool IsStopping => _stopping?.IsCancellationRequested == true;

    /// <summary>The engine starts: from now on <see cref="Stopping"/> can be cancelled.</summary>
    public void Begin() => _stopping = new CancellationTokenSource();

    /// <summary>Signals every piece of work to stop.</summary>
    public Task StopAsync() => _stopping is { } s ? s.CancelAsync() : Task.CompletedTask;

    /// <summary>Tracks <paramref name="task"/> for <paramref name="incidentId"/> (0: not about one incident).</summary>
    public void Track(long incidentId, Task task)
    {
        lock (_lock)
        {
            _inflight.RemoveAll(t => t.Task.IsCompleted);
            _inflight.Add((incidentId, task));
        }
    }

    /// <summary>The work for <paramref name="incidentId"/> that has not finished yet.</summary>
    public Task[] Pending(long incidentId)
    {
        lock (_lock)
        {
            return [.. _inflight.Where(t => t.IncidentId == incidentId && !t.Task.IsCompleted).Select(t => t.Task)];
        }
    }

    /// <summary>Completes when every piece of work tracked so far, and any it started, has finished.</summary>
    public async Task WhenIdleAsync()
    {
        while (true)
        {
            Task[] tasks;
            lock (_lock)
            {
                _inflight.RemoveAll(t => t.Task.IsCompleted);
                tasks = [.. _inflight.Select(t => t.Task)];
            }

            if (tasks.Length == 0)
            {
                return;
            }

            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
    }

    /// <summary>Awaits <paramref name="task"/> and logs its failure instead of throwing it (a cancellation while stopping is no failure).</summary>
    public async Task Guard(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (IsStopping)
        {
        }
#pragma warning disable CA1031 // Event handlers run on channel threads: a failure is logged, never thrown at the channel.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Failed(e);
        }
    }

    /// <summary>Logs a failure the escalation outlives (it retries).</summary>
    public void Failed(Exception exception) => Log.EngineFailed(logger, exception);

    public void Dispose() => _stopping?.Dispose();

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.EngineFailed, Level = LogLevel.Error, Message = "Escalation step failed; retrying")]
        public static partial void EngineFailed(ILogger logger, Exception exception);
    }
}
