using Edge.Gateway.Diagnostics;
using Edge.Gateway.Incidents;
using Edge.Gateway.Supervision;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Commissioning;

/// <summary>
/// Runs in the gateway: picks up commissioning sessions (started by the technician with
/// <c>commission start</c>, which waits for this service's acknowledgement), ends them at their end time,
/// records the device checks (connected, status, battery) from the device board, and runs the scheduled
/// self-test, raising a gateway fault when it fails.
/// </summary>
internal sealed partial class CommissioningService(
    CommissioningStore store,
    CommissioningState state,
    DeviceSupervisor supervisor,
    SelfTest selfTest,
    IncidentService incidents,
    IOptions<CommissioningOptions> options,
    TimeProvider time,
    ILogger<CommissioningService> logger) : BackgroundService
{
    private readonly HashSet<(long Session, string Device, string Kind)> _passed = [];
    private readonly HashSet<(long Session, string Device, string Kind, string Detail)> _failed = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RefreshInterval, time);
        try
        {
            do
            {
                try
                {
                    await TickAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Log.Failed(logger, e);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One pass: sessions, device checks, and the self-test when due.</summary>
    internal async Task TickAsync(CancellationToken ct)
    {
        await RefreshSessionsAsync(ct).ConfigureAwait(false);
        await RecordBoardChecksAsync(ct).ConfigureAwait(false);
        if (options.Value.SelfTestEnabled)
        {
            var last = await store.LastSelfTestAsync(ct).ConfigureAwait(false);
            if (last is null || time.GetUtcNow() - last.Value.At >= options.Value.SelfTestInterval)
            {
                await RunSelfTestAsync("schedule", ct).ConfigureAwait(false);
            }
        }
    }

    internal async Task RefreshSessionsAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var open = await store.SessionsAsync(null, ct, openOnly: true).ConfigureAwait(false);
        var active = open.Where(s => s.IsActive(now)).ToList();
        var before = state.Active.Select(s => s.Id).ToHashSet();
        foreach (var s in active.Where(s => !before.Contains(s.Id)))
        {
            Log.Started(logger, s.Id, s.WholeSite ? "the whole site" : string.Join(", ", s.Devices), s.Technician, s.EndsAt);
            if (s.AcknowledgedAt is null)
            {
                await store.AcknowledgeAsync(s.Id, now, ct).ConfigureAwait(false);
            }
        }

        foreach (var id in before.Where(id => !active.Any(s => s.Id == id)))
        {
            Log.Ended(logger, id);
        }

        // Expired sessions end for good, so the report shows when routing stopped.
        foreach (var s in open.Where(s => !s.IsActive(now)))
        {
            await store.StopAsync(s.Id, s.EndsAt, ct).ConfigureAwait(false);
        }

        state.Set(active);
    }

    private async Task RecordBoardChecksAsync(CancellationToken ct)
    {
        var active = state.Active;
        if (active.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        var o = options.Value;
        foreach (var row in supervisor.GetBoard())
        {
            if (state.SessionFor(row.DeviceId, now) is not { } s || row.LastSeen is not { } seen || seen < s.StartedAt)
            {
                continue;
            }

            if (row.State is DeviceConnectivity.Online or DeviceConnectivity.Docked)
            {
                await PassOnceAsync(s, row.DeviceId, "connected", now, $"connected, last message {seen:HH:mm:ss}Z", ct).ConfigureAwait(false);
            }

            if (row.State == DeviceConnectivity.Online && row.Mode is { } mode)
            {
                await PassOnceAsync(s, row.DeviceId, "status", now, $"status ok: {mode.ToString().ToLowerInvariant()} mode, worn {(row.Worn == true ? "yes" : "no")}, charging {(row.Charging ? "yes" : "no")}", ct).ConfigureAwait(false);
            }

            if (row.BatteryPercent is { } soc)
            {
                var detail = $"battery {soc} % (minimum {o.MinBatteryPercent} %)";
                if (soc >= o.MinBatteryPercent)
                {
                    await PassOnceAsync(s, row.DeviceId, "battery", now, detail, ct).ConfigureAwait(false);
                }
                else if (!_passed.Contains((s.Id, row.DeviceId, "battery")) && _failed.Add((s.Id, row.DeviceId, "battery", detail)))
                {
                    await store.AddEventAsync(new CommissioningEvent(s.Id, row.DeviceId, "battery", now, null, false, detail + ": charge it before handing it over"), ct).ConfigureAwait(false);
                }
            }
        }

    }

    private async Task PassOnceAsync(CommissioningSession s, string device, string kind, DateTimeOffset now, string detail, CancellationToken ct)
    {
        if (_passed.Add((s.Id, device, kind)))
        {
            await store.AddEventAsync(new CommissioningEvent(s.Id, device, kind, now, null, true, detail), ct).ConfigureAwait(false);
            Log.CheckPassed(logger, kind, device, s.Id, detail);
        }
    }

    /// <summary>Runs the self-test now; a failure is logged and raised as a gateway-fault incident (it pages, as it should).</summary>
    internal async Task<bool> RunSelfTestAsync(string requestedBy, CancellationToken ct)
    {
        var id = await store.StartSelfTestAsync(time.GetUtcNow(), requestedBy, ct).ConfigureAwait(false);
        var failures = selfTest.Run();
        var passed = failures.Count == 0;
        var detail = passed ? "detector detected the synthetic fall; broker connected; database writable" : string.Join("; ", failures);
        await store.FinishSelfTestAsync(id, time.GetUtcNow(), passed, detail, ct).ConfigureAwait(false);
        if (passed)
        {
            Log.SelfTestPassed(logger, id, detail);
        }
        else
        {
            Log.SelfTestFailed(logger, id, detail);
            await incidents.RaiseAsync(new RaiseRequest(IncidentType.GatewayFault, IncidentService.GatewaySubject, time.GetUtcNow(), "Self-test failed: " + detail, "self-test"), ct).ConfigureAwait(false);
        }

        return passed;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.CommissioningStarted, Level = LogLevel.Warning, Message = "Commissioning session {Session} active for {Scope} (technician {Technician}) until {EndsAt:u}: their incidents go to the commissioning report, NOT to staff")]
        public static partial void Started(ILogger logger, long session, string scope, string technician, DateTimeOffset endsAt);

        [LoggerMessage(EventId = EventIds.CommissioningEnded, Level = LogLevel.Warning, Message = "Commissioning session {Session} ended: its devices alert staff again")]
        public static partial void Ended(ILogger logger, long session);

        [LoggerMessage(EventId = EventIds.CommissioningCheckPassed, Level = LogLevel.Information, Message = "Commissioning check {Check} passed for {DeviceId} (session {Session}): {Detail}")]
        public static partial void CheckPassed(ILogger logger, string check, string deviceId, long session, string detail);

        [LoggerMessage(EventId = EventIds.SelfTestPassed, Level = LogLevel.Information, Message = "Self-test {Run} passed: {Detail}")]
        public static partial void SelfTestPassed(ILogger logger, long run, string detail);

        [LoggerMessage(EventId = EventIds.SelfTestFailed, Level = LogLevel.Error, Message = "Self-test {Run} FAILED: {Detail}")]
        public static partial void SelfTestFailed(ILogger logger, long run, string detail);

        [LoggerMessage(EventId = EventIds.CommissioningFailed, Level = LogLevel.Error, Message = "Commissioning pass failed; retrying")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
