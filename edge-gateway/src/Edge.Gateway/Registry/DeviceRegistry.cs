using System.Collections.Frozen;
using Edge.Gateway.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Registry;

/// <summary>Who wears a device and where they live.</summary>
public sealed record DeviceAssignment(
    string DeviceId,
    string ResidentId,
    string ResidentName,
    string? RoomId,
    string? RoomName,
    string? UnitId,
    double? Sensitivity);

/// <summary>A staff member who can accept and resolve incidents.</summary>
public sealed record StaffMember(string Id, string Name, string Role);

/// <summary>Read side of the registry used by the pipeline: a lock-free snapshot, swapped on change.</summary>
public interface IDeviceRegistry
{
    /// <summary>The site this gateway serves (from the registry), or null before a site is imported.</summary>
    string? SiteId { get; }

    /// <summary>Increases every time the snapshot is reloaded.</summary>
    int Version { get; }

    /// <summary>Every active device assigned to an active resident.</summary>
    IReadOnlyCollection<DeviceAssignment> Assignments { get; }

    /// <summary>The assignment of an active device worn by an active resident.</summary>
    bool TryGetAssignment(string deviceId, out DeviceAssignment assignment);

    /// <summary>The active resident's assignment (their device and room).</summary>
    bool TryGetResident(string residentId, out DeviceAssignment assignment);

    /// <summary>An active staff member.</summary>
    bool TryGetStaff(string staffId, out StaffMember staff);
}

/// <summary>The registry in the gateway database: import from a site file, and the in-memory snapshot.</summary>
public sealed partial class DeviceRegistry(GatewayDatabase database, TimeProvider time, ILogger<DeviceRegistry> logger) : IDeviceRegistry
{
    private Snapshot _snapshot = Snapshot.Empty;

    public string? SiteId => Volatile.Read(ref _snapshot).SiteId;

    public int Version => Volatile.Read(ref _snapshot).Version;

    public IReadOnlyCollection<DeviceAssignment> Assignments => Volatile.Read(ref _snapshot).ByDevice.Values;

    public bool TryGetAssignment(string deviceId, out DeviceAssignment assignment) =>
        Volatile.Read(ref _snapshot).ByDevice.TryGetValue(deviceId, out assignment!);

    public bool TryGetResident(string residentId, out DeviceAssignment assignment) =>
        Volatile.Read(ref _snapshot).ByResident.TryGetValue(residentId, out assignment!);

    public bool TryGetStaff(string staffId, out StaffMember staff) =>
        Volatile.Read(ref _snapshot).Staff.TryGetValue(staffId, out staff!);

    /// <summary>Imports a site file in one transaction (upsert; entries missing from the file are deactivated) and reloads.</summary>
    public async Task ImportAsync(SiteFile file, string actor, CancellationToken ct = default)
    {
        var errors = file.Validate();
        if (errors.Count > 0)
        {
            throw new InvalidDataException("Site file is invalid:\n  " + string.Join("\n  ", errors));
        }

        var connection = await database.OpenAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                await Sql.ExecuteAsync(connection, tx, "INSERT INTO sites(id, name) VALUES ($id, $name) ON CONFLICT(id) DO UPDATE SET name = excluded.name", ct, ("$id", file.Site.Id), ("$name", file.Site.Name)).ConfigureAwait(false);
                foreach (var u in file.Units)
                {
                    await Sql.ExecuteAsync(connection, tx, "INSERT INTO units(id, site_id, name) VALUES ($id, $site, $name) ON CONFLICT(id) DO UPDATE SET site_id = excluded.site_id, name = excluded.name", ct, ("$id", u.Id), ("$site", file.Site.Id), ("$name", u.Name)).ConfigureAwait(false);
                }

                foreach (var r in file.Rooms)
                {
                    await Sql.ExecuteAsync(connection, tx, "INSERT INTO rooms(id, unit_id, name) VALUES ($id, $unit, $name) ON CONFLICT(id) DO UPDATE SET unit_id = excluded.unit_id, name = excluded.name", ct, ("$id", r.Id), ("$unit", r.Unit), ("$name", r.Name)).ConfigureAwait(false);
                }

                await Sql.ExecuteAsync(connection, tx, "UPDATE devices SET active = 0", ct).ConfigureAwait(false);
                await Sql.ExecuteAsync(connection, tx, "UPDATE residents SET active = 0", ct).ConfigureAwait(false);
                await Sql.ExecuteAsync(connection, tx, "UPDATE staff SET active = 0", ct).ConfigureAwait(false);
                foreach (var r in file.Residents)
                {
                    // Sensitivity in the file only seeds a new resident; later changes go through the audited settings path.
                    await Sql.ExecuteAsync(connection, tx, "INSERT INTO residents(id, name, room_id, sensitivity, active) VALUES ($id, $name, $room, $s, 1) ON CONFLICT(id) DO UPDATE SET name = excluded.name, room_id = excluded.room_id, active = 1", ct, ("$id", r.Id), ("$name", r.Name), ("$room", r.Room), ("$s", r.Sensitivity)).ConfigureAwait(false);
                }

                foreach (var s in file.Staff)
                {
                    await Sql.ExecuteAsync(connection, tx, "INSERT INTO staff(id, name, role, active) VALUES ($id, $name, $role, 1) ON CONFLICT(id) DO UPDATE SET name = excluded.name, role = excluded.role, active = 1", ct, ("$id", s.Id), ("$name", s.Name), ("$role", s.Role)).ConfigureAwait(false);
                }

                foreach (var d in file.Devices)
                {
                    await Sql.ExecuteAsync(connection, tx, "INSERT INTO devices(id, resident_id, active) VALUES ($id, $res, 1) ON CONFLICT(id) DO UPDATE SET resident_id = excluded.resident_id, active = 1", ct, ("$id", d.Id), ("$res", d.Resident)).ConfigureAwait(false);
                }

                await Sql.ExecuteAsync(connection, tx, "INSERT INTO settings_audit(at, subject, setting, old_value, new_value, actor, channel) VALUES ($at, $site, 'registry.import', NULL, $summary, $actor, 'registry')", ct,
                    ("$at", DbTime.ToText(time.GetUtcNow())), ("$site", file.Site.Id), ("$summary", $"{file.Residents.Count} residents, {file.Devices.Count} devices, {file.Staff.Count} staff"), ("$actor", actor)).ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);
            }
        }

        Log.Imported(logger, file.Site.Id, file.Residents.Count, file.Devices.Count, file.Staff.Count);
        await ReloadAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Reads the registry tables into a new snapshot.</summary>
    public async Task ReloadAsync(CancellationToken ct = default)
    {
        var byDevice = new Dictionary<string, DeviceAssignment>(StringComparer.Ordinal);
        var staff = new Dictionary<string, StaffMember>(StringComparer.Ordinal);
        string? siteId = null;
        var connection = await database.OpenAsync(ct).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await using (var cmd = connection.CreateCommand())
            {
                cmd.CommandText = """
                    SELECT d.id, r.id, r.name, r.room_id, rm.name, rm.unit_id, r.sensitivity
                    FROM devices d
                    JOIN residents r ON r.id = d.resident_id AND r.active = 1
                    LEFT JOIN rooms rm ON rm.id = r.room_id
                    WHERE d.active = 1
                    """;
                await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    var a = new DeviceAssignment(
                        reader.GetString(0), reader.GetString(1), reader.GetString(2),
                        reader.IsDBNull(3) ? null : reader.GetString(3),
                        reader.IsDBNull(4) ? null : reader.GetString(4),
                        reader.IsDBNull(5) ? null : reader.GetString(5),
                        reader.IsDBNull(6) ? null : reader.GetDouble(6));
                    byDevice[a.DeviceId] = a;
                }
            }

            await using (var cmd = connection.CreateCommand())
            {
                cmd.CommandText = "SELECT id, name, role FROM staff WHERE active = 1";
                await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    staff[reader.GetString(0)] = new StaffMember(reader.GetString(0), reader.GetString(1), reader.GetString(2));
                }
            }

            await using (var cmd = connection.CreateCommand())
            {
                cmd.CommandText = "SELECT id FROM sites ORDER BY id LIMIT 1";
                siteId = await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;
            }
        }

        var old = Volatile.Read(ref _snapshot);
        var next = new Snapshot(
            siteId,
            old.Version + 1,
            byDevice.ToFrozenDictionary(StringComparer.Ordinal),
            byDevice.Values.ToFrozenDictionary(a => a.ResidentId, StringComparer.Ordinal),
            staff.ToFrozenDictionary(StringComparer.Ordinal));
        Volatile.Write(ref _snapshot, next);
        Log.Loaded(logger, siteId ?? "(none)", byDevice.Count, staff.Count);
    }

    private sealed record Snapshot(
        string? SiteId,
        int Version,
        FrozenDictionary<string, DeviceAssignment> ByDevice,
        FrozenDictionary<string, DeviceAssignment> ByResident,
        FrozenDictionary<string, StaffMember> Staff)
    {
        public static readonly Snapshot Empty = new(
            null, 0, FrozenDictionary<string, DeviceAssignment>.Empty, FrozenDictionary<string, DeviceAssignment>.Empty, FrozenDictionary<string, StaffMember>.Empty);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.RegistryImported, Level = LogLevel.Information, Message = "Registry imported for site {SiteId}: {Residents} residents, {Devices} devices, {Staff} staff")]
        public static partial void Imported(ILogger logger, string siteId, int residents, int devices, int staff);

        [LoggerMessage(EventId = EventIds.RegistryLoaded, Level = LogLevel.Information, Message = "Registry loaded: site {SiteId}, {Devices} assigned devices, {Staff} staff")]
        public static partial void Loaded(ILogger logger, string siteId, int devices, int staff);
    }
}
