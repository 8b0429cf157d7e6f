using System.Net;
using System.Net.Sockets;

namespace Edge.Gateway.StaffPage;

/// <summary>What the throttle decided about a sign-in attempt.</summary>
/// <param name="Allowed">True: check the password now.</param>
/// <param name="RetryAfter">When refused: how long the caller should wait.</param>
/// <param name="Reason">When refused: which limit was hit (for the log).</param>
/// <param name="Trusted">When allowed: the browser is trusted for the account (its check goes to the trusted lane).</param>
internal readonly record struct ThrottleDecision(bool Allowed, TimeSpan RetryAfter, string Reason, bool Trusted = false);

/// <summary>
/// Slows down password guessing without letting a guesser lock a carer out. There is no lock: each failure
/// makes the next attempt from the same source, and on the same account, wait longer (doubling from
/// <see cref="StaffPageOptions.ThrottleBaseDelay"/> after a few free failures, up to a cap), and attempts that
/// come before their time are refused at once, before any password is checked. Three lanes keep the waits off
/// the people they are not meant for:
/// <list type="bullet">
/// <item>A browser that has signed in to the account before (its <c>edge-device</c> cookie,
/// <see cref="TrustedDevices"/>) waits for nobody else's failures; it has its own small failure budget.</item>
/// <item>A source that has failed on the account <see cref="StaffPageOptions.NewBrowserFailures"/> times, or kept
/// coming before its time (ten refusals: a script, not a person), is guessing it: it waits for the account's
/// waits (shared by every such source) and its own.</item>
/// <item>Any other source (a new tablet, a carer who mistyped once) waits only for its own failures and for the
/// new-browser lane of the account, whose waits grow with new sources' failures but stop at
/// <see cref="StaffPageOptions.NewBrowserMaxDelay"/>. A guesser's addresses leave this lane after a few
/// failures each, so it cannot keep racing a carer for it.</item>
/// </list>
/// One source may have only <see cref="StaffPageOptions.MaxConcurrentSignInsPerSource"/> sign-ins in progress,
/// so a burst of parallel requests cannot pile up password checks. State is in memory and bounded; it starts
/// empty at a restart.
/// </summary>
internal sealed class SignInThrottle(StaffPageOptions options, TimeProvider time)
{
    private const int MaxTracked = 10_000;

    // Attempts refused for coming too early (or too many at once) after which a source counts as guessing the account.
    private const int EarlyAttemptsOfAScript = 10;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Counter> _sources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Counter> _accounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Counter> _newBrowsers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Counter> _pairs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Counter> _devices = new(StringComparer.Ordinal);

    /// <summary>The throttling key of a client address: the IPv4 address, or the /64 of an IPv6 address (one host can hold a whole /64).</summary>
    public static string SourceKey(IPAddress? address)
    {
        if (address is null)
        {
            return "?";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    /// <summary>
    /// Whether an attempt may check a password now. When allowed, the caller must report the result with
    /// <see cref="Complete"/> (which also frees the source's concurrency slot).
    /// </summary>
    /// <param name="source">From <see cref="SourceKey"/>.</param>
    /// <param name="username">The account tried (known or not: unknown names are throttled the same).</param>
    /// <param name="trustedDevice">The browser's device id when its cookie trusts it for this account, else null.</param>
    public ThrottleDecision TryBegin(string source, string username, string? trustedDevice)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var src = Get(_sources, source, now);
            var trusted = IsTrusted(username, trustedDevice, now);
            if (src.InFlight >= options.MaxConcurrentSignInsPerSource)
            {
                Refused(source, username, trusted, now);
                return new ThrottleDecision(false, TimeSpan.FromSeconds(1), "too many sign-ins in progress from this source");
            }

            if (!trusted)
            {
                var wait = UntrustedWait(source, username, now);
                if (wait > TimeSpan.Zero)
                {
                    Refused(source, username, trusted, now);
                    return new ThrottleDecision(false, wait, "failed sign-ins: waiting before the next attempt");
                }
            }

            src.InFlight++;
            return new ThrottleDecision(true, TimeSpan.Zero, "", trusted);
        }
    }

    /// <summary>Records the outcome of an attempt that <see cref="TryBegin"/> allowed.</summary>
    public void Complete(string source, string username, string? trustedDevice, bool succeeded)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var src = Get(_sources, source, now);
            src.InFlight = Math.Max(0, src.InFlight - 1);
            if (succeeded)
            {
                if (trustedDevice is not null)
                {
                    _devices.Remove(DeviceKey(username, trustedDevice));
                }

                return;
            }

            Fail(src, now, options.SourceFreeFailures, options.SourceMaxDelay);
            if (IsTrusted(username, trustedDevice, now))
            {
                Fail(Get(_devices, DeviceKey(username, trustedDevice!), now), now, int.MaxValue, TimeSpan.Zero);
            }
            else if (IsGuessing(source, username, now))
            {
                Fail(Get(_accounts, username, now), now, options.AccountFreeFailures, options.AccountMaxDelay);
            }
            else
            {
                Fail(Get(_newBrowsers, username, now), now, options.AccountFreeFailures, options.NewBrowserMaxDelay);
            }

            Fail(Get(_pairs, PairKey(username, source), now), now, int.MaxValue, TimeSpan.Zero);

            Prune(now);
        }
    }

    /// <summary>Frees the concurrency slot of an allowed attempt that checked no password (queue full, client gone).</summary>
    public void Release(string source)
    {
        lock (_lock)
        {
            if (_sources.TryGetValue(source, out var src))
            {
                src.InFlight = Math.Max(0, src.InFlight - 1);
            }
        }
    }

    /// <summary>The current wait for an untrusted attempt on the account from the source (for tests and the log).</summary>
    public TimeSpan CurrentWait(string source, string username)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            return UntrustedWait(source, username, now);
        }
    }

    // A source guessing the account waits for the account's waits; any other for the new-browser lane's (shorter).
    private TimeSpan UntrustedWait(string source, string username, DateTimeOffset now) =>
        Max(Wait(Get(_sources, source, now), now), Wait(Get(IsGuessing(source, username, now) ? _accounts : _newBrowsers, username, now), now));

    // Guessing: failed often enough on this account, or kept coming before its time (a person waits as told;
    // a script hammering the page does not, and leaves the new-browser lane at once).
    private bool IsGuessing(string source, string username, DateTimeOffset now)
    {
        var pair = Get(_pairs, PairKey(username, source), now);
        return pair.Failures >= options.NewBrowserFailures || pair.Refused >= EarlyAttemptsOfAScript;
    }

    private void Refused(string source, string username, bool trusted, DateTimeOffset now)
    {
        if (!trusted)
        {
            var pair = Get(_pairs, PairKey(username, source), now);
            pair.Refused++;
            pair.LastFailureAt = now;
        }
    }

    private bool IsTrusted(string username, string? device, DateTimeOffset now) =>
        device is not null && Get(_devices, DeviceKey(username, device), now).Failures < options.TrustedDeviceFailures;

    private void Fail(Counter counter, DateTimeOffset now, int free, TimeSpan max)
    {
        counter.Failures++;
        counter.LastFailureAt = now;
        if (counter.Failures > free)
        {
            var doublings = Math.Min(counter.Failures - free - 1, 30);
            var delay = TimeSpan.FromTicks(Math.Min(options.ThrottleBaseDelay.Ticks * (1L << doublings), max.Ticks));
            counter.NextAttemptAt = now + delay;
        }
    }

    private Counter Get(Dictionary<string, Counter> map, string key, DateTimeOffset now)
    {
        if (!map.TryGetValue(key, out var counter))
        {
            counter = new Counter();
            map[key] = counter;
        }
        else if (counter.InFlight == 0 && now - counter.LastFailureAt >= options.FailureMemory)
        {
            counter.Failures = 0;
            counter.Refused = 0;
            counter.NextAttemptAt = DateTimeOffset.MinValue;
        }

        return counter;
    }

    // Bounded memory under a spray of made-up names: forget what is idle and old, then, if still too many, the oldest.
    private void Prune(DateTimeOffset now)
    {
        foreach (var map in new[] { _sources, _accounts, _newBrowsers, _pairs, _devices })
        {
            if (map.Count <= MaxTracked)
            {
                continue;
            }

            foreach (var key in map.Where(e => e.Value.InFlight == 0 && now - e.Value.LastFailureAt >= options.FailureMemory).Select(e => e.Key).ToList())
            {
                map.Remove(key);
            }

            foreach (var key in map.Where(e => e.Value.InFlight == 0).OrderBy(e => e.Value.LastFailureAt).Take(map.Count - MaxTracked).Select(e => e.Key).ToList())
            {
                map.Remove(key);
            }
        }
    }

    private static TimeSpan Wait(Counter counter, DateTimeOffset now) => counter.NextAttemptAt > now ? counter.NextAttemptAt - now : TimeSpan.Zero;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static string DeviceKey(string username, string device) => username + "\n" + device;

    private static string PairKey(string username, string source) => username + "\n@" + source;

    private sealed class Counter
    {
        public int Failures { get; set; }

        public int InFlight { get; set; }

        public int Refused { get; set; }

        public DateTimeOffset LastFailureAt { get; set; } = DateTimeOffset.MinValue;

        public DateTimeOffset NextAttemptAt { get; set; } = DateTimeOffset.MinValue;
    }
}
