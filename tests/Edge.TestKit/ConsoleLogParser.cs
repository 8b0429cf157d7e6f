using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Edge.TestKit;

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
