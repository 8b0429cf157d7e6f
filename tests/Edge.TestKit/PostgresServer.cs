using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Edge.TestKit;

/// <summary>
/// A private PostgreSQL cluster for tests and benchmarks: Debian's binaries (<c>initdb</c>, <c>pg_ctl</c>
/// from /usr/lib/postgresql/N/bin), a data folder and socket in a temp folder, 127.0.0.1 on a free port,
/// trust authentication for the user <c>edge</c>. Never the system service. Stopped and deleted on dispose.
/// </summary>
/// <remarks>
/// initdb refuses to run as root. When the tests run as root, the temp folder is given to the
/// <c>postgres</c> OS user (created by the Debian package) and every command runs through
/// <c>runuser -u postgres --</c>; as an ordinary user the commands run directly.
/// </remarks>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string User = "edge";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    private readonly string _bin;
    private readonly string _root;
    private readonly bool _asPostgresUser;
    private bool _running;

    private PostgresServer(string bin, string root, bool asPostgresUser, int port)
    {
        _bin = bin;
        _root = root;
        _asPostgresUser = asPostgresUser;
        Port = port;
    }

    public int Port { get; }

    public string DataDirectory => Path.Combine(_root, "data");

    public string LogFile => Path.Combine(_root, "postgres.log");

    /// <summary>The folder of Debian's PostgreSQL binaries (newest version), or null when not installed.</summary>
    public static string? FindBinaries()
    {
        var configured = Environment.GetEnvironmentVariable("EDGE_PG_BIN");
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(Path.Combine(configured, "initdb")) ? configured : null;
        }

        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            return null;
        }

        return Directory.GetDirectories(root)
            .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0))
            .Where(x => File.Exists(Path.Combine(x.Dir, "initdb")))
            .OrderByDescending(x => x.Version)
            .Select(x => x.Dir)
            .FirstOrDefault();
    }

    /// <summary>
    /// Creates and starts a cluster. <paramref name="durable"/> false turns fsync off (tests);
    /// benchmarks keep PostgreSQL's durable defaults.
    /// </summary>
    public static async Task<PostgresServer> StartAsync(bool durable = false)
    {
        var bin = FindBinaries() ?? throw new InvalidOperationException(
            "PostgreSQL is not installed (no /usr/lib/postgresql/N/bin/initdb). Run ./edge setup, or apt-get install -y postgresql. " +
            "Set EDGE_PG_BIN to another folder holding initdb and pg_ctl.");

        var asPostgresUser = Environment.IsPrivilegedProcess;
        var root = Path.Combine(Path.GetTempPath(), $"edge-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        var server = new PostgresServer(bin, root, asPostgresUser, FreePort());
        try
        {
            if (asPostgresUser)
            {
                await RunAsync("chown", ["-R", "postgres:postgres", root]).ConfigureAwait(false);
            }

            await server.PgAsync("initdb", ["-D", server.DataDirectory, "-U", User, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]).ConfigureAwait(false);
            var settings = $"-p {server.Port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=200" +
                (durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
            await server.PgAsync("pg_ctl", ["-D", server.DataDirectory, "-l", server.LogFile, "-o", settings, "-w", "-t", "60", "start"]).ConfigureAwait(false);
            server._running = true;
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>An Npgsql connection string for a database of this cluster.</summary>
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username={User};Database={database};Pooling=true;Maximum Pool Size=50";

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null)
    {
        name ??= "t_" + Guid.NewGuid().ToString("N");
        await PgAsync("createdb", ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", User, name]).ConfigureAwait(false);
        return ConnectionString(name);
    }

    public async ValueTask DisposeAsync()
    {
        if (_running)
        {
            _running = false;
            try
            {
                await PgAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"]).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // Already gone; the folder is removed below either way.
            }
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private Task PgAsync(string tool, IReadOnlyList<string> args) =>
        _asPostgresUser
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. args])
            : RunAsync(Path.Combine(_bin, tool), args);

    private static async Task RunAsync(string file, IReadOnlyList<string> args)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} did not finish within {CommandTimeout.TotalSeconds} s");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{file} {string.Join(' ', args)} failed with exit code {process.ExitCode}:\n{await stdout.ConfigureAwait(false)}\n{await stderr.ConfigureAwait(false)}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
