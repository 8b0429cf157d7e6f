using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Tests;

/// <summary>A logger that keeps every entry (level, event id, formatted message, exception) for assertions.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, EventId EventId, string Message, Exception? Exception)> Entries { get; } = new();

    public IEnumerable<string> WithId(int eventId) => Entries.Where(e => e.EventId.Id == eventId).Select(e => e.Message);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, eventId, formatter(state, exception), exception));
}
