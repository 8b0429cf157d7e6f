using System.Text;

namespace Edge.Provision;

/// <summary>
/// The CLI's view of the terminal, so tests can run it in-process and see everything it prints.
/// Secrets are read from <see cref="In"/> when it is redirected, or from the terminal without echo.
/// </summary>
public sealed class ProvisionConsole
{
    /// <summary>Creates a console over the given streams (tests).</summary>
    public ProvisionConsole(TextReader input, TextWriter output, TextWriter error, bool isInputRedirected, TimeProvider time)
    {
        In = input;
        Out = output;
        Error = error;
        IsInputRedirected = isInputRedirected;
        Time = time;
    }

    /// <summary>Standard input.</summary>
    public TextReader In { get; }

    /// <summary>Standard output.</summary>
    public TextWriter Out { get; }

    /// <summary>Standard error (prompts and errors).</summary>
    public TextWriter Error { get; }

    /// <summary>True when stdin is a pipe or file (secrets are read line by line from it).</summary>
    public bool IsInputRedirected { get; }

    /// <summary>The clock for timestamps and certificate validity.</summary>
    public TimeProvider Time { get; }

    /// <summary>The process's console.</summary>
    public static ProvisionConsole FromSystemConsole() =>
        new(Console.In, Console.Out, Console.Error, Console.IsInputRedirected, TimeProvider.System);

    /// <summary>Reads a line from the terminal without echoing it (interactive use only).</summary>
    public string? ReadHidden(string prompt)
    {
        Error.Write(prompt);
        var sb = new StringBuilder();
        while (true)
        {
            ConsoleKeyInfo key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                Error.WriteLine();
                return sb.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (sb.Length > 0)
                {
                    sb.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                sb.Append(key.KeyChar);
            }
        }
    }
}
