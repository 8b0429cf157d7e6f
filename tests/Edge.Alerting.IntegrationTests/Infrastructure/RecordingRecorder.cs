using System.Collections.Concurrent;

namespace Edge.Alerting.IntegrationTests.Infrastructure;

/// <summary>Keeps every attempt in memory, in order.</summary>
public sealed class RecordingRecorder : IDeliveryAttemptRecorder
{
    private readonly ConcurrentQueue<DeliveryAttempt> _attempts = new();

    public IReadOnlyList<DeliveryAttempt> Attempts => [.. _attempts];

    public IReadOnlyList<DeliveryOutcome> Outcomes => [.. _attempts.Select(a => a.Outcome)];

    public ValueTask RecordAsync(DeliveryAttempt attempt, CancellationToken cancellationToken)
    {
        _attempts.Enqueue(attempt);
        return ValueTask.CompletedTask;
    }

    /// <summary>Nothing to wait for: attempts are kept as they are recorded.</summary>
    public Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
