using Edge.Gateway.Incidents;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Supervision;

/// <summary>Runs device supervision and the gateway self-check every <see cref="SupervisionOptions.CheckInterval"/>, and at once on a last will.</summary>
internal sealed partial class SupervisionService(
    DeviceSupervisor devices,
    GatewaySelfCheck self,
    IIncidentService incidents,
    IOptions<SupervisionOptions> options,
    TimeProvider time,
    ILogger<SupervisionService> logger) : BackgroundService
{
    private readonly System.Threading.Channels.Channel<bool> _wake = System.Threading.Channels.Channel.CreateBounded<bool>(
        new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite });
    // Checks that report something that happened (messages the broker dropped, a clock jump) rather than
    // a state that can end: a fault that included one stays open for a person to resolve.
    private static readonly HashSet<string> EventChecks = new(["broker-drops", "clock"], StringComparer.Ordinal);
    private HashSet<string> _failing = new(StringComparer.Ordinal);
    private bool _faultHasEvent;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await devices.ResumeAsync(cancellationToken).ConfigureAwait(false);
        devices.EvaluationRequested += (_, _) => _wake.Writer.TryWrite(true);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await devices.EvaluateAsync(stoppingToken).ConfigureAwait(false);
                await CheckSelfAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Supervision must keep running; the failure is logged as an error.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.Failed(logger, e);
            }

            // Sleep until the next check or a wake-up (a last will), whichever comes first.
            using var round = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var wake = _wake.Reader.WaitToReadAsync(round.Token).AsTask();
            var delay = Task.Delay(options.Value.CheckInterval, time, round.Token);
            await Task.WhenAny(wake, delay).ConfigureAwait(false);
            await round.CancelAsync().ConfigureAwait(false);
            _wake.Reader.TryRead(out _);
        }
    }

    internal async Task CheckSelfAsync(CancellationToken ct)
    {
        var failures = self.Run();
        var now = new HashSet<string>(failures.Select(f => f.Check), StringComparer.Ordinal);
        var fresh = failures.Where(f => !_failing.Contains(f.Check)).ToList();
        foreach (var (check, problem) in fresh)
        {
            Log.CheckFailed(logger, check, problem);
        }

        if (fresh.Count > 0)
        {
            var detail = "Gateway fault: " + string.Join("; ", failures.Select(f => $"{f.Check}: {f.Problem}"));
            Log.Fault(logger, detail);
            await incidents.RaiseAsync(new RaiseRequest(IncidentType.GatewayFault, IncidentService.GatewaySubject, time.GetUtcNow(), detail, "self-check"), ct).ConfigureAwait(false);
            _faultHasEvent |= fresh.Any(f => EventChecks.Contains(f.Check));
        }

        var recovered = _failing.Where(c => !now.Contains(c)).ToList();
        if (recovered.Count > 0 && now.Count == 0)
        {
            // A fault that was a state (broker unreachable, disk full, model missing) and has ended must not
            // go on claiming it: the open gateway fault is cleared. One that reported an event stays open.
            if (!_faultHasEvent)
            {
                await incidents.ClearAsync(IncidentService.GatewaySubject, IncidentType.GatewayFault, $"Recovered ({string.Join(", ", recovered)}): every self-check passes again.", "self-check", ct).ConfigureAwait(false);
            }

            _faultHasEvent = false;
        }

        foreach (var check in recovered)
        {
            Log.CheckRecovered(logger, check);
        }

        _failing = now;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.GatewayFault, Level = LogLevel.Error, Message = "{Detail}")]
        public static partial void Fault(ILogger logger, string detail);

        [LoggerMessage(EventId = EventIds.GatewayCheckFailed, Level = LogLevel.Warning, Message = "Self-check {Check} failed: {Problem}")]
        public static partial void CheckFailed(ILogger logger, string check, string problem);

        [LoggerMessage(EventId = EventIds.GatewayCheckRecovered, Level = LogLevel.Information, Message = "Self-check {Check} passes again")]
        public static partial void CheckRecovered(ILogger logger, string check);

        [LoggerMessage(EventId = EventIds.SupervisionFailed, Level = LogLevel.Error, Message = "Supervision pass failed; retrying at the next check")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
