using System.Text;

namespace Edge.Demo;

/// <summary>
/// The simulator's log: every line goes to a file; the lines that tell the residents' story (a
/// recording starts, a button press, a battery change, a network drop) also go to the screen.
/// </summary>
internal sealed class ScenarioLogWriter(DemoConsole console, string path) : TextWriter
{
    private static readonly string[] StoryWords = ["plays", "presses", "battery", "drops off", "charger", "synthetic", "back on"];
    private readonly StreamWriter _file = new(path, append: false) { AutoFlush = true };
    private readonly StringBuilder _line = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_line)
        {
            if (value == '\n')
            {
                Emit(_line.ToString());
                _line.Clear();
            }
            else if (value != '\r')
            {
                _line.Append(value);
            }
        }
    }

    public override void WriteLine(string? value)
    {
        lock (_line)
        {
            Emit(value ?? "");
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await _file.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Emit(string line)
    {
        _file.WriteLine(line);
        if (StoryWords.Any(w => line.Contains(w, StringComparison.Ordinal)))
        {
            // "sim 12.3 s: wear-103 (Cora Dunn) presses the call button" -> the part after the colon.
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            console.Scenario(colon >= 0 ? line[(colon + 2)..] : line);
        }
    }
}
