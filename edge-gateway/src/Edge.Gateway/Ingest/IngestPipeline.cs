using Edge.Gateway.Detection;
using Edge.Gateway.Diagnostics;
using Edge.Gateway.Incidents;
using Edge.Gateway.Prevention;
using Edge.Gateway.Registry;
using Edge.Gateway.Supervision;
using Edge.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Ingest;

/// <summary>
/// The ingest pipeline, in the order a message goes through it: the reader offers each message to
/// <see cref="MessageAdmission"/>, which queues it per device in the <see cref="FairScheduler"/>; one worker
/// serves ready devices round-robin, a few messages per turn (so a flooding device only fills and overflows its
/// own queue), through the <see cref="MessageHandler"/>: decode → ordered stream → supervision, detection and
/// prevention, which raise their incidents through the <see cref="IncidentRaiser"/>. A timer schedules a sweep
/// (missing batches given up on, alarms not yet stored retried) between the worker's turns.
/// </summary>
internal sealed partial class IngestPipeline
{
    private readonly ISensorMessageSource _source;
    private readonly IDeviceRegistry _registry;
    private readonly IncidentRaiser _raiser;
    private readonly IngestOptions _o;
    private readonly string _probeTopic;
    private readonly TimeProvider _time;
    private readonly ILogger<IngestPipeline> _logger;
    private readonly IngestRefusals _refusals;
    private readonly FairScheduler _scheduler;
    private readonly MessageAdmission _admission;
    private readonly MessageHandler _handler;
    private readonly Lock _waitersLock = new();
    private readonly List<(long Target, TaskCompletionSource Signal)> _waiters = [];
    private int _waiterCount;
    private long _processed;
    private long _handled;

    public IngestPipeline(
        ISensorMessageSource source,
        IDeviceRegistry registry,
        DetectionStage detection,
        PreventionStage prevention,
        DeviceSupervisor supervisor,
        BrokerHealth broker,
        AcknowledgementLedger acks,
        RetainedMessageGuard retained,
        IncidentRaiser raiser,
        IOptions<IngestOptions> options,
        TimeProvider time,
        GatewayMetrics metrics,
        ILogger<IngestPipeline> logger)
    {
        _source = source;
        _registry = registry;
        _raiser = raiser;
        _o = options.Value;
        _time = time;
        _logger = logger;

        // The parts log under this class's category, as ingest always has; they share one rate limit for repeated warnings.
        var rateLimit = new RateLimitedLog(time, _o.WarningLogInterval);
        _refusals = new IngestRefusals(metrics, rateLimit, logger);
        _scheduler = new FairScheduler(_o);
        _probeTopic = broker.ProbeTopic;
        _admission = new MessageAdmission(_o, registry, broker, retained, _scheduler, _refusals, time, metrics, logger);
        _handler = new MessageHandler(_o, registry, supervisor, detection, prevention, acks, raiser, _refusals, rateLimit, time, metrics, logger);
    }

    /// <summary>Messages fully processed by the worker (for tests and diagnostics).</summary>
    public long Processed => Interlocked.Read(ref _processed);

    /// <summary>Sensor messages finished with: processed by the worker, or refused on arrival (unknown, foreign, oversize, queue full). The broker's $SYS reports are not counted.</summary>
    public long Handled => Interlocked.Read(ref _handled);

    /// <summary>Completes once <see cref="Handled"/> reaches <paramref name="count"/> (tests, load tools: a signal, not a sleep).</summary>
    public Task WhenHandledAsync(long count, CancellationToken ct)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waitersLock)
        {
            if (Handled >= count)
            {
                return Task.CompletedTask;
            }

            _waiters.Add((count, signal));
            Interlocked.Increment(ref _waiterCount);
        }

        return signal.Task.WaitAsync(ct);
    }

    /// <summary>Messages waiting in all device queues.</summary>
    public long Queued => _scheduler.Queued;

    /// <summary>Alarms that could not be stored yet (database error), retried on every sweep.</summary>
    public int PendingRaises => _raiser.Kept;

    /// <summary>The subscriptions ingest needs.</summary>
    public IReadOnlyList<string> TopicFilters =>
    [
        Topics.AllDevices(_o.SiteId, TopicKind.Accel),
        Topics.AllDevices(_o.SiteId, TopicKind.Status),
        Topics.AllDevices(_o.SiteId, TopicKind.Event),
        BrokerHealth.DroppedTopic,
        _probeTopic,
    ];

    public IReadOnlyList<DeviceIngestCounters> GetDeviceCounters() => [.. _scheduler.Devices.Select(d => d.Snapshot()).OrderBy(d => d.DeviceId, StringComparer.Ordinal)];

    public IngestTotals GetTotals() => _refusals.Totals.Snapshot(_source.GetCounters().DroppedByTransport);

    /// <summary>Connects, then runs the reader, the worker and the sweep timer until cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        await _source.StartAsync(TopicFilters, ct).ConfigureAwait(false);
        Log.Started(_logger, _o.SiteId, string.Join(", ", TopicFilters), _registry.Assignments.Count);
        var worker = Task.Run(() => WorkerAsync(ct), CancellationToken.None);
        var sweeper = Task.Run(() => SweepTimerAsync(ct), CancellationToken.None);
        try
        {
            await foreach (var message in _source.Messages.ReadAllAsync(ct).ConfigureAwait(false))
            {
                Offer(message);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            _scheduler.Complete();
            await Task.WhenAll(worker, sweeper).ConfigureAwait(false);
        }
    }

    /// <summary>Reader side: route a message to its device's queue. Cheap; never blocks.</summary>
    public OfferOutcome Offer(SensorMessage message)
    {
        var outcome = _admission.Admit(message);
        if (outcome is not OfferOutcome.Queued)
        {
            AcknowledgementLedger.Done(message.Receipt); // refused or not ours: nothing more will use it
        }

        if (outcome is not OfferOutcome.Queued and not OfferOutcome.BrokerStatus)
        {
            MarkHandled();
        }

        return outcome;
    }

    /// <summary>
    /// Worker side: serves one ready device (up to <see cref="IngestOptions.FairnessQuantum"/> messages)
    /// or one sweep. False when nothing was ready.
    /// </summary>
    public async ValueTask<bool> ProcessNextAsync(CancellationToken ct)
    {
        if (!_scheduler.TryNextTurn(out var device, out var sweep))
        {
            return false;
        }

        await ServeAsync(device, sweep, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>Worker side: retries alarms not yet stored, and gives up on missing batches that were waited for long enough.</summary>
    public ValueTask SweepAsync(CancellationToken ct) => _handler.SweepAsync(_scheduler.Devices, ct);

    private void MarkHandled()
    {
        var n = Interlocked.Increment(ref _handled);
        if (Volatile.Read(ref _waiterCount) == 0)
        {
            return; // a waiter added after this read sees the new count itself
        }

        lock (_waitersLock)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Target <= n)
                {
                    _waiters[i].Signal.TrySetResult();
                    _waiters.RemoveAt(i);
                    Interlocked.Decrement(ref _waiterCount);
                }
            }
        }
    }

    private async Task WorkerAsync(CancellationToken ct)
    {
        try
        {
            while (await _scheduler.WaitAsync(ct).ConfigureAwait(false))
            {
                while (_scheduler.TryNextTurn(out var device, out var sweep))
                {
                    await ServeAsync(device, sweep, ct).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task SweepTimerAsync(CancellationToken ct)
    {
        var period = _o.ReorderTimeout > TimeSpan.Zero ? _o.ReorderTimeout / 2 : TimeSpan.FromMilliseconds(250);
        using var timer = new PeriodicTimer(period, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                _scheduler.RequestSweep();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private ValueTask ServeAsync(DeviceChannel? device, bool sweep, CancellationToken ct) =>
        sweep ? SweepAsync(ct) : ServeDeviceAsync(device!, ct);

    // One turn of one device: at most FairnessQuantum messages, then it goes to the back of the line if it has more.
    private async ValueTask ServeDeviceAsync(DeviceChannel device, CancellationToken ct)
    {
        var served = 0;
        while (_scheduler.TryNextMessage(device, ref served, out var message))
        {
            try
            {
                await _handler.ProcessAsync(device, message, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // One bad message must never stop the pipeline for everyone; it is logged as an error.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.ProcessingFailed(_logger, e, device.DeviceId, Topics.Leaf(message.Kind));
            }

            _handler.Acknowledge(device, message);
            Interlocked.Increment(ref _processed);
            MarkHandled();
        }

        _scheduler.EndTurn(device);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.IngestStarted, Level = LogLevel.Information, Message = "Ingest started for site {SiteId}: subscribed to {Filters}; {Devices} assigned devices")]
        public static partial void Started(ILogger logger, string siteId, string filters, int devices);

        [LoggerMessage(EventId = EventIds.IngestLoopFailed, Level = LogLevel.Error, Message = "Processing a {Kind} message from {DeviceId} failed; the pipeline continues")]
        public static partial void ProcessingFailed(ILogger logger, Exception exception, string deviceId, string kind);
    }
}
