using System.Globalization;
using Edge.Gateway.LoadTest;

// End-to-end load: N simulated wearables (streaming, 50 Hz, 1 batch/s each) -> a private Mosquitto ->
// the real gateway, each in its own process. Build first (from the repo root):
//   dotnet build -c Release edge-gateway/src/Edge.Gateway -nr:false
//   dotnet build -c Release firmware/src/Edge.Simulator -nr:false
// then: dotnet run -c Release --project edge-gateway/bench/Edge.Gateway.LoadTest -- [--duration 300]
//   [--warmup 30] [--devices 1000] [--falls-per-hour 2] [--work DIR] [--repo DIR]
if (args.Length > 0 && args[0] == "signin")
{
    // Sign-in under attack (issue 16): loadtest signin --url URL --user NAME --password-file F [--attackers 16]
    //   [--attack-sources 1] [--samples 8] [--insecure]  against a running gateway's staff page (e.g. ./edge demo's).
    var signIn = new SignInLoadOptions();
    try
    {
        for (var i = 1; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--url": signIn.Url = new Uri(Next()); break;
                case "--user": signIn.User = Next(); break;
                case "--password-file": signIn.Password = File.ReadAllLines(Next()).FirstOrDefault()?.Trim() ?? ""; break;
                case "--attackers": signIn.Attackers = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--attack-sources": signIn.AttackSources = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--samples": signIn.Samples = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--insecure": signIn.AllowInvalidCertificate = true; break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        if (signIn.User.Length == 0 || signIn.Password.Length == 0 || signIn.Attackers < 1 || signIn.AttackSources is < 1 or > 200 || signIn.Samples < 1)
        {
            throw new ArgumentException("--url, --user and --password-file are required; --attackers and --samples at least 1; --attack-sources 1..200");
        }

        using var stopSignIn = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stopSignIn.Cancel();
        };
        return await new SignInLoad(signIn).RunAsync(stopSignIn.Token);
    }
    catch (Exception ex) when (ex is ArgumentException or FormatException or IOException)
    {
        Console.Error.WriteLine($"loadtest signin: {ex.Message}");
        return 2;
    }
}

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
            case "--pause-gateway":
                var pause = Value().Split(':');
                options.PauseAtSeconds = pause.Length == 2 ? int.Parse(pause[0], CultureInfo.InvariantCulture) : throw new ArgumentException("--pause-gateway takes AT:FOR (seconds into the window : seconds frozen)");
                options.PauseForSeconds = int.Parse(pause[1], CultureInfo.InvariantCulture);
                break;
            case "-h" or "--help":
                Console.WriteLine("loadtest [--duration S (300)] [--warmup S (30)] [--devices N (1000)] [--falls-per-hour X (2)] [--pause-gateway AT:FOR] [--work DIR] [--repo DIR]\n" +
                    "loadtest signin --url URL --user NAME --password-file F [--attackers 16] [--attack-sources 1] [--samples 8] [--insecure]");
                return 0;
            default: throw new ArgumentException($"unknown option {args[i]}");
        }
    }

    if (options.DurationSeconds < 10 || options.WarmupSeconds < 0 || options.Devices < 1 || options.FallsPerHour < 0)
    {
        throw new ArgumentException("--duration at least 10, --warmup not negative, --devices at least 1, --falls-per-hour not negative");
    }

    if (options.PauseAtSeconds is { } at && (at < 0 || options.PauseForSeconds < 1 || at + options.PauseForSeconds >= options.DurationSeconds))
    {
        throw new ArgumentException("--pause-gateway AT:FOR must start inside the window, last at least 1 s and end before the window does");
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
