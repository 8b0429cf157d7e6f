using System.Threading.Channels;
using Edge.Alerting;
using Edge.Gateway.Incidents;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Alerting;

/// <summary>
/// Gets every incident to a person and keeps at it. This is the loop: each open incident has a schedule row
/// (<see cref="EscalationStore"/>), and whenever one is due, or an incident is raised, accepted or resolved, the
/// engine wakes and hands the due rows to the <see cref="EscalationStepper"/> (tiers, repeats until accepted,
/// reminder and resumed escalation after an unresolved acceptance; non-urgent alerts wait at the
/// <see cref="NonUrgentGate"/>). The <see cref="AlertDispatcher"/> sends on the channels the
/// <see cref="AlertRouter"/> picks and fails over; the <see cref="ChannelFaultMonitor"/> raises a gateway fault for
/// a failed channel; the <see cref="AcceptanceHandler"/> withdraws pages and takes acknowledgements; alarms the disk
/// refused are paged from memory (<see cref="UnstoredAlarmPager"/>, <see cref="UnsavedMoves"/>). All time comes
/// from <see cref="TimeProvider"/>; the schedule lives in SQLite, so open incidents resume after a restart.
/// </summary>
internal sealed partial class EscalationEngine(
    IIncidentService incidents,
    EscalationStore store,
    EscalationPolicySource policy,
    EscalationPolicyCheck check,
    AlertRouter router,
    EscalationStepper stepper,
    AlertDispatcher dispatcher,
    ChannelFaultMonitor faults,
    AcceptanceHandler acceptance,
    UnstoredAlarmPager unstoredPager,
    UnsavedMoves moves,
    UnstoredAlarms unstored,
    EscalationWork work,
    IDeliveryAttemptRecorder recorder,
    TimeProvider time,
    ILogger<EscalationEngine> logger) : BackgroundService
{
    /// <summary>Subject prefix of the gateway-fault incident raised for a failed channel.</summary>
    public const string ChannelFaultSubjectPrefix = "channel:";

    /// <summary>The channel name in incident transitions made by alerting.</summary>
    public const string TransitionChannel = "alerting";

    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly SemaphoreSlim _processLock = new(1, 1);
    private Task _watch = Task.CompletedTask;

    /// <summary>The channels alerts go out on.</summary>
    public IReadOnlyList<IAlertChannel> Channels => router.Channels;

    /// <summary>Channels that failed and have not delivered since (name → why).</summary>
    public IReadOnlyDictionary<string, string> FaultedChannels => faults.Faulted;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);

        check.ConfirmAtStart(); // the policy was checked at start-up validation; its warnings are logged now

        work.Begin();
        faults.Attach(dispatcher.RepageAsync);
        acceptance.Attach();
        unstored.Added += OnUnstoredAlarm;
        unstoredPager.Attach();

        // Subscribe before resuming, so no transition between the two is missed.
        var watch = incidents.WatchAsync(work.Stopping).GetAsyncEnumerator(work.Stopping);
        var first = watch.MoveNextAsync();
        _watch = Task.Run(() => WatchAsync(watch, first), CancellationToken.None);

        var open = await incidents.ListOpenAsync(cancellationToken).ConfigureAwait(false);
        var created = await store.EnsureRowsAsync(open, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        var active = await store.ListActiveAsync(cancellationToken).ConfigureAwait(false);
        Log.Started(logger, policy.PolicyPath ?? "(none)", string.Join(", ", router.Channels.Select(c => $"{c.Name} ({c.Kind})")), active.Count, created);
        await dispatcher.ResendUnconfirmedAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await work.StopAsync().ConfigureAwait(false);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _watch.WaitAsync(cancellationToken).ConfigureAwait(false);
            await WhenIdleAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        faults.Detach();
        acceptance.Detach();
        unstored.Added -= OnUnstoredAlarm;
        unstoredPager.Detach();
    }

    public override void Dispose()
    {
        _processLock.Dispose();
        base.Dispose();
    }

    /// <summary>Completes when every send and withdrawal started so far has finished and its attempts are stored.</summary>
    public async Task WhenIdleAsync()
    {
        await work.WhenIdleAsync().ConfigureAwait(false);
        await recorder.FlushAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Sends everything due at the current time. The background loop calls it; tests may too.</summary>
    public async Task ProcessDueAsync(CancellationToken ct = default)
    {
        await _processLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var now = time.GetUtcNow();
            moves.BeginPass();
            unstoredPager.ProcessDue(now);
            await moves.FlushAsync(ct).ConfigureAwait(false);
            foreach (var stored in await store.GetDueAsync(now, ct).ConfigureAwait(false))
            {
                var row = moves.Current(stored);
                if (row.NextDueAt > now)
                {
                    continue; // moved in memory (the disk refused the write), not due yet
                }

                try
                {
                    await stepper.ProcessAsync(row, now, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (UnstoredAlarms.IsStorageFailure(e))
                {
                    // One refused write must not hold the other incidents; this one is tried again shortly.
                    moves.Refused(row.IncidentId, e);
                }
            }
        }
        finally
        {
            _processLock.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ProcessDueAsync(stoppingToken).ConfigureAwait(false);
                var next = await store.NextDueAsync(stoppingToken).ConfigureAwait(false);
                var now = time.GetUtcNow();
                if (NextMemoryDue(now) is { } memory && (next is null || memory < next || moves.Pending))
                {
                    next = memory; // the database's own next due may be a row moved in memory
                }

                var delay = next is { } d ? d - now : TimeSpan.FromMinutes(1);
                if (delay > TimeSpan.Zero)
                {
                    await WaitAsync(delay, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Escalation must outlive any single failure (a locked database, a bad row): log and go on.
            catch (Exception e)
#pragma warning restore CA1031
            {
                work.Failed(e);
                await WaitAsync(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The next time an in-memory schedule needs the engine: an unstored alarm's step, or a retry of writes the disk refused.</summary>
    private DateTimeOffset? NextMemoryDue(DateTimeOffset now) =>
        (moves.NextDue(now), unstoredPager.NextDue(now)) switch
        {
            ({ } a, { } b) => a <= b ? a : b,
            (var a, var b) => a ?? b,
        };

    private async Task WaitAsync(TimeSpan delay, CancellationToken ct)
    {
        // Timer CTS on the TimeProvider: a fake clock's Advance fires it, a real one after the delay.
        using var timer = new CancellationTokenSource(delay, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, ct);
        try
        {
            await _wake.Reader.ReadAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
        }
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    private void OnUnstoredAlarm(object? sender, EventArgs e) => Wake();

    private async Task WatchAsync(IAsyncEnumerator<IncidentChange> watch, ValueTask<bool> first)
    {
        try
        {
            var more = await first.ConfigureAwait(false);
            while (more)
            {
                var change = watch.Current;
                switch (change.Transition.Kind)
                {
                    case TransitionKind.Raised:
                        Wake();
                        break;
                    case TransitionKind.Accepted or TransitionKind.Resolved:
                        work.Track(change.Incident.Id, acceptance.WithdrawAsync(change, work.Pending(change.Incident.Id)));
                        Wake();
                        break;
                }

                more = await watch.MoveNextAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            await watch.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.EscalationStarted, Level = LogLevel.Information, Message = "Escalation running: policy {Policy}, channels {Channels}; {Active} open escalation(s) resumed ({Created} re-created from open incidents)")]
        public static partial void Started(ILogger logger, string policy, string channels, int active, int created);
    }
}
