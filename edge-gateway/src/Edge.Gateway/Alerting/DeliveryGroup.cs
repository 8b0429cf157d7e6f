using Edge.Gateway.Incidents;

namespace Edge.Gateway.Alerting;

/// <summary>
/// The sends of one escalation step (or one failover, reminder or re-page) and how they ended. The step is
/// covered once one channel confirms; when every channel of the group has failed or timed out, the group fails
/// over once, at once, to <see cref="FailoverTo"/> (the next step's targets) on the channels that still work.
/// Thread-safe: sends finish on channel threads.
/// </summary>
internal sealed class DeliveryGroup(Incident incident, int step, string label, string text, bool lateWithdraw, IReadOnlyList<string> failoverTo, IReadOnlyList<string> widen, IEnumerable<string>? tried = null)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, SendState> _sends = new(StringComparer.Ordinal);
    private readonly HashSet<string> _tried = new(tried ?? [], StringComparer.Ordinal);
    private bool _failedOver;

    private enum SendState
    {
        Pending,
        Delivered,
        Failed,
    }

    public Incident Incident { get; } = incident;

    /// <summary>The policy step (index; past the last a repeat; -1 for reminders and re-pages).</summary>
    public int Step { get; } = step;

    public string Label { get; } = label;

    public string Text { get; } = text;

    /// <summary>Withdraw a page that lands after the incident was accepted.</summary>
    public bool LateWithdraw { get; } = lateWithdraw;

    /// <summary>Where the alert goes when every channel of this group fails: the next step's targets.</summary>
    public IReadOnlyList<string> FailoverTo { get; } = failoverTo;

    /// <summary>Every step's targets: where a failover goes when the next step has no working channel either.</summary>
    public IReadOnlyList<string> Widen { get; } = widen;

    /// <summary>Channels this alert was already tried on (this group and the groups it failed over from).</summary>
    public IReadOnlyCollection<string> Tried
    {
        get
        {
            lock (_lock)
            {
                return [.. _tried];
            }
        }
    }

    /// <summary>A send on <paramref name="channel"/> starts.</summary>
    public void Started(string channel)
    {
        lock (_lock)
        {
            _sends[channel] = SendState.Pending;
            _tried.Add(channel);
        }
    }

    /// <summary>The channel confirmed delivery (also after the engine gave up waiting for it).</summary>
    public void Delivered(string channel)
    {
        lock (_lock)
        {
            _sends[channel] = SendState.Delivered;
        }
    }

    /// <summary>
    /// The send on <paramref name="channel"/> failed or timed out. True exactly once: when no channel of the
    /// group delivered and none is still pending, so the alert must move on now.
    /// </summary>
    public bool Failed(string channel)
    {
        lock (_lock)
        {
            if (_sends.TryGetValue(channel, out var state) && state != SendState.Pending)
            {
                return false; // already counted (the engine's own timeout came first)
            }

            _sends[channel] = SendState.Failed;
            if (_failedOver || _sends.Values.Any(s => s != SendState.Failed))
            {
                return false;
            }

            _failedOver = true;
            return true;
        }
    }
}
