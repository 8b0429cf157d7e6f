using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Edge.Alerting.IntegrationTests.Infrastructure;

/// <summary>
/// A real pseudo-terminal pair from Debian's socat: <c>socat -d -d pty,raw,echo=0 pty,raw,echo=0</c>. Bytes written
/// to one /dev/pts device come out of the other, through the kernel's tty layer (termios applies).
/// </summary>
public sealed partial class SocatPtyPair : IDisposable
{
    private readonly Process _process;

    private SocatPtyPair(Process process, string a, string b)
    {
        _process = process;
        PathA = a;
        PathB = b;
    }

    public string PathA { get; }

    public string PathB { get; }

    public static async Task<SocatPtyPair> StartAsync()
    {
        var psi = new ProcessStartInfo("socat", "-d -d pty,raw,echo=0 pty,raw,echo=0")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("socat did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("socat is not installed (Debian package 'socat'; ./edge setup installs it)", e);
        }

        var paths = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            while (true)
            {
                var line = await process.StandardError.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("socat exited before reporting its ptys");
                var m = PtyLine().Match(line);
                if (m.Success)
                {
                    paths.Add(m.Groups[1].Value);
                }

                if (line.Contains("starting data transfer loop", StringComparison.Ordinal))
                {
                    break;
                }
            }
        }
        catch
        {
            process.Kill();
            process.Dispose();
            throw;
        }

        if (paths.Count != 2)
        {
            process.Kill();
            process.Dispose();
            throw new InvalidOperationException($"socat reported {paths.Count} ptys");
        }

        // Keep draining stderr so socat never blocks on a full pipe.
        _ = process.StandardError.ReadToEndAsync();
        return new SocatPtyPair(process, paths[0], paths[1]);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    [GeneratedRegex(@"PTY is (\S+)")]
    private static partial Regex PtyLine();
}
