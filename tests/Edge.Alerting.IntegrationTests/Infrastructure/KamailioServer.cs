using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Edge.Alerting.IntegrationTests.Infrastructure;

/// <summary>
/// A private Kamailio SIP server on 127.0.0.1 with its own config and runtime folder. Debian does not ship sipp
/// for bookworm, so Kamailio (Debian package 'kamailio') plays the handset/SIP server; its auth module verifies
/// Digest credentials itself. Every log line is kept so tests can assert what the server received.
/// </summary>
public sealed class KamailioServer : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly string _dir;

    private KamailioServer(Process process, string dir, int port)
    {
        _process = process;
        _dir = dir;
        Port = port;
    }

    public int Port { get; }

    public IReadOnlyList<string> Lines => [.. _lines];

    public static async Task<KamailioServer> StartAsync()
    {
        var mpath = Directory.GetDirectories("/usr/lib")
            .Select(d => Path.Combine(d, "kamailio", "modules"))
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "auth.so")))
            ?? throw new InvalidOperationException("Kamailio modules not found: install the Debian package 'kamailio' (./edge setup does)");
        var port = FreeUdpPort();
        var dir = Path.Combine(Path.GetTempPath(), $"edge-kamailio-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        var template = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Sip", "kamailio-handset.cfg"));
        var cfg = Path.Combine(dir, "kamailio.cfg");
        await File.WriteAllTextAsync(cfg, template.Replace("__PORT__", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal).Replace("__MPATH__", mpath + "/", StringComparison.Ordinal));
        var psi = new ProcessStartInfo("kamailio", ["-f", cfg, "-DD", "-E", "-m", "16", "-M", "4", "-Y", dir, "-w", dir])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var process = Process.Start(psi) ?? throw new InvalidOperationException("kamailio did not start");
        var server = new KamailioServer(process, dir, port);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                ready.TrySetException(new InvalidOperationException("kamailio exited: " + string.Join("\n", server.Lines.TakeLast(20))));
                return;
            }

            server._lines.Enqueue(e.Data);
            if (e.Data.Contains("EDGE-READY", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                server._lines.Enqueue(e.Data);
            }
        };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            await ready.Task.WaitAsync(Wait.Long);
        }
        catch
        {
            server.Dispose();
            throw;
        }

        return server;
    }

    public IReadOnlyList<string> Matching(string marker) => Lines.Where(l => l.Contains(marker, StringComparison.Ordinal)).ToList();

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        finally
        {
            _process.Dispose();
            try
            {
                Directory.Delete(_dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static int FreeUdpPort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }
}
