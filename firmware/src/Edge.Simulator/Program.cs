using System.Globalization;
using Edge.Simulator;

// edge-sim: runs simulated wearables (the real firmware core) against an MQTT broker.
// Usage: sim --broker HOST:PORT --site ID --scenario FILE [--data DIR] [--speed X] [--duration S]
//            [--username U --password P] [--tls-ca FILE] [--tick-ms N]
var options = new SimulationOptions();
string? scenarioPath = null;
try
{
    for (var i = 0; i < args.Length; i++)
    {
        string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
        switch (args[i])
        {
            case "--broker":
                var hp = Value();
                var colon = hp.LastIndexOf(':');
                if (colon <= 0 || !int.TryParse(hp[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
                {
                    throw new ArgumentException($"--broker '{hp}' must be HOST:PORT");
                }

                options.BrokerHost = hp[..colon];
                options.BrokerPort = port;
                break;
            case "--site": options.Site = Value(); break;
            case "--scenario": scenarioPath = Value(); break;
            case "--data": options.DataDir = Value(); break;
            case "--speed": options.Speed = double.Parse(Value(), CultureInfo.InvariantCulture); break;
            case "--duration": options.DurationSeconds = double.Parse(Value(), CultureInfo.InvariantCulture); break;
            case "--username": options.Username = Value(); break;
            case "--password": options.Password = Value(); break;
            case "--tls-ca": options.TlsCaFile = Value(); break;
            case "--tick-ms": options.TickUs = (long)(double.Parse(Value(), CultureInfo.InvariantCulture) * 1000); break;
            case "-h" or "--help":
                Console.WriteLine("sim --broker HOST:PORT --site ID --scenario FILE [--data DIR] [--speed X (0 = as fast as possible)] [--duration S] [--username U --password P] [--tls-ca FILE] [--tick-ms N]");
                return 0;
            default: throw new ArgumentException($"unknown option {args[i]}");
        }
    }

    if (scenarioPath is null)
    {
        throw new ArgumentException("--scenario FILE is required");
    }

    if (options.Password is not null && options.Username is null)
    {
        throw new ArgumentException("--password needs --username");
    }

    if (options.Speed < 0 || options.DurationSeconds < 0 || options.TickUs < 100)
    {
        throw new ArgumentException("--speed and --duration must not be negative; --tick-ms at least 0.1");
    }

    var scenario = Scenario.Load(scenarioPath);
    var dataDir = options.DataDir ?? Environment.GetEnvironmentVariable("EDGE_DATA_DIR")
        ?? Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "..", "..", "shared", "data", "sisfall"));
    var recordings = Directory.Exists(dataDir) ? new RecordingLibrary(dataDir) : null;
    if (recordings is null)
    {
        Console.WriteLine($"sim: no SisFall folder at {dataDir}; only synthetic motion is available");
    }

    using var cts = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        cts.Cancel();
    };
    await using var sim = new Simulation(options, scenario, recordings, Console.Out);
    await sim.RunAsync(cts.Token);
    return 0;
}
catch (Exception ex) when (ex is ArgumentException or ScenarioException or FormatException or InvalidOperationException or TimeoutException)
{
    Console.Error.WriteLine($"sim: {ex.Message}");
    return 2;
}
catch (OperationCanceledException)
{
    return 0;
}
