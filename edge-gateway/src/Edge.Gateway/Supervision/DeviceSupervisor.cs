// Over 400 lines on purpose: one per-device state machine (offline, docked, battery, worn, unprotected time) under one lock; its incident raising already lives in the IncidentRaiser.
using Edge.Gateway.Incidents;
using Edge.Gateway.Ingest;
using Edge.Gateway.Registry;
using Edge.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Supervision;

/// <summary>How the gateway sees a device right now.</summary>
public enum DeviceConnectivity
{
    /// <summary>Not heard from since the gateway started (within the grace period).</summary>
    Unknown,
    Online,

    /// <summary>On external power (charging or docked): not protecting, but not an alarm either.</summary>
    Docked,
    Offline,
}

/// <summary>
/// One row of the device board (staff page, diagnostics). <see cref="Fault"/> is the device's last
/// reported fault in words (certificate, Wi-Fi, broker, sensor, power chip, crash: docs/wire-protocol.md
/// section 3.2), with <see cref="FaultActive"/> when the device says it is still present.
/// </summary>
public sealed record DeviceBoardEntry(
    string DeviceId,
    string ResidentId,
    string ResidentName,
    string? RoomName,
    DeviceConnectivity State,
    DateTimeOffset? LastSeen,
    int? BatteryPercent,
    bool? Worn,
    bool Charging,
    DeviceMode? Mode,
    string? UnprotectedReason,
    string? Fault = null,
    bool FaultActive = false);

/// <summary>
/// Device supervision: offline (last will, or silence longer than the mode's timeout) told apart from
/// docked/charging; battery low with hysteresis, one incident per episode; not worn from the device
/// flag and from a motionless stream; unprotected intervals per resident. Ingest reports what it sees
/// (<see cref="OnStatus"/>, <see cref="OnBatch"/>); <see cref="EvaluateAsync"/> turns that into incidents.
/// </summary>
public sealed partial class DeviceSupervisor(
    IDeviceRegistry registry,
    IIncidentService incidents,
    IncidentRaiser raiser,
    UnprotectedTimeStore unprotected,
    ISensorMessageSource source,
    IOptions<SupervisionOptions> options,
    TimeProvider time,
    ILogger<DeviceSupervisor> logger,
    BrokerConnection? brokerLink = null)
{
    private const string Channel = "supervision";

    /// <summary>
    /// A last will is acted on this long after it arrived, not at once: when the broker itself shuts down it publishes
    /// every sensor's will a moment before the gateway sees its own connection close, and that is no sensor going offline.
    /// </summary>
    internal static readonly TimeSpan WillSettle = TimeSpan.FromSeconds(3);

    private readonly SupervisionOptions _o = options.Value;
    private readonly Dictionary<string, Health> _devices = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _evaluate = new(1, 1);
    private DateTimeOffset _startedAt;
    private DateTimeOffset _silenceFrom;
    private bool _brokerWasDown;

    /// <summary>Raised (on the ingest thread) when something needs evaluating at once (a last will).</summary>
    public event EventHandler? EvaluationRequested;

    /// <summary>Reads open incidents and intervals so episodes resume after a restart. Call once at start.</summary>
    public async Task ResumeAsync(CancellationToken ct)
    {
        _startedAt = time.GetUtcNow();
        _silenceFrom = _startedAt;
        var open = await incidents.ListOpenAsync(ct).ConfigureAwait(false);
        var intervals = await unprotected.OpenIntervalsAsync(ct).ConfigureAwait(false);
        lock (_lock)
        {
            foreach (var a in registry.Assignments)
            {
                var h = GetOrCreate(a.DeviceId);
                h.OfflineOpen = open.Any(i => i.Subject == a.ResidentId && i.Type == IncidentType.DeviceOffline);
                h.BatteryOpen = open.Any(i => i.Subject == a.ResidentId && i.Type == IncidentType.BatteryLow);
                h.NotWornOpen = open.Any(i => i.Subject == a.ResidentId && i.Type == IncidentType.NotWorn);
                h.UnprotectedReason = intervals.GetValueOrDefault(a.DeviceId);
            }
        }
    }

    /// <summary>A status message arrived (ingest worker thread).</summary>
    public void OnStatus(DeviceAssignment assignment, DeviceStatus status, DateTimeOffset arrival, bool retained)
    {
        bool urgent;
        bool newFault;
        lock (_lock)
        {
            var h = GetOrCreate(assignment.DeviceId);
            var before = h.Status;
            newFault = status is { Online: true, FaultCode: not DeviceFault.None }
                && (before is not { Online: true } || before.FaultCode != status.FaultCode || before.FaultDetail != status.FaultDetail
                    || before.FaultCount != status.FaultCount || before.FaultActive != status.FaultActive);
            h.Status = status;
            h.WillReceived = !status.Online;
            if (!status.Online)
            {
                h.WillAt = arrival;
            }
            if (!retained)
            {
                h.LastSeen = arrival;
            }

            if (status.Online)
            {
                h.Mode = status.Mode;
            }

            // The heartbeat's activity summary: the device moved since its previous status (it sees
            // per-axis changes such as turning over in bed, which a batch's magnitude range misses).
            if (status is { Online: true, ActiveSeconds: > 0 } && !retained)
            {
                h.LastMovement = arrival;
            }

            if (status.Online && !status.Worn)
            {
                h.NotWornFlagSince ??= arrival;
            }
            else if (status.Online)
            {
                h.NotWornFlagSince = null;
            }

            urgent = !status.Online && !h.OfflineOpen;
        }

        if (newFault)
        {
            Log.FaultReported(logger, assignment.DeviceId, assignment.ResidentName, DeviceFaults.Name(status.FaultCode), FaultText(status)!, status.FaultCount);
        }

        if (urgent)
        {
            EvaluationRequested?.Invoke(this, EventArgs.Empty);
        }
    }

    /// <summary>An accelerometer batch was delivered in order (ingest worker thread).</summary>
    public void OnBatch(string deviceId, AccelBatch batch, DateTimeOffset arrival)
    {
        // Movement check on squared magnitudes; two square roots per batch.
        float min = float.MaxValue, max = 0;
        var s = batch.Samples;
        for (var i = 0; i < batch.SampleCount; i++)
        {
            float x = s[3 * i], y = s[(3 * i) + 1], z = s[(3 * i) + 2];
            var m2 = (x * x) + (y * y) + (z * z);
            min = Math.Min(min, m2);
            max = Math.Max(max, m2);
        }

        var rangeG = (MathF.Sqrt(max) - MathF.Sqrt(min)) * batch.RangeG / WireFormat.CountsPerFullScale;
        lock (_lock)
        {
            var h = GetOrCreate(deviceId);
            h.Heard(arrival);
            if (rangeG >= _o.StillnessThresholdG || h.LastMovement is null)
            {
                h.LastMovement = arrival;
            }
        }
    }

    /// <summary>Any other message from the device (events) shows it is alive.</summary>
    public void OnActivity(string deviceId, DateTimeOffset arrival)
    {
        lock (_lock)
        {
            GetOrCreate(deviceId).Heard(arrival);
        }
    }

    /// <summary>False when the device says it is not worn (detection is skipped then).</summary>
    public bool IsWorn(string deviceId)
    {
        lock (_lock)
        {
            return !_devices.TryGetValue(deviceId, out var h) || h.Status is not { Online: true } st || st.Worn;
        }
    }

    /// <summary>The device board: one row per assigned device.</summary>
    public IReadOnlyList<DeviceBoardEntry> GetBoard()
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            return [.. registry.Assignments.OrderBy(a => a.ResidentName, StringComparer.Ordinal).Select(a =>
            {
                var h = GetOrCreate(a.DeviceId);
                var st = h.Status;
                return new DeviceBoardEntry(
                    a.DeviceId, a.ResidentId, a.ResidentName, a.RoomName, State(h, now, brokerUp: true), h.LastSeen,
                    st is { StateOfChargePercent: <= 100 } ? st.StateOfChargePercent : null,
                    st is { Online: true } ? st.Worn : null,
                    st is { Online: true, Charging: true },
                    st?.Mode,
                    h.UnprotectedReason,
                    st is { Online: true } ? FaultText(st) : null,
                    st is { Online: true, FaultActive: true });
            })];
        }
    }

    /// <summary>Evaluates every assigned device and raises or clears incidents. Serialised.</summary>
    public async Task EvaluateAsync(CancellationToken ct)
    {
        await _evaluate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var now = time.GetUtcNow();
            var brokerUp = source.IsConnected;
            var actions = new List<Func<Task>>();
            lock (_lock)
            {
                if (brokerUp && _brokerWasDown)
                {
                    // While the broker was down the gateway heard nobody; that is a gateway fault, not N
                    // offline devices. Every device's silence is counted from the reconnect.
                    _silenceFrom = now;
                }

                _brokerWasDown = !brokerUp;
                foreach (var a in registry.Assignments)
                {
                    Evaluate(a, GetOrCreate(a.DeviceId), now, brokerUp, actions, ct);
                }
            }

            foreach (var action in actions)
            {
                await action().ConfigureAwait(false);
            }
        }
        finally
        {
            _evaluate.Release();
        }
    }

    private void Evaluate(DeviceAssignment a, Health h, DateTimeOffset now, bool brokerUp, List<Func<Task>> actions, CancellationToken ct)
    {
        var state = State(h, now, brokerUp);
        var st = h.Status;

        // Offline / back online.
        if (state == DeviceConnectivity.Offline && !h.OfflineOpen)
        {
            h.OfflineOpen = true;
            var why = h.WillReceived ? "connection lost (last will)" : h.LastSeen is null ? $"not heard from since the gateway started {(now - _startedAt).TotalSeconds:F0} s ago" : $"no message for {(now - h.LastSeen.Value).TotalSeconds:F0} s ({(h.Mode == DeviceMode.Triggered ? "triggered" : "streaming")} mode)";
            Log.Offline(logger, a.DeviceId, a.ResidentName, why);
            actions.Add(() => Raise(a, IncidentType.DeviceOffline, h.LastSeen ?? now, $"Device {a.DeviceId} offline: {why}.", () => h.OfflineOpen = false, ct));
        }
        else if (state is DeviceConnectivity.Online or DeviceConnectivity.Docked && h.OfflineOpen)
        {
            h.OfflineOpen = false;
            Log.Online(logger, a.DeviceId, a.ResidentName, state.ToString());
            actions.Add(() => incidents.ClearAsync(a.ResidentId, IncidentType.DeviceOffline, $"Device {a.DeviceId} is back ({state}).", Channel, ct));
        }

        if (state == DeviceConnectivity.Docked && h.LastState != DeviceConnectivity.Docked)
        {
            Log.Docked(logger, a.DeviceId, a.ResidentName);
        }

        h.LastState = state;

        // Battery, with hysteresis: one incident per episode.
        if (st is { Online: true, StateOfChargePercent: <= 100 } && !(h.WillReceived))
        {
            var soc = st.StateOfChargePercent;
            if (!h.BatteryOpen && soc < _o.BatteryLowPercent)
            {
                h.BatteryOpen = true;
                Log.BatteryLow(logger, a.DeviceId, a.ResidentName, soc);
                actions.Add(() => Raise(a, IncidentType.BatteryLow, now, $"Battery {soc} % (below {_o.BatteryLowPercent} %){(st.Charging ? ", charging" : "")}.", () => h.BatteryOpen = false, ct));
            }
            else if (h.BatteryOpen && soc > _o.BatteryClearPercent)
            {
                h.BatteryOpen = false;
                Log.BatteryRecovered(logger, a.DeviceId, a.ResidentName, soc);
                actions.Add(() => incidents.ClearAsync(a.ResidentId, IncidentType.BatteryLow, $"Battery back to {soc} %.", Channel, ct));
            }
        }

        // Not worn: the device's flag, or a streaming device that has not moved for a long time.
        var still = h.Mode == DeviceMode.Streaming && h.LastMovement is { } moved && now - moved >= _o.StillNotWornAfter;
        var notWorn = state == DeviceConnectivity.Online && (h.NotWornFlagSince is not null || still);
        var notWornSince = h.NotWornFlagSince ?? (still ? h.LastMovement : null);
        if (notWorn && !h.NotWornOpen && notWornSince is { } since && now - since >= _o.NotWornAfter)
        {
            h.NotWornOpen = true;
            var why = h.NotWornFlagSince is not null ? "the device reports it is not worn" : $"no movement for {(now - since).TotalMinutes:F0} min";
            Log.NotWorn(logger, a.DeviceId, a.ResidentName, why);
            actions.Add(() => Raise(a, IncidentType.NotWorn, since, $"Device {a.DeviceId} not worn: {why}.", () => h.NotWornOpen = false, ct));
        }
        else if (!notWorn && h.NotWornOpen && state is DeviceConnectivity.Online or DeviceConnectivity.Docked)
        {
            h.NotWornOpen = false;
            Log.Worn(logger, a.DeviceId, a.ResidentName, state.ToString());
            actions.Add(() => incidents.ClearAsync(a.ResidentId, IncidentType.NotWorn, state == DeviceConnectivity.Docked ? "Device put on its charger." : "Device worn again.", Channel, ct));
        }

        // Unprotected time.
        var reason = state switch
        {
            DeviceConnectivity.Offline => UnprotectedTimeStore.Offline,
            DeviceConnectivity.Docked => UnprotectedTimeStore.Docked,
            DeviceConnectivity.Online when notWorn => UnprotectedTimeStore.NotWorn,
            _ => null,
        };
        if (state != DeviceConnectivity.Unknown && reason != h.UnprotectedReason)
        {
            // Offline by a will: unprotected from when the will came, not from when it was acted on (WillSettle).
            var changedAt = reason == UnprotectedTimeStore.Offline && h.WillReceived && h.WillAt is { } will ? will : now;
            h.UnprotectedReason = reason;
            actions.Add(() => unprotected.ChangeAsync(a.ResidentId, a.DeviceId, reason, changedAt, ct));
        }
    }

    private DeviceConnectivity State(Health h, DateTimeOffset now, bool brokerUp)
    {
        var docked = h.Status is { ExternalPower: true } || (h.Status is { Online: false } && h.LastOnlineExternalPower);
        var timeout = h.Mode == DeviceMode.Triggered ? _o.TriggeredOfflineAfter : _o.StreamingOfflineAfter;
        var heard = h.LastSeen is { } seen && seen > _silenceFrom ? seen : _silenceFrom;
        var silent = brokerUp && now - heard > timeout;
        if (h.WillReceived || silent)
        {
            if (docked)
            {
                return DeviceConnectivity.Docked;
            }

            // During and just after the gateway's own broker outage the sensors are reconnecting (a broker restart
            // publishes every will): the decision waits for the reconnect grace; a sensor that is not back by then is offline.
            var noticed = h.WillReceived ? h.WillAt : now;
            var waiting = (h.WillReceived && h.WillAt is { } w && now - w < WillSettle)
                || (brokerLink is not null && brokerLink.Excuses(now, noticed, _o.ReconnectGrace, WillSettle));
            if (waiting && h.LastState != DeviceConnectivity.Offline)
            {
                return h.LastSeen is null ? DeviceConnectivity.Unknown : DeviceConnectivity.Online;
            }

            return DeviceConnectivity.Offline;
        }

        if (h.LastSeen is null)
        {
            return DeviceConnectivity.Unknown;
        }

        return docked ? DeviceConnectivity.Docked : DeviceConnectivity.Online;
    }

    /// <summary>The device's last fault for people: "accelerometer fault: ... (now)" or "Wi-Fi join failed: ... (3 since boot)"; null without one.</summary>
    public static string? FaultText(DeviceStatus status) => status.FaultCode == DeviceFault.None
        ? null
        : DeviceFaults.Describe(status.FaultCode, status.FaultDetail) + (status.FaultActive ? " (now)" : $" ({status.FaultCount} since boot)");

    // If the incident cannot be stored, the episode flag is reset so the next evaluation decides again (and raises it
    // again only if the condition still holds).
    private async Task Raise(DeviceAssignment a, IncidentType type, DateTimeOffset eventAt, string detail, Action revert, CancellationToken ct)
    {
        var request = new RaiseRequest(type, a.ResidentId, eventAt, detail, Channel, a.ResidentId, a.ResidentName, a.DeviceId, a.RoomId, a.RoomName);
        if (!await raiser.RaiseAsync(request, UnstoredRaise.Reevaluate, ct).ConfigureAwait(false))
        {
            lock (_lock)
            {
                revert();
            }
        }
    }

    private Health GetOrCreate(string deviceId)
    {
        if (!_devices.TryGetValue(deviceId, out var h))
        {
            h = new Health();
            _devices[deviceId] = h;
        }

        return h;
    }

    private sealed class Health
    {
        private DeviceStatus? _status;

        public DeviceStatus? Status
        {
            get => _status;
            set
            {
                if (value is { Online: true })
                {
                    LastOnlineExternalPower = value.ExternalPower;
                }

                _status = value;
            }
        }

        /// <summary>The will carries no power flags: remember what the device said while it was online.</summary>
        public bool LastOnlineExternalPower { get; private set; }

        public DateTimeOffset? LastSeen { get; set; }

        public bool WillReceived { get; set; }

        public DateTimeOffset? WillAt { get; set; }

        /// <summary>
        /// A batch or an event that reached the gateway at <paramref name="arrival"/>. It clears a will only if
        /// it arrived after the will: ingest serves status before the batches queued behind it and holds a batch
        /// back for a missing one, so the last batches a device sent before its connection dropped can be
        /// handled after its will. They are no sign of a new connection; clearing the will on them lost the
        /// offline incident until the silence rule, a minute later.
        /// </summary>
        public void Heard(DateTimeOffset arrival)
        {
            if (LastSeen is not { } seen || arrival > seen)
            {
                LastSeen = arrival;
            }

            if (WillReceived && WillAt is { } will && arrival <= will)
            {
                return;
            }

            WillReceived = false;
        }

        public DeviceMode Mode { get; set; } = DeviceMode.Streaming;

        public DateTimeOffset? NotWornFlagSince { get; set; }

        public DateTimeOffset? LastMovement { get; set; }

        public DeviceConnectivity LastState { get; set; }

        public bool OfflineOpen { get; set; }

        public bool BatteryOpen { get; set; }

        public bool NotWornOpen { get; set; }

        public string? UnprotectedReason { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.DeviceOffline, Level = LogLevel.Warning, Message = "Device {DeviceId} ({Resident}) offline: {Reason}")]
        public static partial void Offline(ILogger logger, string deviceId, string resident, string reason);

        [LoggerMessage(EventId = EventIds.DeviceOnline, Level = LogLevel.Information, Message = "Device {DeviceId} ({Resident}) back: {State}")]
        public static partial void Online(ILogger logger, string deviceId, string resident, string state);

        [LoggerMessage(EventId = EventIds.DeviceDocked, Level = LogLevel.Information, Message = "Device {DeviceId} ({Resident}) docked (on external power): not protecting, no offline alarm")]
        public static partial void Docked(ILogger logger, string deviceId, string resident);

        [LoggerMessage(EventId = EventIds.BatteryLow, Level = LogLevel.Warning, Message = "Device {DeviceId} ({Resident}) battery low: {Percent} %")]
        public static partial void BatteryLow(ILogger logger, string deviceId, string resident, int percent);

        [LoggerMessage(EventId = EventIds.BatteryRecovered, Level = LogLevel.Information, Message = "Device {DeviceId} ({Resident}) battery recovered: {Percent} %")]
        public static partial void BatteryRecovered(ILogger logger, string deviceId, string resident, int percent);

        [LoggerMessage(EventId = EventIds.NotWorn, Level = LogLevel.Warning, Message = "Device {DeviceId} ({Resident}) not worn: {Reason}")]
        public static partial void NotWorn(ILogger logger, string deviceId, string resident, string reason);

        [LoggerMessage(EventId = EventIds.DeviceFaultReported, Level = LogLevel.Warning, Message = "Device {DeviceId} ({Resident}) reports fault {Fault}: {Description}; {Count} since boot")]
        public static partial void FaultReported(ILogger logger, string deviceId, string resident, string fault, string description, int count);

        [LoggerMessage(EventId = EventIds.Worn, Level = LogLevel.Information, Message = "Device {DeviceId} ({Resident}) no longer 'not worn': {State}")]
        public static partial void Worn(ILogger logger, string deviceId, string resident, string state);
    }
}
