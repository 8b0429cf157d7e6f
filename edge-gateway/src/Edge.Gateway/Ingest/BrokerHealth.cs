using System.Globalization;
using System.Text;

namespace Edge.Gateway.Ingest;

/// <summary>
/// The broker's own drop counter, <c>$SYS/broker/publish/messages/dropped</c> (Mosquitto publishes it
/// every <c>sys_interval</c>, 10 s by default). Mosquitto drops messages silently when a subscriber's
/// queue passes <c>max_queued_messages</c>; this is the only place the gateway can see that.
/// </summary>
public sealed class BrokerHealth
{
    public const string DroppedTopic = "$SYS/broker/publish/messages/dropped";

    private long _dropped = -1;
    private long _checked = -1;

    /// <summary>The last value the broker reported, or -1 before the first report.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

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
}
