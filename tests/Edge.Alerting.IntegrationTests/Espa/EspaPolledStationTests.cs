using Edge.Alerting.Espa;
using Edge.Alerting.IntegrationTests.Infrastructure;
using Edge.Logging;

namespace Edge.Alerting.IntegrationTests.Espa;

/// <summary>The gateway as polled station, with a simulated paging system as control station.</summary>
public sealed class EspaPolledStationTests : IDisposable
{
    private readonly Edge.TestKit.TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    public static TheoryData<string> Kinds => new() { "pty", "tcp" };

    private static AlertMessage Alert(string text = "Manual call: room 3", string address = "601", string incident = "inc-p") =>
        new(incident, [address], text, AlertPriority.Alarm, AlertKind.ManualCall);

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Poll_NothingQueued_AnsweredWithEot(string kind)
    {
        await using var rig = await EspaRig.StartPolledAsync(_env, kind);
        var idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var count = 0;
        rig.Control!.PollAnswered += isIdle =>
        {
            if (isIdle && Interlocked.Increment(ref count) >= 3)
            {
                idle.TrySetResult();
            }
        };

        await idle.Task.WaitAsync(Wait.Long);

        Assert.True(rig.Control.IdleAnswers >= 3);
        Assert.Equal(ChannelHealthState.Healthy, rig.Channel.Health.State);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Send_Queued_HandedOverAtNextPoll(string kind)
    {
        await using var rig = await EspaRig.StartPolledAsync(_env, kind);

        var result = await rig.Channel.SendAsync(Alert(), CancellationToken.None);
        var page = await rig.NextPageAsync();

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        Assert.True(page.BccValid);
        Assert.Equal("601", page['1']);
        Assert.Equal("Manual call: room 3", page['2']);
        Assert.Equal([DeliveryOutcome.Delivered], rig.Recorder.Outcomes);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Send_ControlAnswers1NakThenBusy_ResentAndDelivered(string kind)
    {
        await using var rig = await EspaRig.StartPolledAsync(_env, kind);
        rig.Control!.Faults.NakNextBlocks = 1;
        rig.Control.Faults.BusyNextBlocks = 1;

        var result = await rig.Channel.SendAsync(Alert(), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        Assert.Equal([DeliveryOutcome.Corrupted, DeliveryOutcome.Busy, DeliveryOutcome.Delivered], rig.Recorder.Outcomes);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Send_Control3Nak_RefusedNotResent(string kind)
    {
        await using var rig = await EspaRig.StartPolledAsync(_env, kind);
        rig.Control!.Faults.RejectNextBlocks = 1;

        var result = await rig.Channel.SendAsync(Alert(), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Refused, result.Outcome);
        Assert.Equal([DeliveryOutcome.Refused], rig.Recorder.Outcomes);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Cancel_InPolledRole_SendsReset(string kind)
    {
        await using var rig = await EspaRig.StartPolledAsync(_env, kind);
        await rig.Channel.SendAsync(Alert(), CancellationToken.None);
        _ = await rig.NextPageAsync();

        var result = await rig.Channel.CancelAsync(Alert(), CancellationToken.None);
        var reset = await rig.NextPageAsync();

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        Assert.Equal("1", reset['4']);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Status_ControlSelectsUsWithRecord7Is6_RaisesAcknowledgement(string kind)
    {
        await using var rig = await EspaRig.StartPolledAsync(_env, kind);
        var ack = Wait.ForEventAsync<AlertAcknowledgement>(h => rig.Channel.Acknowledged += h, h => rig.Channel.Acknowledged -= h, _ => true);
        await rig.Channel.SendAsync(Alert(address: "602", incident: "inc-sel"), CancellationToken.None);

        Assert.True(await rig.Control!.SendStatusAsync("602", '6').WaitAsync(Wait.Long));
        var heard = await ack;

        Assert.Equal("inc-sel", heard.IncidentId);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Send_NeverPolled_TimedOutAndLinkDown(string kind)
    {
        // The control station that never polls is the fault under test: the channel reports its link down.
        _env.ExpectError(EventIds.EspaLinkDown, "paging link down: no poll from the paging system");
        await using var rig = await EspaRig.StartPolledAsync(_env, kind, o =>
        {
            o.PolledDeliveryTimeout = TimeSpan.FromMilliseconds(500);
            o.LinkDeadAfter = TimeSpan.FromMilliseconds(800);
        }, startControl: false);
        var down = Wait.ForEventAsync<ChannelHealth>(h => rig.Channel.HealthChanged += h, h => rig.Channel.HealthChanged -= h, h => h.State == ChannelHealthState.Down);

        var result = await rig.Channel.SendAsync(Alert(), CancellationToken.None);
        var health = await down;

        Assert.Equal(DeliveryOutcome.TimedOut, result.Outcome);
        Assert.Equal([DeliveryOutcome.TimedOut], rig.Recorder.Outcomes);
        Assert.Contains("poll", health.Detail, StringComparison.Ordinal);
    }
}
