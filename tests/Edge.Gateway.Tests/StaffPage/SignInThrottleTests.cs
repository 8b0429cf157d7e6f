using System.Net;
using Edge.Gateway.StaffPage;
using Edge.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Gateway.Tests.StaffPage;

public sealed class SignInThrottleTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 14, 0, 0, TimeSpan.Zero));
    private readonly StaffPageOptions _options = new();

    private SignInThrottle Throttle() => new(_options, _time);

    private static void Fail(SignInThrottle t, string source, string user, string? device = null)
    {
        Assert.True(t.TryBegin(source, user, device).Allowed);
        t.Complete(source, user, device, succeeded: false);
    }

    [Fact]
    public void Failures_AfterTheFreeOnes_DoubleTheWaitUpToTheCap_AndNeverLock()
    {
        var t = Throttle();
        for (var i = 0; i < 5; i++)
        {
            Fail(t, "10.0.0.9", "sam");
        }

        Assert.Equal(TimeSpan.Zero, t.CurrentWait("10.0.0.9", "sam"));
        var waits = new List<double>();
        for (var i = 0; i < 9; i++)
        {
            Fail(t, "10.0.0.9", "sam");
            var wait = t.CurrentWait("10.0.0.9", "sam");
            waits.Add(wait.TotalSeconds);
            var refused = t.TryBegin("10.0.0.9", "sam", null);
            Assert.False(refused.Allowed);
            Assert.Equal(wait, refused.RetryAfter);
            _time.Advance(wait);
        }

        // The source's cap (60 s) is above the account's (30 s): the wait follows the larger.
        Assert.Equal([1, 2, 4, 8, 16, 32, 60, 60, 60], waits);
        Assert.True(t.TryBegin("10.0.0.9", "sam", null).Allowed);
    }

    [Fact]
    public void AnotherSource_IsNotHeldByTheGuesser_UntilItFailsOftenEnoughToCountAsGuessingToo()
    {
        var t = Throttle();
        for (var i = 0; i < 13; i++)
        {
            _time.Advance(t.CurrentWait("10.0.0.9", "sam"));
            Fail(t, "10.0.0.9", "sam");
        }

        Assert.Equal(TimeSpan.FromSeconds(60), t.CurrentWait("10.0.0.9", "jo")); // the guesser's address, any account
        Assert.Equal(TimeSpan.Zero, t.CurrentWait("10.0.0.7", "sam")); // a new tablet: not held by the guesser

        // The tablet's user mistypes three times: from then on the tablet counts as guessing and shares the
        // account's wait (10 of the guesser's failures were on the account: 2^4 s).
        for (var i = 0; i < 3; i++)
        {
            Fail(t, "10.0.0.7", "sam");
        }

        Assert.Equal(TimeSpan.FromSeconds(16), t.CurrentWait("10.0.0.7", "sam"));
        Assert.Equal(TimeSpan.Zero, t.CurrentWait("10.0.0.7", "jo"));
    }

    [Fact]
    public void ASourceHammeringBeforeItsTime_CountsAsGuessing_AndLeavesTheNewBrowserLane()
    {
        var t = Throttle();
        for (var i = 0; i < 6; i++)
        {
            _time.Advance(t.CurrentWait($"10.0.1.{i}", "sam"));
            Fail(t, $"10.0.1.{i}", "sam"); // six new addresses, one failure each: the new-browser lane now waits 1 s
        }

        for (var i = 0; i < 10; i++)
        {
            Assert.False(t.TryBegin("10.0.1.0", "sam", null).Allowed); // a script does not wait its turn
        }

        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(t.TryBegin("10.0.3.3", "sam", null).Allowed); // a tablet: the lane's wait is over
        Assert.Equal(TimeSpan.Zero, t.CurrentWait("10.0.1.0", "sam")); // the script now waits for the account's waits (none yet) ...
        for (var i = 0; i < 6; i++)
        {
            _time.Advance(t.CurrentWait("10.0.1.0", "sam"));
            Fail(t, "10.0.1.0", "sam");
        }

        Assert.True(t.CurrentWait("10.0.1.0", "sam") > TimeSpan.Zero); // ... which its own failures build up
        Assert.Equal(TimeSpan.Zero, t.CurrentWait("10.0.3.4", "sam")); // while the new-browser lane did not grow (it would wait 10 s)
    }

    [Fact]
    public void NewBrowsers_ManyAddressesFailingOnce_WaitAtMostTheNewBrowserCap()
    {
        var t = Throttle();
        var waits = new List<TimeSpan>();
        for (var i = 0; i < 20; i++)
        {
            var source = $"10.0.1.{i}";
            var wait = t.CurrentWait(source, "sam");
            waits.Add(wait);
            _time.Advance(wait);
            Fail(t, source, "sam");
        }

        Assert.Equal(TimeSpan.FromSeconds(10), waits.Max());
        Assert.Equal(TimeSpan.FromSeconds(10), t.CurrentWait("10.0.2.1", "sam"));
    }

    [Fact]
    public void TrustedDevice_IsNotHeldByOthersFailures_UntilItFailsItself()
    {
        var t = Throttle();
        for (var i = 0; i < 20; i++)
        {
            _time.Advance(t.CurrentWait("10.0.0.9", "sam"));
            Fail(t, "10.0.0.9", "sam");
        }

        Assert.True(t.CurrentWait("10.0.0.9", "sam") > TimeSpan.Zero);

        var decision = t.TryBegin("10.0.0.9", "sam", "phone-1"); // even from the guesser's own address (shared NAT)
        Assert.True(decision.Allowed);
        Assert.True(decision.Trusted);
        t.Complete("10.0.0.9", "sam", "phone-1", succeeded: true);

        for (var i = 0; i < 5; i++)
        {
            Fail(t, "10.0.0.5", "sam", "phone-1");
        }

        var untrusted = t.TryBegin("10.0.0.5", "sam", "phone-1");
        Assert.False(untrusted.Allowed); // five failures of its own: it waits like any browser
    }

    [Fact]
    public void ConcurrentAttemptsFromOneSource_AreCapped_AndReleasedWhenDone()
    {
        var t = Throttle();
        Assert.True(t.TryBegin("10.0.0.9", "a", null).Allowed);
        Assert.True(t.TryBegin("10.0.0.9", "b", null).Allowed);

        var third = t.TryBegin("10.0.0.9", "c", null);

        Assert.False(third.Allowed);
        Assert.True(t.TryBegin("10.0.0.8", "c", null).Allowed);
        t.Release("10.0.0.9");
        Assert.True(t.TryBegin("10.0.0.9", "c", null).Allowed);
    }

    [Fact]
    public void Failures_AreForgotten_AfterTheMemoryTime()
    {
        var t = Throttle();
        for (var i = 0; i < 8; i++)
        {
            Fail(t, "10.0.0.9", "sam");
            _time.Advance(t.CurrentWait("10.0.0.9", "sam"));
        }

        _time.Advance(_options.FailureMemory);

        for (var i = 0; i < 5; i++)
        {
            Fail(t, "10.0.0.9", "sam");
        }

        Assert.Equal(TimeSpan.Zero, t.CurrentWait("10.0.0.9", "sam"));
    }

    [Theory]
    [InlineData("192.168.1.20", "192.168.1.20")]
    [InlineData("::ffff:192.168.1.20", "192.168.1.20")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    public void SourceKey_IsTheIPv4AddressOrTheIPv6Slash64(string address, string key) =>
        Assert.Equal(key, SignInThrottle.SourceKey(IPAddress.Parse(address)));
}
