using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Edge.Firmware.Core;
using Edge.Gateway;
using Edge.Gateway.Incidents;
using Edge.Gateway.Registry;
using Edge.Mqtt.Broker;
using Edge.Protocol;
using Edge.Provisioning;
using Edge.Simulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Edge.Demo;

/// <summary>What the demo was asked to do.</summary>
/// <param name="Duration">How long the residents' day runs.</param>
/// <param name="DataDir">A SisFall folder, or null for synthetic motion.</param>
/// <param name="RepoRoot">The checkout (for the committed model).</param>
/// <param name="WorkDir">Where the demo writes its site, database and logs.</param>
internal sealed record DemoSettings(TimeSpan Duration, string? DataDir, string RepoRoot, string WorkDir);

/// <summary>
/// Runs the end-to-end demo: provision a site, start a private TLS broker, the real gateway with the
/// committed model, and the simulator playing the demo residents; show every incident as it happens;
/// stop everything on time or on Ctrl-C and say whether what happened is what the story expected.
/// </summary>
internal sealed class DemoRunner(DemoSettings settings, DemoConsole console)
{
    public async Task<int> RunAsync(CancellationToken stop)
    {
        var residents = DemoSite.Residents;
        PrepareWorkDir();
        var siteDir = Path.Combine(settings.WorkDir, "site");
        var port = MosquittoProcess.FreePort();

        console.Line($"edge demo: site '{DemoSite.SiteId}', {residents.Count} residents on 2 units, {settings.Duration.TotalSeconds:F0} s");
        console.Line(settings.DataDir is null
            ? "motion source: synthetic (no SisFall folder found; pass --data DIR to replay real recordings)"
            : $"motion source: SisFall recordings in {settings.DataDir} (real falls and daily activities)");

        // 1. Provision the site as a technician would: CA, TLS broker, per-device credentials.
        var provisioner = new SiteProvisioner(siteDir, TimeProvider.System);
        provisioner.InitSite(new InitSiteRequest
        {
            SiteId = DemoSite.SiteId,
            GatewayHosts = ["127.0.0.1"],
            AdminUsername = "admin",
            AdminPassword = RandomSecret(),
            WifiSsid = "demo-sensors",
            WifiPassword = RandomSecret(),
            ListenAddress = "127.0.0.1",
            ListenPort = port,
            ExpectedDevices = residents.Count,
        });
        var issued = provisioner.AddDevices(
            [.. residents.Select(r => new NewDevice(r.DeviceId, r.Name, r.Room, r.Unit, DeviceMode.Streaming))]);
        console.Line($"provisioned: private CA, broker certificate, {issued.Count} device credentials ({siteDir})");
        await using var alerting = DemoAlerting.Prepare(provisioner, residents.Select(r => r.Unit).Distinct());

        // 2. The site's broker, from the provisioned configuration: TLS only, no anonymous access.
        await using var broker = await MosquittoProcess.StartAsync(provisioner.Layout.BrokerConfig, "127.0.0.1", port).ConfigureAwait(false);
        console.Line($"broker: mosquitto on 127.0.0.1:{port} (TLS, password file, ACL)");

        // 3. The cloud ingest (SQLite, loopback): only alerts and health will reach it.
        await using var cloud = await DemoCloud.StartAsync(settings.WorkDir, DemoSite.SiteId, stop).ConfigureAwait(false);
        console.Line($"cloud: ingest service on {cloud.Url} (SQLite); dashboard {cloud.Url}/dashboard  sign in as '{DemoCloud.Manager}', one-time demo password {cloud.ManagerPassword}");

        // 4. The gateway, with the committed model, the demo residents in its registry and its uplink to the cloud.
        var registryFile = WriteRegistry(residents);
        var modelDir = Path.Combine(settings.RepoRoot, "models", "fall-model");
        var gatewayLog = Path.Combine(settings.WorkDir, "gateway.log");
        using var host = GatewayHost.CreateBuilder(
            [
                "--config", provisioner.Layout.GatewaySettings,
                $"--Ingest:SiteId={DemoSite.SiteId}",
                $"--Storage:DatabasePath={Path.Combine(settings.WorkDir, "gateway.db")}",
                $"--Registry:SeedFile={registryFile}",
                $"--Detection:ModelDirectory={modelDir}",
                "--Diagnostics:HttpPort=0",
                "--Uplink:Enabled=true",
                $"--Uplink:CloudUrl={cloud.Url}/",
                $"--Uplink:GatewayId={DemoSite.SiteId}",
                $"--Uplink:SiteId={DemoSite.SiteId}",
                $"--Uplink:GatewayKey={cloud.GatewayKey}",
                "--Uplink:PollInterval=00:00:01",
                .. alerting.GatewayArgs,
            ],
            b =>
            {
                b.Logging.ClearProviders();
                b.Logging.AddProvider(new FileLoggerProvider(gatewayLog));
            }).Build();
        await host.StartAsync(stop).ConfigureAwait(false);
        console.Line($"gateway: running with model {modelDir} (log {gatewayLog})");
        await alerting.ServeAsync(console, stop).ConfigureAwait(false);
        console.Line($"pager: simulated ESPA 4.4.4 paging system on 127.0.0.1:{alerting.Port}; tier 1 pages the unit's carers (100, 200), tier 2 after 60 s the nurse in charge (900)");
        console.Line($"staff page: {host.Services.GetRequiredService<Edge.Gateway.StaffPage.StaffPageServer>().Addresses[0]}  sign in as '{DemoAlerting.CarerUsername}', one-time demo password {alerting.CarerPassword}");
        await FlagHighRiskAsync(host.Services, residents, stop).ConfigureAwait(false);

        // 5. The residents' wearables: the real firmware core, over the network with their own credentials.
        var scenario = BuildScenario(residents, issued);
        var simOptions = new SimulationOptions
        {
            BrokerHost = "127.0.0.1",
            BrokerPort = port,
            Site = DemoSite.SiteId,
            DataDir = settings.DataDir,
            Speed = 1,
            DurationSeconds = settings.Duration.TotalSeconds,
            TlsCaFile = provisioner.Layout.DeviceCaCertificate,
        };
        var recordings = settings.DataDir is null ? null : new RecordingLibrary(settings.DataDir);
        CheckRecordings(scenario, recordings);
        await using var simLog = new ScenarioLogWriter(console, Path.Combine(settings.WorkDir, "simulator.log"));
        await using var simulation = new Simulation(simOptions, scenario, recordings, simLog);
        console.Line("simulator: wearables connecting; incidents appear below as the gateway raises them");
        console.Rule();

        var incidents = host.Services.GetRequiredService<IIncidentService>();
        var seen = new List<Incident>();
        using var watchStop = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var watching = WatchAsync(incidents, seen, watchStop.Token);
        var interrupted = false;
        try
        {
            await simulation.RunAsync(stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            interrupted = true;
        }

        // Give the gateway a moment to finish what the last batches started (post-impact wait).
        if (!interrupted)
        {
            await WaitQuietly(TimeSpan.FromSeconds(3), stop).ConfigureAwait(false);
        }

        await watchStop.CancelAsync().ConfigureAwait(false);
        await watching.ConfigureAwait(false);
        console.Rule();
        await ReportCloudAsync(host.Services.GetRequiredService<Edge.Uplink.Delivery.UplinkStatus>(), cloud, stop).ConfigureAwait(false);
        await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await broker.StopAsync().ConfigureAwait(false);
        return Summarise(residents, seen, interrupted);
    }

    private async Task WatchAsync(IIncidentService incidents, List<Incident> seen, CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        try
        {
            await foreach (var change in incidents.WatchAsync(ct).ConfigureAwait(false))
            {
                var i = change.Incident;
                lock (seen)
                {
                    seen.RemoveAll(s => s.Id == i.Id);
                    seen.Add(i);
                }

                console.Incident(started, change);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The demo is ending.
        }
    }

    // The uplink sends the last transitions within a poll or two; wait (bounded) for the alert backlog
    // to drain, then read what the cloud holds through its query API, as a group manager would.
    private async Task ReportCloudAsync(Edge.Uplink.Delivery.UplinkStatus uplink, DemoCloud cloud, CancellationToken stop)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(15);
        while (uplink.Current.AlertBacklog > 0 && DateTimeOffset.UtcNow < deadline && !stop.IsCancellationRequested)
        {
            await WaitQuietly(TimeSpan.FromMilliseconds(250), stop).ConfigureAwait(false);
        }

        var state = uplink.Current;
        var count = await cloud.CountIncidentsAsync(DemoSite.SiteId, CancellationToken.None).ConfigureAwait(false);
        console.Line(state.AlertBacklog == 0
            ? $"cloud: {count} incident(s) on the dashboard; the uplink's alert backlog is empty (health backlog {state.Backlog - state.AlertBacklog})"
            : $"cloud: {count} incident(s) on the dashboard; {state.AlertBacklog} alert event(s) still queued on the gateway ({state.LastError ?? "no error"}) - they stay in its outbox and go out on the next start");
    }

    private int Summarise(IReadOnlyList<DemoResident> residents, List<Incident> seen, bool interrupted)
    {
        console.Line(interrupted ? "stopped early (Ctrl-C): the story was not played to the end" : "the residents' day is over");
        var failures = 0;
        var notReached = 0;
        foreach (var r in residents)
        {
            var raised = seen.Where(i => i.DeviceId == r.DeviceId || i.ResidentName == r.Name).Select(i => i.Type).Distinct().ToList();
            var expected = r.Expected is { } e ? DemoConsole.TypeName(e) : "nothing";
            var got = raised.Count == 0 ? "nothing" : string.Join(", ", raised.Select(DemoConsole.TypeName));
            var ok = r.Expected is { } x ? raised.Contains(x) && raised.Count == 1 : raised.Count == 0;

            // After Ctrl-C, a story that raised nothing yet may simply not have reached its event.
            var cutOff = interrupted && !ok && raised.Count == 0;
            if (!ok && !cutOff)
            {
                failures++;
            }

            if (cutOff)
            {
                notReached++;
            }

            var label = ok ? "as expected" : cutOff ? "not reached" : "DIFFERENT  ";
            console.Line($"  {label}  {r.Name,-12} room {r.Room}: expected {expected}, raised {got}");
        }

        console.Line(failures == 0 && notReached > 0
            ? $"no story went wrong; {notReached} had not reached their event when the demo was stopped"
            : failures == 0
            ? "every resident's story raised exactly the incident it should"
            : $"{failures} resident(s) did not get the expected outcome (the detector is a model, not a script: see models/fall-model/MODEL-CARD.md)");
        console.Line($"everything is stopped; the site, database and logs are in {settings.WorkDir}");
        return interrupted || failures == 0 ? 0 : 3;
    }

    // Staff flag a resident at high risk of falling on the staff page; the demo does it for its high-risk resident,
    // as the demo carer. Get-up hours are for the night on a real site (e.g. 21:00-07:00); here they cover the next
    // hours whatever the time, so the demo's night is now.
    private async Task FlagHighRiskAsync(IServiceProvider services, IReadOnlyList<DemoResident> residents, CancellationToken ct)
    {
        var prevention = services.GetRequiredService<Edge.Gateway.Prevention.IPreventionSettings>();
        var now = DateTimeOffset.UtcNow;
        var from = new TimeOnly(now.Hour, 0).AddHours(-1);
        var to = new TimeOnly(now.Hour, 0).AddHours(3);
        foreach (var r in residents.Where(r => r.HighRisk))
        {
            var setting = await prevention.SetGetUpAsync("res-" + r.Room, true, from.ToString("HH:mm", CultureInfo.InvariantCulture), to.ToString("HH:mm", CultureInfo.InvariantCulture),
                DemoAlerting.CarerUsername, "demo", ct).ConfigureAwait(false);
            console.Line($"prevention: {r.Name} (room {r.Room}) is at high risk of falling: get-up alert on, {setting.Hours} UTC (the demo's night; a site sets e.g. 21:00–07:00 on the staff page)");
        }
    }

    private void PrepareWorkDir()
    {
        if (Directory.Exists(settings.WorkDir))
        {
            Directory.Delete(settings.WorkDir, recursive: true);
        }

        Directory.CreateDirectory(settings.WorkDir);
    }

    private string WriteRegistry(IReadOnlyList<DemoResident> residents)
    {
        var site = new SiteFile
        {
            Site = new SiteFile.SiteEntry { Id = DemoSite.SiteId, Name = "Demo care home" },
            Units = [.. residents.Select(r => r.Unit).Distinct().Select(u => new SiteFile.UnitEntry { Id = u, Name = u + " unit" })],
            Rooms = [.. residents.Select(r => new SiteFile.RoomEntry { Id = r.Room, Unit = r.Unit, Name = "Room " + r.Room })],
            Residents = [.. residents.Select(r => new SiteFile.ResidentEntry { Id = "res-" + r.Room, Name = r.Name, Room = r.Room })],
            Devices = [.. residents.Select(r => new SiteFile.DeviceEntry { Id = r.DeviceId, Resident = "res-" + r.Room })],
            Staff = [new SiteFile.StaffEntry { Id = DemoAlerting.CarerUsername, Name = "Demo carer", Role = "carer" }],
        };
        var path = Path.Combine(settings.WorkDir, "registry.json");
        File.WriteAllText(path, JsonSerializer.Serialize(site, new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }

    private Scenario BuildScenario(IReadOnlyList<DemoResident> residents, IReadOnlyList<IssuedDevice> issued)
    {
        var scenario = new Scenario { Site = DemoSite.SiteId, SampleRateHz = 50, Mode = "streaming", Seed = 7 };
        foreach (var r in residents)
        {
            // The device's own provisioning file, read by the firmware core's parser, as on the wearable.
            var config = issued.Single(d => d.DeviceId == r.DeviceId).ConfigPath;
            var parsed = ProvisioningParser.Parse(File.ReadAllText(config));
            if (!parsed.IsOk)
            {
                throw new InvalidOperationException($"{config}: the firmware refuses its provisioning file: {parsed.Errors[0].Message}");
            }

            scenario.Devices.Add(new ScenarioDevice
            {
                DeviceId = r.DeviceId,
                Resident = r.Name,
                Username = parsed.Settings.MqttUsername,
                Password = parsed.Settings.MqttPassword,
                Motion = r.Motion,
                Timeline = [.. settings.DataDir is null ? r.SyntheticSteps : r.Steps],
            });
        }

        var errors = scenario.Validate();
        return errors.Count == 0 ? scenario : throw new InvalidOperationException("demo scenario: " + string.Join("; ", errors));
    }

    // Every recording the story needs must be in the folder before anything starts.
    private static void CheckRecordings(Scenario scenario, RecordingLibrary? recordings)
    {
        if (recordings is null)
        {
            return;
        }

        var missing = new List<string>();
        foreach (var step in scenario.Devices.SelectMany(d => d.Timeline).Where(s => s.Recording is not null))
        {
            try
            {
                recordings.Resolve(step.Recording!, step.Subject, step.Trial);
            }
            catch (ScenarioException e)
            {
                missing.Add(e.Message);
            }
        }

        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"the SisFall folder {recordings.Directory} lacks recordings the demo plays ({string.Join("; ", missing)}). Point --data at a complete SisFall folder, or leave --data out to use synthetic motion.");
        }
    }

    private static async Task WaitQuietly(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C during the wind-down: stop at once.
        }
    }

    private static string RandomSecret() => Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLower(CultureInfo.InvariantCulture);
}
