using Microsoft.Extensions.Time.Testing;

namespace Edge.Gateway.Tests;

/// <summary>
/// <see cref="FakeTimeProvider"/> plus what it cannot do: step the wall clock (an NTP correction) while the
/// monotonic clock runs on. FakeTimeProvider derives its timestamp from its wall clock, so the self-check's
/// clock-jump test needs the two apart.
/// </summary>
internal sealed class GatewayTestClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private long _wallStepTicks;

    /// <summary>Moves the wall clock by <paramref name="delta"/> without moving the monotonic clock or firing timers.</summary>
    public void JumpWallClock(TimeSpan delta) => Interlocked.Add(ref _wallStepTicks, delta.Ticks);

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _wallStepTicks));

    public override long GetTimestamp() => base.GetUtcNow().Ticks;
}
