using Edge.Alerting;
using Edge.Gateway.Incidents;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Alerting;

/// <summary>
/// Knows which alert channels have failed. A channel fails when it reports itself down or when a send on it fails
/// or gets no answer; it recovers when it reports itself healthy or delivers again. A failure raises a gateway-fault
/// incident (subject <c>channel:NAME</c>), which is alerted on the channels that still work; a recovery clears it
/// and pages the channel again with every open incident it missed. Logs under the engine's category.
/// </summary>
internal sealed partial class ChannelFaultMonitor(
    IEnumerable<IAlertChannel> channels,
    IIncidentService incidents,
    EscalationWork work,
    TimeProvider time,
    ILogger<EscalationEngine> logger)
{
    private readonly IAlertChannel[] _channels = [.. channels];
    private readonly Lock _lock = new();
    private readonly Dictionary<string, string> _faulted = new(StringComparer.Ordinal);
    private Func<IAlertChannel, Task>? _repage;

    /// <summary>Channels that failed and have not delivered since (name → why).</summary>
    public IReadOnlyDictionary<string, string> Faulted
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<string, string>(_faulted, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>The names of the failed channels.</summary>
    public HashSet<string> FaultedNames()
    {
        lock (_lock)
        {
            return new HashSet<string>(_faulted.Keys, StringComparer.Ordinal);
        }
    }

    /// <summary>
    /// Watches the channels' health from now on; <paramref name="repage"/> pages a channel that works again with what
    /// it missed. Channels already down are reported at once.
    /// </summary>
    public void Attach(Func<IAlertChannel, Task> repage)
    {
        _repage = repage;
        foreach (var channel in _channels)
        {
            channel.HealthChanged += OnHealthChanged;
        }

        foreach (var channel in _channels.Where(c => c.Health.State == ChannelHealthState.Down))
        {
            work.Track(0, work.Guard(FailedAsync(channel, channel.Health.Detail)));
        }
    }

    /// <summary>Stops watching the channels' health.</summary>
    public void Detach()
    {
        foreach (var channel in _channels)
        {
            channel.HealthChanged -= OnHealthChanged;
        }
    }

    /// <summary>The channel failed: the first time (until it recovers), the failure is logged and raised as a gateway fault.</summary>
    public async Task FailedAsync(IAlertChannel channel, string detail)
    {
        ArgumentNullException.ThrowIfNull(channel);
        string others;
        lock (_lock)
        {
            if (!_faulted.TryAdd(channel.Name, detail))
            {
                return;
            }

            others = string.Join(", ", _channels.Where(c => !_faulted.ContainsKey(c.Name)).Select(c => c.Name));
        }

        Log.ChannelFailed(logger, channel.Name, channel.Kind, detail, others.Length == 0 ? "none" : others);
        try
        {
            var text = $"{channel.Kind} channel {channel.Name} failed: {detail}";
            await incidents.RaiseAsync(new RaiseRequest(IncidentType.GatewayFault, EscalationEngine.ChannelFaultSubjectPrefix + channel.Name, time.GetUtcNow(), text, EscalationEngine.TransitionChannel),
                work.Stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (work.IsStopping)
        {
        }
    }

    /// <summary>A failed channel works again: its gateway fault is cleared and it is paged with every open incident it missed.</summary>
    public async Task RecoveredAsync(IAlertChannel channel, string detail)
    {
        ArgumentNullException.ThrowIfNull(channel);
        lock (_lock)
        {
            if (!_faulted.Remove(channel.Name))
            {
                return;
            }
        }

        Log.ChannelRecovered(logger, channel.Name, detail);
        try
        {
            await incidents.ClearAsync(EscalationEngine.ChannelFaultSubjectPrefix + channel.Name, IncidentType.GatewayFault, $"{channel.Name}: {detail}", EscalationEngine.TransitionChannel,
                work.Stopping).ConfigureAwait(false);

            if (_repage is { } repage)
            {
                await repage(channel).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (work.IsStopping)
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
            work.Track(0, work.Guard(FailedAsync(channel, health.Detail)));
        }
        else if (health.State == ChannelHealthState.Healthy)
        {
            work.Track(0, work.Guard(RecoveredAsync(channel, health.Detail)));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.ChannelFailed, Level = LogLevel.Error, Message = "Alert channel {Channel} ({Kind}) failed: {Detail}. Gateway fault raised; alerts continue on: {Others}")]
        public static partial void ChannelFailed(ILogger logger, string channel, ChannelKind kind, string detail, string others);

        [LoggerMessage(EventId = EventIds.ChannelRecovered, Level = LogLevel.Information, Message = "Alert channel {Channel} works again: {Detail}")]
        public static partial void ChannelRecovered(ILogger logger, string channel, string detail);
    }
}
