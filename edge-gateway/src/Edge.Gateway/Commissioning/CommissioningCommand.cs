using System.Globalization;
using Edge.Gateway.Diagnostics;
using Edge.Gateway.Registry;
using Edge.Gateway.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Edge.Gateway.Commissioning;

/// <summary>
/// The technician's commands, run beside the gateway service against the same database:
/// <code>
/// commission start (--site | --device ID [--device ID ...]) [--technician NAME] [--for 02:00:00] [--wait 30]
/// commission status
/// commission stop [--session N]
/// commission report [--session N] --out DIR
/// selftest last
/// </code>
/// <c>start</c> waits until the running gateway acknowledges the session (it then routes those devices'
/// incidents to the report, not to staff); without that acknowledgement it exits with 3 and says so.
/// </summary>
internal static class CommissioningCommand
{
    public static async Task<int> RunAsync(string[] args, TimeProvider time)
    {
        if (args.Length == 0)
        {
            return await UsageAsync().ConfigureAwait(false);
        }

        var verb = args[0];
        var rest = args[1..].ToList();
        var devices = new List<string>();
        while (Take(rest, "--device") is { } d)
        {
            devices.Add(d);
        }

        var site = rest.Remove("--site");
        var technician = Take(rest, "--technician") ?? Environment.UserName;
        var length = Take(rest, "--for");
        var wait = Take(rest, "--wait");
        var session = Take(rest, "--session");
        var outDir = Take(rest, "--out");

        var config = rest.ToArray();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = config, ContentRootPath = AppContext.BaseDirectory });
        builder.AddGatewayConfiguration(config).AddDiagnostics().AddStorage();
        builder.Services.AddSingleton<DeviceRegistry>();
        builder.Services.AddSingleton<CommissioningStore>();
        builder.Services.AddOptions<CommissioningOptions>().Bind(builder.Configuration.GetSection(CommissioningOptions.SectionName));
        using var host = builder.Build();
        var store = host.Services.GetRequiredService<CommissioningStore>();
        var registry = host.Services.GetRequiredService<DeviceRegistry>();
        var o = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<CommissioningOptions>>().Value;
        await registry.ReloadAsync().ConfigureAwait(false);
        var sessionId = session is null ? (long?)null : long.Parse(session, NumberStyles.None, CultureInfo.InvariantCulture);

        switch (verb)
        {
            case "start":
                {
                    if (site == devices.Count > 0)
                    {
                        await Console.Error.WriteLineAsync("give either --site or one or more --device ID").ConfigureAwait(false);
                        return 2;
                    }

                    var unknown = devices.Where(d => !registry.TryGetAssignment(d, out _)).ToList();
                    if (unknown.Count > 0)
                    {
                        await Console.Error.WriteLineAsync($"not assigned to a resident in the gateway's registry: {string.Join(", ", unknown)} (import the site file first)").ConfigureAwait(false);
                        return 1;
                    }

                    var span = length is null ? o.DefaultSessionLength : TimeSpan.Parse(length, CultureInfo.InvariantCulture);
                    if (span <= TimeSpan.Zero || span > o.MaxSessionLength)
                    {
                        await Console.Error.WriteLineAsync($"--for must be between 0 and {o.MaxSessionLength}").ConfigureAwait(false);
                        return 2;
                    }

                    var id = await store.StartAsync(site, devices, technician, time.GetUtcNow(), span, CancellationToken.None).ConfigureAwait(false);
                    var scope = site ? "every device of the site" : string.Join(", ", devices);
                    await Console.Out.WriteLineAsync($"commissioning session {id} for {scope} until {time.GetUtcNow() + span:u}; waiting for the gateway to take it up ...").ConfigureAwait(false);
                    var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(wait is null ? 30 : int.Parse(wait, NumberStyles.None, CultureInfo.InvariantCulture));
                    while (time.GetUtcNow() < deadline)
                    {
                        var s = (await store.SessionsAsync(id, CancellationToken.None).ConfigureAwait(false)).Single();
                        if (s.AcknowledgedAt is { } ack)
                        {
                            await Console.Out.WriteLineAsync($"ACTIVE since {ack:HH:mm:ss}Z: press the button and perform the fall pattern on each device; their alarms go to this report, not to staff.\nWhen done: commission report --session {id} --out DIR; commission stop --session {id}").ConfigureAwait(false);
                            return 0;
                        }

                        await Task.Delay(TimeSpan.FromMilliseconds(250), time).ConfigureAwait(false); // polling another process's write; no signal crosses processes
                    }

                    await Console.Error.WriteLineAsync($"the gateway did not take up session {id} within the wait: is edge-gateway running (systemctl status edge-gateway)? Until it does, these devices still alert staff.").ConfigureAwait(false);
                    return 3;
                }

            case "stop":
                {
                    var n = await store.StopAsync(sessionId, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
                    await Console.Out.WriteLineAsync($"{n} session(s) ended; their devices alert staff again within {o.RefreshInterval.TotalSeconds:F0} s").ConfigureAwait(false);
                    return 0;
                }

            case "status":
                foreach (var s in await store.SessionsAsync(sessionId, CancellationToken.None).ConfigureAwait(false))
                {
                    var state = s.IsActive(time.GetUtcNow()) ? (s.AcknowledgedAt is null ? "waiting for the gateway" : "ACTIVE") : "ended";
                    await Console.Out.WriteLineAsync($"session {s.Id}: {state}; {(s.WholeSite ? "whole site" : string.Join(", ", s.Devices))}; {s.Technician}; {s.StartedAt:u} .. {s.EndedAt ?? s.EndsAt:u}").ConfigureAwait(false);
                }

                return 0;

            case "report" when outDir is not null:
                {
                    var sessions = await store.SessionsAsync(sessionId, CancellationToken.None).ConfigureAwait(false);
                    if (sessions.Count == 0)
                    {
                        await Console.Error.WriteLineAsync("no such session").ConfigureAwait(false);
                        return 1;
                    }

                    var s = sessions[^1];
                    var results = CommissioningReport.Build(s, registry.Assignments, await store.EventsAsync(s.Id, CancellationToken.None).ConfigureAwait(false));
                    Directory.CreateDirectory(outDir);
                    var md = Path.Combine(outDir, $"commissioning-{s.Id}.md");
                    var csv = Path.Combine(outDir, $"commissioning-{s.Id}.csv");
                    await File.WriteAllTextAsync(md, CommissioningReport.ToMarkdown(s, results, time.GetUtcNow())).ConfigureAwait(false);
                    await File.WriteAllTextAsync(csv, CommissioningReport.ToCsv(s, results)).ConfigureAwait(false);
                    await Console.Out.WriteLineAsync($"{results.Count(r => r.AllPassed)} of {results.Count} devices passed every check; wrote {md} and {csv}").ConfigureAwait(false);
                    return results.All(r => r.AllPassed) ? 0 : 4;
                }

            case "last-selftest":
                {
                    var last = await store.LastSelfTestAsync(CancellationToken.None).ConfigureAwait(false);
                    await Console.Out.WriteLineAsync(last is { } l ? $"{l.At:u}: {(l.Passed ? "passed" : "FAILED")}: {l.Detail}" : "no self-test has run yet").ConfigureAwait(false);
                    return last is { Passed: false } ? 4 : 0;
                }

            default:
                return await UsageAsync().ConfigureAwait(false);
        }
    }

    private static string? Take(List<string> args, string name)
    {
        var i = args.IndexOf(name);
        if (i < 0 || i + 1 >= args.Count)
        {
            return null;
        }

        var value = args[i + 1];
        args.RemoveRange(i, 2);
        return value;
    }

    private static async Task<int> UsageAsync()
    {
        await Console.Error.WriteLineAsync("""
            usage: commission start (--site | --device ID [--device ID ...]) [--technician NAME] [--for hh:mm:ss] [--wait SECONDS] [--config FILE]
                   commission status | stop [--session N] | report [--session N] --out DIR | last-selftest
            """).ConfigureAwait(false);
        return 2;
    }
}
