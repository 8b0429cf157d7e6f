using Edge.Gateway.Incidents;
using Edge.Logging;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edge.Gateway.Tests.Incidents;

/// <summary>
/// The one incident raiser: an alarm that happened is kept and retried until stored, a state is left to its next
/// check, the failure never reaches the caller, and what is kept is bounded. The store behind it is scripted here
/// (it fails as often as told); the same raiser over the real SQLite store is in the pipeline and supervision tests.
/// </summary>
public class IncidentRaiserTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task RaiseAsync_Stored_TrueAndNothingKept()
    {
        var (raiser, store, _, _) = Create();

        Assert.True(await raiser.RaiseAsync(Call("res1"), UnstoredRaise.Keep, CancellationToken.None));

        Assert.Equal(0, raiser.Kept);
        Assert.Equal("res1", Assert.Single(store.Stored).Subject);
    }

    [Fact]
    public async Task RaiseAsync_KeepAndStoreFails_KeptAndStoredByALaterRetryInOrder()
    {
        var (raiser, store, _, _) = Create();
        store.FailNext = 3;

        Assert.False(await raiser.RaiseAsync(Call("res1"), UnstoredRaise.Keep, CancellationToken.None));
        Assert.False(await raiser.RaiseAsync(Call("res2"), UnstoredRaise.Keep, CancellationToken.None));
        Assert.Equal(2, raiser.Kept);

        var stored = new List<RaiseRequest>();
        await raiser.RetryKeptAsync(stored, CancellationToken.None); // the first fails again, the second is stored
        Assert.Equal(["res2"], stored.Select(r => r.Subject));
        Assert.Equal(1, raiser.Kept);

        stored.Clear();
        await raiser.RetryKeptAsync(stored, CancellationToken.None);
        Assert.Equal(["res1"], stored.Select(r => r.Subject));
        Assert.Equal(0, raiser.Kept);
        Assert.Equal(["res2", "res1"], store.Stored.Select(r => r.Subject));
    }

    [Fact]
    public async Task RaiseAsync_ReevaluateAndStoreFails_NotKept_LoggedAsAnErrorEachTime()
    {
        var (raiser, store, logger, _) = Create();
        store.FailNext = 2;

        Assert.False(await raiser.RaiseAsync(Offline("res1"), UnstoredRaise.Reevaluate, CancellationToken.None));
        Assert.False(await raiser.RaiseAsync(Offline("res1"), UnstoredRaise.Reevaluate, CancellationToken.None));

        Assert.Equal(0, raiser.Kept);
        var stored = new List<RaiseRequest>();
        await raiser.RetryKeptAsync(stored, CancellationToken.None);
        Assert.Empty(stored);
        Assert.Empty(store.Stored);
        var failed = logger.Entries.Where(e => e.EventId.Id == EventIds.IncidentRaiseFailed).ToList();
        Assert.Equal(2, failed.Count);
        Assert.All(failed, e => Assert.Equal(LogLevel.Error, e.Level));
        Assert.All(failed, e => Assert.Contains("device_offline incident for resident res1", e.Message, StringComparison.Ordinal));
        Assert.Empty(logger.WithId(EventIds.IncidentRaiseDeferred));
    }

    [Fact]
    public async Task RaiseAsync_KeptAlarmKeepsFailing_CriticalOnceThenOncePerIntervalWithTheCount()
    {
        var (raiser, store, logger, time) = Create();
        store.FailNext = int.MaxValue;
        var call = Call("res1");

        Assert.False(await raiser.RaiseAsync(call, UnstoredRaise.Keep, CancellationToken.None));
        for (var i = 0; i < 3; i++)
        {
            await raiser.RetryKeptAsync([], CancellationToken.None);
        }

        var first = Assert.Single(logger.Entries, e => e.EventId.Id == EventIds.IncidentRaiseDeferred);
        Assert.Equal(LogLevel.Critical, first.Level);
        Assert.StartsWith("ALARM NOT YET STORED: manual_call for Alice in Room 1", first.Message, StringComparison.Ordinal);

        time.Advance(TimeSpan.FromMinutes(1));
        await raiser.RetryKeptAsync([], CancellationToken.None);
        var deferred = logger.WithId(EventIds.IncidentRaiseDeferred).ToList();
        Assert.Equal(2, deferred.Count);
        Assert.Contains("; 3 failed retries since the last report", deferred[1], StringComparison.Ordinal);
        Assert.Equal(1, raiser.Kept);
    }

    [Fact]
    public async Task RaiseAsync_MoreFailuresThanItKeeps_KeepsTheFirstMaxKept()
    {
        var (raiser, store, _, _) = Create();
        store.FailNext = IncidentRaiser.MaxKept + 5;

        for (var i = 0; i < IncidentRaiser.MaxKept + 5; i++)
        {
            Assert.False(await raiser.RaiseAsync(Call($"res{i}"), UnstoredRaise.Keep, CancellationToken.None));
        }

        Assert.Equal(IncidentRaiser.MaxKept, raiser.Kept);
        var stored = new List<RaiseRequest>();
        await raiser.RetryKeptAsync(stored, CancellationToken.None);
        Assert.Equal(IncidentRaiser.MaxKept, stored.Count);
        Assert.Equal("res0", stored[0].Subject);
        Assert.Equal($"res{IncidentRaiser.MaxKept - 1}", stored[^1].Subject);
    }

    [Fact]
    public async Task RaiseAsync_Cancelled_ThrowsAndKeepsNothing()
    {
        var (raiser, _, _, _) = Create();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => raiser.RaiseAsync(Call("res1"), UnstoredRaise.Keep, cancelled.Token).AsTask());

        Assert.Equal(0, raiser.Kept);
    }

    [Fact]
    public async Task RaiseAsync_StoreThrowsAnythingElse_NeverReachesTheCaller()
    {
        var (raiser, store, _, _) = Create();
        store.FailNext = 1;
        store.Failure = new InvalidOperationException("a bug in an observer");

        Assert.False(await raiser.RaiseAsync(Call("res1"), UnstoredRaise.Keep, CancellationToken.None));
        Assert.Equal(1, raiser.Kept);
    }

    private static (IncidentRaiser Raiser, ScriptedStore Store, ListLogger<IncidentRaiser> Logger, GatewayTestClock Time) Create()
    {
        var store = new ScriptedStore();
        var logger = new ListLogger<IncidentRaiser>();
        var time = new GatewayTestClock(T0);
        return (new IncidentRaiser(store, time, Options.Create(new IncidentRaiserOptions()), logger), store, logger, time);
    }

    private static RaiseRequest Call(string resident) =>
        new(IncidentType.ManualCall, resident, T0, "Call button pressed on dev1.", "button", resident, "Alice", "dev1", "r1", "Room 1");

    private static RaiseRequest Offline(string resident) =>
        new(IncidentType.DeviceOffline, resident, T0, "Device dev1 offline.", "supervision", resident, "Alice", "dev1", "r1", "Room 1");

    /// <summary>An incident store that refuses the next <see cref="FailNext"/> raises (by default as a locked database does).</summary>
    private sealed class ScriptedStore : IIncidentService
    {
        public int FailNext { get; set; }

        public Exception Failure { get; set; } = new SqliteException("database is locked", 5);

        public List<RaiseRequest> Stored { get; } = [];

        public Task<RaiseResult> RaiseAsync(RaiseRequest request, CancellationToken ct = default)
        {
            ct.ThrowIfCancellationRequested();
            if (FailNext > 0)
            {
                FailNext--;
                throw Failure;
            }

            Stored.Add(request);
            var incident = new Incident(Stored.Count, request.Type, request.Subject, request.ResidentId, request.ResidentName, request.DeviceId, request.RoomId, request.RoomName,
                IncidentState.Raised, T0, request.EventAt, T0, 1, null, null, null, null, null, null, request.Detail);
            return Task.FromResult(new RaiseResult(incident, new IncidentTransition(Stored.Count, Stored.Count, TransitionKind.Raised, T0, "gateway", request.Channel, null, null, request.Detail), Created: true));
        }

        public Task<Incident> AcceptAsync(long incidentId, string staffId, string channel, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Incident> ResolveAsync(long incidentId, string actor, IncidentOutcome outcome, string? note, string channel, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Incident?> ClearAsync(string subject, IncidentType type, string note, string channel, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<Incident>> ListOpenAsync(CancellationToken ct = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<Incident>> ListAsync(DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Incident?> GetAsync(long incidentId, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<IncidentTransition>> GetTransitionsAsync(long incidentId, CancellationToken ct = default) => throw new NotSupportedException();

        public IAsyncEnumerable<IncidentChange> WatchAsync(CancellationToken ct) => throw new NotSupportedException();
    }
}
