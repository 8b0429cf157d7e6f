namespace Edge.Alerting;

/// <summary>Holds a channel's health and raises the change event only when the state changes.</summary>
internal sealed class ChannelHealthTracker
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private ChannelHealth _current;

    public ChannelHealthTracker(TimeProvider time)
    {
        _time = time;
        _current = ChannelHealth.Unknown(time.GetUtcNow());
    }

    public event EventHandler<ChannelHealth>? Changed;

    public ChannelHealth Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>Sets the state; returns true and raises <see cref="Changed"/> when it differs from before.</summary>
    public bool Set(object sender, ChannelHealthState state, string detail)
    {
        ChannelHealth next;
        lock (_gate)
        {
            if (_current.State == state)
            {
                return false;
            }

            next = new ChannelHealth(state, _time.GetUtcNow(), detail);
            _current = next;
        }

        Changed?.Invoke(sender, next);
        return true;
    }
}
