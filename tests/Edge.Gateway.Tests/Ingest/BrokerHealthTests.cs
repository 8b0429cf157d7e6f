using System.Text;
using Edge.Gateway.Ingest;
using Edge.Gateway.Supervision;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Gateway.Tests.Ingest;

/// <summary>
/// The session probe: the gateway measures its own backlog at the broker by sending probes round through its session
/// (issue 13.6: the broker's drop counter reaches a backed-up gateway only behind the backlog, too late).
/// </summary>
public class BrokerHealthTests
{
    private static (BrokerHealth Health, FakeTimeProvider Time) Create()
    {
        var time = new FakeTimeProvider(TestGateway.Start);
        return (new BrokerHealth(time, Options.Create(new IngestOptions { SiteId = "oak" })), time);
    }

    [Fact]
    public void ProbeTopic_IsTheSitesGatewayProbeTopic_TheAclGrantsIt()
    {
        var (health, _) = Create();

        Assert.Equal("care/oak/gateway/probe", health.ProbeTopic); // MosquittoFilesTests: the ACL grants this topic
    }

    [Fact]
    public void TakeLag_NoProbes_IsZero()
    {
        var (health, _) = Create();

        Assert.Equal(TimeSpan.Zero, health.TakeLag());
    }

    [Fact]
    public void TakeLag_ProbeStillOut_IsItsAge_AndGrows()
    {
        var (health, time) = Create();
        health.NextProbe();
        time.Advance(TimeSpan.FromSeconds(7));
        health.NextProbe();
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(TimeSpan.FromSeconds(12), health.TakeLag());
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromSeconds(22), health.TakeLag());
    }

    [Fact]
    public void ProbeReturned_ItAndEveryEarlierProbeAreThrough_ItsRoundTripIsReportedOnce()
    {
        var (health, time) = Create();
        var first = health.NextProbe();
        time.Advance(TimeSpan.FromSeconds(1));
        var second = health.NextProbe();
        time.Advance(TimeSpan.FromSeconds(30)); // the session was backed up
        health.ProbeReturned(second); // the first was lost with a connection, or overtaken: FIFO says it is through

        Assert.Equal(TimeSpan.FromSeconds(30), health.TakeLag()); // a late return is reported even though it is back
        Assert.Equal(TimeSpan.Zero, health.TakeLag());
        health.ProbeReturned(first); // a late duplicate changes nothing
        Assert.Equal(TimeSpan.Zero, health.TakeLag());
    }

    [Fact]
    public void ProbeReturned_PromptProbe_LagIsItsRoundTrip()
    {
        var (health, time) = Create();
        var probe = health.NextProbe();
        time.Advance(TimeSpan.FromMilliseconds(40));
        health.ProbeReturned(probe);

        Assert.Equal(TimeSpan.FromMilliseconds(40), health.TakeLag());
    }

    [Theory]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("not a number")]
    [InlineData("99999999999999999999999")]
    public void ProbeReturned_ForeignOrMalformedPayload_IsIgnored(string payload)
    {
        var (health, time) = Create();
        health.NextProbe();
        time.Advance(TimeSpan.FromSeconds(3));

        health.ProbeReturned(Encoding.ASCII.GetBytes(payload));

        Assert.Equal(TimeSpan.FromSeconds(3), health.TakeLag());
    }

    [Fact]
    public void ForgetProbes_ConnectionWent_OldProbesNoLongerCount()
    {
        var (health, time) = Create();
        health.NextProbe();
        time.Advance(TimeSpan.FromMinutes(5));

        health.ForgetProbes();

        Assert.Equal(TimeSpan.Zero, health.TakeLag());
    }

    [Fact]
    public async Task SelfCheck_NoProbeEverCameBack_SaysTheAclMayNotGrantTheProbeTopic()
    {
        await using var gw = await TestGateway.CreateAsync();
        var check = gw.Host.Services.GetRequiredService<GatewaySelfCheck>();
        check.FreeBytes = _ => long.MaxValue;
        var health = gw.Host.Services.GetRequiredService<BrokerHealth>();

        health.NextProbe();
        gw.Time.Advance(TimeSpan.FromSeconds(25));

        var failure = Assert.Single(check.Run());
        Assert.Equal("ingest-lag", failure.Check);
        Assert.Contains("no session probe has come back in 25 s", failure.Problem, StringComparison.Ordinal);
        Assert.Contains("ACL does not grant it " + health.ProbeTopic, failure.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SelfCheck_SessionLagPastTheLimit_IngestLagFault_ThenClearOnceProbesComeBackPromptly()
    {
        await using var gw = await TestGateway.CreateAsync(new() { ["Supervision:IngestLagFaultAfter"] = "00:00:20" });
        var check = gw.Host.Services.GetRequiredService<GatewaySelfCheck>();
        check.FreeBytes = _ => long.MaxValue;
        var health = gw.Host.Services.GetRequiredService<BrokerHealth>();
        Assert.Contains(health.ProbeTopic, gw.Pipeline.TopicFilters);

        var prompt = health.NextProbe();
        gw.Pipeline.Offer(new SensorMessage(health.ProbeTopic, prompt)); // the probe path works
        Assert.Empty(check.Run());
        var probe = health.NextProbe();
        gw.Time.Advance(TimeSpan.FromSeconds(19));
        Assert.Empty(check.Run());
        gw.Time.Advance(TimeSpan.FromSeconds(2));
        var failure = Assert.Single(check.Run());
        Assert.Equal("ingest-lag", failure.Check);
        Assert.Contains("21 s late", failure.Problem, StringComparison.Ordinal);

        // The probe comes back through ingest, like every message of the session; the next one is prompt.
        Assert.Equal(OfferOutcome.BrokerStatus, gw.Pipeline.Offer(new SensorMessage(health.ProbeTopic, probe)));
        Assert.Equal("ingest-lag", Assert.Single(check.Run()).Check); // its 21 s round trip, reported once
        var next = health.NextProbe();
        gw.Time.Advance(TimeSpan.FromMilliseconds(50));
        gw.Pipeline.Offer(new SensorMessage(health.ProbeTopic, next));
        Assert.Empty(check.Run());
        Assert.Equal(0, gw.Pipeline.Handled); // probes are not sensor messages
    }
}
