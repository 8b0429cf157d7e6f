using Edge.Alerting.Espa;
using Edge.Alerting.IntegrationTests.Infrastructure;
using Edge.Logging;

namespace Edge.Alerting.IntegrationTests.Espa;

/// <summary>The gateway as ESPA control station against the paging system simulator, over a pty pair and TCP.</summary>
public sealed class EspaControlStationTests : IDisposable
{
    private readonly Edge.TestKit.TestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    public static TheoryData<string> Kinds => new() { "pty", "tcp" };

    private static AlertMessage Alert(string text = "Fall: room 12, Mrs Smith", string address = "550", string incident = "inc-1") =>
        new(incident, [address], text, AlertPriority.Alarm, AlertKind.Fall);

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Poll_IdlePagingSystem_AnsweredWithEotAndLinkHealthy(string kind)
    {
        var healthy = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var rig = await EspaRig.StartControlAsync(_env, kind);
        rig.Channel.HealthChanged += (_, h) =>
        {
            if (h.State == ChannelHealthState.Healthy)
            {
                healthy.TrySetResult();
            }
        };
        if (rig.Channel.Health.State != ChannelHealthState.Healthy)
        {
            await healthy.Task.WaitAsync(Wait.Long);
        }

        Assert.True(rig.Pager!.Polls >= 1);
        Assert.Equal(0, rig.Pager.Selects);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Send_Call_SelectAckBlockAckEotAndPageShown(string kind)
    {
        await using var rig = await EspaRig.StartControlAsync(_env, kind);

        var result = await rig.Channel.SendAsync(Alert(), CancellationToken.None);
        var page = await rig.NextPageAsync();

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        Assert.True(page.BccValid);
        Assert.Equal('1', page.Header);
        Assert.Equal("550", page['1']);
        Assert.Equal("Fall: room 12, Mrs Smith", page['2']);
        Assert.Equal("3", page['4']);
        Assert.Equal("1", page['6']);
        Assert.False(page.HadRsBeforeEtx);
        var attempt = Assert.Single(rig.Recorder.Attempts);
        Assert.Equal((DeliveryOutcome.Delivered, "inc-1", "550", AlertOperation.Send), (attempt.Outcome, attempt.IncidentId, attempt.Recipient, attempt.Operation));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Send_PagerAnswers1Nak_SameBlockResent(string kind)
    {
        await using var rig = await EspaRig.StartControlAsync(_env, kind, faults: f => f.NakNextBlocks = 1);

        var result = await rig.Channel.SendAsync(Alert(), CancellationToken.None);
        var first = await rig.NextPageAsync();
        var second = await rig.NextPageAsync();

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        Assert.Equal(first.Raw, second.Raw);
        Assert.Equal(first.Bcc, second.Bcc);
        Assert.Equal([DeliveryOutcome.Corrupted, DeliveryOutcome.Delivered], rig.Recorder.Outcomes);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Send_PagerBusyTwice_BacksOffAndResends(string kind)
    {
        await using var rig = await EspaRig.StartControlAsync(_env, kind, faults: f => f.BusyNextBlocks = 2);

        var result = await rig.Channel.SendAsync(Alert(), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        Assert.Equal([DeliveryOutcome.Busy, DeliveryOutcome.Busy, DeliveryOutcome.Delivered], rig.Recorder.Outcomes);
        var attempts = rig.Recorder.Attempts;
        Assert.True(attempts[1].StartedAt - attempts[0].StartedAt >= TimeSpan.FromMilliseconds(90), "no back-off between busy resends");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Send_PagerStaysBusy_ReportsBusyAfterRetries(string kind)
    {
        await using var rig = await EspaRig.StartControlAsync(_env, kind, o => o.Retries = 2, faults: f => f.BusyNextBlocks = 100);

        var result = await rig.Channel.SendAsync(Alert(), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Busy, result.Outcome);
        Assert.Equal(3, rig.Recorder.Outcomes.Count(o => o == DeliveryOutcome.Busy));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Send_Pager3Nak_NotResentAndReported(string kind)
    {
        await using var rig = await EspaRig.StartControlAsync(_env, kind, faults: f => f.RejectNextBlocks = 1);

        var result = await rig.Channel.SendAsync(Alert(), CancellationToken.None);
        _ = await rig.NextPageAsync();
        var sent = await rig.Channel.SendAsync(Alert(text: "after the rejected one"), CancellationToken.None);
        var next = await rig.NextPageAsync();

        Assert.Equal(DeliveryOutcome.Refused, result.Outcome);
        Assert.Contains("3 NAK", result.Detail, StringComparison.Ordinal);
        Assert.Equal(DeliveryOutcome.Delivered, sent.Outcome);
        Assert.Equal("after the rejected one", next['2']); // the rejected block was not sent again in between
        Assert.Equal([DeliveryOutcome.Refused, DeliveryOutcome.Delivered], rig.Recorder.Outcomes);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Send_SelectUnanswered_TimesOutAndRetries(string kind)
    {
        await using var rig = await EspaRig.StartControlAsync(_env, kind, faults: f => f.IgnoreNextSelects = 2);

        var result = await rig.Channel.SendAsync(Alert(), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        Assert.Equal([DeliveryOutcome.TimedOut, DeliveryOutcome.TimedOut, DeliveryOutcome.Delivered], rig.Recorder.Outcomes);
        Assert.Equal(3, rig.Pager!.Selects);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Send_SelectNeverAnswered_TimedOutAfterRetries(string kind)
    {
        await using var rig = await EspaRig.StartControlAsync(_env, kind, o => o.Retries = 2, faults: f => f.IgnoreNextSelects = 100);

        var result = await rig.Channel.SendAsync(Alert(), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.TimedOut, result.Outcome);
        Assert.Equal(3, result.Attempts);
        Assert.All(rig.Recorder.Outcomes, o => Assert.Equal(DeliveryOutcome.TimedOut, o));
    }

    [Theory]
    [InlineData("pty", (byte)0x04)]
    [InlineData("tcp", (byte)0x15)]
    public async Task Send_SelectRefused_ReportedRefused(string kind, byte refusal)
    {
        await using var rig = await EspaRig.StartControlAsync(_env, kind, faults: f =>
        {
            f.RefuseSelects = true;
            f.RefuseWith = refusal;
        });

        var result = await rig.Channel.SendAsync(Alert(), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Refused, result.Outcome);
        Assert.Contains("select refused", result.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pty", (byte)0x15)]
    [InlineData("tcp", (byte)0x15)]
    [InlineData("pty", (byte)0x04)]
    [InlineData("tcp", (byte)0x06)]
    public async Task Send_BlockWhoseBccIsAControlValue_AcceptedFirstTime(string kind, byte bcc)
    {
        await using var rig = await EspaRig.StartControlAsync(_env, kind);
        string[] suffixes = ["", "!", "A", "A!", "a", "a!"];
        var message = Enumerable.Range(0, 12_000)
            .Select(i => Alert(text: $"Fall room {i / 6}{suffixes[i % 6]}"))
            .First(m => rig.Channel.BuildCallBlock(m, "550", AlertOperation.Send).Encode()[^1] == bcc);

        var result = await rig.Channel.SendAsync(message, CancellationToken.None);
        var page = await rig.NextPageAsync();

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        Assert.Equal(bcc, page.Bcc);
        Assert.True(page.BccValid);
        Assert.Single(rig.Recorder.Attempts);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Send_TextOver128_TruncatedTo128(string kind)
    {
        await using var rig = await EspaRig.StartControlAsync(_env, kind);
        var text = "Fall in room 12: " + new string('x', 150); // 167 characters

        await rig.Channel.SendAsync(Alert(text: text), CancellationToken.None);
        var page = await rig.NextPageAsync();

        Assert.Equal(128, page['2']!.Length);
        Assert.StartsWith("Fall in room 12: xxx", page['2'], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Send_DectLimit48_TruncatedTo48(string kind)
    {
        await using var rig = await EspaRig.StartControlAsync(_env, kind, o => o.MaxDisplayLength = 48);

        await rig.Channel.SendAsync(Alert(text: new string('x', 60)), CancellationToken.None);
        var page = await rig.NextPageAsync();

        Assert.Equal(48, page['2']!.Length);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Send_NonAsciiText_TransliteratedOnTheWire(string kind)
    {
        await using var rig = await EspaRig.StartControlAsync(_env, kind);

        await rig.Channel.SendAsync(Alert(text: "Sturz: Frau Müller, Zimmer 12 – Straße, café\n"), CancellationToken.None);
        var page = await rig.NextPageAsync();

        Assert.Equal("Sturz: Frau Mueller, Zimmer 12 - Strasse, cafe", page['2']);
        Assert.All(page.Raw, b => Assert.True(b < 0x80));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Cancel_AcceptedElsewhere_SendsCallTypeOneReset(string kind)
    {
        await using var rig = await EspaRig.StartControlAsync(_env, kind);
        var alert = Alert();
        await rig.Channel.SendAsync(alert, CancellationToken.None);
        _ = await rig.NextPageAsync();

        var result = await rig.Channel.CancelAsync(alert, CancellationToken.None);
        var reset = await rig.NextPageAsync();

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        Assert.Equal("550", reset['1']);
        Assert.Equal("1", reset['4']);
        Assert.Null(reset['2']);
        Assert.Equal(AlertOperation.Cancel, rig.Recorder.Attempts[^1].Operation);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Status_Record7Is6_RaisesAcknowledgementForTheIncident(string kind)
    {
        await using var rig = await EspaRig.StartControlAsync(_env, kind);
        var ack = Wait.ForEventAsync<AlertAcknowledgement>(h => rig.Channel.Acknowledged += h, h => rig.Channel.Acknowledged -= h, _ => true);
        await rig.Channel.SendAsync(Alert(address: "551", incident: "inc-42"), CancellationToken.None);

        rig.Pager!.QueueStatus("551", '6');
        var heard = await ack;

        Assert.Equal("inc-42", heard.IncidentId);
        Assert.Equal("551", heard.Recipient);
        Assert.Equal("espa-test", heard.Channel);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Status_WithRsBeforeEtxAndBadBccFirst_NakedThenAccepted(string kind)
    {
        await using var rig = await EspaRig.StartControlAsync(_env, kind, faults: f =>
        {
            f.RsBeforeEtx = true;
            f.CorruptNextSentBlocks = 1;
        });
        var acks = 0;
        var ack = Wait.ForEventAsync<AlertAcknowledgement>(h => rig.Channel.Acknowledged += h, h => rig.Channel.Acknowledged -= h, _ => Interlocked.Increment(ref acks) > 0);
        await rig.Channel.SendAsync(Alert(address: "552", incident: "inc-7"), CancellationToken.None);

        rig.Pager!.QueueStatus("552", '6');
        var heard = await ack;

        Assert.Equal("inc-7", heard.IncidentId);
        Assert.Equal(1, acks);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Status_BlockWhoseBccIsNak_ReachesTheAcknowledgement(string kind)
    {
        await using var rig = await EspaRig.StartControlAsync(_env, kind);
        var address = Enumerable.Range(1, 9999).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .First(a => new EspaBlock('2', [new('1', a), new('7', "6")]).Encode()[^1] == EspaControl.Nak);
        var ack = Wait.ForEventAsync<AlertAcknowledgement>(h => rig.Channel.Acknowledged += h, h => rig.Channel.Acknowledged -= h, _ => true);
        var sent = await rig.Channel.SendAsync(Alert(address: address, incident: "inc-nak"), CancellationToken.None);
        Assert.Equal(DeliveryOutcome.Delivered, sent.Outcome);

        rig.Pager!.QueueStatus(address, '6');
        var heard = await ack;

        Assert.Equal("inc-nak", heard.IncidentId);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Polls_GoUnanswered_LinkDownReported(string kind)
    {
        // The silent paging system is the fault under test: the channel reports its link down.
        _env.ExpectError(EventIds.EspaLinkDown, "paging link down: no answer to polls");
        await using var rig = await EspaRig.StartControlAsync(_env, kind, o => o.LinkDeadAfter = TimeSpan.FromSeconds(1));
        var down = Wait.ForEventAsync<ChannelHealth>(h => rig.Channel.HealthChanged += h, h => rig.Channel.HealthChanged -= h, h => h.State == ChannelHealthState.Down);

        rig.Pager!.Faults.MutePolls = true;
        var health = await down;

        Assert.Equal(ChannelHealthState.Down, rig.Channel.Health.State);
        Assert.Contains("no answer to polls", health.Detail, StringComparison.Ordinal);

        var up = Wait.ForEventAsync<ChannelHealth>(h => rig.Channel.HealthChanged += h, h => rig.Channel.HealthChanged -= h, h => h.State == ChannelHealthState.Healthy);
        rig.Pager.Faults.MutePolls = false;
        await up;
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Send_ManyRecipients_OneCallEach(string kind)
    {
        await using var rig = await EspaRig.StartControlAsync(_env, kind);

        var result = await rig.Channel.SendAsync(new AlertMessage("inc-9", ["11", "12", "13"], "Unit call", AlertPriority.High, AlertKind.ManualCall), CancellationToken.None);
        var pages = new[] { await rig.NextPageAsync(), await rig.NextPageAsync(), await rig.NextPageAsync() };

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        Assert.Equal(["11", "12", "13"], pages.Select(p => p['1']));
        Assert.All(pages, p => Assert.Equal("2", p['6']));
    }
}
