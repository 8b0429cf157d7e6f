using System.Runtime.InteropServices;
using Edge.FaultDrill;

// ./edge drill [--only NAME,NAME] [--list] [--log DIR]: see Drill.
string[]? only = null;
string? logDir = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--only" when i + 1 < args.Length:
            only = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            break;
        case "--log" when i + 1 < args.Length:
            logDir = Path.GetFullPath(args[++i]);
            break;
        case "--list":
            foreach (var f in Drill.Faults)
            {
                Console.WriteLine($"{f.Name,-18} {f.Title}");
            }

            return 0;
        case "-h" or "--help":
            Console.WriteLine("./edge drill [--only NAME,NAME ...] [--list] [--log DIR]: inject the faults a site meets into a scratch site of real processes and time the first alert after each");
            return 0;
        default:
            Console.Error.WriteLine($"drill: unknown option {args[i]} (try --help)");
            return 2;
    }
}

var unknown = only?.Where(n => Drill.Faults.All(f => f.Name != n)).ToList() ?? [];
if (unknown.Count > 0)
{
    Console.Error.WriteLine($"drill: no fault named {string.Join(", ", unknown)} (--list shows them)");
    return 2;
}

// Ctrl-C or SIGTERM: stop at once; everything started is stopped on the way out.
using var stop = new CancellationTokenSource();
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    Console.Error.WriteLine($"drill: {context.Signal} received: stopping everything it started");
    stop.Cancel();
}

using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
try
{
    return await new Drill(only, logDir).RunAsync(stop.Token);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    return 130;
}
catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException)
{
    Console.Error.WriteLine($"drill: {e.Message}");
    return 1;
}
