using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Edge.TestKit;

/// <summary>
/// The test harness every integration suite uses, modelled on MQTTnet's <c>TestEnvironment</c>: it collects the log
/// entries of everything the test runs (hosts and objects in the test's process through <see cref="LoggerFactory"/> or
/// <see cref="Capture"/>, child processes through <see cref="Watch"/>) and, when disposed, fails the test on any Error
/// or Critical entry the test did not declare with <see cref="ExpectError(int, string?)"/>, and on any task exception
/// nobody observed. A test class owns one (a field) and disposes it after its hosts have stopped, so errors logged
/// while shutting down count too.
/// </summary>
/// <remarks>
/// Expected errors are declared precisely (an event id, or a category, plus a fragment of the message), so a fault
/// test that provokes one error still fails on another. Unobserved task exceptions surface on the finalizer thread,
/// so disposal forces a full collection first; xunit runs test classes in parallel, so such an exception may fail a
/// test that ran at the same time as the one that lost it: its stack trace says where it came from.
/// </remarks>
public sealed class TestEnvironment : IDisposable
{
    private const string InProcess = "in-process";

    private readonly Lock _lock = new();
    private readonly List<LogEntry> _entries = [];
    private readonly List<(Func<LogEntry, bool> Match, TaskCompletionSource<LogEntry> Signal)> _waiters = [];
    private readonly List<ExpectedError> _expected = [];
    private readonly List<ConsoleLogParser> _parsers = [];
    private readonly ITestOutputHelper? _output;
    private readonly long _unobservedMark;
    private bool _disposed;

    public TestEnvironment(ITestOutputHelper? output = null)
    {
        _output = output;
        _unobservedMark = UnobservedTaskExceptions.Mark();
        LoggerProvider = new Provider(this, InProcess);
        LoggerFactory = new LoggerFactory([LoggerProvider]);
    }

    /// <summary>A provider for hosts the test builds (see <see cref="Capture"/>); disposing a host does not dispose it.</summary>
    public ILoggerProvider LoggerProvider { get; }

    /// <summary>Loggers for objects the test constructs itself (channels, clients).</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>Every entry so far, in arrival order.</summary>
    public IReadOnlyList<LogEntry> Entries
    {
        get
        {
            FlushParsers();
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>Error and Critical entries so far that no <see cref="ExpectError(int, string?)"/> covers.</summary>
    public IReadOnlyList<LogEntry> UnexpectedErrors
    {
        get
        {
            FlushParsers();
            lock (_lock)
            {
                return [.. _entries.Where(e => e.IsError && !_expected.Any(x => x.Matches(e)))];
            }
        }
    }

    public ILogger<T> Logger<T>() => LoggerFactory.CreateLogger<T>();

    /// <summary>
    /// Sends a host's logs here (and nowhere else: no console noise in the test output), as entries of
    /// <paramref name="source"/> (default <c>in-process</c>), so a test with two hosts can tell them apart.
    /// </summary>
    public void Capture(ILoggingBuilder logging, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging.ClearProviders();
        logging.AddProvider(source is null ? LoggerProvider : new Provider(this, source));
    }

    /// <summary>
    /// Reads a child process's console as log entries (see <see cref="ConsoleLogParser"/>): the lines it printed so far
    /// and every later one. An Error from a gateway process under test fails the test like one logged in-process.
    /// </summary>
    public ChildProcess Watch(ChildProcess process)
    {
        ArgumentNullException.ThrowIfNull(process);
        // One parser per stream: an entry continued over several lines never takes a line of the other stream.
        var output = new ConsoleLogParser(process.Name, Add);
        var error = new ConsoleLogParser(process.Name, Add);
        lock (_lock)
        {
            _parsers.Add(output);
            _parsers.Add(error);
        }

        process.Observe((line, fromStandardError) => (fromStandardError ? error : output).Line(line));
        return process;
    }

    /// <summary>Declares an Error the test provokes on purpose: entries with this event id (and, if given, containing <paramref name="text"/>).</summary>
    public void ExpectError(int eventId, string? text = null)
    {
        lock (_lock)
        {
            _expected.Add(new ExpectedError(eventId, null, text));
        }
    }

    /// <summary>Declares an Error the test provokes on purpose: entries of this logger category containing <paramref name="text"/>.</summary>
    public void ExpectError(string category, string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(category);
        ArgumentException.ThrowIfNullOrEmpty(text);
        lock (_lock)
        {
            _expected.Add(new ExpectedError(null, category, text));
        }
    }

    /// <summary>Waits for an entry (past or future) with this event id.</summary>
    public Task<LogEntry> WaitForEventAsync(int eventId, TimeSpan timeout) =>
        WaitForAsync(e => e.EventId == eventId, string.Create(CultureInfo.InvariantCulture, $"event {eventId}"), timeout);

    /// <summary>Waits for an entry (past or future) matching <paramref name="match"/>.</summary>
    public async Task<LogEntry> WaitForAsync(Func<LogEntry, bool> match, string what, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(match);
        var signal = new TaskCompletionSource<LogEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_entries.FirstOrDefault(match) is { } seen)
            {
                return seen;
            }

            _waiters.Add((match, signal));
        }

        try
        {
            return await signal.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            lock (_lock)
            {
                _waiters.RemoveAll(w => w.Signal == signal);
            }

            throw new TimeoutException($"no log entry with {what} within {timeout}");
        }
    }

    /// <summary>Fails now (rather than at the end) on unexpected errors and unobserved task exceptions so far.</summary>
    public void ThrowIfErrors()
    {
        var errors = UnexpectedErrors;
        var unobserved = UnobservedTaskExceptions.Claim(_unobservedMark);
        if (errors.Count == 0 && unobserved.Count == 0)
        {
            return;
        }

        var text = new StringBuilder();
        if (errors.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{errors.Count} unexpected error log entr{(errors.Count == 1 ? "y" : "ies")} (a test that provokes one declares it with TestEnvironment.ExpectError):\n");
            foreach (var e in errors)
            {
                text.Append("  ").Append(e).Append('\n');
            }
        }

        if (unobserved.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{unobserved.Count} unobserved task exception(s) (from this test, or one that ran beside it):\n");
            foreach (var e in unobserved)
            {
                text.Append("  ").Append(e).Append('\n');
            }
        }

        throw new XunitException(text.ToString());
    }

    /// <summary>Checks the test's logs and unobserved task exceptions; throws (failing the test) if either has something unexpected.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        UnobservedTaskExceptions.Flush();
        LoggerFactory.Dispose();
        ThrowIfErrors();
    }

    private void FlushParsers()
    {
        List<ConsoleLogParser> parsers;
        lock (_lock)
        {
            parsers = [.. _parsers];
        }

        foreach (var parser in parsers)
        {
            parser.Flush();
        }
    }

    private void Add(LogEntry entry)
    {
        List<TaskCompletionSource<LogEntry>> signals;
        lock (_lock)
        {
            _entries.Add(entry);
            signals = [];
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(entry))
                {
                    signals.Add(_waiters[i].Signal);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var signal in signals)
        {
            signal.TrySetResult(entry);
        }

        if (_output is { } output)
        {
            try
            {
                output.WriteLine(entry.ToString());
            }
            catch (InvalidOperationException)
            {
                // Logged after the test ended (a host stopping late): it still counts, it just has no output to go to.
            }
        }
    }

    private sealed record ExpectedError(int? EventId, string? Category, string? Text)
    {
        public bool Matches(LogEntry entry) =>
            (EventId is not { } id || entry.EventId == id)
            && (Category is null || string.Equals(entry.Category, Category, StringComparison.Ordinal))
            && (Text is null || entry.Message.Contains(Text, StringComparison.Ordinal) || (entry.Exception?.Contains(Text, StringComparison.Ordinal) ?? false));
    }

    private sealed class Provider(TestEnvironment owner, string source) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CapturingLogger(owner, source, categoryName);

        // Hosts dispose the providers they were given; this one belongs to the environment and outlives them.
        public void Dispose()
        {
        }
    }

    private sealed class CapturingLogger(TestEnvironment owner, string source, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Add(new LogEntry(source, category, logLevel, eventId.Id, formatter(state, exception), exception?.ToString()));
            }
        }
    }
}
