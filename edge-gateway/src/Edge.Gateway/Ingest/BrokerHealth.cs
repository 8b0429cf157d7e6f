using System.Globalization;
using System.Text;
using Edge.Protocol;

namespace Edge.Gateway.Ingest;

/// <summary>
/// What the broker tells the gateway about its own session. Two signals:
/// <list type="bullet">
/// <item>The broker's drop counter, <c>$SYS/broker/publish/messages/dropped</c> (Mosquitto publishes it every
/// <c>sys_interval</c>, 10 s by default). Mosquitto drops messages silently when a subscriber's queue passes
/// <c>max_queued_messages</c>; this counter is the only record of it. But it reaches the gateway through the
/// gateway's own session, so when that session is backed up (the gateway fell behind: exactly when drops happen)
/// the report waits behind the backlog.</item>
/// <item>So the gateway also measures the backlog itself: every few seconds it publishes a probe to
/// <see cref="ProbeTopic"/> and reads it back through the same session, behind whatever sensor messages wait there.
/// A probe that has not come back, or came back late, is the session's lag (<see cref="TakeLag"/>), known while
/// it builds up, before the broker's queue is full.</item>
/// </list>
/// </summary>
public sealed class BrokerHealth
{
    public const string DroppedTopic = "$SYS/broker/publish/messages/dropped";

    /// <summary>Probes tracked while waiting to come back, at most.</summary>
    private const int MaxOutstanding = 4096;

    private readonly TimeProvider _time;
    private readonly Lock _probeLock = new();
    private readonly Queue<(long Sequence, long SentAt)> _outstanding = new();
    private long _dropped = -1;
    private long _checked = -1;
    private long _nextSequence;
    private long _returned;
    private TimeSpan _worstReturned;

    public BrokerHealth(TimeProvider time, Microsoft.Extensions.Options.IOptions<IngestOptions> ingest)
    {
        _time = time;
        ProbeTopic = Topics.GatewayProbe(ingest.Value.SiteId);
    }

    /// <summary>The topic this gateway's probes go round through.</summary>
    public string ProbeTopic { get; }

    /// <summary>The last value the broker reported, or -1 before the first report.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Probes sent.</summary>
    public long ProbesSent => Interlocked.Read(ref _nextSequence);

    /// <summary>Probes that came back through the session.</summary>
    public long ProbesReturned => Interlocked.Read(ref _returned);

    /// <summary>Stores a report; returns the increase since the previous one (0 for the first).</summary>
    public long Report(ReadOnlySpan<byte> payload)
    {
        if (!long.TryParse(Encoding.ASCII.GetString(payload), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return 0;
        }

        var previous = Interlocked.Exchange(ref _dropped, value);
        return previous < 0 || value < previous ? 0 : value - previous;
    }

    /// <summary>For the self-check: messages the broker dropped since the previous call (0 on the first).</summary>
    public long TakeNewDrops()
    {
        var now = Dropped;
        var before = Interlocked.Exchange(ref _checked, now);
        return before < 0 || now < before ? 0 : now - before;
    }

    /// <summary>Starts a probe: returns the payload to publish to <see cref="ProbeTopic"/>.</summary>
    public byte[] NextProbe()
    {
        lock (_probeLock)
        {
            var sequence = ++_nextSequence;
            if (_outstanding.Count < MaxOutstanding)
            {
                // Past the bound (hours of lag) the oldest probes still carry the lag; newer ones go untracked.
                _outstanding.Enqueue((sequence, _time.GetTimestamp()));
            }

            return Encoding.ASCII.GetBytes(sequence.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>A probe came back through the session; anything unknown (another process's, an old connection's) is ignored.</summary>
    public void ProbeReturned(ReadOnlySpan<byte> payload)
    {
        if (!long.TryParse(Encoding.ASCII.GetString(payload), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            return;
        }

        lock (_probeLock)
        {
            // The session is first in, first out: this probe and every earlier one are through.
            while (_outstanding.TryPeek(out var p) && p.Sequence <= sequence)
            {
                _outstanding.Dequeue();
                if (p.Sequence == sequence)
                {
                    Interlocked.Increment(ref _returned);
                    var took = _time.GetElapsedTime(p.SentAt);
                    if (took > _worstReturned)
                    {
                        _worstReturned = took;
                    }
                }
            }
        }
    }

    /// <summary>
    /// The connection went: probes in flight on it may come back with the broker's re-delivery or not at all, so
    /// they no longer measure anything.
    /// </summary>
    public void ForgetProbes()
    {
        lock (_probeLock)
        {
            _outstanding.Clear();
        }
    }

    /// <summary>
    /// For the self-check: how far the gateway's session is behind, the longer of the oldest probe still out and the
    /// slowest probe that came back since the previous call. Zero when nothing was probed.
    /// </summary>
    public TimeSpan TakeLag()
    {
        lock (_probeLock)
        {
            var lag = _outstanding.TryPeek(out var oldest) ? _time.GetElapsedTime(oldest.SentAt) : TimeSpan.Zero;
            if (_worstReturned > lag)
            {
                lag = _worstReturned;
            }

            _worstReturned = TimeSpan.Zero;
            return lag;
        }
    }
}
