// Over 400 lines on purpose: the incident store: every transition and its audit row in one SQLite transaction, with the observers that run inside it.
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Edge.Gateway.Diagnostics;
using Edge.Gateway.Registry;
using Edge.Gateway.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Incidents;

/// <summary>
/// SQLite-backed incident state machine. Writes are serialised (one writer), each transition is one
/// transaction holding the incident row, its audit row and every observer's rows.
/// </summary>
public sealed partial class IncidentService(
    GatewayDatabase database,
    IDeviceRegistry registry,
    IEnumerable<IIncidentTransitionObserver> observers,
    TimeProvider time,
    GatewayMetrics metrics,
    UnstoredAlarms unstored,
    ILogger<IncidentService> logger) : IIncidentService, IDisposable
{
    /// <summary>The subject of gateway-fault incidents.</summary>
    public const string GatewaySubject = "gateway";

    /// <summary>Actor name for transitions made by the gateway itself.</summary>
    public const string SystemActor = "gateway";

    /// <summary>The longest resolve note kept (a few paragraphs; a note is not a document store).</summary>
    public const int MaxNoteLength = 2000;

    private const int WatchBuffer = 1024;
    private const string SelectColumns = "id, type, subject, resident_id, resident_name, device_id, room_id, room_name, state, raised_at, event_at, last_triggered_at, trigger_count, accepted_at, accepted_by, resolved_at, resolved_by, outcome, note, detail";

    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly IIncidentTransitionObserver[] _observers = [.. observers];
    private readonly Lock _watchersLock = new();
    private readonly List<Channel<IncidentChange>> _watchers = [];

    public async Task<RaiseResult> RaiseAsync(RaiseRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        RaiseResult result;
        try
        {
            result = await StoreRaiseAsync(request, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (UnstoredAlarms.IsStorageFailure(e))
        {
            // Paging never waits for the disk: the engine pages it from memory; the caller keeps it and retries.
            unstored.Add(request, e);
            throw;
        }
        finally
        {
            _writeLock.Release();
        }

        if (unstored.Stored(request.Type, request.Subject) is { } outage)
        {
            Log.StorageRecovered(logger, outage.Since, outage.LastError, outage.PagedFromMemory);
        }

        var i = result.Incident;
        if (result.Created)
        {
            metrics.IncidentRaised(IncidentNames.Name(i.Type));
            Log.Raised(logger, i.Id, IncidentNames.Name(i.Type), i.ResidentName ?? i.Subject, i.RoomName ?? "-", i.DeviceId ?? "-", i.EventAt, i.Detail ?? "");
        }
        else
        {
            Log.Retriggered(logger, i.Id, IncidentNames.Name(i.Type), i.ResidentName ?? i.Subject, i.TriggerCount, i.Detail ?? "");
        }

        metrics.IncidentTransition(IncidentNames.Name(result.Transition.Kind));
        Publish(new IncidentChange(result.Incident, result.Transition));
        return result;
    }

    private async Task<RaiseResult> StoreRaiseAsync(RaiseRequest request, CancellationToken ct)
    {
        RaiseResult result;
        {
            var now = time.GetUtcNow();
            var connection = await database.OpenAsync(ct).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
                await using (tx.ConfigureAwait(false))
                {
                    var open = await QuerySingleAsync(connection, tx, $"SELECT {SelectColumns} FROM incidents WHERE subject = $s AND type = $t AND state <> 'resolved'", ct,
                        ("$s", request.Subject), ("$t", IncidentNames.Name(request.Type))).ConfigureAwait(false);
                    long incidentId;
                    TransitionKind kind;
                    if (open is null)
                    {
                        incidentId = await InsertAsync(connection, tx, """
                            INSERT INTO incidents(type, subject, resident_id, resident_name, device_id, room_id, room_name, state, raised_at, event_at, last_triggered_at, trigger_count, detail)
                            VALUES ($type, $subject, $rid, $rname, $dev, $room, $roomname, 'raised', $now, $ev, $now, 1, $detail) RETURNING id
                            """, ct,
                            ("$type", IncidentNames.Name(request.Type)), ("$subject", request.Subject), ("$rid", request.ResidentId), ("$rname", request.ResidentName),
                            ("$dev", request.DeviceId), ("$room", request.RoomId), ("$roomname", request.RoomName), ("$now", DbTime.ToText(now)),
                            ("$ev", DbTime.ToText(request.EventAt)), ("$detail", request.Detail)).ConfigureAwait(false);
                        kind = TransitionKind.Raised;
                    }
                    else
                    {
                        incidentId = open.Id;
                        await Sql.ExecuteAsync(connection, tx, "UPDATE incidents SET last_triggered_at = $now, trigger_count = trigger_count + 1, detail = $detail WHERE id = $id", ct,
                            ("$now", DbTime.ToText(now)), ("$detail", request.Detail), ("$id", incidentId)).ConfigureAwait(false);
                        kind = TransitionKind.Retriggered;
                    }

                    var transition = await AddTransitionAsync(connection, tx, incidentId, kind, now, SystemActor, request.Channel, null, null, request.Detail, ct).ConfigureAwait(false);
                    var incident = (await QuerySingleAsync(connection, tx, $"SELECT {SelectColumns} FROM incidents WHERE id = $id", ct, ("$id", incidentId)).ConfigureAwait(false))!;
                    await NotifyObserversAsync(connection, tx, incident, transition, ct).ConfigureAwait(false);
                    await tx.CommitAsync(ct).ConfigureAwait(false);
                    result = new RaiseResult(incident, transition, kind == TransitionKind.Raised);
                }
            }
        }

        return result;
    }

    public async Task<Incident> AcceptAsync(long incidentId, string staffId, string channel, CancellationToken ct = default)
    {
        if (!registry.TryGetStaff(staffId, out var staff))
        {
            throw new IncidentTransitionException($"Staff member '{staffId}' is not in the registry; an incident is accepted by a named carer.");
        }

        var change = await TransitionAsync(incidentId, TransitionKind.Accepted, staff.Id, channel, null, null, ct).ConfigureAwait(false);
        Log.Accepted(logger, incidentId, IncidentNames.Name(change.Incident.Type), change.Incident.ResidentName ?? change.Incident.Subject, staff.Name, channel);
        return change.Incident;
    }

    public async Task<Incident> ResolveAsync(long incidentId, string actor, IncidentOutcome outcome, string? note, string channel, CancellationToken ct = default)
    {
        if (outcome == IncidentOutcome.Cleared && actor != SystemActor)
        {
            throw new IncidentTransitionException("Only the gateway resolves an incident as 'cleared'; a person picks fall confirmed, no fall, test or other.");
        }

        if (actor != SystemActor && !registry.TryGetStaff(actor, out _))
        {
            throw new IncidentTransitionException($"Staff member '{actor}' is not in the registry.");
        }

        if (outcome == IncidentOutcome.Other && string.IsNullOrWhiteSpace(note))
        {
            throw new IncidentTransitionException("Outcome 'other' needs a note saying what happened.");
        }

        if (note?.Length > MaxNoteLength)
        {
            throw new IncidentTransitionException($"A note has at most {MaxNoteLength} characters (this one has {note.Length}).");
        }

        var change = await TransitionAsync(incidentId, TransitionKind.Resolved, actor, channel, outcome, note, ct).ConfigureAwait(false);
        Log.Resolved(logger, incidentId, IncidentNames.Name(change.Incident.Type), change.Incident.ResidentName ?? change.Incident.Subject, actor, IncidentNames.Name(outcome), channel);
        return change.Incident;
    }

    public async Task<Incident?> ClearAsync(string subject, IncidentType type, string note, string channel, CancellationToken ct = default)
    {
        Incident? open;
        var connection = await database.OpenAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            open = await QuerySingleAsync(connection, null, $"SELECT {SelectColumns} FROM incidents WHERE subject = $s AND type = $t AND state <> 'resolved'", ct,
                ("$s", subject), ("$t", IncidentNames.Name(type))).ConfigureAwait(false);
        }

        if (open is null)
        {
            return null;
        }

        try
        {
            return await ResolveAsync(open.Id, SystemActor, IncidentOutcome.Cleared, note, channel, ct).ConfigureAwait(false);
        }
        catch (IncidentTransitionException)
        {
            return null; // resolved by someone else in between
        }
    }

    public async Task<IReadOnlyList<Incident>> ListOpenAsync(CancellationToken ct = default)
    {
        var connection = await database.OpenAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await QueryAsync(connection, null, $"SELECT {SelectColumns} FROM incidents WHERE state <> 'resolved' ORDER BY raised_at, id", ct).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<Incident>> ListAsync(DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken ct = default)
    {
        var connection = await database.OpenAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await QueryAsync(connection, null, $"SELECT {SelectColumns} FROM incidents WHERE raised_at >= $from AND raised_at < $to ORDER BY raised_at DESC, id DESC LIMIT $limit", ct,
                ("$from", DbTime.ToText(from)), ("$to", DbTime.ToText(to)), ("$limit", limit)).ConfigureAwait(false);
        }
    }

    public async Task<Incident?> GetAsync(long incidentId, CancellationToken ct = default)
    {
        var connection = await database.OpenAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await QuerySingleAsync(connection, null, $"SELECT {SelectColumns} FROM incidents WHERE id = $id", ct, ("$id", incidentId)).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<IncidentTransition>> GetTransitionsAsync(long incidentId, CancellationToken ct = default)
    {
        var list = new List<IncidentTransition>();
        var connection = await database.OpenAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = "SELECT id, incident_id, kind, at, actor, channel, outcome, note, detail FROM incident_transitions WHERE incident_id = $id ORDER BY id";
            cmd.Parameters.AddWithValue("$id", incidentId);
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                list.Add(new IncidentTransition(
                    r.GetInt64(0), r.GetInt64(1), IncidentNames.ParseKind(r.GetString(2)), DbTime.Parse(r.GetString(3)),
                    r.GetString(4), r.GetString(5), r.IsDBNull(6) ? null : IncidentNames.ParseOutcome(r.GetString(6)),
                    r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8)));
            }
        }

        return list;
    }

    public async IAsyncEnumerable<IncidentChange> WatchAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var channel = Channel.CreateBounded<IncidentChange>(new BoundedChannelOptions(WatchBuffer)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (_watchersLock)
        {
            _watchers.Add(channel);
        }

        try
        {
            await foreach (var change in channel.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                yield return change;
            }
        }
        finally
        {
            lock (_watchersLock)
            {
                _watchers.Remove(channel);
            }
        }
    }

    public void Dispose() => _writeLock.Dispose();

    private async Task<IncidentChange> TransitionAsync(long incidentId, TransitionKind kind, string actor, string channel, IncidentOutcome? outcome, string? note, CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        IncidentChange change;
        try
        {
            var now = time.GetUtcNow();
            var connection = await database.OpenAsync(ct).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
                await using (tx.ConfigureAwait(false))
                {
                    var current = await QuerySingleAsync(connection, tx, $"SELECT {SelectColumns} FROM incidents WHERE id = $id", ct, ("$id", incidentId)).ConfigureAwait(false)
                        ?? throw new IncidentTransitionException($"Incident {incidentId} does not exist.");
                    if (current.State == IncidentState.Resolved)
                    {
                        throw new IncidentTransitionException($"Incident {incidentId} is already resolved.");
                    }

                    if (kind == TransitionKind.Accepted)
                    {
                        await Sql.ExecuteAsync(connection, tx, "UPDATE incidents SET state = 'accepted', accepted_at = $now, accepted_by = $actor WHERE id = $id", ct,
                            ("$now", DbTime.ToText(now)), ("$actor", actor), ("$id", incidentId)).ConfigureAwait(false);
                    }
                    else
                    {
                        await Sql.ExecuteAsync(connection, tx, "UPDATE incidents SET state = 'resolved', resolved_at = $now, resolved_by = $actor, outcome = $outcome, note = $note WHERE id = $id", ct,
                            ("$now", DbTime.ToText(now)), ("$actor", actor), ("$outcome", IncidentNames.Name(outcome!.Value)), ("$note", note), ("$id", incidentId)).ConfigureAwait(false);
                    }

                    var transition = await AddTransitionAsync(connection, tx, incidentId, kind, now, actor, channel, outcome, note, null, ct).ConfigureAwait(false);
                    var incident = (await QuerySingleAsync(connection, tx, $"SELECT {SelectColumns} FROM incidents WHERE id = $id", ct, ("$id", incidentId)).ConfigureAwait(false))!;
                    await NotifyObserversAsync(connection, tx, incident, transition, ct).ConfigureAwait(false);
                    await tx.CommitAsync(ct).ConfigureAwait(false);
                    change = new IncidentChange(incident, transition);
                }
            }
        }
        finally
        {
            _writeLock.Release();
        }

        metrics.IncidentTransition(IncidentNames.Name(kind));
        Publish(change);
        return change;
    }

    private async Task NotifyObserversAsync(SqliteConnection connection, SqliteTransaction tx, Incident incident, IncidentTransition transition, CancellationToken ct)
    {
        foreach (var observer in _observers)
        {
            await Sql.ExecuteAsync(connection, tx, "SAVEPOINT observer", ct).ConfigureAwait(false);
            try
            {
                await observer.OnTransitionAsync(new IncidentTransitionContext(connection, tx, incident, transition), ct).ConfigureAwait(false);
                await Sql.ExecuteAsync(connection, tx, "RELEASE observer", ct).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // An observer's failure must not lose the incident; it is rolled back and logged as an error.
            catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
            {
                await Sql.ExecuteAsync(connection, tx, "ROLLBACK TO observer; RELEASE observer", ct).ConfigureAwait(false);
                Log.ObserverFailed(logger, e, observer.GetType().Name, incident.Id, IncidentNames.Name(transition.Kind));
            }
        }
    }

    private void Publish(IncidentChange change)
    {
        lock (_watchersLock)
        {
            foreach (var w in _watchers)
            {
                w.Writer.TryWrite(change);
            }
        }
    }

    private static async Task<IncidentTransition> AddTransitionAsync(SqliteConnection c, SqliteTransaction tx, long incidentId, TransitionKind kind, DateTimeOffset at, string actor, string channel, IncidentOutcome? outcome, string? note, string? detail, CancellationToken ct)
    {
        var id = await InsertAsync(c, tx, "INSERT INTO incident_transitions(incident_id, kind, at, actor, channel, outcome, note, detail) VALUES ($i, $k, $at, $actor, $ch, $o, $n, $d) RETURNING id", ct,
            ("$i", incidentId), ("$k", IncidentNames.Name(kind)), ("$at", DbTime.ToText(at)), ("$actor", actor), ("$ch", channel),
            ("$o", outcome is { } o ? IncidentNames.Name(o) : null), ("$n", note), ("$d", detail)).ConfigureAwait(false);
        return new IncidentTransition(id, incidentId, kind, DbTime.Parse(DbTime.ToText(at)), actor, channel, outcome, note, detail);
    }

    private static async Task<long> InsertAsync(SqliteConnection c, SqliteTransaction tx, string sql, CancellationToken ct, params (string Name, object? Value)[] args) =>
        (long)(await Sql.ScalarAsync(c, tx, sql, ct, args).ConfigureAwait(false))!;

    private static async Task<Incident?> QuerySingleAsync(SqliteConnection c, SqliteTransaction? tx, string sql, CancellationToken ct, params (string Name, object? Value)[] args)
    {
        var list = await QueryAsync(c, tx, sql, ct, args).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    private static async Task<List<Incident>> QueryAsync(SqliteConnection c, SqliteTransaction? tx, string sql, CancellationToken ct, params (string Name, object? Value)[] args)
    {
        var list = new List<Incident>();
        await using var cmd = Sql.Command(c, tx, sql, args);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(new Incident(
                r.GetInt64(0),
                IncidentNames.ParseType(r.GetString(1)),
                r.GetString(2),
                Str(r, 3), Str(r, 4), Str(r, 5), Str(r, 6), Str(r, 7),
                IncidentNames.ParseState(r.GetString(8)),
                DbTime.Parse(r.GetString(9)),
                DbTime.Parse(r.GetString(10)),
                DbTime.Parse(r.GetString(11)),
                r.GetInt32(12),
                r.IsDBNull(13) ? null : DbTime.Parse(r.GetString(13)),
                Str(r, 14),
                r.IsDBNull(15) ? null : DbTime.Parse(r.GetString(15)),
                Str(r, 16),
                r.IsDBNull(17) ? null : IncidentNames.ParseOutcome(r.GetString(17)),
                Str(r, 18),
                Str(r, 19)));
        }

        return list;
    }

    private static string? Str(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.StorageRecovered, Level = LogLevel.Warning, Message = "The database stores incidents again (failing since {Since:O}: {Error}); {Paged} alarm(s) were paged from memory meanwhile")]
        public static partial void StorageRecovered(ILogger logger, DateTimeOffset since, string error, int paged);

        [LoggerMessage(EventId = EventIds.IncidentRaised, Level = LogLevel.Warning, Message = "INCIDENT #{IncidentId} {Type}: resident {Resident}, room {Room}, device {DeviceId}, event at {EventAt:O}. {Detail}")]
        public static partial void Raised(ILogger logger, long incidentId, string type, string resident, string room, string deviceId, DateTimeOffset eventAt, string detail);

        [LoggerMessage(EventId = EventIds.IncidentRetriggered, Level = LogLevel.Information, Message = "Incident #{IncidentId} {Type} for {Resident} re-triggered ({TriggerCount} triggers). {Detail}")]
        public static partial void Retriggered(ILogger logger, long incidentId, string type, string resident, int triggerCount, string detail);

        [LoggerMessage(EventId = EventIds.IncidentAccepted, Level = LogLevel.Information, Message = "Incident #{IncidentId} {Type} for {Resident} accepted by {Staff} via {Channel}")]
        public static partial void Accepted(ILogger logger, long incidentId, string type, string resident, string staff, string channel);

        [LoggerMessage(EventId = EventIds.IncidentResolved, Level = LogLevel.Information, Message = "Incident #{IncidentId} {Type} for {Resident} resolved by {Actor}: {Outcome} via {Channel}")]
        public static partial void Resolved(ILogger logger, long incidentId, string type, string resident, string actor, string outcome, string channel);

        [LoggerMessage(EventId = EventIds.IncidentObserverFailed, Level = LogLevel.Error, Message = "Incident observer {Observer} failed on incident #{IncidentId} ({Kind}); its writes were rolled back, the incident was stored")]
        public static partial void ObserverFailed(ILogger logger, Exception exception, string observer, long incidentId, string kind);
    }
}
