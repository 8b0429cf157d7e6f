using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.IntegrationTests;

/// <summary>Keeps every log entry so a test can fail on unexpected errors and look for event ids.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception)> Entries { get; } = new();

    private readonly Lock _lock = new();
    private readonly List<(int EventId, TaskCompletionSource<string> Signal)> _waiters = [];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>Completes with the message of the first entry (past or future) with this event id.</summary>
    public Task<string> WaitForEventAsync(int eventId, TimeSpan timeout)
    {
        var signal = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            var seen = Entries.FirstOrDefault(e => e.EventId.Id == eventId);
            if (seen.Message is not null)
            {
                return Task.FromResult(seen.Message);
            }

            _waiters.Add((eventId, signal));
        }

        return signal.Task.WaitAsync(timeout);
    }

    private void Add((string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception) entry)
    {
        lock (_lock)
        {
            Entries.Enqueue(entry);
            foreach (var w in _waiters.Where(w => w.EventId == entry.EventId.Id).ToList())
            {
                w.Signal.TrySetResult(entry.Message);
                _waiters.Remove(w);
            }
        }
    }

    public void Dispose()
    {
    }

    public IReadOnlyList<string> Errors() =>
        [.. Entries.Where(e => e.Level >= LogLevel.Error).Select(e => $"{e.Category} [{e.EventId.Id}] {e.Message} {e.Exception}")];

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Add((category, logLevel, eventId, formatter(state, exception), exception));
            }
        }
    }
}
