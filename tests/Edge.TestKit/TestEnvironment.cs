using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using Xunit.Sdk;

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
public sealed partial class TestEnvironment : IDisposable
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
        var parser = new ConsoleLogParser(process.Name, Add);
        lock (_lock)
        {
            _parsers.Add(parser);
        }

        process.Observe(parser.Line);
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

    /// <summary>
    /// Turns console lines of a .NET program into entries: the simple console formatter on one line
    /// (<c>[timestamp ]fail: Category[id] message</c>, what the gateway's appsettings.json asks for) or over several
    /// (a header line, then the message and exception indented; the cloud service's default), the systemd formatter
    /// (<c>&lt;3&gt;Category[id] message</c>, the syslog priority giving the level), and the runtime's
    /// <c>Unhandled exception.</c> with its stack trace (a Critical entry). Other lines are not log entries.
    /// </summary>
    internal sealed partial class ConsoleLogParser(string source, Action<LogEntry> emit)
    {
        private readonly Lock _lock = new();
        private LogEntry? _open;

        public void Line(string line)
        {
            LogEntry? done = null;
            LogEntry? complete = null;
            lock (_lock)
            {
                if (_open is not null && line.Length > 0 && char.IsWhiteSpace(line[0]))
                {
                    _open.Append(line.Trim());
                    return;
                }

                done = _open;
                _open = null;
                if (Parse(line) is { } entry)
                {
                    // A header without a message (or a crash) continues on the indented lines that follow.
                    if (entry.Message.Length == 0 || entry.Category == "unhandled")
                    {
                        _open = entry;
                    }
                    else
                    {
                        complete = entry;
                    }
                }
            }

            if (done is not null)
            {
                emit(done);
            }

            if (complete is not null)
            {
                emit(complete);
            }
        }

        /// <summary>Emits an entry still waiting for continuation lines (before the test's logs are read).</summary>
        public void Flush()
        {
            LogEntry? done;
            lock (_lock)
            {
                done = _open;
                _open = null;
            }

            if (done is not null)
            {
                emit(done);
            }
        }

        private LogEntry? Parse(string line)
        {
            if (line.StartsWith("Unhandled exception.", StringComparison.Ordinal))
            {
                return new LogEntry(source, "unhandled", LogLevel.Critical, 0, line, null);
            }

            var simple = SimpleFormat().Match(line);
            if (simple.Success)
            {
                var level = simple.Groups["level"].Value switch
                {
                    "trce" => LogLevel.Trace,
                    "dbug" => LogLevel.Debug,
                    "info" => LogLevel.Information,
                    "warn" => LogLevel.Warning,
                    "fail" => LogLevel.Error,
                    _ => LogLevel.Critical,
                };
                return Entry(simple, level);
            }

            var systemd = SystemdFormat().Match(line);
            if (systemd.Success)
            {
                var level = systemd.Groups["priority"].Value[0] switch
                {
                    '0' or '1' or '2' => LogLevel.Critical,
                    '3' => LogLevel.Error,
                    '4' => LogLevel.Warning,
                    '5' or '6' => LogLevel.Information,
                    _ => LogLevel.Debug,
                };
                return Entry(systemd, level);
            }

            return null;
        }

        private LogEntry Entry(Match m, LogLevel level) =>
            new(source, m.Groups["category"].Value, level, int.Parse(m.Groups["id"].Value, CultureInfo.InvariantCulture), m.Groups["message"].Value, null);

        [GeneratedRegex(@"^(?:[0-9:.TZ+/ -]+ )?(?<level>trce|dbug|info|warn|fail|crit): (?<category>[^\s\[]+)\[(?<id>-?\d+)\](?: (?<message>.*))?$")]
        private static partial Regex SimpleFormat();

        [GeneratedRegex(@"^<(?<priority>[0-7])>(?<category>[^\s\[]+)\[(?<id>-?\d+)\] ?(?<message>.*)$")]
        private static partial Regex SystemdFormat();
    }

    /// <summary>Task exceptions nobody observed, reported by the runtime when the task is finalized.</summary>
    private static class UnobservedTaskExceptions
    {
        private static readonly Lock Gate = new();
        private static readonly List<(long Sequence, Exception Exception)> Seen = [];
        private static long _sequence;

        private static bool _subscribed;

        /// <summary>Where the exceptions of a new environment start (subscribing once per process, with the first).</summary>
        public static long Mark()
        {
            lock (Gate)
            {
                if (!_subscribed)
                {
                    TaskScheduler.UnobservedTaskException += OnUnobserved;
                    _subscribed = true;
                }

                return _sequence;
            }
        }

        /// <summary>Finalizes what is garbage now, so a lost faulted task reports itself before the test ends.</summary>
        public static void Flush()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        private static void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e)
        {
            lock (Gate)
            {
                Seen.Add((++_sequence, e.Exception));
            }

            e.SetObserved();
        }

        /// <summary>The exceptions reported since <paramref name="mark"/> that no other environment has reported yet.</summary>
        public static IReadOnlyList<Exception> Claim(long mark)
        {
            lock (Gate)
            {
                var mine = Seen.Where(s => s.Sequence > mark).ToList();
                Seen.RemoveAll(s => s.Sequence > mark);
                return [.. mine.Select(s => s.Exception)];
            }
        }
    }
}
