using System.Globalization;
using Edge.Gateway.LoadTest;

// End-to-end load: N simulated wearables (streaming, 50 Hz, 1 batch/s each) -> a private Mosquitto ->
// the real gateway, each in its own process. Build first (from the repo root):
//   dotnet build -c Release edge-gateway/src/Edge.Gateway -nr:false
//   dotnet build -c Release firmware/src/Edge.Simulator -nr:false
// then: dotnet run -c Release --project edge-gateway/bench/Edge.Gateway.LoadTest -- [--duration 300]
//   [--warmup 30] [--devices 1000] [--falls-per-hour 2] [--work DIR] [--repo DIR]
var options = new LoadOptions();
try
{
    for (var i = 0; i < args.Length; i++)
    {
        string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
        switch (args[i])
        {
            case "--duration": options.DurationSeconds = int.Parse(Value(), CultureInfo.InvariantCulture); break;
            case "--warmup": options.WarmupSeconds = int.Parse(Value(), CultureInfo.InvariantCulture); break;
            case "--devices": options.Devices = int.Parse(Value(), CultureInfo.InvariantCulture); break;
            case "--falls-per-hour": options.FallsPerHour = double.Parse(Value(), CultureInfo.InvariantCulture); break;
            case "--work": options.WorkDir = Path.GetFullPath(Value()); break;
            case "--repo": options.RepoRoot = Path.GetFullPath(Value()); break;
            case "-h" or "--help":
                Console.WriteLine("loadtest [--duration S (300)] [--warmup S (30)] [--devices N (1000)] [--falls-per-hour X (2)] [--work DIR] [--repo DIR]");
                return 0;
            default: throw new ArgumentException($"unknown option {args[i]}");
        }
    }

    if (options.DurationSeconds < 10 || options.WarmupSeconds < 0 || options.Devices < 1 || options.FallsPerHour < 0)
    {
        throw new ArgumentException("--duration at least 10, --warmup not negative, --devices at least 1, --falls-per-hour not negative");
    }

    using var cts = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        cts.Cancel();
    };
    return await new LoadRun(options).RunAsync(cts.Token);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"loadtest: {ex.Message}");
    return 2;
}
catch (FormatException ex)
{
    Console.Error.WriteLine($"loadtest: {ex.Message}");
    return 2;
}
