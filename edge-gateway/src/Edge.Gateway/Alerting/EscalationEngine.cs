using System.Globalization;
using System.Threading.Channels;
using Edge.Alerting;
using Edge.Gateway.Incidents;
using Edge.Gateway.Registry;
using Edge.Site.Policy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Alerting;

/// <summary>
/// Gets every incident to a person and keeps at it. Each open incident has a schedule row
/// (<see cref="EscalationStore"/>): tiers from the unit's current policy slot go out at their delays, then
/// every tier's recipients are re-alerted every <see cref="EscalationOptions.RepeatInterval"/> until someone
/// accepts; nothing stops it by itself. After acceptance the carer is reminded, and if the incident is still
/// not resolved escalation starts again from the first tier. Pages are withdrawn (ESPA reset) when the
/// incident is accepted or resolved elsewhere. Battery-low and not-worn alerts wait for quiet hours and a
/// site-wide rate limit; falls, manual calls, faults and offline sensors never wait. A channel that fails
/// raises a gateway-fault incident, which is alerted on the channels that still work, while every incident
/// keeps escalating on all of them. All time comes from <see cref="TimeProvider"/>; the schedule lives in
/// SQLite, so open incidents resume after a restart.
/// </summary>
public sealed partial class EscalationEngine : BackgroundService
{
    /// <summary>Subject prefix of the gateway-fault incident raised for a failed channel.</summary>
    public const string ChannelFaultSubjectPrefix = "channel:";

    /// <summary>The channel name in incident transitions made by alerting.</summary>
    public const string TransitionChannel = "alerting";

    private readonly IIncidentService _incidents;
    private readonly EscalationStore _store;
    private readonly EscalationPolicySource _policy;
    private readonly IDeviceRegistry _registry;
    private readonly IAlertChannel[] _channels;
    private readonly HashSet<ChannelKind> _kinds;
    private readonly SqliteDeliveryAttemptRecorder _recorder;
    private readonly DeliveryLedger _ledger;
    private readonly UnstoredAlarms _unstored;
    private readonly EscalationOptions _options;
    private readonly IConfiguration _configuration;
    private readonly TimeProvider _time;
    private readonly ILogger<EscalationEngine> _logger;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly SemaphoreSlim _processLock = new(1, 1);
    private readonly Lock _lock = new();
    private readonly List<(long IncidentId, Task Task)> _inflight = [];
    private readonly Dictionary<string, string> _faulted = new(StringComparer.Ordinal);
    private readonly Queue<DateTimeOffset> _nonUrgentSends = new();
    private readonly QuietHours? _quiet;
    private CancellationTokenSource? _stopping;
    private Task _watch = Task.CompletedTask;

    public EscalationEngine(
        IIncidentService incidents,
        EscalationStore store,
        EscalationPolicySource policy,
        IDeviceRegistry registry,
        IEnumerable<IAlertChannel> channels,
        SqliteDeliveryAttemptRecorder recorder,
        DeliveryLedger ledger,
        UnstoredAlarms unstored,
        IOptions<EscalationOptions> options,
        IConfiguration configuration,
        TimeProvider time,
        ILogger<EscalationEngine> logger)
    {
        _incidents = incidents;
        _store = store;
        _policy = policy;
        _registry = registry;
        _channels = [.. channels];
        _kinds = [.. _channels.Select(c => c.Kind)];
        _recorder = recorder;
        _ledger = ledger;
        _unstored = unstored;
        _options = options.Value;
        _configuration = configuration;
        _time = time;
        _logger = logger;
        _quiet = QuietHours.TryParse(_options.QuietHoursFrom, _options.QuietHoursTo, out var q) ? q : null;
    }

    /// <summary>The channels alerts go out on.</summary>
    public IReadOnlyList<IAlertChannel> Channels => _channels;

    /// <summary>Channels that failed and have not delivered since (name → why).</summary>
    public IReadOnlyDictionary<string, string> FaultedChannels
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<string, string>(_faulted, StringComparer.Ordinal);
            }
        }
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await _store.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);

        // The registry is loaded by now (it starts first): check the policy against the units actually in use.
        var units = EscalationPolicySource.UnitsInUse(_registry, null);
        var siteId = _configuration["Ingest:SiteId"] ?? _registry.SiteId ?? "";
        var (errors, warnings) = _policy.Check(siteId, units, _kinds);
        foreach (var w in warnings)
        {
            Log.PolicyWarning(_logger, w);
        }

        if (errors.Count > 0)
        {
            throw new OptionsValidationException(EscalationOptions.SectionName, typeof(EscalationOptions),
                EscalationOptionsValidator.Describe(errors, _policy));
        }

        if (_policy.Policy is null)
        {
            Log.NoPolicy(_logger, EscalationOptions.SectionName);
        }

        foreach (var channel in _channels)
        {
            channel.HealthChanged += OnHealthChanged;
            channel.Acknowledged += OnAcknowledged;
        }

        _unstored.Added += OnUnstoredAlarm;
        _unstored.Recovered += OnStorageRecovered;
        _stopping = new CancellationTokenSource();
        foreach (var channel in _channels.Where(c => c.Health.State == ChannelHealthState.Down))
        {
            Track(0, Guard(ChannelFailedAsync(channel, channel.Health.Detail)));
        }

        // Subscribe before resuming, so no transition between the two is missed.
        var watch = _incidents.WatchAsync(_stopping.Token).GetAsyncEnumerator(_stopping.Token);
        var first = watch.MoveNextAsync();
        _watch = Task.Run(() => WatchAsync(watch, first), CancellationToken.None);

        var open = await _incidents.ListOpenAsync(cancellationToken).ConfigureAwait(false);
        var created = await _store.EnsureRowsAsync(open, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        var active = await _store.ListActiveAsync(cancellationToken).ConfigureAwait(false);
        Log.Started(_logger, _policy.PolicyPath ?? "(none)", string.Join(", ", _channels.Select(c => $"{c.Name} ({c.Kind})")), active.Count, created);
        await ResendUnconfirmedAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopping is not null)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _watch.WaitAsync(cancellationToken).ConfigureAwait(false);
            await WhenIdleAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        foreach (var channel in _channels)
        {
            channel.HealthChanged -= OnHealthChanged;
            channel.Acknowledged -= OnAcknowledged;
        }

        _unstored.Added -= OnUnstoredAlarm;
        _unstored.Recovered -= OnStorageRecovered;
    }

    private void OnUnstoredAlarm(object? sender, EventArgs e) => Wake();

    public override void Dispose()
    {
        _stopping?.Dispose();
        _processLock.Dispose();
        base.Dispose();
    }

    /// <summary>Completes when every send and withdrawal started so far has finished and its attempts are stored.</summary>
    public async Task WhenIdleAsync()
    {
        while (true)
        {
            Task[] tasks;
            lock (_lock)
            {
                _inflight.RemoveAll(t => t.Task.IsCompleted);
                tasks = [.. _inflight.Select(t => t.Task)];
            }

            if (tasks.Length == 0)
            {
                break;
            }

            await Task.WhenAll(tasks).ConfigureAwait(false);
        }

        await _recorder.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>Sends everything due at the current time. The background loop calls it; tests may too.</summary>
    public async Task ProcessDueAsync(CancellationToken ct = default)
    {
        await _processLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var now = _time.GetUtcNow();
            _storageTrouble = false;
            ProcessUnstored(now);
            await FlushUnsavedAsync(ct).ConfigureAwait(false);
            foreach (var stored in await _store.GetDueAsync(now, ct).ConfigureAwait(false))
            {
                var row = Current(stored);
                if (row.NextDueAt > now)
                {
                    continue; // moved in memory (the disk refused the write), not due yet
                }

                try
                {
                    await ProcessAsync(row, now, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (UnstoredAlarms.IsStorageFailure(e))
                {
                    // One refused write must not hold the other incidents; this one is tried again shortly.
                    _storageTrouble = true;
                    Log.ScheduleKeptInMemory(_logger, row.IncidentId, e.Message);
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
                var next = await _store.NextDueAsync(stoppingToken).ConfigureAwait(false);
                var now = _time.GetUtcNow();
                if (NextMemoryDue(now) is { } memory && (next is null || memory < next || _unsaved.Count > 0 || _storageTrouble))
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
                Log.EngineFailed(_logger, e);
                await WaitAsync(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task WaitAsync(TimeSpan delay, CancellationToken ct)
    {
        // Timer CTS on the TimeProvider: a fake clock's Advance fires it, a real one after the delay.
        using var timer = new CancellationTokenSource(delay, _time);
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

    private async Task ProcessAsync(EscalationState row, DateTimeOffset now, CancellationToken ct)
    {
        var incident = await _incidents.GetAsync(row.IncidentId, ct).ConfigureAwait(false);
        if (incident is null || !incident.IsOpen)
        {
            await _store.TryMoveAsync(row, row with { Phase = EscalationPhase.Done, NextDueAt = null }, ct).ConfigureAwait(false);
            return;
        }

        if (row.Phase == EscalationPhase.Accepted)
        {
            await ProcessAcceptedAsync(row, incident, now, ct).ConfigureAwait(false);
            return;
        }

        var unit = UnitOf(incident);
        var steps = _policy.Resolve(unit, now)?.Steps ?? [];
        var repeat = AlertText.IsHoldable(incident.Type) ? _options.NonUrgentRepeatInterval : _options.RepeatInterval;
        if (steps.Count == 0)
        {
            LogNobody(incident, unit, "no policy slot covers this unit now");
            await _store.TryMoveAsync(row, row with { NextDueAt = now + repeat }, ct).ConfigureAwait(false);
            return;
        }

        var due = DueOf(row.PhaseStartedAt, row.NextStep, steps, repeat);
        if (due > now)
        {
            await _store.TryMoveAsync(row, row with { NextDueAt = due }, ct).ConfigureAwait(false);
            return;
        }

        if (AlertText.IsHoldable(incident.Type) && HoldUntil(now) is { } until)
        {
            Log.Held(_logger, incident.Id, IncidentNames.Name(incident.Type), until);
            await _store.TryMoveAsync(row, row with { NextDueAt = until }, ct).ConfigureAwait(false);
            return;
        }

        var n = steps.Count;
        var targets = row.NextStep < n ? steps[row.NextStep].Notify : [.. steps.SelectMany(s => s.Notify).Distinct(StringComparer.Ordinal)];
        var label = row.NextStep < n
            ? string.Create(CultureInfo.InvariantCulture, $"tier {row.NextStep + 1} of {n}")
            : string.Create(CultureInfo.InvariantCulture, $"repeat {row.NextStep - n + 1}");
        if (row.Round > 1)
        {
            label += string.Create(CultureInfo.InvariantCulture, $", round {row.Round}");
        }

        var nextStep = row.NextStep + 1;
        var nextDue = DueOf(row.PhaseStartedAt, nextStep, steps, repeat);
        if (nextStep >= n && nextDue <= now)
        {
            nextDue = now + repeat; // after a long outage: one re-alert now, not a burst of missed repeats
        }

        var moved = row with { NextStep = nextStep, NextDueAt = nextDue, AlertsSent = row.AlertsSent + 1, LastSentAt = now, LastStep = label };
        var text = row.Round > 1 && incident.AcceptedAt is { } acceptedAt ? AlertText.Resumed(incident, now - acceptedAt) : AlertText.Alert(incident);
        IReadOnlyList<string> all = [.. steps.SelectMany(s => s.Notify).Distinct(StringComparer.Ordinal)];
        var group = new DeliveryGroup(incident, row.NextStep, label, text, lateWithdraw: true, failoverTo: row.NextStep + 1 < n ? steps[row.NextStep + 1].Notify : all, widen: all);
        var plan = Plan(group, targets);
        if (!await MoveAndStartAsync(row, moved, group, plan, now, ct).ConfigureAwait(false))
        {
            return; // accepted or resolved meanwhile: that transition wins
        }

        if (AlertText.IsHoldable(incident.Type))
        {
            lock (_lock)
            {
                _nonUrgentSends.Enqueue(now);
            }
        }
    }

    private async Task ProcessAcceptedAsync(EscalationState row, Incident incident, DateTimeOffset now, CancellationToken ct)
    {
        if (row.NextStep == 0)
        {
            var due = row.PhaseStartedAt + _options.ReminderAfter;
            if (due > now)
            {
                await _store.TryMoveAsync(row, row with { NextDueAt = due }, ct).ConfigureAwait(false);
                return;
            }

            var moved = row with { NextStep = 1, NextDueAt = row.PhaseStartedAt + _options.ResumeAfter, LastSentAt = now, LastStep = "reminder", AlertsSent = row.AlertsSent + 1 };

            // The reminder goes to the carer who accepted; without known devices, to the current first tier.
            var steps = _policy.Resolve(UnitOf(incident), now)?.Steps;
            IReadOnlyList<string> first = steps is { Count: > 0 } ? steps[0].Notify : [];
            IReadOnlyList<string> targets = incident.AcceptedBy is { } staff ? [.. _policy.DevicesOf(staff).Select(t => t.ToString())] : [];
            if (!targets.Any(t => _policy.Expand(t, _kinds).Any()))
            {
                targets = first;
            }

            var group = new DeliveryGroup(incident, -1, "reminder", AlertText.Reminder(incident, now - (incident.AcceptedAt ?? row.PhaseStartedAt)), lateWithdraw: false, failoverTo: first, widen: first);
            if (await MoveAndStartAsync(row, moved, group, Plan(group, targets, widen: false), now, ct).ConfigureAwait(false))
            {
                Log.Reminder(_logger, incident.Id, incident.AcceptedBy ?? "-", string.Join(", ", targets));
            }

            return;
        }

        var resumeAt = row.PhaseStartedAt + _options.ResumeAfter;
        if (resumeAt > now)
        {
            await _store.TryMoveAsync(row, row with { NextDueAt = resumeAt }, ct).ConfigureAwait(false);
            return;
        }

        var resumed = row with { Phase = EscalationPhase.Alerting, PhaseStartedAt = now, NextStep = 0, NextDueAt = now, Round = row.Round + 1 };
        if (await _store.TryMoveAsync(row, resumed, ct).ConfigureAwait(false))
        {
            Log.Resumed(_logger, incident.Id, incident.AcceptedBy ?? "-", resumed.Round);
            await ProcessAsync(resumed, now, ct).ConfigureAwait(false);
        }
    }

    private static DateTimeOffset DueOf(DateTimeOffset start, int step, IReadOnlyList<EscalationStep> steps, TimeSpan repeat)
    {
        var n = steps.Count;
        return step < n ? start + steps[step].After : start + steps[n - 1].After + (repeat * (step - n + 1));
    }

    /// <summary>When a non-urgent alert may go out, or null for now: quiet hours end, or the rate window frees.</summary>
    private DateTimeOffset? HoldUntil(DateTimeOffset now)
    {
        if (_quiet is { } quiet)
        {
            var local = TimeOnly.FromDateTime(_policy.ToLocal(now));
            var remaining = quiet.RemainingAt(local);
            if (remaining > TimeSpan.Zero)
            {
                return now + remaining;
            }
        }

        lock (_lock)
        {
            while (_nonUrgentSends.Count > 0 && _nonUrgentSends.Peek() <= now - TimeSpan.FromHours(1))
            {
                _nonUrgentSends.Dequeue();
            }

            return _nonUrgentSends.Count >= _options.NonUrgentMaxPerHour ? _nonUrgentSends.Peek() + TimeSpan.FromHours(1) : null;
        }
    }

    private string? UnitOf(Incident incident)
    {
        if (incident.ResidentId is { } resident && _registry.TryGetResident(resident, out var a))
        {
            return a.UnitId;
        }

        return null; // gateway faults, or a resident no longer in the registry: every unit's staff
    }

    private HashSet<string> ExcludedChannels(Incident incident)
    {
        if (incident.Type != IncidentType.GatewayFault)
        {
            return [];
        }

        // A fault is alerted on the channels that still work.
        lock (_lock)
        {
            var excluded = new HashSet<string>(_faulted.Keys, StringComparer.Ordinal);
            if (incident.Subject.StartsWith(ChannelFaultSubjectPrefix, StringComparison.Ordinal))
            {
                excluded.Add(incident.Subject[ChannelFaultSubjectPrefix.Length..]);
            }

            return excluded;
        }
    }

    private void Track(long incidentId, Task task)
    {
        lock (_lock)
        {
            _inflight.RemoveAll(t => t.Task.IsCompleted);
            _inflight.Add((incidentId, task));
        }
    }

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
                        Task[] sending;
                        lock (_lock)
                        {
                            sending = [.. _inflight.Where(t => t.IncidentId == change.Incident.Id && !t.Task.IsCompleted).Select(t => t.Task)];
                        }

                        Track(change.Incident.Id, WithdrawAsync(change, sending));
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

    /// <summary>
    /// Withdraws every page still showing for the incident (ESPA call type 1; SIP and webhook send a short
    /// notice), except on the accepting carer's own devices on the channel they accepted through.
    /// </summary>
    private async Task WithdrawAsync(IncidentChange change, Task[] sending)
    {
        var incident = change.Incident;
        try
        {
            // Sends still on the wire finish first, so their pages are withdrawn too.
            await Task.WhenAll(sending).ConfigureAwait(false);
            await _recorder.FlushAsync().ConfigureAwait(false);
            var outstanding = await _store.OutstandingPagesAsync(incident.Id, CancellationToken.None).ConfigureAwait(false);
            var keep = change.Transition.Kind == TransitionKind.Accepted
                ? _policy.DevicesOf(change.Transition.Actor).Select(d => d.Recipient).ToHashSet(StringComparer.Ordinal)
                : [];
            foreach (var group in outstanding.GroupBy(o => o.Channel, StringComparer.Ordinal))
            {
                var channel = Array.Find(_channels, c => c.Name == group.Key);
                var recipients = group.Select(g => g.Recipient)
                    .Where(r => !(channel?.Name == change.Transition.Channel && keep.Contains(r)))
                    .Distinct(StringComparer.Ordinal).ToList();
                if (channel is null || recipients.Count == 0)
                {
                    continue;
                }

                var message = new AlertMessage(incident.Id.ToString(CultureInfo.InvariantCulture), recipients, AlertText.Alert(incident), AlertText.Priority(incident.Type), AlertText.Kind(incident.Type));
                var result = await channel.CancelAsync(message, _stopping?.Token ?? CancellationToken.None).ConfigureAwait(false);
                Log.Withdrawn(_logger, incident.Id, channel.Name, string.Join(", ", recipients), result.Outcome, change.Transition.Actor);
            }
        }
        catch (OperationCanceledException) when (_stopping?.IsCancellationRequested == true)
        {
        }
#pragma warning disable CA1031 // A failed withdrawal leaves a stale page; it must not stop escalation.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.EngineFailed(_logger, e);
        }
    }

    private async Task WithdrawOneAsync(long incidentId, IAlertChannel channel, AlertMessage message)
    {
        try
        {
            var result = await channel.CancelAsync(message, _stopping?.Token ?? CancellationToken.None).ConfigureAwait(false);
            Log.Withdrawn(_logger, incidentId, channel.Name, string.Join(", ", message.Recipients), result.Outcome, "(late page)");
        }
        catch (OperationCanceledException) when (_stopping?.IsCancellationRequested == true)
        {
        }
    }

    private async Task ChannelFailedAsync(IAlertChannel channel, string detail)
    {
        string others;
        lock (_lock)
        {
            if (!_faulted.TryAdd(channel.Name, detail))
            {
                return;
            }

            others = string.Join(", ", _channels.Where(c => !_faulted.ContainsKey(c.Name)).Select(c => c.Name));
        }

        Log.ChannelFailed(_logger, channel.Name, channel.Kind, detail, others.Length == 0 ? "none" : others);
        try
        {
            var text = $"{channel.Kind} channel {channel.Name} failed: {detail}";
            await _incidents.RaiseAsync(new RaiseRequest(IncidentType.GatewayFault, ChannelFaultSubjectPrefix + channel.Name, _time.GetUtcNow(), text, TransitionChannel),
                _stopping?.Token ?? CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping?.IsCancellationRequested == true)
        {
        }
    }

    private async Task ChannelRecoveredAsync(IAlertChannel channel, string detail)
    {
        lock (_lock)
        {
            if (!_faulted.Remove(channel.Name))
            {
                return;
            }
        }

        Log.ChannelRecovered(_logger, channel.Name, detail);
        try
        {
            await _incidents.ClearAsync(ChannelFaultSubjectPrefix + channel.Name, IncidentType.GatewayFault, $"{channel.Name}: {detail}", TransitionChannel,
                _stopping?.Token ?? CancellationToken.None).ConfigureAwait(false);

            // What it missed while it was down: every open incident is paged on it again.
            await RepageAsync(channel).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping?.IsCancellationRequested == true)
        {
        }
    }

    private void OnHealthChanged(object? sender, ChannelHealth health)
    {
        if (sender is not IAlertChannel channel)
        {
            return;
        }

        if (health.State == ChannelHealthState.Down)
        {
            Track(0, Guard(ChannelFailedAsync(channel, health.Detail)));
        }
        else if (health.State == ChannelHealthState.Healthy)
        {
            Track(0, Guard(ChannelRecoveredAsync(channel, health.Detail)));
        }
    }

    private void OnAcknowledged(object? sender, AlertAcknowledgement ack)
    {
        if (sender is IAlertChannel channel)
        {
            Track(0, Guard(AcknowledgeAsync(channel, ack)));
        }
    }

    /// <summary>A recipient acknowledged on the device (ESPA call status 6): the carer that device belongs to accepts.</summary>
    private async Task AcknowledgeAsync(IAlertChannel channel, AlertAcknowledgement ack)
    {
        if (ack.IncidentId is null || !long.TryParse(ack.IncidentId, NumberStyles.None, CultureInfo.InvariantCulture, out var incidentId))
        {
            Log.Unattributed(_logger, channel.Name, ack.Recipient, ack.IncidentId ?? "(none)", "no outstanding page matches");
            return;
        }

        var staff = _policy.StaffForDevice(channel.Kind, ack.Recipient);
        if (staff is null)
        {
            // An incident is accepted by a named carer; a group pager names nobody.
            Log.Unattributed(_logger, channel.Name, ack.Recipient, ack.IncidentId, $"the device is not assigned to a staff member in {EscalationOptions.SectionName}:Staff; accept on the staff page");
            return;
        }

        try
        {
            await _incidents.AcceptAsync(incidentId, staff, channel.Name, _stopping?.Token ?? CancellationToken.None).ConfigureAwait(false);
            Log.AcknowledgedOnDevice(_logger, incidentId, staff, channel.Name, ack.Recipient);
        }
        catch (IncidentTransitionException e)
        {
            Log.AcknowledgementFailed(_logger, incidentId, staff, channel.Name, e.Message);
        }
    }

    private async Task Guard(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping?.IsCancellationRequested == true)
        {
        }
#pragma warning disable CA1031 // Event handlers run on channel threads: a failure is logged, never thrown at the channel.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.EngineFailed(_logger, e);
        }
    }

    private void LogNobody(Incident incident, string? unit, string why)
    {
        if (_policy.Policy is null)
        {
            Log.NobodyNoPolicy(_logger, incident.Id, IncidentNames.Name(incident.Type), unit ?? "(all)", why);
        }
        else
        {
            Log.Nobody(_logger, incident.Id, IncidentNames.Name(incident.Type), unit ?? "(all)", why);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.EscalationStarted, Level = LogLevel.Information, Message = "Escalation running: policy {Policy}, channels {Channels}; {Active} open escalation(s) resumed ({Created} re-created from open incidents)")]
        public static partial void Started(ILogger logger, string policy, string channels, int active, int created);

        [LoggerMessage(EventId = EventIds.NoPolicy, Level = LogLevel.Warning, Message = "No escalation policy configured ({Section}:PolicyFile or Site:EscalationPolicy): incidents are shown on the staff page but nobody is paged")]
        public static partial void NoPolicy(ILogger logger, string section);

        [LoggerMessage(EventId = EventIds.AlertDispatched, Level = LogLevel.Information, Message = "Incident #{IncidentId} {Type}: {Step} on {Channel} to {Recipients}")]
        public static partial void Dispatched(ILogger logger, long incidentId, string type, string step, string channel, string recipients);

        [LoggerMessage(EventId = EventIds.AlertResult, Level = LogLevel.Information, Message = "Incident #{IncidentId} on {Channel} to {Recipients}: {Outcome} after {Attempts} attempt(s): {Detail}")]
        public static partial void Result(ILogger logger, long incidentId, string channel, string recipients, DeliveryOutcome outcome, int attempts, string detail);

        [LoggerMessage(EventId = EventIds.NobodyToAlert, Level = LogLevel.Error, Message = "Incident #{IncidentId} {Type} in unit {Unit} reaches nobody: {Why}")]
        public static partial void Nobody(ILogger logger, long incidentId, string type, string unit, string why);

        [LoggerMessage(EventId = EventIds.NotPagedNoPolicy, Level = LogLevel.Warning, Message = "Incident #{IncidentId} {Type} in unit {Unit} is not paged (no escalation policy): {Why}")]
        public static partial void NobodyNoPolicy(ILogger logger, long incidentId, string type, string unit, string why);

        [LoggerMessage(EventId = EventIds.NonUrgentHeld, Level = LogLevel.Information, Message = "Incident #{IncidentId} {Type} is not urgent: held until {Until:O} (quiet hours or rate limit)")]
        public static partial void Held(ILogger logger, long incidentId, string type, DateTimeOffset until);

        [LoggerMessage(EventId = EventIds.ReminderSent, Level = LogLevel.Warning, Message = "Incident #{IncidentId} accepted by {Staff} is not resolved: reminding {Targets}")]
        public static partial void Reminder(ILogger logger, long incidentId, string staff, string targets);

        [LoggerMessage(EventId = EventIds.EscalationResumed, Level = LogLevel.Warning, Message = "Incident #{IncidentId} accepted by {Staff} is still not resolved: escalation resumes (round {Round})")]
        public static partial void Resumed(ILogger logger, long incidentId, string staff, int round);

        [LoggerMessage(EventId = EventIds.PagesWithdrawn, Level = LogLevel.Information, Message = "Incident #{IncidentId}: pages withdrawn on {Channel} for {Recipients}: {Outcome} (accepted/resolved by {Actor})")]
        public static partial void Withdrawn(ILogger logger, long incidentId, string channel, string recipients, DeliveryOutcome outcome, string actor);

        [LoggerMessage(EventId = EventIds.ChannelFailed, Level = LogLevel.Error, Message = "Alert channel {Channel} ({Kind}) failed: {Detail}. Gateway fault raised; alerts continue on: {Others}")]
        public static partial void ChannelFailed(ILogger logger, string channel, ChannelKind kind, string detail, string others);

        [LoggerMessage(EventId = EventIds.ChannelRecovered, Level = LogLevel.Information, Message = "Alert channel {Channel} works again: {Detail}")]
        public static partial void ChannelRecovered(ILogger logger, string channel, string detail);

        [LoggerMessage(EventId = EventIds.AcknowledgedOnDevice, Level = LogLevel.Information, Message = "Incident #{IncidentId} accepted by {Staff} on {Channel} (device {Recipient})")]
        public static partial void AcknowledgedOnDevice(ILogger logger, long incidentId, string staff, string channel, string recipient);

        [LoggerMessage(EventId = EventIds.AcknowledgementUnattributed, Level = LogLevel.Warning, Message = "Acknowledgement on {Channel} from {Recipient} for incident {IncidentId} not applied: {Why}")]
        public static partial void Unattributed(ILogger logger, string channel, string recipient, string incidentId, string why);

        [LoggerMessage(EventId = EventIds.AcknowledgementFailed, Level = LogLevel.Warning, Message = "Incident #{IncidentId}: acknowledgement by {Staff} on {Channel} refused: {Why}")]
        public static partial void AcknowledgementFailed(ILogger logger, long incidentId, string staff, string channel, string why);

        [LoggerMessage(EventId = EventIds.EngineFailed, Level = LogLevel.Error, Message = "Escalation step failed; retrying")]
        public static partial void EngineFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = EventIds.PolicyWarning, Level = LogLevel.Warning, Message = "Escalation policy: {Warning}")]
        public static partial void PolicyWarning(ILogger logger, string warning);

        [LoggerMessage(EventId = EventIds.SendTimedOut, Level = LogLevel.Error, Message = "Incident #{IncidentId} on {Channel} to {Recipients}: {Why}; moving the alert to the channels that work")]
        public static partial void SendTimedOut(ILogger logger, long incidentId, string channel, string recipients, string why);

        [LoggerMessage(EventId = EventIds.FailedOver, Level = LogLevel.Warning, Message = "Incident #{IncidentId}: not delivered on {Channel} ({Why}); sent at once on {Channels}")]
        public static partial void FailedOver(ILogger logger, long incidentId, string channel, string why, string channels);

        [LoggerMessage(EventId = EventIds.ResendingUnconfirmed, Level = LogLevel.Warning, Message = "Incident #{IncidentId}: the send on {Channel} to {Recipients} of {CreatedAt:O} was never confirmed (the gateway stopped); sending it again")]
        public static partial void Resending(ILogger logger, long incidentId, string channel, string recipients, DateTimeOffset createdAt);

        [LoggerMessage(EventId = EventIds.ScheduleKeptInMemory, Level = LogLevel.Error, Message = "Incident #{IncidentId}: the database refused the escalation step ({Error}); the alert went out and the step is kept in memory until it can be written")]
        public static partial void ScheduleKeptInMemory(ILogger logger, long incidentId, string error);

        [LoggerMessage(EventId = EventIds.LedgerWriteFailed, Level = LogLevel.Error, Message = "Could not store the state of alert delivery {Id} (0: a new one); the alert is sent regardless")]
        public static partial void LedgerWriteFailed(ILogger logger, Exception exception, long id);
    }
}
