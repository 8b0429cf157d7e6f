using System.Globalization;
using System.Runtime.InteropServices;
using Edge.Demo;

// ./edge demo [--duration SECONDS] [--data DIR]: see DemoRunner.
var repoRoot = FindRepoRoot();
TimeSpan duration = TimeSpan.FromSeconds(100);
string? dataDir = null;
string? workDir = null;
var dataGiven = false;
for (var i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    try
    {
        switch (args[i])
        {
            case "--duration":
                var text = Value();
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) || s < 10 || s > 86_400)
                {
                    throw new ArgumentException($"--duration '{text}' must be a number of seconds from 10 to 86400");
                }

                duration = TimeSpan.FromSeconds(s);
                break;
            case "--work":
                workDir = Path.GetFullPath(Value());
                break;
            case "--data":
                dataDir = Path.GetFullPath(Value());
                dataGiven = true;
                break;
            case "-h" or "--help":
                Console.WriteLine("./edge demo [--duration SECONDS (default 100)] [--data SISFALL_DIR (default ../shared/data/sisfall if present)] [--work DIR (default .edge/demo)]");
                return 0;
            default:
                throw new ArgumentException($"unknown option {args[i]} (try --help)");
        }
    }
    catch (ArgumentException e)
    {
        Console.Error.WriteLine($"demo: {e.Message}");
        return 2;
    }
}

if (dataGiven && !Directory.Exists(dataDir))
{
    Console.Error.WriteLine($"demo: --data {dataDir} does not exist");
    return 2;
}

if (!dataGiven)
{
    var fallback = Environment.GetEnvironmentVariable("EDGE_DATA_DIR") is { Length: > 0 } env ? env
        : Path.Combine(repoRoot, "..", "shared", "data", "sisfall");
    dataDir = Directory.Exists(fallback) ? Path.GetFullPath(fallback) : null;
}

// Ctrl-C, SIGINT and SIGTERM all end the demo the same way: everything it started (broker, gateway, cloud,
// simulator) is stopped before it exits, also when it runs in the background (./edge demo &), where the shell
// starts it with SIGINT ignored: a registration installs a handler whatever the inherited disposition.
using var stop = new CancellationTokenSource();
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    Console.Error.WriteLine($"demo: {context.Signal} received: stopping everything it started");
    stop.Cancel();
}

using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var onQuit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, Stop);
using var onHup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);

var settings = new DemoSettings(duration, dataDir, repoRoot, workDir ?? Path.Combine(repoRoot, ".edge", "demo"));
try
{
    return await new DemoRunner(settings, new DemoConsole()).RunAsync(stop.Token);
}
catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"demo: {e.Message}");
    return 1;
}

static string FindRepoRoot()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Edge.sln")))
    {
        dir = dir.Parent;
    }

    return dir?.FullName ?? throw new InvalidOperationException("run the demo from a checkout (Edge.sln not found)");
}
