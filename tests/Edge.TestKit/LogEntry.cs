using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Edge.TestKit;

/// <summary>One log entry a test saw: from code in the test's process, or parsed from a child process's console.</summary>
public sealed class LogEntry
{
    internal LogEntry(string source, string category, LogLevel level, int eventId, string message, string? exception)
    {
        Source = source;
        Category = category;
        Level = level;
        EventId = eventId;
        Message = message;
        Exception = exception;
    }

    /// <summary><c>in-process</c>, or the name of the child process that printed it.</summary>
    public string Source { get; }

    /// <summary>The logger's category (for a child process, as its console printed it).</summary>
    public string Category { get; }

    public LogLevel Level { get; }

    public int EventId { get; }

    public string Message { get; private set; }

    /// <summary>The exception logged with the entry (its text), if any.</summary>
    public string? Exception { get; }

    public bool IsError => Level >= LogLevel.Error;

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"[{Source}] {Level} {Category}[{EventId}] {Message}{(Exception is null ? "" : " " + Exception)}");

    // A console entry printed over several lines (the default simple format) gets its message line by line.
    internal void Append(string line) => Message = Message.Length == 0 ? line : Message + "\n" + line;
}
