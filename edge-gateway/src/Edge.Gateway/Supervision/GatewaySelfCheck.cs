using Edge.Gateway.Detection;
using Edge.Gateway.Ingest;
using Edge.Gateway.Storage;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Supervision;

/// <summary>
/// The gateway watching itself: broker connection, the broker's drop counter and the lag of its own session, free disk for the database, wall clock sanity
/// (not before <see cref="SupervisionOptions.EarliestPlausibleTime"/>, no jumps against the monotonic
/// clock), and the model loaded. Returns the failing checks; the supervisor turns new failures into a
/// gateway-fault incident.
/// </summary>
public sealed class GatewaySelfCheck
{
    private readonly ISensorMessageSource _source;
    private readonly GatewayDatabase _database;
    private readonly ModelHealth _model;
    private readonly BrokerHealth _brokerHealth;
    private readonly TimeProvider _time;
    private readonly SupervisionOptions _o;
    private DateTimeOffset _wallBase;
    private long _monotonicBase;
    private DateTimeOffset? _brokerDownSince;

    public GatewaySelfCheck(ISensorMessageSource source, GatewayDatabase database, ModelHealth model, BrokerHealth brokerHealth, TimeProvider time, IOptions<SupervisionOptions> options)
    {
        _brokerHealth = brokerHealth;
        _source = source;
        _database = database;
        _model = model;
        _time = time;
        _o = options.Value;
        _wallBase = time.GetUtcNow();
        _monotonicBase = time.GetTimestamp();
    }

    /// <summary>Overridable for tests: free bytes on the database's file system.</summary>
    public Func<string, long> FreeBytes { get; set; } = static dir => new DriveInfo(dir).AvailableFreeSpace;

    /// <summary>Runs every check; returns a (check, problem) list, empty when healthy.</summary>
    public IReadOnlyList<(string Check, string Problem)> Run()
    {
        var failures = new List<(string, string)>();
        var now = _time.GetUtcNow();

        if (_source.IsConnected)
        {
            _brokerDownSince = null;
        }
        else
        {
            _brokerDownSince ??= now;
            if (now - _brokerDownSince.Value >= _o.BrokerDownFaultAfter)
            {
                failures.Add(("broker", $"not connected to the MQTT broker for {(now - _brokerDownSince.Value).TotalSeconds:F0} s: no sensor data is arriving"));
            }
        }

        var dropped = _brokerHealth.TakeNewDrops();
        if (dropped > 0)
        {
            failures.Add(("broker-drops", $"the broker dropped {dropped} messages since the last check (a subscriber exceeded max_queued_messages)"));
        }

        var lag = _brokerHealth.TakeLag();
        if (lag >= _o.IngestLagFaultAfter && _source.IsConnected)
        {
            failures.Add(("ingest-lag", _brokerHealth.ProbesReturned > 0
                ? $"sensor messages reach the gateway {lag.TotalSeconds:F0} s late: it is falling behind its sensors, so falls are raised late, and once the broker's queue for it is full (max_queued_messages) the broker drops sensor data"
                : $"no session probe has come back in {lag.TotalSeconds:F0} s: either the gateway is that far behind its sensors, or the broker's ACL does not grant it {_brokerHealth.ProbeTopic} (a site provisioned before this check: any 'provision' change that writes the site's files, such as adding a device, rewrites the ACL; then reload the broker)"));
        }

        try
        {
            var dir = Path.GetDirectoryName(_database.DatabasePath) ?? ".";
            var free = FreeBytes(dir);
            if (free < _o.MinFreeDiskMiB * 1024 * 1024)
            {
                failures.Add(("disk", $"{free / (1024 * 1024)} MiB free on the database's disk (minimum {_o.MinFreeDiskMiB} MiB)"));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            failures.Add(("disk", $"cannot read free space: {e.Message}"));
        }

        if (now < _o.EarliestPlausibleTime)
        {
            failures.Add(("clock", $"wall clock reads {now:O}, before {_o.EarliestPlausibleTime:O}: it is not set (no RTC / NTP)"));
        }

        var expected = _wallBase + _time.GetElapsedTime(_monotonicBase);
        var jump = now - expected;
        if (jump.Duration() > _o.ClockJumpTolerance)
        {
            failures.Add(("clock", $"wall clock jumped by {jump.TotalSeconds:F0} s against the monotonic clock"));
        }

        _wallBase = now;
        _monotonicBase = _time.GetTimestamp();

        if (!_model.Loaded)
        {
            failures.Add(("model", "the fall model is not loaded: falls are not being detected"));
        }

        return failures;
    }
}
