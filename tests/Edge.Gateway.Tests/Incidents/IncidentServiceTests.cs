using Edge.Gateway.Incidents;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Gateway.Tests.Incidents;

public class IncidentServiceTests
{
    private static RaiseRequest Fall(string resident = "res1", string detail = "score 0.9") =>
        new(IncidentType.Fall, resident, TestGateway.Start, detail, "detection", resident, "Alice", "dev1", "r1", "Room 1");

    [Fact]
    public async Task RaiseAsync_New_StoresRaisedIncidentWithAudit()
    {
        await using var gw = await TestGateway.CreateAsync();

        var result = await gw.Incidents.RaiseAsync(Fall());

        Assert.True(result.Created);
        var stored = await gw.Incidents.GetAsync(result.Incident.Id);
        Assert.NotNull(stored);
        Assert.Equal(IncidentState.Raised, stored.State);
        Assert.Equal("Alice", stored.ResidentName);
        Assert.Equal("Room 1", stored.RoomName);
        var audit = await gw.Incidents.GetTransitionsAsync(stored.Id);
        var raised = Assert.Single(audit);
        Assert.Equal(TransitionKind.Raised, raised.Kind);
        Assert.Equal("detection", raised.Channel);
        Assert.Equal(TestGateway.Start, raised.At);
    }

    [Fact]
    public async Task RaiseAsync_SameResidentAndTypeWhileOpen_UpdatesTheOpenIncident()
    {
        await using var gw = await TestGateway.CreateAsync();
        var first = await gw.Incidents.RaiseAsync(Fall(detail: "first"));
        gw.Time.Advance(TimeSpan.FromSeconds(40));

        var second = await gw.Incidents.RaiseAsync(Fall(detail: "second"));

        Assert.False(second.Created);
        Assert.Equal(first.Incident.Id, second.Incident.Id);
        Assert.Equal(2, second.Incident.TriggerCount);
        Assert.Equal("second", second.Incident.Detail);
        Assert.Single(await gw.Incidents.ListOpenAsync());
        Assert.Equal([TransitionKind.Raised, TransitionKind.Retriggered], (await gw.Incidents.GetTransitionsAsync(first.Incident.Id)).Select(t => t.Kind));
    }

    [Fact]
    public async Task RaiseAsync_OtherTypeOrResident_CreatesSeparateIncidents()
    {
        await using var gw = await TestGateway.CreateAsync();
        await gw.Incidents.RaiseAsync(Fall());
        await gw.Incidents.RaiseAsync(Fall() with { Type = IncidentType.ManualCall });
        await gw.Incidents.RaiseAsync(Fall("res2"));

        Assert.Equal(3, (await gw.Incidents.ListOpenAsync()).Count);
    }

    [Fact]
    public async Task AcceptThenResolve_RecordsWhoWhenChannelAndOutcome()
    {
        await using var gw = await TestGateway.CreateAsync();
        var id = (await gw.Incidents.RaiseAsync(Fall())).Incident.Id;
        gw.Time.Advance(TimeSpan.FromSeconds(30));
        var accepted = await gw.Incidents.AcceptAsync(id, "s1", "staff-page");
        gw.Time.Advance(TimeSpan.FromMinutes(4));

        var resolved = await gw.Incidents.ResolveAsync(id, "s1", IncidentOutcome.FallConfirmed, "found on the floor, helped up", "pager");

        Assert.Equal(IncidentState.Accepted, accepted.State);
        Assert.Equal("s1", accepted.AcceptedBy);
        Assert.Equal(IncidentState.Resolved, resolved.State);
        Assert.Equal(IncidentOutcome.FallConfirmed, resolved.Outcome);
        Assert.Equal(TestGateway.Start.AddSeconds(30), resolved.AcceptedAt);
        Assert.Equal(TestGateway.Start.AddSeconds(270), resolved.ResolvedAt);
        var audit = await gw.Incidents.GetTransitionsAsync(id);
        Assert.Equal([TransitionKind.Raised, TransitionKind.Accepted, TransitionKind.Resolved], audit.Select(t => t.Kind));
        Assert.Equal(["gateway", "s1", "s1"], audit.Select(t => t.Actor));
        Assert.Equal(["detection", "staff-page", "pager"], audit.Select(t => t.Channel));
        Assert.Empty(await gw.Incidents.ListOpenAsync());
    }

    [Fact]
    public async Task RaiseAsync_AfterResolve_OpensANewIncident()
    {
        await using var gw = await TestGateway.CreateAsync();
        var first = (await gw.Incidents.RaiseAsync(Fall())).Incident.Id;
        await gw.Incidents.ResolveAsync(first, "s1", IncidentOutcome.NoFall, null, "staff-page");

        var second = await gw.Incidents.RaiseAsync(Fall());

        Assert.True(second.Created);
        Assert.NotEqual(first, second.Incident.Id);
    }

    [Fact]
    public async Task AcceptAsync_UnknownStaff_IsRefusedAndNothingChanges()
    {
        await using var gw = await TestGateway.CreateAsync();
        var id = (await gw.Incidents.RaiseAsync(Fall())).Incident.Id;

        await Assert.ThrowsAsync<IncidentTransitionException>(() => gw.Incidents.AcceptAsync(id, "nobody", "staff-page"));

        Assert.Equal(IncidentState.Raised, (await gw.Incidents.GetAsync(id))!.State);
        Assert.Single(await gw.Incidents.GetTransitionsAsync(id));
    }

    [Fact]
    public async Task ResolveAsync_OtherWithoutNote_IsRefused()
    {
        await using var gw = await TestGateway.CreateAsync();
        var id = (await gw.Incidents.RaiseAsync(Fall())).Incident.Id;

        var e = await Assert.ThrowsAsync<IncidentTransitionException>(() => gw.Incidents.ResolveAsync(id, "s1", IncidentOutcome.Other, " ", "staff-page"));
        Assert.Contains("note", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveAsync_AlreadyResolved_IsRefused()
    {
        await using var gw = await TestGateway.CreateAsync();
        var id = (await gw.Incidents.RaiseAsync(Fall())).Incident.Id;
        await gw.Incidents.ResolveAsync(id, "s1", IncidentOutcome.Test, null, "staff-page");

        await Assert.ThrowsAsync<IncidentTransitionException>(() => gw.Incidents.ResolveAsync(id, "s1", IncidentOutcome.NoFall, null, "staff-page"));
        await Assert.ThrowsAsync<IncidentTransitionException>(() => gw.Incidents.AcceptAsync(id, "s1", "staff-page"));
    }

    [Fact]
    public async Task ResolveAsync_PersonPicksCleared_IsRefused()
    {
        await using var gw = await TestGateway.CreateAsync();
        var id = (await gw.Incidents.RaiseAsync(Fall())).Incident.Id;

        await Assert.ThrowsAsync<IncidentTransitionException>(() => gw.Incidents.ResolveAsync(id, "s1", IncidentOutcome.Cleared, null, "staff-page"));
    }

    [Fact]
    public async Task Database_SecondOpenIncidentOfSameType_IsRejectedBySchema()
    {
        await using var gw = await TestGateway.CreateAsync();
        await gw.Incidents.RaiseAsync(Fall());
        var db = gw.Host.Services.GetRequiredService<Edge.Gateway.Storage.GatewayDatabase>();
        await using var c = await db.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO incidents(type, subject, state, raised_at, event_at, last_triggered_at) VALUES ('fall', 'res1', 'raised', 'x', 'x', 'x')";

        var e = await Assert.ThrowsAsync<SqliteException>(() => cmd.ExecuteNonQueryAsync());
        Assert.Contains("UNIQUE", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RaiseAsync_Observer_WritesInTheSameTransaction()
    {
        var observer = new OutboxObserver();
        await using var gw = await TestGateway.CreateAsync(services: s => s.AddSingleton<IIncidentTransitionObserver>(observer));
        var id = (await gw.Incidents.RaiseAsync(Fall())).Incident.Id;
        await gw.Incidents.AcceptAsync(id, "s1", "staff-page");

        Assert.Equal([$"{id}:raised", $"{id}:accepted"], await ReadOutboxAsync(gw));
    }

    [Fact]
    public async Task RaiseAsync_ObserverThrows_ItsWritesRollBackAndTheIncidentIsStored()
    {
        var observer = new OutboxObserver { ThrowAfterWrite = true };
        await using var gw = await TestGateway.CreateAsync(services: s => s.AddSingleton<IIncidentTransitionObserver>(observer));

        var result = await gw.Incidents.RaiseAsync(Fall());

        Assert.NotNull(await gw.Incidents.GetAsync(result.Incident.Id));
        Assert.Empty(await ReadOutboxAsync(gw));
    }

    [Fact]
    public async Task WatchAsync_Subscriber_SeesCommittedChangesInOrder()
    {
        await using var gw = await TestGateway.CreateAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seen = new List<IncidentChange>();
        var started = new TaskCompletionSource();
        var watcher = Task.Run(async () =>
        {
            var e = gw.Incidents.WatchAsync(cts.Token).GetAsyncEnumerator(cts.Token);
            var move = e.MoveNextAsync();
            started.SetResult();
            while (await move)
            {
                seen.Add(e.Current);
                if (seen.Count == 2)
                {
                    break;
                }

                move = e.MoveNextAsync();
            }

            await e.DisposeAsync();
        });
        await started.Task;

        var id = (await gw.Incidents.RaiseAsync(Fall())).Incident.Id;
        await gw.Incidents.AcceptAsync(id, "s1", "staff-page");
        await watcher.WaitAsync(cts.Token);

        Assert.Equal([TransitionKind.Raised, TransitionKind.Accepted], seen.Select(c => c.Transition.Kind));
        Assert.Equal(IncidentState.Accepted, seen[1].Incident.State);
    }

    private static async Task<List<string>> ReadOutboxAsync(TestGateway gw)
    {
        var db = gw.Host.Services.GetRequiredService<Edge.Gateway.Storage.GatewayDatabase>();
        await using var c = await db.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT name FROM sqlite_master WHERE name = 'test_outbox'";
        if (await cmd.ExecuteScalarAsync() is null)
        {
            return [];
        }

        cmd.CommandText = "SELECT entry FROM test_outbox ORDER BY rowid";
        var list = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            list.Add(r.GetString(0));
        }

        return list;
    }

    /// <summary>What the uplink's outbox will do: write a row with the transition, in its transaction.</summary>
    private sealed class OutboxObserver : IIncidentTransitionObserver
    {
        public bool ThrowAfterWrite { get; init; }

        public async ValueTask OnTransitionAsync(IncidentTransitionContext context, CancellationToken ct)
        {
            await using var cmd = context.Connection.CreateCommand();
            cmd.Transaction = context.Transaction;
            cmd.CommandText = "CREATE TABLE IF NOT EXISTS test_outbox(entry TEXT NOT NULL); INSERT INTO test_outbox(entry) VALUES ($e)";
            cmd.Parameters.AddWithValue("$e", $"{context.Incident.Id}:{IncidentNames.Name(context.Transition.Kind)}");
            await cmd.ExecuteNonQueryAsync(ct);
            if (ThrowAfterWrite)
            {
                throw new InvalidOperationException("outbox broke");
            }
        }
    }
}
