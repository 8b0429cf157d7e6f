using Microsoft.Data.Sqlite;

namespace Edge.Gateway.Incidents;

/// <summary>An alarm the database could not store (disk full, I/O error): it is paged from memory meanwhile.</summary>
/// <param name="Id">A provisional id, negative so it can never meet a stored incident's.</param>
/// <param name="Request">What was raised.</param>
/// <param name="Why">The storage error.</param>
/// <param name="Since">When the first raise failed.</param>
public sealed record UnstoredAlarm(long Id, RaiseRequest Request, string Why, DateTimeOffset Since);

/// <summary>A period in which incidents could not be stored.</summary>
/// <param name="Since">The first failed raise.</param>
/// <param name="Until">The first raise stored again.</param>
/// <param name="LastError">The last storage error.</param>
/// <param name="PagedFromMemory">Alarms paged from memory meanwhile.</param>
public sealed record StorageOutage(DateTimeOffset Since, DateTimeOffset Until, string LastError, int PagedFromMemory);

/// <summary>
/// Alarms that could not be stored. <see cref="IncidentService"/> adds one when a raise fails for a storage reason
/// (its caller keeps the request and retries); the escalation engine pages every one from memory at once and
/// keeps escalating it, and drops it when the same (type, subject) is finally stored. Paging never waits for the
/// disk. Thread-safe.
/// </summary>
public sealed class UnstoredAlarms(TimeProvider time)
{
    /// <summary>Subject of the gateway fault paged while the database cannot be written (and stored once it can).</summary>
    public const string StorageFaultSubject = "storage";

    /// <summary>The channel name in the raise requests of that fault.</summary>
    public const string StorageChannel = "storage";

    private readonly Lock _lock = new();
    private readonly Dictionary<(IncidentType, string), UnstoredAlarm> _alarms = [];
    private long _nextId;
    private DateTimeOffset? _failingSince;
    private string? _lastError;
    private int _pagedFromMemory;

    /// <summary>Raised when a new alarm is added (the engine wakes up).</summary>
    public event EventHandler? Added;

    /// <summary>Raised when a raise is stored again after raises failed: (since, last error, alarms paged from memory).</summary>
    public event EventHandler<StorageOutage>? Recovered;

    /// <summary>True for errors that mean "the database cannot be written now" rather than a bug.</summary>
    public static bool IsStorageFailure(Exception e) =>
        e is IOException or UnauthorizedAccessException
        || (e is SqliteException s && s.SqliteErrorCode is 13 /* FULL */ or 10 /* IOERR */ or 8 /* READONLY */ or 14 /* CANTOPEN */ or 5 /* BUSY */ or 6 /* LOCKED */ or 11 /* CORRUPT */ or 26 /* NOTADB */);

    /// <summary>Since when storing has been failing (null while it works).</summary>
    public DateTimeOffset? FailingSince
    {
        get
        {
            lock (_lock)
            {
                return _failingSince;
            }
        }
    }

    /// <summary>The alarms waiting to be stored.</summary>
    public IReadOnlyList<UnstoredAlarm> Pending
    {
        get
        {
            lock (_lock)
            {
                return [.. _alarms.Values.OrderBy(a => a.Id)];
            }
        }
    }

    /// <summary>A raise failed to store. Returns the alarm (new, or the one already waiting for this type and subject).</summary>
    public UnstoredAlarm Add(RaiseRequest request, Exception error)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(error);
        UnstoredAlarm alarm;
        bool added;
        lock (_lock)
        {
            var now = time.GetUtcNow();
            _failingSince ??= now;
            _lastError = error.Message;
            added = !_alarms.TryGetValue((request.Type, request.Subject), out alarm!);
            if (added)
            {
                alarm = new UnstoredAlarm(-(++_nextId), request, error.Message, now);
                _alarms[(request.Type, request.Subject)] = alarm;
                _pagedFromMemory++;
            }

            // The staff must also learn why: a gateway fault, paged the same way, until storing works again.
            if (!_alarms.ContainsKey((IncidentType.GatewayFault, StorageFaultSubject)))
            {
                var fault = new RaiseRequest(IncidentType.GatewayFault, StorageFaultSubject, now,
                    $"the database cannot be written ({error.Message}); alarms are paged from memory and stored when it works again", StorageChannel);
                _alarms[(fault.Type, fault.Subject)] = new UnstoredAlarm(-(++_nextId), fault, error.Message, now);
            }
        }

        if (added)
        {
            Added?.Invoke(this, EventArgs.Empty);
        }

        return alarm;
    }

    /// <summary>
    /// A raise was stored: the alarm of that type and subject (if any) now escalates from the database. When this
    /// was the first write to succeed after failures, returns the outage that ended (and raises <see cref="Recovered"/>).
    /// </summary>
    public StorageOutage? Stored(IncidentType type, string subject)
    {
        StorageOutage ended;
        lock (_lock)
        {
            _alarms.Remove((type, subject));
            if (_failingSince is not { } since)
            {
                return null;
            }

            ended = new StorageOutage(since, time.GetUtcNow(), _lastError ?? "", _pagedFromMemory);
            _failingSince = null;
            _lastError = null;
            _pagedFromMemory = 0;
        }

        Recovered?.Invoke(this, ended);
        return ended;
    }

    /// <summary>True while the alarm has not been stored.</summary>
    public bool Contains(long id)
    {
        lock (_lock)
        {
            return _alarms.Values.Any(a => a.Id == id);
        }
    }
}
