using System.CommandLine;
using System.Globalization;
using Edge.Gateway.Diagnostics;
using Edge.Gateway.Registry;
using Edge.Gateway.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Commissioning;

/// <summary>
/// The technician's commands, run beside the gateway service against the same database:
/// <code>
/// commission start (--site | --device ID [--device ID ...]) [--technician NAME] [--for 02:00:00] [--wait 30]
/// commission status [--session N]
/// commission stop [--session N]
/// commission report [--session N] --out DIR
/// commission last-selftest
/// </code>
/// <c>start</c> waits until the running gateway acknowledges the session (it then routes those devices'
/// incidents to the report, not to staff); without that acknowledgement it exits with 3 and says so. <c>report</c>
/// and <c>last-selftest</c> exit with 4 when a check failed. Exit codes 1 and 2 as in <see cref="GatewayCommands"/>.
/// </summary>
internal static class CommissioningCommands
{
    public const string Usage = """
        usage: commission start (--site | --device ID [--device ID ...]) [--technician NAME] [--for hh:mm:ss] [--wait SECONDS] [--config FILE]
               commission status | stop [--session N] | report [--session N] --out DIR | last-selftest
        """;

    public static Command Create(CommandContext context)
    {
        var site = new Option<bool>("--site") { Description = "Commission every device of the site." };
        var devices = new Option<string[]>("--device") { Description = "A device to commission; repeat for more." };
        var technician = new Option<string>("--technician") { Description = "Who commissions (default: the user name).", DefaultValueFactory = _ => Environment.UserName };
        var length = new Option<TimeSpan?>("--for")
        {
            Description = "How long the session lasts (hh:mm:ss; default Commissioning:DefaultSessionLength).",
            CustomParser = result => TimeSpan.TryParse(GatewayCommands.Token(result), CultureInfo.InvariantCulture, out var span)
                ? span
                : GatewayCommands.Refuse<TimeSpan?>(result, null, $"--for must be a duration as hh:mm:ss (not '{GatewayCommands.Token(result)}')."),
        };
        var wait = GatewayCommands.Count("--wait", "Seconds to wait for the running gateway to take the session up.", 30);
        var start = new Command("start", "Starts a commissioning session: the devices' alarms go to the report, not to staff, until it ends.") { site, devices, technician, length, wait };
        start.Validators.Add(result =>
        {
            if (result.GetValue(site) == (result.GetValue(devices) is { Length: > 0 }))
            {
                result.AddError("give either --site or one or more --device ID");
            }
        });
        start.SetAction((parse, cancellation) => WithStoreAsync(parse, async (store, registry, o) =>
        {
            var ids = parse.GetValue(devices) ?? [];
            var unknown = ids.Where(d => !registry.TryGetAssignment(d, out _)).ToList();
            if (unknown.Count > 0)
            {
                await context.Error.WriteLineAsync($"not assigned to a resident in the gateway's registry: {string.Join(", ", unknown)} (import the site file first)").ConfigureAwait(false);
                return 1;
            }

            var span = parse.GetValue(length) ?? o.DefaultSessionLength;
            if (span <= TimeSpan.Zero || span > o.MaxSessionLength)
            {
                await context.Error.WriteLineAsync($"--for must be between 0 and {o.MaxSessionLength}").ConfigureAwait(false);
                return 2;
            }

            var time = context.Time;
            var wholeSite = parse.GetValue(site);
            var id = await store.StartAsync(wholeSite, [.. ids], parse.GetRequiredValue(technician), time.GetUtcNow(), span, CancellationToken.None).ConfigureAwait(false);
            var scope = wholeSite ? "every device of the site" : string.Join(", ", ids);
            await context.Out.WriteLineAsync($"commissioning session {id} for {scope} until {time.GetUtcNow() + span:u}; waiting for the gateway to take it up ...").ConfigureAwait(false);
            var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(parse.GetValue(wait));
            while (time.GetUtcNow() < deadline)
            {
                var s = (await store.SessionsAsync(id, CancellationToken.None).ConfigureAwait(false)).Single();
                if (s.AcknowledgedAt is { } ack)
                {
                    await context.Out.WriteLineAsync($"ACTIVE since {ack:HH:mm:ss}Z: press the button and perform the fall pattern on each device; their alarms go to this report, not to staff.\nWhen done: commission report --session {id} --out DIR; commission stop --session {id}").ConfigureAwait(false);
                    return 0;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellation).ConfigureAwait(false); // polling another process's write; no signal crosses processes
            }

            await context.Error.WriteLineAsync($"the gateway did not take up session {id} within the wait: is edge-gateway running (systemctl status edge-gateway)? Until it does, these devices still alert staff.").ConfigureAwait(false);
            return 3;
        }));

        var stopSession = SessionOption();
        var stop = new Command("stop", "Ends a session (default: every active one); its devices alert staff again.") { stopSession };
        stop.SetAction((parse, _) => WithStoreAsync(parse, async (store, _, o) =>
        {
            var n = await store.StopAsync(parse.GetValue(stopSession), context.Time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            await context.Out.WriteLineAsync($"{n} session(s) ended; their devices alert staff again within {o.RefreshInterval.TotalSeconds:F0} s").ConfigureAwait(false);
            return 0;
        }));

        var statusSession = SessionOption();
        var status = new Command("status", "Lists sessions (or one) and whether the gateway has taken them up.") { statusSession };
        status.SetAction((parse, _) => WithStoreAsync(parse, async (store, _, _) =>
        {
            foreach (var s in await store.SessionsAsync(parse.GetValue(statusSession), CancellationToken.None).ConfigureAwait(false))
            {
                var state = s.IsActive(context.Time.GetUtcNow()) ? (s.AcknowledgedAt is null ? "waiting for the gateway" : "ACTIVE") : "ended";
                await context.Out.WriteLineAsync($"session {s.Id}: {state}; {(s.WholeSite ? "whole site" : string.Join(", ", s.Devices))}; {s.Technician}; {s.StartedAt:u} .. {s.EndedAt ?? s.EndsAt:u}").ConfigureAwait(false);
            }

            return 0;
        }));

        var reportSession = SessionOption();
        var outDir = new Option<string>("--out") { Description = "The folder the report (Markdown and CSV) is written to.", Required = true };
        var report = new Command("report", "Writes the commissioning report of a session (default: the last); exit 4 when a device failed a check.") { reportSession, outDir };
        report.SetAction((parse, _) => WithStoreAsync(parse, async (store, registry, _) =>
        {
            var sessions = await store.SessionsAsync(parse.GetValue(reportSession), CancellationToken.None).ConfigureAwait(false);
            if (sessions.Count == 0)
            {
                await context.Error.WriteLineAsync("no such session").ConfigureAwait(false);
                return 1;
            }

            var s = sessions[^1];
            var results = CommissioningReport.Build(s, registry.Assignments, await store.EventsAsync(s.Id, CancellationToken.None).ConfigureAwait(false));
            var dir = parse.GetRequiredValue(outDir);
            Directory.CreateDirectory(dir);
            var md = Path.Combine(dir, $"commissioning-{s.Id}.md");
            var csv = Path.Combine(dir, $"commissioning-{s.Id}.csv");
            await File.WriteAllTextAsync(md, CommissioningReport.ToMarkdown(s, results, context.Time.GetUtcNow())).ConfigureAwait(false);
            await File.WriteAllTextAsync(csv, CommissioningReport.ToCsv(s, results)).ConfigureAwait(false);
            await context.Out.WriteLineAsync($"{results.Count(r => r.AllPassed)} of {results.Count} devices passed every check; wrote {md} and {csv}").ConfigureAwait(false);
            return results.All(r => r.AllPassed) ? 0 : 4;
        }));

        var lastSelfTest = new Command("last-selftest", "The last periodic self-test's result; exit 4 when it failed.");
        lastSelfTest.SetAction((parse, _) => WithStoreAsync(parse, async (store, _, _) =>
        {
            var last = await store.LastSelfTestAsync(CancellationToken.None).ConfigureAwait(false);
            await context.Out.WriteLineAsync(last is { } l ? $"{l.At:u}: {(l.Passed ? "passed" : "FAILED")}: {l.Detail}" : "no self-test has run yet").ConfigureAwait(false);
            return last is { Passed: false } ? 4 : 0;
        }));

        return new Command("commission", "The technician's commissioning mode and report, and the self-test's last result.") { start, status, stop, report, lastSelfTest };
    }

    private static async Task<int> WithStoreAsync(ParseResult parse, Func<CommissioningStore, DeviceRegistry, CommissioningOptions, Task<int>> run)
    {
        var builder = GatewayCommands.CreateBuilder(parse);
        builder.AddDiagnostics().AddStorage();
        builder.Services.AddSingleton<DeviceRegistry>();
        builder.Services.AddSingleton<CommissioningStore>();
        builder.Services.AddOptions<CommissioningOptions>().Bind(builder.Configuration.GetSection(CommissioningOptions.SectionName));
        using var host = builder.Build();
        var registry = host.Services.GetRequiredService<DeviceRegistry>();
        await registry.ReloadAsync().ConfigureAwait(false);
        return await run(host.Services.GetRequiredService<CommissioningStore>(), registry, host.Services.GetRequiredService<IOptions<CommissioningOptions>>().Value).ConfigureAwait(false);
    }

    private static Option<long?> SessionOption() => new("--session")
    {
        Description = "The session number (commission status lists them).",
        CustomParser = result => long.TryParse(GatewayCommands.Token(result), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id >= 1
            ? id
            : GatewayCommands.Refuse<long?>(result, null, $"--session must be a session number, 1 or more (not '{GatewayCommands.Token(result)}')."),
    };
}
