using System.Diagnostics;
using System.Globalization;
using Edge.Firmware.Core;
using Edge.Mqtt;
using Edge.Protocol;
using Microsoft.Extensions.Logging;

namespace Edge.Simulator;

/// <summary>Command-line settings of a run.</summary>
public sealed class SimulationOptions
{
    /// <summary>Broker host.</summary>
    public string BrokerHost { get; set; } = "127.0.0.1";

    /// <summary>Broker port.</summary>
    public int BrokerPort { get; set; } = 1883;

    /// <summary>Site id (topic level).</summary>
    public string Site { get; set; } = "";

    /// <summary>SisFall folder (for recordings).</summary>
    public string? DataDir { get; set; }

    /// <summary>Simulated seconds per wall second; 0 = as fast as possible.</summary>
    public double Speed { get; set; } = 1;

    /// <summary>Simulated seconds to run; 0 = the scenario's duration, or until cancelled.</summary>
    public double DurationSeconds { get; set; }

    /// <summary>MQTT user name for devices without their own.</summary>
    public string? Username { get; set; }

    /// <summary>MQTT password for devices without their own.</summary>
    public string? Password { get; set; }

    /// <summary>CA file for TLS, or null for plain TCP.</summary>
    public string? TlsCaFile { get; set; }

    /// <summary>Simulation step, µs (each device is polled once per step).</summary>
    public long TickUs { get; set; } = 5_000;

    /// <summary>How long to wait for every device to connect before the clock starts.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(60);
}

/// <summary>One simulated wearable: the firmware core and its simulated hardware.</summary>
internal sealed class SimulatedDevice
{
    public required string DeviceId { get; init; }

    public required string? Resident { get; init; }

    public required SensorNode Node { get; set; }

    public required SimulatedAccelerometer Accel { get; init; }

    public required SimulatedBattery Battery { get; init; }

    public required DeviceLink Publisher { get; init; }

    public required List<ScenarioStep> Steps { get; init; }

    public int NextStep { get; set; }

    public long OnlineAgainUs { get; set; } = long.MaxValue;

    public double FallsPerHour { get; init; }

    public bool MixedMotion { get; init; }

    public long NextActivityChangeUs { get; set; } = long.MaxValue;
}

/// <summary>
/// Runs many simulated wearables in one process on one simulated clock. Each device runs the real
/// <see cref="SensorNode"/>; the loop advances the clock in small steps and polls every device's
/// sampling and network step, as the device's two threads would.
/// </summary>
public sealed class Simulation : IAsyncDisposable
{
    private static readonly string[] MixedActivities = ["idle", "walking", "sitting", "lying"];

    /// <summary>From power-on to Wi-Fi and MQTT up again on an ESP32 (the boot, DHCP, TLS): about 3 s.</summary>
    private const long RebootTimeUs = 3_000_000;

    private readonly SimulationOptions _options;
    private readonly Scenario _scenario;
    private readonly RecordingLibrary? _recordings;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly TextWriter _log;
    private readonly List<SimulatedDevice> _devices = [];
    private readonly List<MqttPublisherAdapter> _connections = [];
    private readonly Random _rng;
    private long _nowUs;

    /// <summary>Builds every device of the scenario (no network activity yet).</summary>
    public Simulation(SimulationOptions options, Scenario scenario, RecordingLibrary? recordings, TextWriter log, ILoggerFactory? loggerFactory = null)
    {
        _options = options;
        _scenario = scenario;
        _recordings = recordings;
        _log = log;
        _loggerFactory = loggerFactory;
        _rng = new Random(scenario.Seed);
        var site = string.IsNullOrEmpty(options.Site) ? scenario.Site ?? throw new ScenarioException("no site: pass --site or set 'site' in the scenario") : options.Site;
        if (!WireFormat.IsValidId(site))
        {
            throw new ScenarioException($"site '{site}' must be 1-32 characters of A-Z, a-z, 0-9, '-', '_'");
        }

        Site = site;
        var specs = new List<(ScenarioDevice Spec, double FallsPerHour, bool Mixed)>();
        specs.AddRange(scenario.Devices.Select(d => (d, 0.0, false)));
        if (scenario.Generate is { Count: > 0 } g)
        {
            for (var i = 0; i < g.Count; i++)
            {
                var mixed = g.Motion == "mixed";
                var motion = mixed ? MixedActivities[_rng.Next(MixedActivities.Length)] : g.Motion;
                specs.Add((new ScenarioDevice { DeviceId = $"{g.Prefix}{i:D4}", Motion = motion }, g.FallsPerHour, mixed));
            }
        }

        for (var i = 0; i < specs.Count; i++)
        {
            var (spec, fallsPerHour, mixed) = specs[i];
            var connectionOptions = MqttPublisherAdapter.OptionsFor(options, Site, spec.DeviceId, spec.Username ?? options.Username, spec.Password ?? options.Password);
            var connection = new MqttPublisherAdapter(connectionOptions, loggerFactory?.CreateLogger<MqttNetClient>());
            _connections.Add(connection);
            _devices.Add(Build(spec, fallsPerHour, mixed, connection));
        }
    }

    /// <summary>The site every device publishes under.</summary>
    public string Site { get; }

    /// <summary>Simulated time since start, µs.</summary>
    public long NowUs => _nowUs;

    /// <summary>Number of simulated devices.</summary>
    public int DeviceCount => _devices.Count;

    /// <summary>Total samples taken by all devices.</summary>
    public long SamplesTaken => _devices.Sum(d => d.Node.SamplesTaken);

    /// <summary>Total pre-trigger windows opened by all devices.</summary>
    public long Triggers => _devices.Sum(d => d.Node.TriggerCount);

    /// <summary>Connects every device, runs the scenario, then drains what the devices still hold.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        await ConnectAllAsync(ct);
        var duration = _options.DurationSeconds > 0 ? _options.DurationSeconds : _scenario.DurationSeconds;
        var endUs = duration > 0 ? (long)(duration * 1_000_000) : long.MaxValue;
        var wall = Stopwatch.StartNew();
        var nextReportUs = 10_000_000L;
        while (_nowUs < endUs && !ct.IsCancellationRequested)
        {
            _nowUs += _options.TickUs;
            foreach (var d in _devices)
            {
                Step(d);
            }

            if (_options.Speed > 0)
            {
                var aheadMs = (_nowUs / 1000.0 / _options.Speed) - wall.Elapsed.TotalMilliseconds;
                if (aheadMs > 1)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(aheadMs), ct).ConfigureAwait(false);
                }
            }

            if (_nowUs >= nextReportUs)
            {
                nextReportUs += 10_000_000;
                Report(wall.Elapsed);
            }
        }

        await DrainAsync(ct);
        Report(wall.Elapsed);
    }

    /// <summary>Disconnects every device.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var c in _connections)
        {
            await c.DisposeAsync();
        }
    }

    private SimulatedDevice Build(ScenarioDevice spec, double fallsPerHour, bool mixed, MqttPublisherAdapter connection)
    {
        var mode = (spec.Mode ?? _scenario.Mode) == "triggered" ? DeviceMode.Triggered : DeviceMode.Streaming;
        var settings = new SensorSettings
        {
            DeviceId = spec.DeviceId,
            Site = Site,
            SampleRateHz = _scenario.SampleRateHz,
            Mode = mode,
        };
        if (_options.Speed == 0)
        {
            // As fast as possible, the simulated clock runs far ahead of the network: a real PUBACK
            // would look overdue after the default 10 s of simulated time and every message would be
            // resent. Allow the longest acknowledgement wait the firmware accepts instead.
            settings.AckTimeoutMs = 600_000;
        }

        var seed = _rng.Next();
        var accel = new SimulatedAccelerometer(new SyntheticMotion(settings.SampleRateHz, seed), 16);
        accel.Synthesize(spec.Motion);
        var battery = new SimulatedBattery();
        var publisher = new DeviceLink(connection);
        var node = Boot(settings, accel, battery, publisher, seed);
        return new SimulatedDevice
        {
            DeviceId = spec.DeviceId,
            Resident = spec.Resident,
            Node = node,
            Accel = accel,
            Battery = battery,
            Publisher = publisher,
            Steps = [.. spec.Timeline.OrderBy(s => s.At)],
            FallsPerHour = fallsPerHour,
            MixedMotion = mixed,
            NextActivityChangeUs = mixed ? _rng.NextInt64(120_000_000, 600_000_000) : long.MaxValue,
        };
    }

    /// <summary>A fresh firmware core, booted about a second ago (random sampling phase), with its own boot identity.</summary>
    private SensorNode Boot(SensorSettings settings, SimulatedAccelerometer accel, SimulatedBattery battery, DeviceLink publisher, int seed)
    {
        var clock = new SimulatedClock(() => _nowUs, 1_000_000 - _nowUs + _rng.NextInt64(settings.SamplePeriodUs));
        return new SensorNode(settings, clock, accel, battery, publisher, new SimulatedRandom(seed));
    }

    private async Task ConnectAllAsync(CancellationToken ct)
    {
        // Connect in waves (a connection storm of 1,000 TLS handshakes helps nobody, and the broker
        // sees a ward come online the way a real one does after a power cut: spread out).
        const int Wave = 25;
        var deadline = Stopwatch.StartNew();
        var started = 0;
        while (true)
        {
            var connected = _connections.Count(c => c.IsConnected);
            while (started < _connections.Count && started - connected < Wave)
            {
                _connections[started++].Connect();
            }

            var failed = _connections.Take(started).FirstOrDefault(c => { c.Connect(); return c.FatalError is not null; });
            if (failed is not null)
            {
                throw new InvalidOperationException($"cannot connect to {_options.BrokerHost}:{_options.BrokerPort}: {failed.FatalError}");
            }

            if (connected == _connections.Count)
            {
                _log.WriteLine($"sim: {_devices.Count} devices on {connected} connections to {_options.BrokerHost}:{_options.BrokerPort} as site {Site} in {deadline.Elapsed.TotalSeconds:F1} s");
                return;
            }

            if (deadline.Elapsed > _options.ConnectTimeout)
            {
                throw new TimeoutException($"only {connected} of {_connections.Count} connections to {_options.BrokerHost}:{_options.BrokerPort} came up within {_options.ConnectTimeout.TotalSeconds} s");
            }

            await Task.Delay(20, ct).ConfigureAwait(false);
        }
    }

    private void Step(SimulatedDevice d)
    {
        while (d.NextStep < d.Steps.Count && d.Steps[d.NextStep].At * 1_000_000 <= _nowUs)
        {
            Apply(d, d.Steps[d.NextStep++]);
        }

        if (_nowUs >= d.OnlineAgainUs)
        {
            d.Publisher.NetworkDown = false;
            d.Publisher.Connection.RestoreNetwork();
            d.OnlineAgainUs = long.MaxValue;
            _log.WriteLine($"sim {Clock}: {d.DeviceId} back on the network");
        }

        if (d.FallsPerHour > 0 && !d.Accel.Playing && _rng.NextDouble() < d.FallsPerHour * _options.TickUs / 3.6e9)
        {
            d.Accel.Synthesize("fall");
        }

        if (_nowUs >= d.NextActivityChangeUs)
        {
            d.NextActivityChangeUs = _nowUs + _rng.NextInt64(120_000_000, 600_000_000);
            if (!d.Accel.Playing && d.Accel.Synthetic.Activity is not ("fall" or "after-fall"))
            {
                d.Accel.Synthesize(MixedActivities[_rng.Next(MixedActivities.Length)]);
            }
        }

        d.Node.SampleIfDue();
        d.Node.ServiceNetwork();
    }

    private void Apply(SimulatedDevice d, ScenarioStep s)
    {
        var who = d.Resident is null ? d.DeviceId : $"{d.DeviceId} ({d.Resident})";
        if (s.Recording is not null)
        {
            var library = _recordings ?? throw new ScenarioException($"{d.DeviceId}: the scenario plays '{s.Recording}' but no SisFall folder was found; pass --data DIR or set EDGE_DATA_DIR");
            var trial = library.Resolve(s.Recording, s.Subject, s.Trial);
            d.Accel.Play(library.Counts(trial, d.Node.Settings.SampleRateHz, 16));
            _log.WriteLine($"sim {Clock}: {who} plays {trial.RelativePath}");
        }
        else if (s.Synthetic is not null)
        {
            d.Accel.Synthesize(s.Synthetic);
            _log.WriteLine($"sim {Clock}: {who} synthetic {s.Synthetic}");
        }
        else if (s.Button)
        {
            d.Node.ButtonPressed();
            _log.WriteLine($"sim {Clock}: {who} presses the call button");
        }
        else if (s.BatteryPercent is { } pct)
        {
            d.Battery.Percent = pct;
            _log.WriteLine($"sim {Clock}: {who} battery {pct} %");
        }
        else if (s.OfflineSeconds is { } off)
        {
            // Like a Wi-Fi drop: the socket goes without DISCONNECT (the broker publishes the last will)
            // and the device stays off until the step's time is over. The firmware core keeps buffering:
            // telemetry bounded by offline_buffer_s (oldest dropped), events kept.
            d.Publisher.NetworkDown = true;
            d.Publisher.Connection.LoseNetwork();
            d.OnlineAgainUs = _nowUs + (long)(off * 1_000_000);
            _log.WriteLine($"sim {Clock}: {who} drops off the network for {off} s (connection cut, last will)");
        }
        else if (s.Charger is { } on)
        {
            d.Battery.OnCharger = on;
            _log.WriteLine($"sim {Clock}: {who} {(on ? "docked on" : "taken off")} the charger");
        }
        else if (s.Reboot)
        {
            // Power cycle: the socket dies without DISCONNECT (the broker publishes the will), everything in RAM
            // is gone, and the core starts again from 0 with a new boot identity; Wi-Fi is back after the boot.
            d.Publisher.NetworkDown = true;
            d.Publisher.Connection.LoseNetwork();
            d.Node = Boot(d.Node.Settings, d.Accel, d.Battery, d.Publisher, _rng.Next());
            d.OnlineAgainUs = _nowUs + RebootTimeUs;
            _log.WriteLine($"sim {Clock}: {who} reboots (boot id {d.Node.BootId:x8}; online again in {RebootTimeUs / 1e6:F0} s)");
        }
    }

    // After the run: keep the network side going (no new samples) until the devices' queues and the
    // MQTT clients' outgoing queues are empty, so a test sees everything that was sampled.
    private async Task DrainAsync(CancellationToken ct)
    {
        var limit = Stopwatch.StartNew();
        while (limit.Elapsed < TimeSpan.FromSeconds(30) && !ct.IsCancellationRequested)
        {
            foreach (var d in _devices)
            {
                d.Node.ServiceNetwork();
            }

            var waiting = _devices.Any(d => (d.Publisher.IsConnected && (d.Node.PendingBatches > 0 || d.Node.PendingEvents > 0))
                                            || (!d.Publisher.NetworkDown && (d.Publisher.Connection.Client?.GetStatistics().OutgoingQueued ?? 0) > 0));
            if (!waiting)
            {
                return;
            }

            await Task.Delay(20, ct).ConfigureAwait(false);
        }
    }

    private string Clock => string.Create(CultureInfo.InvariantCulture, $"t={_nowUs / 1e6:F2}s");

    private void Report(TimeSpan wall)
    {
        var connected = _devices.Count(d => d.Publisher.IsConnected);
        var dropped = _devices.Sum(d => d.Node.DroppedBatches);
        var missed = _devices.Sum(d => d.Node.MissedDeadlines);
        _log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sim {Clock} wall={wall.TotalSeconds:F1}s devices={_devices.Count} connected={connected} samples={SamplesTaken} triggers={Triggers} dropped_batches={dropped} missed_deadlines={missed}"));
    }
}
