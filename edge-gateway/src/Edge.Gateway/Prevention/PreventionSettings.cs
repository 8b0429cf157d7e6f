using System.Collections.Frozen;
using Edge.Gateway.Registry;
using Edge.Gateway.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Prevention;

/// <summary>A resident's get-up alert: whether staff flagged them at high risk, and the hours it applies.</summary>
/// <param name="Enabled">The risk flag.</param>
/// <param name="Hours">When a get-up raises an alert (site time).</param>
/// <param name="ChangedAt">When it was last set.</param>
/// <param name="ChangedBy">Who set it.</param>
public sealed record GetUpSetting(bool Enabled, DailyWindow Hours, DateTimeOffset? ChangedAt = null, string? ChangedBy = null)
{
    /// <summary>Not flagged; 21:00–07:00 is offered when staff switch it on.</summary>
    public static readonly GetUpSetting Off = new(false, new DailyWindow(new TimeOnly(21, 0), new TimeOnly(7, 0)));

    /// <summary>"on 21:00–07:00" or "off": what the audit trail records.</summary>
    public string AuditText => Enabled ? $"on {Hours}" : "off";
}

/// <summary>Per-resident prevention settings, audited like the detection sensitivity.</summary>
public interface IPreventionSettings
{
    /// <summary>The resident's get-up setting (<see cref="GetUpSetting.Off"/> when never set). Lock-free; the ingest worker calls it per transition.</summary>
    GetUpSetting GetUp(string residentId);

    /// <summary>
    /// Sets (or clears) a resident's get-up risk flag and hours ("HH:mm", site time; equal means all day). Stored with
    /// who changed it in <c>settings_audit</c> (setting <c>prevention.getup_alert</c>) and used from the next transition.
    /// </summary>
    /// <exception cref="KeyNotFoundException">Unknown resident.</exception>
    /// <exception cref="ArgumentException">Hours that are not HH:mm.</exception>
    Task<GetUpSetting> SetGetUpAsync(string residentId, bool enabled, string? from, string? to, string actor, string channel, CancellationToken ct = default);
}

internal sealed partial class PreventionSettings(
    GatewayDatabase database,
    IDeviceRegistry registry,
    TimeProvider time,
    ILogger<PreventionSettings> logger) : IPreventionSettings
{
    private FrozenDictionary<string, GetUpSetting> _getUp = FrozenDictionary<string, GetUpSetting>.Empty;

    public GetUpSetting GetUp(string residentId) => Volatile.Read(ref _getUp).GetValueOrDefault(residentId, GetUpSetting.Off);

    /// <summary>Reads every resident's setting into the lock-free snapshot.</summary>
    public async Task LoadAsync(CancellationToken ct)
    {
        var map = new Dictionary<string, GetUpSetting>(StringComparer.Ordinal);
        var connection = await database.OpenAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await PreventionSchema.EnsureAsync(connection, null, ct).ConfigureAwait(false);
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = "SELECT resident_id, getup_alert, getup_from, getup_to, changed_at, changed_by FROM resident_prevention";
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                var hours = DailyWindow.TryParse(r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), out var w) ? w : GetUpSetting.Off.Hours;
                map[r.GetString(0)] = new GetUpSetting(r.GetInt64(1) != 0, hours, DbTime.Parse(r.GetString(4)), r.GetString(5));
            }
        }

        Volatile.Write(ref _getUp, map.ToFrozenDictionary(StringComparer.Ordinal));
    }

    public async Task<GetUpSetting> SetGetUpAsync(string residentId, bool enabled, string? from, string? to, string actor, string channel, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(residentId);
        DailyWindow hours;
        if (from is null && to is null)
        {
            hours = GetUp(residentId).Hours;
        }
        else if (!DailyWindow.TryParse(from, to, out hours))
        {
            throw new ArgumentException($"Get-up hours must be two times as HH:mm, e.g. 21:00 and 07:00 (were '{from}', '{to}').");
        }

        if (!registry.TryGetResident(residentId, out _) && !await ResidentExistsAsync(residentId, ct).ConfigureAwait(false))
        {
            throw new KeyNotFoundException($"Resident '{residentId}' is not in the registry.");
        }

        var now = time.GetUtcNow();
        var old = GetUp(residentId);
        var next = new GetUpSetting(enabled, hours, now, actor);
        var connection = await database.OpenAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await PreventionSchema.EnsureAsync(connection, null, ct).ConfigureAwait(false);
            var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                await using var cmd = connection.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = """
                    INSERT INTO resident_prevention(resident_id, getup_alert, getup_from, getup_to, changed_at, changed_by)
                    VALUES ($id, $on, $from, $to, $at, $actor)
                    ON CONFLICT(resident_id) DO UPDATE SET getup_alert = excluded.getup_alert, getup_from = excluded.getup_from,
                        getup_to = excluded.getup_to, changed_at = excluded.changed_at, changed_by = excluded.changed_by;
                    INSERT INTO settings_audit(at, subject, setting, old_value, new_value, actor, channel)
                    VALUES ($at, $id, 'prevention.getup_alert', $old, $new, $actor, $channel);
                    """;
                cmd.Parameters.AddWithValue("$id", residentId);
                cmd.Parameters.AddWithValue("$on", enabled ? 1 : 0);
                cmd.Parameters.AddWithValue("$from", hours.From.ToString("HH\\:mm", System.Globalization.CultureInfo.InvariantCulture));
                cmd.Parameters.AddWithValue("$to", hours.To.ToString("HH\\:mm", System.Globalization.CultureInfo.InvariantCulture));
                cmd.Parameters.AddWithValue("$at", DbTime.ToText(now));
                cmd.Parameters.AddWithValue("$actor", actor);
                cmd.Parameters.AddWithValue("$channel", channel);
                cmd.Parameters.AddWithValue("$old", old.ChangedAt is null ? DBNull.Value : old.AuditText);
                cmd.Parameters.AddWithValue("$new", next.AuditText);
                await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);
            }
        }

        await LoadAsync(ct).ConfigureAwait(false);
        Log.GetUpChanged(logger, residentId, next.AuditText, actor, channel);
        return GetUp(residentId);
    }

    private async Task<bool> ResidentExistsAsync(string residentId, CancellationToken ct)
    {
        var connection = await database.OpenAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = "SELECT 1 FROM residents WHERE id = $id AND active = 1";
            cmd.Parameters.AddWithValue("$id", residentId);
            return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.GetUpSettingChanged, Level = LogLevel.Information, Message = "Get-up alert of resident {ResidentId} set to {Setting} by {Actor} via {Channel}")]
        public static partial void GetUpChanged(ILogger logger, string residentId, string setting, string actor, string channel);
    }
}
